// Registration timing and decisions on a virtual clock (spec §5.4, A-1..A-5, N-3), driven through the engine with an
// in-memory socket: refresh at 5/6 of REFRESH in a new dialog, back-off 10/20/40/60 s, give-up after ≈32 s,
// REGREL answering REGAUTH with REGREL, MD5 test vector, incoming-call gating (C-10), TXREQ and unknown subclasses.
import { beforeEach, describe, expect, it } from 'vitest';
import { md5Response, answerChallenge } from '../../../../electron/core/iax2/auth.js';
import type { AccountConfig, CallHandle, RegistrationState } from '../../../../electron/core/iax2/engine-api.js';
import { createIax2Engine, type Iax2EngineImpl } from '../../../../electron/core/iax2/engine.js';
import type { CallManager, CallManagerFactory } from '../../../../electron/core/iax2/transport/call-host.js';
import type { Dialog } from '../../../../electron/core/iax2/transport/dialog.js';
import { encodeApparentAddr, IeReader, IeWriter } from '../../../../electron/core/iax2/wire/ies.js';
import { AuthMethod, FrameType, IaxSubclass, IeType, type FullFrame } from '../../../../electron/core/iax2/wire/types.js';
import type { Resolver } from '../../../../electron/core/ports.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { frame, MemorySocket, SeededRandom } from '../transport/helpers.js';

const SERVER = { address: '10.0.0.1', port: 4569 };
const OTHER = { address: '10.0.0.2', port: 4569 };
const ACCOUNT: AccountConfig = { id: 'a', server: '10.0.0.1', username: '1001', secret: 'secret' };
const noDns: Resolver = { resolve: async (h) => { throw new Error(`cannot resolve "${h}"`); } };

let clock: FakeClock;
let socket: MemorySocket;
let engine: Iax2EngineImpl;
let states: RegistrationState[];
let incoming: Array<{ dialog: Dialog; frame: FullFrame }>;

/** A call layer that records incoming NEWs (the engine's gating is what is under test here). */
const recordingCalls: CallManagerFactory = () => {
  const m: CallManager = {
    dial: () => { throw new Error('not used'); },
    incoming: (dialog, f) => { incoming.push({ dialog, frame: f }); return undefined; },
    calls: () => [] as CallHandle[],
    hangupAll: async () => undefined,
  };
  return m;
};

const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

beforeEach(() => {
  clock = new FakeClock();
  socket = new MemorySocket();
  states = [];
  incoming = [];
  engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock, random: new SeededRandom(11), resolver: noDns, keepaliveMs: 0, callManager: recordingCalls });
  engine.on('registration', (s) => states.push(s));
});

const lastSent = (): FullFrame => {
  const f = socket.fullFrames().at(-1);
  if (!f) throw new Error('nothing sent');
  return f;
};

/** Plays the server: REGAUTH for the opening REGREQ/REGREL, then REGACK (or REGREJ) for the credentials. */
function serverAnswers(result: 'ack' | 'rej', refresh = 60, apparent = { address: '198.51.100.7', port: 40000 }): void {
  const opening = lastSent();
  const serverCall = 500 + (opening.sourceCall % 100);
  socket.deliver(frame({ sourceCall: serverCall, destCall: opening.sourceCall, timestamp: 10, oseqno: 0, iseqno: 1,
    frameType: FrameType.IAX, subclass: IaxSubclass.REGAUTH,
    payload: new IeWriter().u16(IeType.AUTHMETHODS, AuthMethod.MD5).string(IeType.CHALLENGE, '123456789').string(IeType.USERNAME, '1001').finish() }), SERVER);
  const creds = lastSent();
  const w = new IeWriter().string(IeType.USERNAME, '1001');
  if (result === 'ack') w.u16(IeType.REFRESH, refresh).bytes(IeType.APPARENT_ADDR, encodeApparentAddr(apparent)).u16(IeType.MSGCOUNT, 0x0203);
  else w.string(IeType.CAUSE, 'Registration Refused').u8(IeType.CAUSECODE, 29);
  socket.deliver(frame({ sourceCall: serverCall, destCall: creds.sourceCall, timestamp: 20, oseqno: 1, iseqno: 2,
    frameType: FrameType.IAX, subclass: result === 'ack' ? IaxSubclass.REGACK : IaxSubclass.REGREJ, payload: w.finish() }), SERVER);
}

describe('MD5 answer (spec §5.1, A-1)', () => {
  it('matches the spec test vector and prefers MD5 over plaintext', () => {
    expect(md5Response(new TextEncoder().encode('123456789'), 'secret')).toBe('7ccde16e862dfe7681297713e9e9cadb');
    const a = answerChallenge(AuthMethod.MD5 | AuthMethod.PLAINTEXT, new TextEncoder().encode('1'), 's', ['md5', 'plaintext']);
    expect(a.ok && a.method).toBe('md5');
    expect(answerChallenge(AuthMethod.PLAINTEXT, undefined, 's').ok).toBe(false);
    const p = answerChallenge(AuthMethod.PLAINTEXT, undefined, 's', ['plaintext']);
    expect(p.ok && p.ie.type).toBe(IeType.PASSWORD);
  });
  it('an auth=plaintext Asterisk peer on an md5-only account: the reason says how to allow plaintext', () => {
    const r = answerChallenge(AuthMethod.PLAINTEXT, undefined, 's');
    expect(r.ok ? '' : r.reason).toContain('--auth plaintext');
    // Asterisk offers the same to a user name it does not know (the last method it saw): the user name comes first.
    expect(r.ok ? '' : r.reason).toMatch(/user name it does not know: check the user name first/);
    // … but not when plaintext is not the problem.
    const rsa = answerChallenge(AuthMethod.RSA, undefined, 's');
    expect(rsa.ok ? '' : rsa.reason).not.toContain('--auth plaintext');
  });
});

describe('registration cycle on a virtual clock', () => {
  it('registers, then refreshes at 5/6 of REFRESH with a new call number', async () => {
    engine.setAccounts([ACCOUNT]);
    await flush();
    const first = lastSent();
    expect(first).toMatchObject({ subclass: IaxSubclass.REGREQ, destCall: 0 });
    serverAnswers('ack', 60);
    const creds = socket.fullFrames().filter((f) => f.subclass === IaxSubclass.REGREQ).at(-1);
    const md5 = creds && IeReader.fromPayload(creds.payload);
    expect(md5 && md5.ok && md5.value.string(IeType.MD5_RESULT)).toBe('7ccde16e862dfe7681297713e9e9cadb');
    expect(states.at(-1)).toMatchObject({ status: 'registered', refreshSeconds: 60, messages: { old: 2, new: 3 },
      apparentAddress: { address: '198.51.100.7', port: 40000 } });
    socket.clear();
    clock.advance(49_999);
    await flush();
    expect(socket.fullFrames().filter((f) => f.subclass === IaxSubclass.REGREQ)).toHaveLength(0);
    clock.advance(1);
    await flush();
    const refresh = lastSent();
    expect(refresh).toMatchObject({ subclass: IaxSubclass.REGREQ, destCall: 0, oseqno: 0 });
    expect(refresh.sourceCall).not.toBe(first.sourceCall);
  });

  it('backs off 10, 20, 40, 60, 60 s after rejections', async () => {
    engine.setAccounts([ACCOUNT]);
    await flush();
    const gaps: number[] = [];
    let last = clock.now();
    for (let i = 0; i < 5; i++) {
      serverAnswers('rej');
      expect(states.at(-1)?.error?.code).toBe('auth-failed');
      const next = states.at(-1)?.nextAttemptAt ?? 0;
      socket.clear();
      clock.advance(next - clock.now());
      await flush();
      expect(lastSent().subclass).toBe(IaxSubclass.REGREQ);
      gaps.push(clock.now() - last);
      last = clock.now();
    }
    expect(gaps).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('gives up on a silent server after ≈32 s and names the address', async () => {
    engine.setAccounts([ACCOUNT]);
    await flush();
    const t0 = clock.now();
    clock.advance(31_999);
    expect(states.at(-1)?.status).toBe('registering');
    clock.advance(1);
    expect(states.at(-1)?.status).toBe('failed');
    expect(states.at(-1)?.error?.code).toBe('no-answer');
    expect(states.at(-1)?.error?.message).toContain('10.0.0.1:4569');
    expect(clock.now() - t0).toBe(32_000);
    // No token ever came, so no restart: every REGREQ is the probe, from one call number, at growing intervals.
    const probes = socket.fullFrames().filter((f) => f.subclass === IaxSubclass.REGREQ);
    expect(new Set(probes.map((f) => f.sourceCall)).size).toBe(1);
    const gaps = probes.slice(1).map((f, i) => f.timestamp - probes[i].timestamp);
    expect(gaps.every((g, i) => i === 0 || g >= gaps[i - 1])).toBe(true);
    expect(probes.length).toBeGreaterThan(4);
  });

  it('waits for a delayed REGREJ (delayreject=yes: ~1 s late) instead of timing out (spec P23)', async () => {
    engine.setAccounts([ACCOUNT]);
    await flush();
    const opening = lastSent();
    socket.deliver(frame({ sourceCall: 600, destCall: opening.sourceCall, timestamp: 10, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.REGAUTH,
      payload: new IeWriter().u16(IeType.AUTHMETHODS, AuthMethod.MD5).string(IeType.CHALLENGE, '123456789').finish() }), SERVER);
    const creds = lastSent();
    expect(creds.subclass).toBe(IaxSubclass.REGREQ); // REGAUTH answered with the subclass that opened the dialog
    // Asterisk holds the verdict back; our credentials may be retransmitted meanwhile, but nothing gives up.
    clock.advance(2_900);
    await flush();
    expect(states.at(-1)?.status).toBe('registering');
    socket.deliver(frame({ sourceCall: 600, destCall: creds.sourceCall, timestamp: 2_910, oseqno: 1, iseqno: 2,
      frameType: FrameType.IAX, subclass: IaxSubclass.REGREJ,
      payload: new IeWriter().string(IeType.CAUSE, 'Registration Refused').u8(IeType.CAUSECODE, 29).finish() }), SERVER);
    expect(states.at(-1)?.error?.code).toBe('auth-failed');
  });

  it('answers REGAUTH with REGREL when unregistering at shutdown (A-3, A-5)', async () => {
    engine.setAccounts([ACCOUNT]);
    await flush();
    serverAnswers('ack');
    socket.clear();
    const done = engine.shutdown();
    await flush();
    expect(lastSent()).toMatchObject({ subclass: IaxSubclass.REGREL, destCall: 0 });
    serverAnswers('ack');
    await done;
    const rels = socket.fullFrames().filter((f) => f.subclass === IaxSubclass.REGREL);
    expect(rels).toHaveLength(2);
    // K-1: REGREL opens its dialog with the empty CALLTOKEN IE last, like NEW and REGREQ.
    const opening = IeReader.fromPayload(rels[0].payload);
    expect(opening.ok && opening.value.ies.at(-1)).toEqual({ type: IeType.CALLTOKEN, data: new Uint8Array(0) });
    const ies = IeReader.fromPayload(rels[1].payload);
    expect(ies.ok && ies.value.has(IeType.MD5_RESULT)).toBe(true);
    expect(states.at(-1)?.status).toBe('unregistered');
  });

  it('re-registers the other accounts when APPARENT_ADDR changes (N-3)', async () => {
    engine.setAccounts([ACCOUNT, { ...ACCOUNT, id: 'b', server: '10.0.0.2' }]);
    await flush();
    // Register both (the last REGREQ sent belongs to b, the one before to a): answer them in turn.
    const regreqs = socket.fullFrames().filter((f) => f.subclass === IaxSubclass.REGREQ);
    expect(regreqs).toHaveLength(2);
    // Answer account b from OTHER, then a from SERVER.
    const answer = (opening: FullFrame, from: typeof SERVER, apparent: string): void => {
      socket.deliver(frame({ sourceCall: 900, destCall: opening.sourceCall, timestamp: 1, oseqno: 0, iseqno: 1,
        frameType: FrameType.IAX, subclass: IaxSubclass.REGACK,
        payload: new IeWriter().u16(IeType.REFRESH, 60).bytes(IeType.APPARENT_ADDR, encodeApparentAddr({ address: apparent, port: 1 })).finish() }), from);
    };
    answer(regreqs[1], OTHER, '198.51.100.1');
    answer(regreqs[0], SERVER, '198.51.100.1');
    expect(engine.registrations().map((s) => s.status)).toEqual(['registered', 'registered']);
    clock.advance(50_000);
    await flush();
    // Both refreshed at 50 s: answer b with the same public address, a with a new one.
    const sentTo = (to: typeof SERVER): FullFrame[] => socket.sent
      .filter((x) => x.to.address === to.address)
      .map((x) => socket.fullFrames(socket.sent.indexOf(x))[0])
      .filter((f) => f.subclass === IaxSubclass.REGREQ);
    answer(sentTo(OTHER).at(-1) as FullFrame, OTHER, '198.51.100.1');
    expect(engine.registrations().find((s) => s.accountId === 'b')?.status).toBe('registered');
    const before = sentTo(OTHER).length;
    answer(sentTo(SERVER).at(-1) as FullFrame, SERVER, '203.0.113.9');
    await flush();
    // b re-registers at once instead of waiting 50 s.
    expect(sentTo(OTHER).length).toBe(before + 1);
    expect(engine.registrations().find((s) => s.accountId === 'b')?.status).toBe('registering');
  });
});

describe('incoming calls and odd frames (C-10, §2.2)', () => {
  async function registered(): Promise<void> {
    engine.setAccounts([ACCOUNT]);
    await flush();
    serverAnswers('ack');
    socket.clear();
  }

  it('takes a NEW only from the server we register with, unless direct calls are enabled', async () => {
    await registered();
    const newFrame = (src: number): Uint8Array => frame({ sourceCall: src, destCall: 0, frameType: FrameType.IAX, subclass: IaxSubclass.NEW,
      payload: new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '1001').finish() });
    socket.deliver(newFrame(700), OTHER);
    expect(incoming).toHaveLength(0);
    expect(socket.sent).toHaveLength(0);
    socket.deliver(newFrame(701), { address: SERVER.address, port: 9999 }); // right host, wrong port
    expect(incoming).toHaveLength(0);
    socket.deliver(newFrame(702), SERVER);
    expect(incoming).toHaveLength(1);
    expect(incoming[0].dialog.remoteCall).toBe(702);
    // The call layer sent nothing: the transport ACKed the NEW itself.
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, destCall: 702, iseqno: 1 }]);
    // Direct calls: a caller without call-token support only with the opt-in (docs/security.md §7.3).
    engine.setAcceptDirectCalls(true);
    socket.deliver(newFrame(703), OTHER);
    expect(incoming).toHaveLength(1);
    engine.setAcceptDirectCalls(true, undefined, 'optional');
    socket.deliver(newFrame(704), OTHER);
    expect(incoming).toHaveLength(2);
  });

  it('answers TXREQ with TXREJ and an unknown IAX subclass with UNSUPPORT', async () => {
    await registered();
    socket.deliver(frame({ sourceCall: 702, destCall: 0, frameType: FrameType.IAX, subclass: IaxSubclass.NEW }), SERVER);
    const d = incoming[0].dialog;
    socket.clear();
    socket.deliver(frame({ sourceCall: 702, destCall: d.localCall, oseqno: 1, iseqno: 1, timestamp: 50, frameType: FrameType.IAX, subclass: IaxSubclass.TXREQ }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.TXREJ, destCall: 702, iseqno: 2 }]);
    socket.clear();
    socket.deliver(frame({ sourceCall: 702, destCall: d.localCall, oseqno: 2, iseqno: 2, timestamp: 60, frameType: FrameType.IAX, subclass: 45 }), SERVER);
    const [unsupport] = socket.fullFrames();
    expect(unsupport).toMatchObject({ subclass: IaxSubclass.UNSUPPORT, iseqno: 3 });
    const ies = IeReader.fromPayload(unsupport.payload);
    expect(ies.ok && ies.value.u8(IeType.IAX_UNKNOWN)).toBe(45);
  });
});
