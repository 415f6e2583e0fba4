// Registration end to end over real UDP on 127.0.0.1: our engine (dgram adapter, system clock) against the
// scripted server (test/support/scripted-peer.ts) playing Asterisk's part of spec §5.4.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DgramUdpBinder } from '../../electron/adapters/dgram-udp.js';
import { DnsResolver } from '../../electron/adapters/dns-resolver.js';
import { NodeRandom } from '../../electron/adapters/node-random.js';
import { SystemClock } from '../../electron/adapters/system-clock.js';
import type { AccountConfig, RegistrationState } from '../../electron/core/iax2/engine-api.js';
import { createIax2Engine, type EngineOptions, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { TraceEntry } from '../../electron/core/iax2/trace-types.js';
import type { UdpSocketPort } from '../../electron/core/ports.js';
import { IeReader } from '../../electron/core/iax2/wire/ies.js';
import { AuthMethod, FrameType, IaxSubclass, IeType, type Datagram } from '../../electron/core/iax2/wire/types.js';
import { DEFAULT_RETRANSMIT } from '../../electron/core/iax2/transport/retransmit-policy.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import { tsharkAvailable, tsharkCheckTrace } from '../support/tshark.js';
import { describeWithPeer } from '../support/peers.js';
import { until } from '../support/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startEngine(extra: Partial<EngineOptions> = {}): Promise<{ engine: Iax2EngineImpl; socket: UdpSocketPort; states: RegistrationState[] }> {
  const socket = await new DgramUdpBinder().bind({ port: 0, fallbackToEphemeral: true, host: '127.0.0.1' });
  const engine = createIax2Engine({ illegalCallTransitions: 'throw',
    socket, clock: new SystemClock(), random: new NodeRandom(), resolver: new DnsResolver(),
    keepaliveMs: 0, registrationBackoffMs: [60_000], ...extra,
  });
  const states: RegistrationState[] = [];
  engine.on('registration', (s) => states.push(s));
  cleanups.push(async () => { await engine.shutdown(); await socket.close(); });
  return { engine, socket, states };
}

async function startPeer(...args: Parameters<typeof ScriptedPeer.start>): Promise<ScriptedPeer> {
  const peer = await ScriptedPeer.start(...args);
  cleanups.push(() => peer.stop());
  return peer;
}

function waitFor(states: RegistrationState[], pred: (s: RegistrationState) => boolean, ms = 10_000): Promise<RegistrationState> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const hit = states.find(pred);
      if (hit) { resolve(hit); return; }
      if (Date.now() - started > ms) { reject(new Error(`timed out; states: ${states.map((s) => s.status + (s.error ? `(${s.error.code})` : '')).join(', ')}`)); return; }
      setTimeout(tick, 10);
    };
    tick();
  });
}

const account = (peer: ScriptedPeer, over: Partial<AccountConfig> = {}): AccountConfig =>
  ({ id: 'acc', server: peer.server, username: '1001', secret: 's3cret', ...over });

const iesOf = (payload: Uint8Array): IeReader => {
  const r = IeReader.fromPayload(payload);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('registration against the scripted server', () => {
  it('completes REGREQ → CALLTOKEN → REGREQ+token → REGAUTH → REGREQ+MD5 → REGACK and reports what REGACK says', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 's3cret', mailbox: { old: 2, new: 3 } } } });
    const { engine, socket, states } = await startEngine();
    const trace: TraceEntry[] = [];
    engine.on('trace', (e) => trace.push(e));
    engine.setAccounts([account(peer)]);
    const reg = await waitFor(states, (s) => s.status === 'registered');
    expect(reg.refreshSeconds).toBe(60);
    expect(reg.apparentAddress).toEqual({ address: '127.0.0.1', port: socket.local.port });
    expect(reg.messages).toEqual({ old: 2, new: 3 });

    // Normally three REGREQs; a loaded machine may add a probe copy or a restart (docs/decisions.md D-29), which
    // must not change what each one is.
    const regreqs = peer.fullFramesReceived(IaxSubclass.REGREQ).map((f) => ({ f, ies: iesOf(f.payload) }));
    const [first] = regreqs;
    expect(first.ies.bytes(IeType.CALLTOKEN)).toEqual(new Uint8Array(0));
    expect(first.ies.ies.at(-1)?.type).toBe(IeType.CALLTOKEN);
    const withAuth = regreqs.find((r) => r.ies.has(IeType.MD5_RESULT));
    if (!withAuth) throw new Error('no REGREQ with credentials');
    const withToken = regreqs.find((r) => (r.ies.bytes(IeType.CALLTOKEN)?.length ?? 0) > 10 && r.f.sourceCall === withAuth.f.sourceCall);
    expect(withToken?.f).toMatchObject({ destCall: 0, oseqno: 0, iseqno: 0, retransmit: false });
    expect(regreqs.filter((r) => (r.ies.bytes(IeType.CALLTOKEN)?.length ?? 0) > 10 && r.f.sourceCall === withAuth.f.sourceCall)).toHaveLength(1);
    // A-1: lowercase hex MD5(challenge ‖ secret), computed independently from the challenge the server sent.
    const regauth = peer.sent.map((s) => s.datagram).find((d) => d.kind === 'full' && d.subclass === IaxSubclass.REGAUTH && d.frameType === FrameType.IAX);
    if (!regauth || regauth.kind !== 'full') throw new Error('no REGAUTH sent');
    const challenge = iesOf(regauth.payload).string(IeType.CHALLENGE) ?? '';
    expect(withAuth.ies.string(IeType.MD5_RESULT)).toBe(createHash('md5').update(challenge + 's3cret').digest('hex'));
    expect(withAuth.ies.has(IeType.PASSWORD)).toBe(false);
    expect(withAuth.f.destCall).toBe(regauth.sourceCall);
    // The REGACK was acknowledged with its own timestamp echoed (the ACK leaves as 'registered' is reported, so it
    // may still be on its way to the peer: wait for it).
    const regack = peer.sent.map((s) => s.datagram).find((d) => d.kind === 'full' && d.frameType === FrameType.IAX && d.subclass === IaxSubclass.REGACK);
    if (!regack || regack.kind !== 'full') throw new Error('no REGACK sent');
    const acked = (): boolean => peer.fullFramesReceived(IaxSubclass.ACK).some((a) => a.timestamp === regack.timestamp);
    await until('our ACK of the REGACK reached the peer', acked, 2000);
    expect(acked()).toBe(true);
    // Every datagram both ways is in the trace, and the secret and MD5 result are not.
    expect(trace.filter((t) => t.direction === 'rx').length).toBe(peer.sent.length);
    expect(trace.filter((t) => t.direction === 'tx').length).toBe(peer.received.length);
    const text = JSON.stringify(trace.map(({ raw: _raw, ...rest }) => rest));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(withAuth.ies.string(IeType.MD5_RESULT));
  });

  it('reports a wrong password as auth-failed and schedules a retry', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 'right' } } });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer, { secret: 'wrong' })]);
    const failed = await waitFor(states, (s) => s.status === 'failed');
    expect(failed.error?.code).toBe('auth-failed');
    expect(failed.error?.cause).toBe('Registration Refused');
    expect(failed.error?.causeCode).toBe(29);
    expect(failed.nextAttemptAt).toBeGreaterThan(0);
  });

  it('reports an unknown user (REGREJ without a challenge) as unknown-user', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: {} });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer, { username: 'nobody' })]);
    const failed = await waitFor(states, (s) => s.status === 'failed');
    expect(failed.error?.code).toBe('unknown-user');
    expect(failed.error?.message).toContain('nobody');
  });

  it('reports a stateless REGREJ with no IEs as calltoken-required', async () => {
    const peer = await startPeer();
    // A server that refuses every token (expired / address changed / call-number limit): the apathetic REGREJ.
    peer.handle(FrameType.IAX, IaxSubclass.REGREQ, (ctx) => { if (!ctx.dialog) ctx.peer.sendApathetic(ctx.frame, ctx.from, IaxSubclass.REGREJ); });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer)]);
    const failed = await waitFor(states, (s) => s.status === 'failed');
    expect(failed.error?.code).toBe('calltoken-required');
  });

  it('works with a server that does not use call tokens (K-3), and with plaintext when the account allows it', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 'pw' } }, requireCallToken: false, authMethods: AuthMethod.PLAINTEXT });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer, { secret: 'pw', auth: ['md5', 'plaintext'] })]);
    await waitFor(states, (s) => s.status === 'registered');
    const regreqs = peer.fullFramesReceived(IaxSubclass.REGREQ);
    expect(regreqs).toHaveLength(2); // no token round trip
    expect(iesOf(regreqs[1].payload).string(IeType.PASSWORD)).toBe('pw');
  });

  it('refuses plaintext unless the account allows it', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 'pw' } }, authMethods: AuthMethod.PLAINTEXT });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer, { secret: 'pw' })]);
    const failed = await waitFor(states, (s) => s.status === 'failed');
    expect(failed.error?.code).toBe('auth-failed');
    expect(peer.fullFramesReceived(IaxSubclass.REGREQ).every((f) => !iesOf(f.payload).has(IeType.PASSWORD))).toBe(true);
  });

  it('refreshes at 5/6 of the granted REFRESH, each time in a new dialog', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 's3cret' } }, grantRefresh: () => 1 });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer)]);
    await waitFor(states, (s) => s.status === 'registered');
    const started = Date.now();
    await waitFor(states, () => states.filter((s) => s.status === 'registered').length >= 3, 8_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(1_500); // two refreshes at ≈833 ms each
    // Each registration began with its own call number and an empty token.
    const openers = peer.fullFramesReceived(IaxSubclass.REGREQ).filter((f) => iesOf(f.payload).bytes(IeType.CALLTOKEN)?.length === 0);
    expect(new Set(openers.map((f) => f.sourceCall)).size).toBeGreaterThanOrEqual(3);
  });

  it('sends REGREL on shutdown and answers REGAUTH with REGREL (A-3, A-5)', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 's3cret' } } });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer)]);
    await waitFor(states, (s) => s.status === 'registered');
    await engine.shutdown();
    const regrels = peer.fullFramesReceived(IaxSubclass.REGREL);
    expect(regrels).toHaveLength(3);
    expect(iesOf(regrels[2].payload).has(IeType.MD5_RESULT)).toBe(true);
    expect(states.at(-1)?.status).toBe('unregistered');
    expect(states.at(-1)?.error).toBeUndefined();
  });

  it('registers several accounts on several servers at once from the one socket', async () => {
    const a = await startPeer();
    const b = await startPeer();
    a.enableRegistrar({ users: { alice: { secret: 'a' } } });
    b.enableRegistrar({ users: { bob: { secret: 'b' } } });
    const { engine, socket, states } = await startEngine();
    engine.setAccounts([
      { id: 'a', server: a.server, username: 'alice', secret: 'a' },
      { id: 'b', server: b.server, username: 'bob', secret: 'b' },
    ]);
    await waitFor(states, (s) => s.accountId === 'a' && s.status === 'registered');
    await waitFor(states, (s) => s.accountId === 'b' && s.status === 'registered');
    const ports = new Set([...a.received, ...b.received].map((r) => r.from.port));
    expect([...ports]).toEqual([socket.local.port]);
  });

  it('says which address did not answer', async () => {
    const silent = await startPeer({ dropInbound: () => true });
    const { engine, states } = await startEngine({
      retransmit: { ...DEFAULT_RETRANSMIT, giveUpMs: 1_000 },
    });
    engine.setAccounts([account(silent)]);
    const failed = await waitFor(states, (s) => s.status === 'failed');
    expect(failed.error?.code).toBe('no-answer');
    expect(failed.error?.message).toContain(silent.server);
    expect(silent.received.length).toBe(0); // all dropped by the silent server
  });

  it('names the host when DNS fails', async () => {
    const { engine, states } = await startEngine();
    engine.setAccounts([{ id: 'x', server: 'no-such-host.invalid', username: 'u', secret: 's' }]);
    const failed = await waitFor(states, (s) => s.status === 'failed');
    expect(failed.error?.code).toBe('dns');
    expect(failed.error?.message).toContain('no-such-host.invalid');
  });

  it('keeps the NAT binding warm with POKEs while registered (N-2)', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 's3cret' } } });
    const { engine, states } = await startEngine({ keepaliveMs: [100, 150] });
    engine.setAccounts([account(peer)]);
    await waitFor(states, (s) => s.status === 'registered');
    await until('two keepalive POKEs', () => peer.fullFramesReceived(IaxSubclass.POKE).length >= 2, 5_000);
    const pokes = peer.fullFramesReceived(IaxSubclass.POKE);
    expect(pokes.length).toBeGreaterThanOrEqual(2);
    expect(pokes.every((p) => p.destCall === 0)).toBe(true);
  });
});

describe('the duplicate-dialog hazard (spec §3.4, R-8; docs/decisions.md D-29)', () => {
  it('never resends a tokenised REGREQ: each unanswered one restarts from a new call number whose stray is INVALed', async () => {
    let regauths = 0;
    const isIax = (d: Datagram, sub: number): boolean => d.kind === 'full' && d.frameType === FrameType.IAX && d.subclass === sub;
    const peer = await startPeer({
      // Asterisk's rule: every REGREQ with a valid token opens a new server dialog.
      duplicateDialogOnTokenResend: true,
      rtoMs: 250,
      // Lose the first two REGAUTHs: two server dialogs then exist that we never heard from.
      dropOutbound: (d) => isIax(d, IaxSubclass.REGAUTH) && regauths++ < 2,
    });
    peer.enableRegistrar({ users: { '1001': { secret: 's3cret' } } });
    const { engine, states } = await startEngine();
    engine.setAccounts([account(peer)]);
    await waitFor(states, (s) => s.status === 'registered');
    await until('the peer has no live dialog', () => peer.liveDialogs().length === 0, 5_000);
    const tokenised = peer.fullFramesReceived(IaxSubclass.REGREQ).filter((f) => (iesOf(f.payload).bytes(IeType.CALLTOKEN)?.length ?? 0) > 0);
    expect(tokenised).toHaveLength(3);
    expect(tokenised.every((f) => !f.retransmit)).toBe(true);
    const numbers = tokenised.map((f) => f.sourceCall);
    expect(new Set(numbers).size).toBe(3);
    // The two abandoned numbers each told their stray dialog INVAL (dcallno 0: Asterisk matches it on our number).
    const invals = peer.fullFramesReceived(IaxSubclass.INVAL);
    expect(invals.filter((f) => f.destCall === 0).map((f) => f.sourceCall)).toEqual(numbers.slice(0, 2));
    // Our credentials went to the one server dialog that answered, from the last number.
    const credentials = peer.fullFramesReceived(IaxSubclass.REGREQ).filter((f) => iesOf(f.payload).has(IeType.MD5_RESULT));
    expect(new Set(credentials.map((f) => f.sourceCall))).toEqual(new Set([numbers[2]]));
    expect(peer.liveDialogs()).toHaveLength(0);
  });

});

describeWithPeer('tshark', tsharkAvailable(), 'what we send, checked by Wireshark\'s dissector', () => {
  it('tshark decodes every frame of registration, keepalive and REGREL without a problem', async () => {
    const peer = await startPeer();
    peer.enableRegistrar({ users: { '1001': { secret: 's3cret' } } });
    const { engine, socket, states } = await startEngine({ keepaliveMs: [50, 80] });
    const trace: TraceEntry[] = [];
    engine.on('trace', (e) => trace.push(e));
    engine.setAccounts([account(peer)]);
    await waitFor(states, (s) => s.status === 'registered');
    await until('a keepalive POKE went out', () => trace.some((e) => e.direction === 'tx' && e.subclass === 'POKE'), 2000);
    await engine.shutdown();
    const sent = trace.filter((e) => e.direction === 'tx');
    const subclasses = new Set(sent.map((e) => e.subclass));
    for (const s of ['REGREQ', 'ACK', 'POKE', 'REGREL']) expect(subclasses.has(s)).toBe(true);
    const checks = await tsharkCheckTrace(sent, socket.local);
    expect(checks.filter((c) => c.problems.length > 0).map((c) => `${c.entry.subclass}: ${c.problems.join('; ')}`)).toEqual([]);
    // tshark read our call numbers and subclasses the way we meant them.
    for (const c of checks) expect(c.packet?.fields.get('iax2.src_call')?.[0]).toBe(String(c.entry.sourceCall));
  });
});
