// Jitter-buffer quality benchmark: fixed, seeded network traces replayed through our adaptive buffer and through a
// fixed 60 ms buffer; per trace the late loss, the delay the buffer adds and an E-model R / MOS (e-model.ts).
import { AdaptiveJitterBuffer, type JitterSettings } from '../../electron/core/media/jitter/index.js';
import { generateTrace, rfc3550Jitter, type NetTraceSpec } from '../support/net-traces.js';
import type { BenchSection } from './bench-types.js';
import { burstRatio, mosFromR, rFactor } from './e-model.js';
import { FixedJitterBuffer } from './fixed-buffer.js';
import { simulatePlayout, type PlayoutBuffer, type PlayoutResult } from './playout-sim.js';

const D = 60; // seconds per trace

export const BENCH_TRACES: readonly NetTraceSpec[] = [
  { name: 'clean', seed: 1, durationS: D },
  { name: 'jitter 20', seed: 2, durationS: D, jitterMs: 20 },
  { name: 'jitter 50', seed: 3, durationS: D, jitterMs: 50 },
  { name: 'loss 3%', seed: 4, durationS: D, lossPercent: 3 },
  { name: 'loss 10%', seed: 5, durationS: D, lossPercent: 10 },
  { name: 'jitter 20 + loss 3%', seed: 6, durationS: D, jitterMs: 20, lossPercent: 3 },
  { name: 'jitter 50 + loss 10%', seed: 7, durationS: D, jitterMs: 50, lossPercent: 10 },
  { name: 'jitter 20 + burst loss 5% (mean 4)', seed: 8, durationS: D, jitterMs: 20, lossPercent: 5, burstLength: 4 },
  { name: 'jitter 20 + reorder 5%', seed: 9, durationS: D, jitterMs: 20, reorderPercent: 5 },
  { name: 'jitter 20 + dup 2%', seed: 10, durationS: D, jitterMs: 20, duplicatePercent: 2 },
  { name: 'jitter 20 + 200 ms spike', seed: 11, durationS: D, jitterMs: 20, spike: { atS: 20, durationS: 4, extraMs: 200 } },
  { name: 'TARGET jitter 40 + loss 3%', seed: 12, durationS: D, jitterMs: 40, lossPercent: 3 },
  { name: 'jitter 40 + loss 3%, talkspurts', seed: 13, durationS: D, jitterMs: 40, lossPercent: 3, talkspurts: { talkS: 3, silenceS: 1.5 } },
  // Relayed by Asterisk (Echo(), a bridge) with loss on both legs: its timestamps run slow by the upstream loss.
  { name: 'Asterisk relay, loss 10% each way', seed: 14, durationS: D, lossPercent: 10, relay: { upstreamLossPercent: 10 } },
  { name: 'Asterisk relay, jitter 30 + loss 10% each way', seed: 15, durationS: D, jitterMs: 30, lossPercent: 10, relay: { upstreamLossPercent: 10, upstreamJitterMs: 30 } },
  { name: 'Asterisk relay, jitter 40 + loss 3% each way', seed: 16, durationS: D, jitterMs: 40, lossPercent: 3, relay: { upstreamLossPercent: 3, upstreamJitterMs: 40 } },
  // Garbage mini-frame timestamps injected on the path at 20 s: random 16-bit timestamps (±32.8 s), one between each
  // two real frames or all at once; and timestamps within ±1 s (inside the resync threshold).
  { name: '100 garbage timestamps, jitter 20', seed: 17, durationS: D, jitterMs: 20, outliers: { atS: 20, count: 100 } },
  { name: '100 garbage timestamps at once, jitter 20', seed: 18, durationS: D, jitterMs: 20, outliers: { atS: 20, count: 100, burst: true } },
  { name: '100 timestamps off by up to ±1 s, jitter 20', seed: 19, durationS: D, jitterMs: 20, outliers: { atS: 20, count: 100, spreadMs: 1000 } },
];

export interface QualityRow {
  readonly trace: string;
  readonly buffer: 'adaptive' | 'fixed 60 ms';
  readonly rfc3550JitterMs: number;
  readonly result: PlayoutResult;
  readonly lateLossPercent: number;
  readonly effectiveLossPercent: number;
  readonly r: number;
  readonly mos: number;
}

export function measure(spec: NetTraceSpec, settings: Partial<JitterSettings> = {}): QualityRow[] {
  const trace = generateTrace(spec);
  const jitter = rfc3550Jitter(trace);
  const buffers: [QualityRow['buffer'], PlayoutBuffer<number>][] = [
    ['adaptive', new AdaptiveJitterBuffer<number>(settings)],
    ['fixed 60 ms', new FixedJitterBuffer<number>(60)],
  ];
  return buffers.map(([name, buffer]) => {
    const result = simulatePlayout(buffer, trace);
    const lateLossPercent = (100 * result.bufferLost) / result.sent;
    const effectiveLossPercent = (100 * (result.bufferLost + result.networkLost)) / result.sent;
    const r = rFactor({
      mouthToEarMs: result.meanEndToEndMs + (spec.frameMs ?? 20),
      lossPercent: effectiveLossPercent,
      burstR: burstRatio(result.lossPattern),
    });
    return { trace: spec.name, buffer: name, rfc3550JitterMs: jitter, result, lateLossPercent, effectiveLossPercent, r, mos: mosFromR(r) };
  });
}

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const spec of BENCH_TRACES) {
    for (const q of measure(spec)) {
      rows.push([
        q.trace, q.buffer, q.rfc3550JitterMs.toFixed(1),
        ((100 * q.result.networkLost) / q.result.sent).toFixed(2), q.lateLossPercent.toFixed(2),
        q.result.meanAddedDelayMs.toFixed(1), q.result.maxAddedDelayMs.toFixed(0), q.result.meanEndToEndMs.toFixed(1),
        (q.result.adjustments / (spec.durationS / 60)).toFixed(0), q.r.toFixed(1), q.mos.toFixed(2),
      ]);
    }
    if (spec.name.startsWith('TARGET')) {
      const [a, f] = measure(spec);
      const ok = a.lateLossPercent < 1 && a.result.meanAddedDelayMs < f.result.meanAddedDelayMs;
      notes.push(
        `Target (40 ms jitter, 3 % loss): adaptive late loss ${a.lateLossPercent.toFixed(2)} % (< 1 %), added delay ` +
        `${a.result.meanAddedDelayMs.toFixed(1)} ms vs fixed ${f.result.meanAddedDelayMs.toFixed(1)} ms: ${ok ? 'MET' : 'NOT MET'}`,
      );
    }
  }
  // One seed can flatter either buffer (the fixed one depends on how early its first frame came): repeat the
  // target case over 20 seeds and report the means.
  const target = BENCH_TRACES.find((t) => t.name.startsWith('TARGET'));
  if (target) {
    const seeds = 20;
    let aLate = 0, aMaxLate = 0, aDelay = 0, fLate = 0, fDelay = 0, aR = 0, fR = 0;
    for (let i = 0; i < seeds; i++) {
      const [a, f] = measure({ ...target, seed: 1000 + i });
      aLate += a.lateLossPercent / seeds;
      aMaxLate = Math.max(aMaxLate, a.lateLossPercent);
      aDelay += a.result.meanAddedDelayMs / seeds;
      fLate += f.lateLossPercent / seeds;
      fDelay += f.result.meanAddedDelayMs / seeds;
      aR += a.r / seeds;
      fR += f.r / seeds;
    }
    rows.push(['TARGET, mean of 20 other seeds', 'adaptive', '', '', aLate.toFixed(2), aDelay.toFixed(1), '', '', '', aR.toFixed(1), mosFromR(aR).toFixed(2)]);
    rows.push(['TARGET, mean of 20 other seeds', 'fixed 60 ms', '', '', fLate.toFixed(2), fDelay.toFixed(1), '', '', '', fR.toFixed(1), mosFromR(fR).toFixed(2)]);
    const ok = aMaxLate < 1 && aDelay < fDelay;
    notes.push(
      `Target over 20 seeds: adaptive late loss mean ${aLate.toFixed(2)} % (worst seed ${aMaxLate.toFixed(2)} %), added delay ` +
      `${aDelay.toFixed(1)} ms vs fixed ${fDelay.toFixed(1)} ms: ${ok ? 'MET' : 'NOT MET'}`,
    );
  }
  notes.push(
    'Traces: 60 s of 20 ms frames, base delay 20 ms; "jitter J" = 99th percentile of Erlang-2 queuing delay (see test/support/net-traces.ts).',
    'Asterisk relay: frames cross an upstream leg (its loss and jitter) and are stamped as chan_iax2 calc_timestamp() stamps relayed voice (previous + 20 ms): its clock runs slow by the upstream loss; net loss % counts the downstream leg only.',
    'garbage timestamps: 100 frames injected at 20 s with random 16-bit timestamps (un-wrapped near the stream\'s), or off by up to ±1 s; they count in no figure but the buffer\'s.',
    'late loss = frames that arrived but were not played (late or dropped by the buffer) / frames sent.',
    'added delay = mean (and max) of playout - arrival; e2e = mean(playout - send).',
    'glitches/min = slots concealed or dropped beyond one per frame the listener missed (growing, waiting for a frame that came, shrinking); for a relay this includes the concealment of frames lost upstream.',
    'R = 93.2 - Id - Ie,eff (G.107 simplified, G.711+PLC: Ie 0, Bpl 25.1, BurstR measured), Ta = e2e + 20 ms; MOS per G.107 Annex B.',
  );
  return {
    title: 'Jitter buffer quality: adaptive vs fixed 60 ms',
    columns: ['trace', 'buffer', 'RFC3550 jitter ms', 'net loss %', 'late loss %', 'added delay ms', 'max added ms', 'e2e ms', 'glitches/min', 'R', 'MOS'],
    rows,
    notes,
  };
}
