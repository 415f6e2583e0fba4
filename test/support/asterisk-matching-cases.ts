// Frame scripts that pin down how Asterisk 22 matches frames to dialogs (the rules test/support/asterisk-model.ts
// models, M-1…M-6). Each case drives a peer through exact frames and checks what it answers and which dialogs it
// then holds. test/unit/iax2/transport/asterisk-model.test.ts runs them against the model, and
// test/interop/asterisk-matching.test.ts against the real Asterisk 22: the same expectations must hold in both, which
// is what lets the fake-time set-up tests trust the model.
import { md5Response } from '../../electron/core/iax2/auth.js';
import { IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../../electron/core/iax2/wire/types.js';
import type { RawFrame } from './raw-iax-client.js';

/** A peer under test, as the cases see it: frames in, frames out, and `iax2 show channels`. */
export interface MatchingPeer {
  send(f: RawFrame): void;
  sendMini(sourceCall: number, timestamp: number, payload: Uint8Array): void;
  /** Every full frame received so far. */
  readonly received: readonly FullFrame[];
  /** Waits (real peer) or checks (model) until a received frame matches. */
  next(what: string, pred: (f: FullFrame) => boolean): Promise<FullFrame>;
  /** Lets the peer process what was sent (real peer: a short wait). */
  settle(): Promise<void>;
  /** Live dialogs: the peer's call number and ours. */
  channels(): Promise<Array<{ lo: number; rem: number }>>;
}

export interface MatchingCase {
  readonly name: string;
  /** Throws (expect) when the peer does not behave as Asterisk 22 is modelled. */
  run(peer: MatchingPeer, expect: Expect): Promise<void>;
}

/** The slice of vitest's expect the cases use (passed in, so this module does not import vitest). */
export type Expect = (actual: unknown) => { toBe(v: unknown): void; toEqual(v: unknown): void; not: { toBe(v: unknown): void } };

const USER = 'alice';
const SECRET = 'alice-secret';
export const MATCHING_USERS: Readonly<Record<string, string>> = { [USER]: SECRET };

const newIes = (token: Uint8Array, subclass: number) => subclass === IaxSubclass.NEW
  ? [...new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '601').string(IeType.USERNAME, USER)
    .u32(IeType.FORMAT, 4).u32(IeType.CAPABILITY, 4).bytes(IeType.CALLTOKEN, token).raw()]
  : [...new IeWriter().string(IeType.USERNAME, USER).u16(IeType.REFRESH, 60).bytes(IeType.CALLTOKEN, token).raw()];

const ie = (f: FullFrame, type: number): Uint8Array => {
  const r = IeReader.fromPayload(f.payload);
  const v = r.ok ? r.value.bytes(type) : undefined;
  if (!v) throw new Error(`frame ${f.subclass} has no IE ${type}`);
  return v;
};
const iax = (sub: number, to: number) => (f: FullFrame): boolean => f.frameType === FrameType.IAX && f.subclass === sub && f.destCall === to;

/** A token for our address (probe with an empty CALLTOKEN IE from `ours`). */
async function token(peer: MatchingPeer, ours: number, subclass: number): Promise<Uint8Array> {
  peer.send({ sourceCall: ours, subclass, ies: newIes(new Uint8Array(0), subclass) });
  return ie(await peer.next('CALLTOKEN', iax(IaxSubclass.CALLTOKEN, ours)), IeType.CALLTOKEN);
}

/** The opening frame with a token, sent twice from `ours` (the second copy a retransmission): two server dialogs. */
async function twoDialogs(peer: MatchingPeer, ours: number, subclass = IaxSubclass.NEW): Promise<{ a: FullFrame; b: FullFrame; token: Uint8Array }> {
  const challenge = subclass === IaxSubclass.NEW ? IaxSubclass.AUTHREQ : IaxSubclass.REGAUTH;
  const t = await token(peer, ours, subclass);
  peer.send({ sourceCall: ours, subclass, ies: newIes(t, subclass), timestamp: 5 });
  const a = await peer.next('first challenge', iax(challenge, ours));
  peer.send({ sourceCall: ours, subclass, ies: newIes(t, subclass), timestamp: 5, retransmit: true });
  const b = await peer.next('second challenge', (f) => iax(challenge, ours)(f) && f.sourceCall !== a.sourceCall);
  return { a, b, token: t };
}

const ofOurs = async (peer: MatchingPeer, ours: number): Promise<number[]> =>
  (await peer.channels()).filter((c) => c.rem === ours).map((c) => c.lo).sort((x, y) => x - y);

const authRep = (ours: number, d: FullFrame) => ({
  sourceCall: ours, destCall: d.sourceCall, subclass: IaxSubclass.AUTHREP, oseqno: 1, iseqno: 1, timestamp: 30,
  ies: [...new IeWriter().string(IeType.MD5_RESULT, md5Response(ie(d, IeType.CHALLENGE), SECRET)).raw()],
});

/** Our call numbers in the cases: 2101-2199, one set per case. */
const OURS = (n: number): boolean => n > 2100 && n < 2200;

/**
 * INVALs every dialog the cases left behind. Asterisk counts a dialog that sent AUTHREQ and heard nothing against
 * the user's `maxauthreq` (3 by default, authenticate_request()) until it is destroyed; without this the fourth case
 * is refused with "Unauthenticated call limit reached".
 */
export async function cleanUpMatching(peer: MatchingPeer): Promise<void> {
  for (const c of await peer.channels()) if (OURS(c.rem)) peer.send({ sourceCall: c.rem, destCall: c.lo, subclass: IaxSubclass.INVAL });
  await peer.settle();
}

export const MATCHING_CASES: readonly MatchingCase[] = [
  {
    name: 'M-2: a NEW with a valid token opens a new dialog every time, even from the same call number',
    async run(peer, expect) {
      const { a, b } = await twoDialogs(peer, 2101);
      expect(a.sourceCall).not.toBe(b.sourceCall);
      expect(await ofOurs(peer, 2101)).toEqual([a.sourceCall, b.sourceCall].sort((x, y) => x - y));
    },
  },
  {
    name: 'M-2: so does a REGREQ with a valid token',
    async run(peer, expect) {
      const { a, b } = await twoDialogs(peer, 2102, IaxSubclass.REGREQ);
      expect(await ofOurs(peer, 2102)).toEqual([a.sourceCall, b.sourceCall].sort((x, y) => x - y));
    },
  },
  {
    name: 'M-2: a token is not tied to a call number: another number may use it',
    async run(peer, expect) {
      const t = await token(peer, 2103, IaxSubclass.NEW);
      peer.send({ sourceCall: 2104, subclass: IaxSubclass.NEW, ies: newIes(t, IaxSubclass.NEW), timestamp: 5 });
      const challenge = await peer.next('AUTHREQ for the other number', iax(IaxSubclass.AUTHREQ, 2104));
      expect(await ofOurs(peer, 2104)).toEqual([challenge.sourceCall]);
      expect(await ofOurs(peer, 2103)).toEqual([]);
    },
  },
  {
    name: 'M-1/M-5: a frame with the right dcallno reaches that dialog (AUTHREP to the second one is accepted)',
    async run(peer, expect) {
      const { b } = await twoDialogs(peer, 2105);
      peer.send(authRep(2105, b));
      const accept = await peer.next('ACCEPT', iax(IaxSubclass.ACCEPT, 2105));
      expect(accept.sourceCall).toBe(b.sourceCall);
    },
  },
  {
    name: 'M-3/M-5: an INVAL with dcallno 0 destroys the older dialog of our number, and only that one',
    async run(peer, expect) {
      const { a, b } = await twoDialogs(peer, 2106);
      peer.send({ sourceCall: 2106, destCall: 0, subclass: IaxSubclass.INVAL });
      await peer.settle();
      expect(await ofOurs(peer, 2106)).toEqual([b.sourceCall]);
      expect(a.sourceCall).not.toBe(b.sourceCall);
    },
  },
  {
    name: 'M-3: an INVAL for a dialog that is gone lands on the other dialog of our number',
    async run(peer, expect) {
      const { a, b } = await twoDialogs(peer, 2107);
      peer.send({ sourceCall: 2107, destCall: b.sourceCall, subclass: IaxSubclass.INVAL });
      await peer.settle();
      expect(await ofOurs(peer, 2107)).toEqual([a.sourceCall]);
      peer.send({ sourceCall: 2107, destCall: b.sourceCall, subclass: IaxSubclass.INVAL });
      await peer.settle();
      expect(await ofOurs(peer, 2107)).toEqual([]);
    },
  },
  {
    name: 'M-3: mini frames go to the older dialog of our number, not to the answered one',
    async run(peer, expect) {
      const { a, b } = await twoDialogs(peer, 2108);
      peer.send(authRep(2108, b));
      await peer.next('ANSWER', (f) => f.frameType === FrameType.CONTROL && f.subclass === ControlSubclass.ANSWER && f.destCall === 2108);
      const before = peer.received.length;
      for (let i = 0; i < 3; i++) peer.sendMini(2108, 100 + 20 * i, new Uint8Array(160).fill(0xff));
      // The older dialog never had a full voice frame: it asks for one (VNAK). The answered one heard nothing.
      const vnak = await peer.next('VNAK for the mini frames', (f) => iax(IaxSubclass.VNAK, 2108)(f) && peer.received.indexOf(f) >= before);
      expect(vnak.sourceCall).toBe(a.sourceCall);
    },
  },
  {
    name: 'M-7: a user\'s fourth unanswered AUTHREQ is refused (maxauthreq = 3)',
    async run(peer, expect) {
      for (const ours of [2110, 2111, 2112]) {
        peer.send({ sourceCall: ours, subclass: IaxSubclass.NEW, ies: newIes(await token(peer, ours, IaxSubclass.NEW), IaxSubclass.NEW), timestamp: 5 });
        await peer.next('AUTHREQ', iax(IaxSubclass.AUTHREQ, ours));
      }
      peer.send({ sourceCall: 2113, subclass: IaxSubclass.NEW, ies: newIes(await token(peer, 2113, IaxSubclass.NEW), IaxSubclass.NEW), timestamp: 5 });
      const reject = await peer.next('REJECT', iax(IaxSubclass.REJECT, 2113));
      expect(new TextDecoder().decode(ie(reject, IeType.CAUSE))).toBe('Unauthenticated call limit reached');
      expect(reject.sourceCall).not.toBe(1);
    },
  },
  {
    name: 'M-5: a VNAK makes Asterisk resend at once what we have not acknowledged',
    async run(peer, expect) {
      peer.send({ sourceCall: 2109, subclass: IaxSubclass.NEW, ies: newIes(await token(peer, 2109, IaxSubclass.NEW), IaxSubclass.NEW), timestamp: 5 });
      const a = await peer.next('AUTHREQ', iax(IaxSubclass.AUTHREQ, 2109));
      peer.send(authRep(2109, a));
      await peer.next('ACCEPT', iax(IaxSubclass.ACCEPT, 2109));
      const before = peer.received.filter(iax(IaxSubclass.ACCEPT, 2109)).length;
      peer.send({ sourceCall: 2109, destCall: a.sourceCall, subclass: IaxSubclass.VNAK, oseqno: 2, iseqno: 1, timestamp: 40 });
      await peer.next('ACCEPT again', () => peer.received.filter(iax(IaxSubclass.ACCEPT, 2109)).length > before);
      expect(peer.received.filter(iax(IaxSubclass.ACCEPT, 2109)).length).toBe(before + 1);
    },
  },
];
