// Call and registration set-up under loss against the Asterisk model (test/support/asterisk-model.ts, checked
// against the real Asterisk 22 by test/interop/asterisk-matching.test.ts), in fake time: the real engine (call
// layer, registrar, transport) on a seeded lossy link. What must hold (docs/decisions.md D-29):
// the server never ends up with two dialogs for the call number we talk on, our voice reaches the answered dialog
// and no other, the answered dialog is never destroyed by us, every stray dialog is gone soon after, and set-up is
// fast (the network-level figures against the real Asterisk are in test/interop/setup-loss.test.ts and the bench).
import { describe, expect, it } from 'vitest';
import { createIax2Engine } from '../../../../electron/core/iax2/engine.js';
import type { CallHandle, RegistrationState } from '../../../../electron/core/iax2/engine-api.js';
import { decodeDatagram } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { ControlSubclass, FrameType, IaxSubclass } from '../../../../electron/core/iax2/wire/types.js';
import { AsteriskModel, LinkedSocket, lossyLink, type AsteriskModelOptions, type LossyLinkOptions } from '../../../support/asterisk-model.js';
import { percentile } from '../../../support/echo-calls.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { seededRandom, SeededRng } from '../../../support/seeded-random.js';

const SERVER = { address: '127.0.0.1', port: 4569 };
const LOSSY = { lossRate: 0.2, jitterMs: 40, duplicateRate: 0.02 };
const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

type Decide = LossyLinkOptions['decide'];
interface RigOptions {
  readonly seed: number;
  readonly rates?: Partial<typeof LOSSY>;
  readonly toServer?: Decide;
  readonly toClient?: Decide;
  readonly model?: Partial<Pick<AsteriskModelOptions, 'tokenLifetimeS' | 'maxAuthReq'>>;
}

function rig(o: RigOptions) {
  const clock = new FakeClock(0);
  const random = seededRandom(o.seed);
  const rates = { ...LOSSY, ...o.rates };
  const socket = new LinkedSocket();
  const toClient = lossyLink({ clock, random, ...rates, decide: o.toClient }, (b) => socket.deliver(b, SERVER));
  const model = new AsteriskModel({ clock, users: { alice: 'pw' }, send: (b) => toClient(b), ...o.model });
  const toServer = lossyLink({ clock, random, ...rates, decide: o.toServer }, (b) => model.receive(b, socket.local));
  socket.out = (b) => toServer(b);
  const engine = createIax2Engine({ socket, clock, random: new SeededRng(o.seed), keepaliveMs: 0,
    resolver: { resolve: async () => ['127.0.0.1'] } });
  /** Runs fake time in small steps (letting promises settle) until `done` or `ms` pass; returns the time taken. */
  const run = async (ms: number, done: () => boolean = () => false): Promise<number> => {
    const t0 = clock.now();
    await flush();
    while (!done() && clock.now() - t0 < ms) {
      const next = clock.nextAt() ?? Infinity;
      clock.advance(Math.max(0, Math.min(next, t0 + ms) - clock.now()));
      await flush();
    }
    return clock.now() - t0;
  };
  return { clock, model, engine, run };
}

/** One call to the model's Echo: set-up time, then 2 s of voice, then hang-up; what the server saw. */
async function echoCall(o: RigOptions) {
  const { model, engine, run } = rig(o);
  engine.setAccounts([{ id: 'a', server: `${SERVER.address}:${SERVER.port}`, username: 'alice', secret: 'pw', register: false, codecs: ['ulaw'] }]);
  const call: CallHandle = engine.dial({ accountId: 'a', number: '601' });
  const setupMs = await run(10_000, () => call.state === 'up' || call.state === 'ended');
  const up = call.state === 'up';
  let sent = 0;
  for (let i = 0; up && i < 100 && call.state === 'up'; i++) { call.sendVoice(new Uint8Array(160), 20); sent++; await run(20); }
  const answered = model.dialogs.filter((d) => d.state === 'up');
  const live = answered[0];
  const liveAliveDuringCall = live !== undefined && live.destroyedAt === undefined;
  const sharing = live ? model.alive().filter((d) => d.peercallno === live.peercallno).length : 0;
  call.hangup();
  await run(60_000); // the HANGUP, then every stray's retransmissions run out or meet our INVAL
  await engine.shutdown();
  return { up, setupMs, answered, live, liveAliveDuringCall, sharing, sent, model };
}

describe('outgoing call set-up against the Asterisk model, 20 % loss + 40 ms jitter + 2 % duplicates both ways', () => {
  it('50 seeded calls: all up within 10 s, median < 1 s; never two server dialogs on our number; voice only to the answered one', async () => {
    const times: number[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const r = await echoCall({ seed });
      expect(r.up, `seed ${seed}: up`).toBe(true);
      times.push(r.setupMs);
      // Exactly one server dialog was answered (Echo), it lived through the call, it was the only one holding our
      // call number, and it got our voice; no stray got any.
      expect(r.answered, `seed ${seed}: answered dialogs`).toHaveLength(1);
      expect(r.liveAliveDuringCall, `seed ${seed}: live dialog alive`).toBe(true);
      expect(r.sharing, `seed ${seed}: dialogs on our number`).toBe(1);
      expect(r.live!.voiceIn, `seed ${seed}: voice at the live dialog`).toBeGreaterThan(r.sent * 0.5);
      for (const d of r.model.dialogs.filter((x) => x !== r.live)) expect(d.voiceIn, `seed ${seed}: voice at a stray`).toBe(0);
      // Never refused for too many unanswered challenges (maxauthreq), and nothing left behind.
      expect(r.model.dialogs.filter((d) => d.state === 'rejected'), `seed ${seed}: refused`).toEqual([]);
      expect(r.model.alive(), `seed ${seed}: left alive`).toEqual([]);
      expect(r.live!.destroyedBy).toBe('hangup');
    }
    const median = percentile(times, 0.5);
    console.log(`model set-up under loss: median ${median} ms, p95 ${percentile(times, 0.95)} ms, max ${Math.max(...times)} ms`);
    expect(median).toBeLessThan(1000);
  }, 120_000);
});

const isIax = (sub: number, frameType: number = FrameType.IAX) => (b: Uint8Array): boolean => {
  const d = decodeDatagram(b);
  return d.ok && d.value.kind === 'full' && d.value.frameType === frameType && d.value.subclass === sub;
};
/** Drops the first `n` datagrams that match. */
const dropFirst = (n: number, match: (b: Uint8Array) => boolean): Decide => { let left = n; return (b) => (match(b) && left-- > 0 ? 'drop' : undefined); };
const CLEAN = { lossRate: 0, jitterMs: 0, duplicateRate: 0 };
const dropFirstAuthreqs = dropFirst(4, isIax(IaxSubclass.AUTHREQ)) as (b: Uint8Array) => 'drop' | 'dup' | undefined;

describe('the frames of set-up, one loss at a time (no other impairment)', () => {
  it('AUTHREQ lost: the set-up restarts from a new call number; the stray dialog is INVALed at once', async () => {
    const r = await echoCall({ seed: 1, rates: CLEAN, toClient: dropFirst(1, isIax(IaxSubclass.AUTHREQ)) });
    expect(r.up).toBe(true);
    const calls = r.model.dialogs;
    expect(calls).toHaveLength(2);
    expect(calls[0].peercallno).not.toBe(calls[1].peercallno);
    expect(calls[0].destroyedBy).toBe('inval');
    expect(calls[0].destroyedAt! - calls[0].createdAt).toBeLessThan(1000); // by the restart's INVAL, not its own retries
    expect(r.setupMs).toBeLessThan(1000);
  });

  it('the tokenised NEW lost: the same, and the first number never reached the server', async () => {
    const r = await echoCall({ seed: 2, rates: CLEAN, toServer: dropFirst(1, (b) => isIax(IaxSubclass.NEW)(b) && new TextDecoder().decode(b).includes('?')) });
    expect(r.up).toBe(true);
    expect(r.model.dialogs).toHaveLength(1);
    expect(r.setupMs).toBeLessThan(1000);
  });

  it('the NEW duplicated on the way: the second server dialog is told INVAL once, the call goes on', async () => {
    let dups = 0;
    const r = await echoCall({ seed: 3, rates: CLEAN, toServer: (b) => (isIax(IaxSubclass.NEW)(b) && new TextDecoder().decode(b).includes('?') && dups++ === 0 ? 'dup' : undefined) });
    expect(r.up).toBe(true);
    expect(r.model.dialogs).toHaveLength(2);
    expect(r.model.dialogs.map((d) => d.destroyedBy).sort()).toEqual(['hangup', 'inval']);
    expect(r.sharing).toBe(1);
  });

  it('AUTHREP lost: retransmitted after an RTO measured from the CALLTOKEN exchange, not after 2 s', async () => {
    const r = await echoCall({ seed: 4, rates: CLEAN, toServer: dropFirst(1, isIax(IaxSubclass.AUTHREP)) });
    expect(r.up).toBe(true);
    expect(r.setupMs).toBeLessThan(500);
  });

  it('ACCEPT, ANSWER and the indication stop all lost: a VNAK pulls them before Asterisk\'s own 2 s retransmission', async () => {
    const lost = (b: Uint8Array) => isIax(IaxSubclass.ACCEPT)(b) || isIax(ControlSubclass.ANSWER, FrameType.CONTROL)(b)
      || isIax(ControlSubclass.STOP_INDICATIONS, FrameType.CONTROL)(b);
    const r = await echoCall({ seed: 5, rates: CLEAN, toClient: dropFirst(3, lost) });
    expect(r.up).toBe(true);
    expect(r.setupMs).toBeLessThan(1000);
  });

  it('a reused token the server no longer accepts (calltokenexpiration 1 s): a fresh one is fetched', async () => {
    // The first four AUTHREQs lost: restarts reuse the token until the server refuses it, then probe again.
    let refusals = 0;
    const r = await echoCall({ seed: 6, rates: CLEAN, model: { tokenLifetimeS: 1 },
      toClient: (b) => {
        if (isIax(IaxSubclass.REJECT)(b)) refusals++;
        return dropFirstAuthreqs(b);
      } });
    expect(r.up).toBe(true);
    expect(refusals).toBeGreaterThan(0); // the stale token was refused statelessly at least once…
    expect(r.model.dialogs.filter((d) => d.state === 'rejected')).toEqual([]); // …and that was not the end of the call
  });
});

describe('registration set-up against the Asterisk model, 20 % loss + 40 ms jitter + 2 % duplicates', () => {
  it('30 seeded registrations: all registered within 10 s, one server dialog registered each, nothing left behind', async () => {
    const times: number[] = [];
    for (let seed = 101; seed <= 130; seed++) {
      const { model, engine, run } = rig({ seed });
      const states: RegistrationState[] = [];
      engine.on('registration', (s) => states.push(s));
      engine.setAccounts([{ id: 'a', server: `${SERVER.address}:${SERVER.port}`, username: 'alice', secret: 'pw' }]);
      const ms = await run(10_000, () => states.some((s) => s.status === 'registered' || s.status === 'failed'));
      expect(states.map((s) => s.status), `seed ${seed}`).toContain('registered');
      times.push(ms);
      await run(45_000); // before the refresh (at 5/6 of 60 s): every stray gone
      expect(model.dialogs.filter((d) => d.state === 'registered'), `seed ${seed}`).toHaveLength(1);
      expect(model.dialogs.filter((d) => d.state === 'rejected'), `seed ${seed}`).toEqual([]);
      expect(model.alive(), `seed ${seed}: left alive`).toEqual([]);
      let down = false;
      void engine.shutdown().then(() => { down = true; });
      await run(10_000, () => down);
    }
    console.log(`model registration under loss: median ${percentile(times, 0.5)} ms, p95 ${percentile(times, 0.95)} ms`);
    expect(percentile(times, 0.5)).toBeLessThan(1000);
  }, 120_000);
});
