// Malformed input: ≥100 000 random and mutated datagrams over real UDP on 127.0.0.1, from several source addresses,
// while an account stays registered with the scripted server.
//
// The rule asserted (spec §4.1, R-7, N-1: answer none of them from a wrong source):
//  - To an address that is neither a configured server nor the peer of a live dialog (or tombstone), the engine
//    sends nothing at all — no INVAL, no PONG, no ACK.
//  - To a configured server address it sends only: frames of its own dialogs with that server (REGREQ and its
//    retransmissions, ACK/VNAK of frames that matched such a dialog, and whatever the call layer answers on a
//    dialog opened by a NEW that server sent — C-10 lets a configured server call us), INVAL in answer to a full frame for an unknown
//    call number (never in answer to ACK, INVAL, TXCNT, TXACC, and never to source call number 0 or 1), and the
//    stateless PONG/LAGRP to POKE/PING/LAGRQ.
//  - With direct calls enabled (listen mode) anyone may call, but before the call-token round trip a stranger gets
//    only the stateless CALLTOKEN or REJECT from call number 1, and never more bytes than it sent (docs/security.md
//    §7.2); state stays bounded and nothing throws.
// Also asserted: nothing throws (no 'error' log), the dialog table, tombstones and live timers stay bounded, and the
// registration with the real server survives.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DgramUdpBinder } from '../../electron/adapters/dgram-udp.js';
import { DnsResolver } from '../../electron/adapters/dns-resolver.js';
import { NodeRandom } from '../../electron/adapters/node-random.js';
import { SystemClock } from '../../electron/adapters/system-clock.js';
import type { RegistrationState } from '../../electron/core/iax2/engine-api.js';
import { createIax2Engine, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { CancelTimer, Clock, LogLevel, UdpEndpoint } from '../../electron/core/ports.js';
import { decodeDatagram } from '../../electron/core/iax2/wire/frame-codec.js';
import { FrameType, IaxSubclass, type FullFrame } from '../../electron/core/iax2/wire/types.js';
import { CountingSocket } from '../support/counting-socket.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import { blastDatagrams } from '../support/fuzz-corpus.js';

/** Counts live timers (set, not yet fired or cancelled). */
class CountingClock implements Clock {
  live = 0;
  peak = 0;
  private readonly inner = new SystemClock();
  now(): number { return this.inner.now(); }
  wallTime(): Date { return this.inner.wallTime(); }
  setTimer(delayMs: number, fire: () => void): CancelTimer {
    let done = false;
    this.live++;
    this.peak = Math.max(this.peak, this.live);
    const cancel = this.inner.setTimer(delayMs, () => { if (!done) { done = true; this.live--; } fire(); });
    return () => { if (!done) { done = true; this.live--; } cancel(); };
  }
}

interface Fuzzer { socket: Socket; endpoint: UdpEndpoint; got: FullFrame[]; gotRaw: number; gotBytes: number; sentBytes: number }

async function fuzzer(): Promise<Fuzzer> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const f: Fuzzer = { socket, endpoint: { address: '127.0.0.1', port: socket.address().port }, got: [], gotRaw: 0, gotBytes: 0, sentBytes: 0 };
  socket.on('message', (msg) => {
    f.gotRaw++;
    f.gotBytes += msg.length;
    const d = decodeDatagram(new Uint8Array(msg));
    if (d.ok && d.value.kind === 'full') f.got.push(d.value);
  });
  return f;
}

describe('fuzz: random and mutated datagrams', () => {
  let peer: ScriptedPeer;
  let engine: Iax2EngineImpl;
  let socket: CountingSocket;
  let clock: CountingClock;
  let fuzzers: Fuzzer[];
  let trusted: Fuzzer;
  const errors: string[] = [];
  const states: RegistrationState[] = [];
  /** Source call numbers of NEWs the trusted server sent: the engine may answer those incoming dialogs (C-10). */
  const newsFromTrusted = new Set<number>();

  beforeAll(async () => {
    peer = await ScriptedPeer.start();
    peer.enableRegistrar({ users: { '1001': { secret: 's' } }, grantRefresh: () => 2 });
    socket = new CountingSocket(await new DgramUdpBinder().bind({ port: 0, fallbackToEphemeral: true, host: '127.0.0.1' }));
    clock = new CountingClock();
    engine = createIax2Engine({ illegalCallTransitions: 'throw',
      socket, clock, random: new NodeRandom(), resolver: new DnsResolver(), keepaliveMs: [300, 400], maxDialogs: 256,
      logger: { log: (level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => { if (level === 'error') errors.push(`${message} ${JSON.stringify(fields)}`); } },
    });
    engine.on('registration', (s) => states.push(s));
    fuzzers = await Promise.all([fuzzer(), fuzzer(), fuzzer(), fuzzer()]);
    trusted = fuzzers[0];
    // fuzzers[0] is the configured server of a second account (it never answers its REGREQs).
    engine.setAccounts([
      { id: 'real', server: peer.server, username: '1001', secret: 's' },
      { id: 'silent', server: `127.0.0.1:${trusted.endpoint.port}`, username: 'x', secret: 'y' },
    ]);
    const t0 = Date.now();
    while (!states.some((s) => s.accountId === 'real' && s.status === 'registered') && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
  }, 20_000);

  afterAll(async () => {
    await engine.shutdown();
    await socket.close();
    await peer.stop();
    for (const f of fuzzers) f.socket.close();
  });

  async function blast(count: number, seed: number): Promise<void> {
    // Real call numbers the engine uses towards the trusted fuzzer, learnt from its REGREQs, are fuzz targets too.
    await blastDatagrams({
      count, seed, port: socket.local.port, senders: fuzzers.map((f) => f.socket), received: () => socket.rxPackets,
      calls: () => trusted.got.slice(-4).map((f) => f.sourceCall),
      onSend: (i, dgram) => {
        const from = fuzzers[i]!;
        from.sentBytes += dgram.length;
        if (from !== trusted) return;
        const d = decodeDatagram(dgram);
        if (d.ok && d.value.kind === 'full' && d.value.frameType === FrameType.IAX && d.value.subclass === IaxSubclass.NEW && d.value.destCall === 0) newsFromTrusted.add(d.value.sourceCall);
      },
    });
  }

  it('answers no stranger, answers the server only as the INVAL/PONG rules allow, and stays bounded', async () => {
    const started = Date.now();
    await blast(100_000, 1);
    expect(socket.rxPackets).toBeGreaterThanOrEqual(100_000);
    expect(errors).toEqual([]);
    for (const f of fuzzers.slice(1)) expect(f.gotRaw).toBe(0); // strangers: nothing at all
    const registrationCalls = new Set(trusted.got.filter((f) => f.frameType === FrameType.IAX && f.subclass === IaxSubclass.REGREQ).map((f) => f.sourceCall));
    const bad = trusted.got.filter((f) => {
      if (f.frameType === FrameType.IAX) {
        if (f.subclass === IaxSubclass.PONG && f.oseqno === 0 && f.iseqno !== undefined && f.sourceCall > 1) return false;
        if (f.subclass === IaxSubclass.LAGRP && f.oseqno === 0 && f.sourceCall > 1) return false;
        if (f.subclass === IaxSubclass.INVAL) return f.destCall < 2 || f.sourceCall < 2 || f.timestamp !== 0;
      }
      // Anything else belongs to one of the engine's own dialogs with that server: a registration attempt, or an
      // incoming call opened by a NEW the server sent.
      return !(registrationCalls.has(f.sourceCall) || newsFromTrusted.has(f.destCall));
    });
    expect(bad.slice(0, 5).map((f) => ({ ...f, payload: f.payload.length }))).toEqual([]);
    const sizes = engine.stateSizes();
    expect(sizes.dialogs).toBeLessThanOrEqual(256);
    expect(sizes.tombstones).toBeLessThanOrEqual(4096);
    expect(clock.live).toBeLessThanOrEqual(20);
    // The real server's account is still registered (refreshing every ≈1.7 s throughout).
    expect(engine.registrations().find((s) => s.accountId === 'real')?.status).toBe('registered');
    const elapsed = Date.now() - started;
    console.log(`fuzz: ${socket.rxPackets} datagrams in ${elapsed} ms; answers to the server ${trusted.got.length}, to strangers 0; ` +
      `dialogs ${sizes.dialogs}, tombstones ${sizes.tombstones}, call numbers held ${sizes.callNumbers}, live timers ${clock.live} (peak ${clock.peak})`);
    expect(elapsed).toBeLessThan(45_000);
    // Sanity: INVAL answers never went to frames that must not draw one.
    expect(trusted.got.filter((f) => f.subclass === IaxSubclass.INVAL).length).toBeGreaterThan(0);
  }, 60_000);

  it('in listen mode (direct calls from anyone): strangers get only stateless CALLTOKEN/REJECT, never more bytes than they sent; bounded', async () => {
    const strangers = fuzzers.slice(1);
    const before = strangers.map((f) => ({ got: f.got.length, gotBytes: f.gotBytes, sentBytes: f.sentBytes }));
    engine.setAcceptDirectCalls(true);
    await blast(20_000, 2);
    engine.setAcceptDirectCalls(false);
    expect(errors).toEqual([]);
    strangers.forEach((f, i) => {
      const answers = f.got.slice(before[i]!.got);
      expect(answers.filter((a) => !(a.sourceCall === 1 && a.frameType === FrameType.IAX
        && (a.subclass === IaxSubclass.CALLTOKEN || a.subclass === IaxSubclass.REJECT))).slice(0, 3)).toEqual([]);
      expect(f.gotBytes - before[i]!.gotBytes).toBeLessThanOrEqual(f.sentBytes - before[i]!.sentBytes);
    });
    const sizes = engine.stateSizes();
    expect(sizes.dialogs).toBeLessThanOrEqual(256);
    expect(clock.live).toBeLessThanOrEqual(256 * 6 + 20);
    console.log(`fuzz (listen mode): dialogs ${sizes.dialogs}/256, tombstones ${sizes.tombstones}, live timers ${clock.live} (peak ${clock.peak})`);
  }, 60_000);
});
