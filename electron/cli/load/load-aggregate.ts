// `redial load --workers N` (docs/scenarios.md "redial load"): the run split into N shards, each a worker thread with
// its own phone, socket and media clock, and the shards' figures put back together so the progress line, the report
// and the exit code read as those of one run. Pure.
import { thresholdsOf, type FrameTotals, type LoadPlan, type LoadResult, type StopReason } from './load-runner.js';
import type { CallRecord, FailureCount, Progress } from './report.js';

/** Calls held per worker thread before another one pays: below this a thread's fixed cost outweighs the core it adds. */
export const CALLS_PER_WORKER = 100;

/** --workers when not given: one per ~CALLS_PER_WORKER calls, at most one per core the process may use. */
export function defaultWorkers(calls: number, parallelism: number): number {
  return Math.max(1, Math.min(Math.max(1, Math.floor(parallelism)), Math.ceil(calls / CALLS_PER_WORKER)));
}

/** The share of shard `shard` (0-based) of `workers`: calls as even as they divide, the rate in proportion. */
export function shardPlan<P extends Pick<LoadPlan, 'calls' | 'ratePerS'>>(plan: P, shard: number, workers: number): P {
  const calls = Math.floor(plan.calls / workers) + (shard < plan.calls % workers ? 1 : 0);
  return { ...plan, calls, ratePerS: (plan.ratePerS * calls) / plan.calls };
}

/** Workers that get at least one call (no idle threads when --workers exceeds --calls). */
export function usefulWorkers(calls: number, workers: number): number {
  return Math.max(1, Math.min(calls, workers));
}

/** What a shard's last progress said. */
export interface ShardProgress {
  readonly progress: Progress;
  readonly frames: FrameTotals;
}

/**
 * The run's progress line from each shard's latest one (a shard yet to report counts nothing); the target is the
 * run's; CPU is the whole process's (every thread), measured by the front.
 */
export function mergeProgress(shards: readonly ShardProgress[], target: number, cpuPercent: number): Progress {
  let up = 0; let dialled = 0; let setupRate = 0; let elapsed = 0;
  let lost = 0; let received = 0; let late = 0;
  const failures: FailureCount[][] = [];
  for (const { progress: p, frames: f } of shards) {
    up += p.up; dialled += p.dialled; setupRate += p.setupRate;
    elapsed = Math.max(elapsed, p.elapsedSeconds);
    lost += f.lost; received += f.received; late += f.late;
    failures.push([...p.failures]);
  }
  return {
    elapsedSeconds: elapsed, up, target, dialled, setupRate, failures: mergeFailures(failures.flat()), cpuPercent,
    lossPercent: lost + received > 0 ? (lost / (lost + received)) * 100 : 0,
    latePercent: received > 0 ? (late / received) * 100 : 0,
  };
}

/** Failure counts of the same key added together, most frequent first. */
export function mergeFailures(counts: readonly FailureCount[]): FailureCount[] {
  const m = new Map<string, { count: number; message: string }>();
  for (const f of counts) {
    const g = m.get(f.key);
    if (g) g.count += f.count;
    else m.set(f.key, { count: f.count, message: f.message });
  }
  return [...m].map(([key, g]) => ({ key, ...g })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Calls failed so far over every shard (for --max-failures, which the front enforces across shards). */
export function failedSoFar(shards: readonly ShardProgress[]): number {
  return shards.reduce((n, s) => n + s.progress.failures.reduce((k, f) => k + f.count, 0), 0);
}

/** Why the whole run stopped, from each shard's reason: a threshold or Ctrl-C outranks the end of the duration. */
export function mergedStopReason(reasons: readonly StopReason[]): StopReason {
  for (const r of ['max-failures', 'interrupted', 'duration', 'all-done'] as const) if (reasons.includes(r)) return r;
  return 'duration';
}

/**
 * One result from the shards' results. Call indexes are renumbered in dialling order across shards (shard s's
 * i-th call is the run's (i-1)·N + s + 1-th: the shards dial in step at their share of the rate). The peak is the sum
 * of the shards' peaks: with calls held to the end (the usual run) they coincide; with --hold-for it is an upper
 * bound. Thresholds are recomputed over every call.
 */
export function mergeResults(results: readonly LoadResult[], plan: Pick<LoadPlan, 'maxFailures' | 'maxSetupMs'>): LoadResult {
  const n = results.length;
  const records: CallRecord[] = results
    .flatMap((r, shard) => r.records.map((c) => ({ ...c, index: (c.index - 1) * n + shard + 1 })))
    .sort((a, b) => a.index - b.index);
  return {
    records,
    wallMs: Math.max(0, ...results.map((r) => r.wallMs)),
    stopReason: mergedStopReason(results.map((r) => r.stopReason)),
    peakCalls: results.reduce((s, r) => s + r.peakCalls, 0),
    undrained: results.reduce((s, r) => s + r.undrained, 0),
    thresholds: thresholdsOf(records, plan),
  };
}
