// Drives a jitter buffer like a pull-driven output device: one 20 ms pull per period, arrivals delivered before the
// pull that follows them. Records every decision with the time it was made.
import type { AdaptiveJitterBuffer, GetResult, PutOutcome } from '../../../../electron/core/media/jitter/index.js';

export interface Arrival {
  readonly ts: number;
  readonly at: number;
  readonly seq: number;
  readonly cng?: number;
}

export interface Decision {
  readonly at: number;
  readonly result: GetResult<number>;
}

export function drive(
  jb: AdaptiveJitterBuffer<number>,
  arrivals: readonly Arrival[],
  untilMs: number,
  periodMs = 20,
  startMs = 0,
  stopWhenDrained = true,
  /** Audio consumed per pull; differs from periodMs for a device whose clock drifts from ours. */
  consumeMs = periodMs,
  /** Called after each pull, e.g. to sample the buffer's stats. */
  onPull?: (t: number) => void,
): { decisions: Decision[]; puts: Map<number, PutOutcome[]> } {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  const decisions: Decision[] = [];
  const puts = new Map<number, PutOutcome[]>();
  let next = 0;
  let fifo = 0;
  for (let t = startMs; t < untilMs; t += periodMs) {
    // Stop once everything was delivered and played: past that the buffer would (rightly) conceal the end of the
    // stream as loss, which no test here is about.
    if (stopWhenDrained && next === sorted.length && jb.stats().queuedMs === 0 && decisions.some((d) => d.result.kind === 'frame')) break;
    while (next < sorted.length && sorted[next].at <= t) {
      const a = sorted[next++];
      const outcome = a.cng !== undefined
        ? jb.put({ kind: 'cng', levelDbov: a.cng }, a.ts, a.at)
        : jb.put({ kind: 'voice', durationMs: 20, data: a.seq }, a.ts, a.at);
      puts.set(a.seq, [...(puts.get(a.seq) ?? []), outcome]);
    }
    let guard = 0;
    while (fifo < consumeMs && guard++ < 50) {
      const r = jb.get(t, fifo);
      decisions.push({ at: t + fifo, result: r });
      if (r.kind !== 'drop') fifo += r.durationMs;
    }
    fifo -= consumeMs;
    onPull?.(t);
  }
  return { decisions, puts };
}

/** Frames played, in order, with the local time they started. */
export function played(decisions: readonly Decision[]): { seq: number; at: number }[] {
  return decisions.flatMap((d) => (d.result.kind === 'frame' ? [{ seq: d.result.data, at: d.at }] : []));
}

export function kinds(decisions: readonly Decision[]): string[] {
  return decisions.map((d) => d.result.kind + ('reason' in d.result ? `:${d.result.reason}` : ''));
}

/** Frames of 20 ms with timestamps 20·i sent at 20·i, each arriving after `delay(i)` ms (null = lost). */
export function stream(count: number, delay: (i: number) => number | null, tsBase = 0): Arrival[] {
  const out: Arrival[] = [];
  for (let i = 0; i < count; i++) {
    const d = delay(i);
    if (d !== null) out.push({ seq: i, ts: tsBase + 20 * i, at: 20 * i + d });
  }
  return out;
}
