// Seeded, reproducible network traces for the jitter-buffer tests and `npm run bench`.
//
// Model (stated in the README benchmark section): one 20 ms voice frame every 20 ms; each frame's one-way delay is
//   baseDelayMs + queuing + extras,
// where queuing is Erlang-2 distributed (a queue's waiting time: mostly small, a tail) scaled so that 99 % of frames
// see at most `jitterMs` of queuing: "40 ms jitter" = a 99th-percentile packet delay variation of 40 ms. Loss is
// Bernoulli, or Gilbert two-state bursts with a given mean burst length. `reorderPercent` of the frames get an
// extra 20–60 ms (they arrive after one to three later frames). A spike adds a queue build-up (a triangle of extra
// delay) over a window. Duplicates are second copies 1–5 ms after the first.
//
// Two models of what real peers do to timestamps (stack-notes §5.5):
//  * `relay`: the frames are relayed by Asterisk (Echo(), or a bridge whose far leg is lossy). They cross an upstream
//    leg first (its own loss and jitter); Asterisk stamps each one it receives as its chan_iax2 calc_timestamp()
//    does for voice without a delivery time: the predicted timestamp (previous + 20 ms) while that stays within
//    160 ms of its clock, nudging its clock offset a tenth of the difference per frame; further off, its clock
//    rounded up to a frame. A frame lost upstream leaves no gap: the timestamps fall 20 ms behind real time for
//    good, so at 10 % upstream loss the sender's clock runs ~10 % slow. The downstream leg (the fields above)
//    follows the relay. `sentAt` is the relay time.
//  * `outliers`: garbage frames injected into the stream (a mini frame has no sequence number, anyone on the path
//    can send one): `count` frames from `atS` on, one between each pair of real arrivals (or, with `burst`, all
//    1 ms apart), each with a random 16-bit timestamp as a receiver un-wraps it next to the stream's (or, with
//    `spreadMs`, the stream's timestamp ± up to that much). They appear in `deliveries` only (with `injected`),
//    never in `packets`.

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
  /** Loss (both legs) only from this second on: a path that turns lossy during a call. */
  readonly lossFromS?: number;
  /** Talkspurts: voice for `talkS` then nothing (DTX) for `silenceS`. */
  readonly talkspurts?: { readonly talkS: number; readonly silenceS: number };
  /** Relayed by Asterisk after an upstream leg with this loss and jitter (see the header). */
  readonly relay?: { readonly upstreamLossPercent: number; readonly upstreamJitterMs?: number; readonly upstreamBurstLength?: number };
  /** Garbage-timestamp frames injected toward the receiver (see the header). */
  readonly outliers?: { readonly atS: number; readonly count: number; readonly spreadMs?: number; readonly burst?: boolean };
}

export interface TracePacket {
  readonly seq: number;
  /** Sender timestamp, ms. */
  readonly ts: number;
  readonly durationMs: number;
  readonly sentAt: number;
  /** Arrival times (more than one: duplicated); empty: lost on the way. */
  readonly arrivals: readonly number[];
  /** A garbage frame injected on the path, not sent by the peer. */
  readonly injected?: boolean;
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
  const count = Math.round((spec.durationS * 1000) / frameMs);
  const downstream = new Leg(rnd, spec.jitterMs ?? 0, spec.lossPercent ?? 0, spec.burstLength);
  const upstream = spec.relay ? new Leg(rnd, spec.relay.upstreamJitterMs ?? 0, spec.relay.upstreamLossPercent, spec.relay.upstreamBurstLength) : undefined;
  const base = spec.baseDelayMs ?? 20;
  const lossFrom = (spec.lossFromS ?? 0) * 1000;
  // What leaves the sender: every frame, or (relayed) the frames that reached Asterisk, in the order they did.
  let sent: { ts: number; sentAt: number }[] = [];
  for (let i = 0; i < count; i++) {
    const ts = i * frameMs;
    if (spec.talkspurts) {
      const period = (spec.talkspurts.talkS + spec.talkspurts.silenceS) * 1000;
      if (ts % period >= spec.talkspurts.talkS * 1000) continue;
    }
    if (!upstream) { sent.push({ ts, sentAt: ts }); continue; }
    const hop = upstream.cross(base, ts >= lossFrom);
    if (hop !== null) sent.push({ ts, sentAt: ts + hop });
  }
  if (upstream) {
    const relay = new AsteriskVoiceStamps(frameMs);
    sent = sent.sort((a, b) => a.sentAt - b.sentAt).map((f) => ({ ts: relay.stamp(f.sentAt), sentAt: f.sentAt }));
  }
  const packets: TracePacket[] = [];
  const deliveries: { at: number; packet: TracePacket }[] = [];
  sent.forEach(({ ts, sentAt }, seq) => {
    const queuing = downstream.queuing();
    let extra = 0;
    if (spec.reorderPercent && rnd() * 100 < spec.reorderPercent) extra += frameMs * (1 + rnd() * 2);
    if (spec.spike) {
      const start = spec.spike.atS * 1000;
      const len = spec.spike.durationS * 1000;
      const x = (sentAt - start) / len;
      if (x >= 0 && x < 1) extra += spec.spike.extraMs * (x < 0.5 ? 2 * x : 2 * (1 - x));
    }
    const arrivals: number[] = [];
    if (!downstream.lost(sentAt >= lossFrom)) {
      const at = sentAt + base + queuing + extra;
      arrivals.push(at);
      if (spec.duplicatePercent && rnd() * 100 < spec.duplicatePercent) arrivals.push(at + 1 + rnd() * 4);
    }
    const packet: TracePacket = { seq, ts, durationMs: frameMs, sentAt, arrivals };
    packets.push(packet);
    for (const at of arrivals) deliveries.push({ at, packet });
  });
  deliveries.sort((a, b) => a.at - b.at);
  if (spec.outliers) injectOutliers(deliveries, spec.outliers, frameMs, rnd);
  return { spec, packets, deliveries };
}

/** One network leg: Erlang-2 queuing scaled to a 99th percentile of `jitterMs`, Bernoulli or Gilbert loss. */
class Leg {
  private readonly theta: number;
  private readonly lossP: number;
  private readonly q: number;
  private readonly pEnter: number;
  private inLoss = false;

  constructor(private readonly rnd: () => number, jitterMs: number, lossPercent: number, private readonly burst: number | undefined) {
    this.theta = jitterMs / ERLANG2_P99;
    this.lossP = lossPercent / 100;
    // Gilbert: leave the loss state with q = 1/burst; enter it with p chosen so the stationary loss is lossP.
    this.q = burst ? 1 / burst : 1;
    this.pEnter = burst ? (this.lossP * this.q) / Math.max(1e-9, 1 - this.lossP) : this.lossP;
  }

  /** Queuing delay of the next frame. */
  queuing(): number {
    const u1 = this.rnd();
    const u2 = this.rnd();
    return this.theta > 0 ? -this.theta * (Math.log(1 - u1) + Math.log(1 - u2)) : 0;
  }

  /** Whether the next frame is lost (never while `lossy` is false; the draws are made all the same). */
  lost(lossy = true): boolean {
    if (!this.burst) return this.rnd() < this.lossP && lossy;
    this.inLoss = this.inLoss ? this.rnd() >= this.q : this.rnd() < this.pEnter;
    return this.inLoss && lossy;
  }

  /** The one-way delay of the next frame (`fixedMs` plus queuing), or null when it is lost. */
  cross(fixedMs: number, lossy = true): number | null {
    const queuing = this.queuing();
    return this.lost(lossy) ? null : fixedMs + queuing;
  }
}

/**
 * The timestamps Asterisk puts on voice it relays (chan_iax2 calc_timestamp(), a frame without a delivery time, as
 * Echo() and bridges hand it): prediction while within MAX_TIMESTAMP_SKEW (160 ms) of its clock, the offset nudged
 * by a tenth of the difference each frame; otherwise its clock rounded up to a whole frame.
 */
class AsteriskVoiceStamps {
  private offset: number | undefined;
  private nextPred = 0;
  private notSilentTx = false;

  constructor(private readonly frameMs: number) {}

  stamp(now: number): number {
    this.offset ??= now - (now % 20);
    let ms = Math.max(0, Math.floor(now - this.offset));
    const adjust = ms - this.nextPred;
    if (this.notSilentTx && Math.abs(adjust) <= 160) {
      this.offset += adjust / 10;
      ms = this.nextPred;
    } else {
      const diff = ms % this.frameMs;
      if (diff) ms += this.frameMs - diff;
      this.nextPred = ms;
      this.notSilentTx = true;
    }
    this.nextPred += this.frameMs;
    return ms;
  }
}

/** A 16-bit mini-frame timestamp as a receiver un-wraps it near `last` (±50 s: spec §4.7, Asterisk unwrap_timestamp()). */
function unwrap16(ts16: number, last: number): number {
  let ts = Math.floor(last / 0x10000) * 0x10000 + ts16;
  if (ts < last - 50_000) ts += 0x10000;
  else if (ts > last + 50_000 && ts >= 0x10000) ts -= 0x10000;
  return ts;
}

function injectOutliers(
  deliveries: { at: number; packet: TracePacket }[], o: NonNullable<NetTraceSpec['outliers']>, frameMs: number, rnd: () => number,
): void {
  const first = deliveries.findIndex((d) => d.at >= o.atS * 1000);
  if (first < 0) return;
  const garbage: { at: number; packet: TracePacket }[] = [];
  for (let k = 0; k < o.count && first + k + 1 < deliveries.length; k++) {
    const a = deliveries[o.burst ? first : first + k];
    const b = deliveries[o.burst ? first + 1 : first + k + 1];
    const at = o.burst ? a.at + (k + 1) * Math.min(1, (b.at - a.at) / (o.count + 1)) : (a.at + b.at) / 2;
    const ts = o.spreadMs === undefined ? unwrap16(Math.floor(rnd() * 0x10000), a.packet.ts)
      : Math.max(0, Math.round(a.packet.ts + (2 * rnd() - 1) * o.spreadMs));
    garbage.push({ at, packet: { seq: -1 - k, ts, durationMs: frameMs, sentAt: a.at, arrivals: [], injected: true } });
  }
  deliveries.push(...garbage);
  deliveries.sort((x, y) => x.at - y.at);
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
