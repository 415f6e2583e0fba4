// Seeded, reproducible network traces for the jitter-buffer tests and `npm run bench`.
//
// Model (stated in the README benchmark section): one 20 ms voice frame every 20 ms; each frame's one-way delay is
//   baseDelayMs + queuing + extras,
// where queuing is Erlang-2 distributed (a queue's waiting time: mostly small, a tail) scaled so that 99 % of frames
// see at most `jitterMs` of queuing: "40 ms jitter" = a 99th-percentile packet delay variation of 40 ms. Loss is
// Bernoulli, or Gilbert two-state bursts with a given mean burst length. `reorderPercent` of the frames get an
// extra 20–60 ms (they arrive after one to three later frames). A spike adds a queue build-up (a triangle of extra
// delay) over a window. Duplicates are second copies 1–5 ms after the first.

import { seededRandom } from './seeded-random.js';

export interface NetTraceSpec {
  readonly name: string;
  readonly seed: number;
  readonly durationS: number;
  readonly frameMs?: number;
  readonly baseDelayMs?: number;
  /** 99th percentile of the queuing delay (packet delay variation), ms. */
  readonly jitterMs?: number;
  readonly lossPercent?: number;
  /** Mean length of a loss burst in frames (Gilbert model); omitted = independent losses. */
  readonly burstLength?: number;
  readonly reorderPercent?: number;
  readonly duplicatePercent?: number;
  readonly spike?: { readonly atS: number; readonly durationS: number; readonly extraMs: number };
  /** Talkspurts: voice for `talkS` then nothing (DTX) for `silenceS`. */
  readonly talkspurts?: { readonly talkS: number; readonly silenceS: number };
}

export interface TracePacket {
  readonly seq: number;
  /** Sender timestamp, ms. */
  readonly ts: number;
  readonly durationMs: number;
  readonly sentAt: number;
  /** null: lost on the way. */
  readonly arrivals: readonly number[];
}

export interface NetTrace {
  readonly spec: NetTraceSpec;
  readonly packets: readonly TracePacket[];
  /** Every delivery in arrival order. */
  readonly deliveries: readonly { readonly at: number; readonly packet: TracePacket }[];
}

/** The 99th percentile of an Erlang-2 with scale θ is 6.6384 θ (solves (1 + x) e^-x = 0.01). */
const ERLANG2_P99 = 6.6384;

export function generateTrace(spec: NetTraceSpec): NetTrace {
  const rnd = seededRandom(spec.seed);
  const frameMs = spec.frameMs ?? 20;
  const base = spec.baseDelayMs ?? 20;
  const theta = (spec.jitterMs ?? 0) / ERLANG2_P99;
  const lossP = (spec.lossPercent ?? 0) / 100;
  const burst = spec.burstLength;
  // Gilbert: leave the loss state with q = 1/burst; enter it with p chosen so the stationary loss is lossP.
  const q = burst ? 1 / burst : 1;
  const pEnter = burst ? (lossP * q) / Math.max(1e-9, 1 - lossP) : lossP;
  let inLoss = false;
  const count = Math.round((spec.durationS * 1000) / frameMs);
  const packets: TracePacket[] = [];
  const deliveries: { at: number; packet: TracePacket }[] = [];
  for (let seq = 0; seq < count; seq++) {
    const ts = seq * frameMs;
    const sentAt = ts;
    if (spec.talkspurts) {
      const period = (spec.talkspurts.talkS + spec.talkspurts.silenceS) * 1000;
      if (ts % period >= spec.talkspurts.talkS * 1000) continue;
    }
    const u1 = rnd();
    const u2 = rnd();
    const queuing = theta > 0 ? -theta * (Math.log(1 - u1) + Math.log(1 - u2)) : 0;
    let extra = 0;
    if (spec.reorderPercent && rnd() * 100 < spec.reorderPercent) extra += frameMs * (1 + rnd() * 2);
    if (spec.spike) {
      const start = spec.spike.atS * 1000;
      const len = spec.spike.durationS * 1000;
      const x = (sentAt - start) / len;
      if (x >= 0 && x < 1) extra += spec.spike.extraMs * (x < 0.5 ? 2 * x : 2 * (1 - x));
    }
    let lost: boolean;
    if (burst) {
      inLoss = inLoss ? rnd() >= q : rnd() < pEnter;
      lost = inLoss;
    } else {
      lost = rnd() < lossP;
    }
    const arrivals: number[] = [];
    if (!lost) {
      const at = sentAt + base + queuing + extra;
      arrivals.push(at);
      if (spec.duplicatePercent && rnd() * 100 < spec.duplicatePercent) arrivals.push(at + 1 + rnd() * 4);
    }
    const packet: TracePacket = { seq, ts, durationMs: frameMs, sentAt, arrivals };
    packets.push(packet);
    for (const at of arrivals) deliveries.push({ at, packet });
  }
  deliveries.sort((a, b) => a.at - b.at);
  return { spec, packets, deliveries };
}

/** RFC 3550 §6.4.1 interarrival jitter over the trace, in arrival order (for reporting what a trace looks like). */
export function rfc3550Jitter(trace: NetTrace): number {
  let j = 0;
  let prev: { at: number; ts: number } | undefined;
  for (const d of trace.deliveries) {
    if (prev) {
      const diff = d.at - prev.at - (d.packet.ts - prev.ts);
      j += (Math.abs(diff) - j) / 16;
    }
    prev = { at: d.at, ts: d.packet.ts };
  }
  return j;
}
