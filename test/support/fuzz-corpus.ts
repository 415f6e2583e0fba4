// The fuzz corpus shared by test/integration/fuzz.test.ts and the security bench (test/support/fuzz-child.ts): IAX2
// frames of every type, subclass and IE we know, built around the call numbers a target is using, and mutations of
// them (bit flips, truncation, junk tails, corrupted IE lengths and types, random bytes).
import { encodeFullFrame, encodeMetaVideoFrame, encodeMiniFrame, encodeTrunkFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { encodeApparentAddr, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import type { Socket } from 'node:dgram';
import { SeededRng } from './seeded-random.js';

/** One of each kind of datagram; `calls()` gives call numbers worth targeting (the engine's own). */
export function corpus(rng: SeededRng, calls: () => number[]): Uint8Array[] {
  const callNo = (): number => rng.pick([0, 1, 2, rng.int(2, 32767), ...calls()]);
  const full = (frameType: number, subclass: number, payload: Uint8Array = new Uint8Array(0), subclassBit?: number): Uint8Array => encodeFullFrame({
    sourceCall: rng.pick([1, 2, rng.int(2, 32767), ...calls()]) || 2, destCall: callNo(), retransmit: rng.next() < 0.2,
    timestamp: rng.int(0, 0xffffffff), oseqno: rng.int(0, 255), iseqno: rng.int(0, 255), frameType, subclass,
    ...(subclassBit !== undefined ? { subclassBit } : {}), payload,
  });
  const ies = new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '600').string(IeType.CALLING_NAME, 'Fuzz')
    .u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 4n).u32(IeType.CAPABILITY, 0xc).string(IeType.CODEC_PREFS, 'DE')
    .u16(IeType.REFRESH, 60).bytes(IeType.APPARENT_ADDR, encodeApparentAddr({ address: '10.0.0.1', port: 4569 }))
    .u16(IeType.AUTHMETHODS, 3).string(IeType.CHALLENGE, '12345').string(IeType.CALLTOKEN, '1716?abc').finish();
  const out: Uint8Array[] = [];
  for (let sub = 0; sub <= 45; sub++) out.push(full(FrameType.IAX, sub, rng.next() < 0.5 ? ies : new Uint8Array(0)));
  for (const c of [ControlSubclass.RINGING, ControlSubclass.ANSWER, ControlSubclass.BUSY, ControlSubclass.HOLD, -1, 99]) out.push(full(FrameType.CONTROL, c));
  for (let t = 0; t <= 14; t++) out.push(full(t, rng.int(0, 127), rng.bytes(rng.int(0, 40))));
  out.push(full(FrameType.VOICE, 4, rng.bytes(160), 2), full(FrameType.VOICE, 2 ** 34, rng.bytes(60), 34));
  out.push(full(FrameType.IAX, IaxSubclass.NEW, ies), full(FrameType.IAX, IaxSubclass.POKE), full(FrameType.IAX, IaxSubclass.PING));
  out.push(encodeMiniFrame(rng.int(1, 32767), rng.int(0, 65535), rng.bytes(160)));
  out.push(encodeMetaVideoFrame({ sourceCall: rng.int(1, 32767), marker: true, timestamp15: 5, payload: rng.bytes(30) }));
  out.push(encodeTrunkFrame({ timestamp: 5, withTimestamps: true, entries: [{ sourceCall: callNo() || 3, timestamp16: 9, payload: rng.bytes(20) }] }));
  out.push(encodeTrunkFrame({ timestamp: 5, withTimestamps: false, entries: [{ sourceCall: callNo() || 3, payload: rng.bytes(20) }] }));
  return out;
}

/** A mutation of `base`. */
export function mutate(rng: SeededRng, base: Uint8Array): Uint8Array {
  const b = Uint8Array.from(base);
  switch (rng.int(0, 6)) {
    case 0: { const n = rng.int(1, 4); for (let i = 0; i < n && b.length; i++) b[rng.int(0, b.length - 1)] ^= 1 << rng.int(0, 7); return b; }
    case 1: { if (b.length) b[rng.int(0, b.length - 1)] = rng.int(0, 255); return b; }
    case 2: return b.subarray(0, rng.int(0, b.length));
    case 3: { const extra = rng.bytes(rng.int(1, 64)); const o = new Uint8Array(b.length + extra.length); o.set(b); o.set(extra, b.length); return o; }
    case 4: { if (b.length > 13) b[13] = rng.int(0, 255); return b; } // corrupt the first IE length
    case 5: { if (b.length >= 12) { b[10] = rng.int(0, 255); b[11] = rng.int(0, 255); } return b; }
    default: return rng.bytes(rng.int(0, rng.next() < 0.9 ? 64 : 1500));
  }
}

export interface BlastOptions {
  /** Datagrams the target must have received. */
  readonly count: number;
  readonly seed: number;
  /** The target's port on 127.0.0.1. */
  readonly port: number;
  /** Sockets the datagrams come from, picked at random for each. */
  readonly senders: readonly Socket[];
  /** How many datagrams the target has received so far (its socket counts them). */
  received(): number;
  /** Call numbers worth targeting, asked for before each batch. */
  calls(): number[];
  /** Told of every datagram sent, with the index of its sender. */
  onSend?(sender: number, datagram: Uint8Array): void;
}

/**
 * Sends corpus and mutated datagrams in batches of 64, paced on what the target has received (sender and target
 * may share one event loop, and loopback drops what overflows its buffers), until `count` have arrived.
 */
export async function blastDatagrams(o: BlastOptions): Promise<void> {
  const rng = new SeededRng(o.seed);
  const start = o.received();
  let sent = 0;
  while (o.received() - start < o.count) {
    const base = corpus(rng, o.calls);
    for (let i = 0; i < 64; i++) {
      const sender = rng.int(0, o.senders.length - 1);
      const dgram = rng.next() < 0.15 ? rng.pick(base) : mutate(rng, rng.pick(base));
      o.senders[sender]!.send(dgram, o.port, '127.0.0.1');
      o.onSend?.(sender, dgram);
      sent++;
    }
    const waitUntil = Date.now() + 20;
    while (o.received() - start < sent - 32 && Date.now() < waitUntil) await new Promise((r) => setImmediate(r));
    if (sent > o.count * 3) break; // loopback dropping too much: the caller's assertions report it
  }
  // Let the target drain what is still in flight: done once nothing new has arrived for 50 ms (at most 2 s).
  const drainUntil = Date.now() + 2000;
  let last = o.received();
  let quietSince = Date.now();
  while (Date.now() - quietSince < 50 && Date.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 10));
    if (o.received() !== last) { last = o.received(); quietSince = Date.now(); }
  }
}
