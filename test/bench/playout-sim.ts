// Replays a network trace through a jitter buffer with a pull-driven output device (one 20 ms pull per period,
// exactly as CallMedia.pull() drives the buffer), and measures what a listener gets.
import type { GetResult, JitterFrame, PutOutcome } from '../../electron/core/media/jitter/index.js';
import type { NetTrace } from '../support/net-traces.js';

export interface PlayoutBuffer<T> {
  put(frame: JitterFrame<T>, ts: number, now: number): PutOutcome;
  get(now: number, leadMs?: number): GetResult<T>;
}

export interface PlayoutResult {
  /** Frames the sender sent inside the measured window. */
  readonly sent: number;
  readonly networkLost: number;
  /** Frames that arrived but were not played (late, or dropped to shrink). */
  readonly bufferLost: number;
  readonly played: number;
  /** Mean of (playout - first arrival) over played frames: what the buffer adds. */
  readonly meanAddedDelayMs: number;
  /** Mean of (playout - sent), i.e. network + buffer delay. */
  readonly meanEndToEndMs: number;
  readonly maxAddedDelayMs: number;
  /** Per sent frame in order: true when the listener did not get it (network or buffer loss). */
  readonly lossPattern: readonly boolean[];
  readonly interpolatedMs: number;
  readonly silenceMs: number;
  /**
   * Changes of the playout timeline: frame slots concealed or dropped beyond one per frame the listener missed
   * (growing, waiting for a frame that came, shrinking). Each one is heard as a short glitch.
   */
  readonly adjustments: number;
}

export interface SimOptions {
  readonly periodMs?: number;
  /** Device pull phase relative to the sender's clock. */
  readonly phaseMs?: number;
  /** Frames sent in the last `tailMs` are left out of the figures (they may still sit in the buffer). */
  readonly tailMs?: number;
  /** Called after each pull has filled the output (`t`: the pull's time), e.g. to sample the buffer's stats. */
  readonly onPull?: (t: number) => void;
}

export function simulatePlayout(buffer: PlayoutBuffer<number>, trace: NetTrace, options: SimOptions = {}): PlayoutResult {
  const period = options.periodMs ?? 20;
  const phase = options.phaseMs ?? 7;
  const tail = options.tailMs ?? 1000;
  const playedAt = new Map<number, number>();
  const deliveries = trace.deliveries;
  const lastSent = trace.packets.length ? trace.packets[trace.packets.length - 1].sentAt : 0;
  const end = lastSent + 2000;
  let next = 0;
  let fifoMs = 0;
  let interpolatedMs = 0;
  let silenceMs = 0;
  // Slots concealed or dropped while the measured frames play (the tail would count the end of the stream).
  let windowConcealedMs = 0;
  let shrinkDrops = 0;
  const windowEnd = lastSent - tail;
  for (let t = phase; t < end; t += period) {
    while (next < deliveries.length && deliveries[next].at <= t) {
      const d = deliveries[next++];
      buffer.put({ kind: 'voice', durationMs: d.packet.durationMs, data: d.packet.seq }, d.packet.ts, d.at);
    }
    let guard = 0;
    while (fifoMs < period && guard++ < 100) {
      const r = buffer.get(t, fifoMs);
      if (r.kind === 'frame') {
        if (!playedAt.has(r.data)) playedAt.set(r.data, t + fifoMs);
        fifoMs += r.durationMs;
      } else if (r.kind === 'drop') {
        if (r.reason === 'shrink' && t <= windowEnd) shrinkDrops++;
        continue;
      } else {
        if (r.kind === 'interpolate') interpolatedMs += r.durationMs;
        if (r.kind === 'interpolate' && t <= windowEnd) windowConcealedMs += r.durationMs;
        if (r.kind === 'silence') silenceMs += r.durationMs;
        fifoMs += r.durationMs;
      }
    }
    fifoMs -= period;
    options.onPull?.(t);
  }
  let sent = 0;
  let networkLost = 0;
  let bufferLost = 0;
  let played = 0;
  let added = 0;
  let e2e = 0;
  let maxAdded = 0;
  const lossPattern: boolean[] = [];
  for (const p of trace.packets) {
    if (p.sentAt > lastSent - tail) break;
    sent++;
    const at = playedAt.get(p.seq);
    if (p.arrivals.length === 0) networkLost++;
    else if (at === undefined) bufferLost++;
    lossPattern.push(at === undefined);
    if (at !== undefined) {
      played++;
      const a = at - p.arrivals[0];
      added += a;
      maxAdded = Math.max(maxAdded, a);
      e2e += at - p.sentAt;
    }
  }
  return {
    sent, networkLost, bufferLost, played,
    meanAddedDelayMs: played ? added / played : 0,
    meanEndToEndMs: played ? e2e / played : 0,
    maxAddedDelayMs: maxAdded,
    lossPattern, interpolatedMs, silenceMs,
    adjustments: Math.max(0, Math.round(windowConcealedMs / period) + shrinkDrops - networkLost - bufferLost),
  };
}
