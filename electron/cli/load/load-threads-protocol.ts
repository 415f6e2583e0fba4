// The messages between `redial load`'s front thread and its worker threads (load-threads.ts, load-worker.ts).
import type { LoadCommand } from '../args.js';
import type { FrameTotals, LoadResult, StopReason } from './load-runner.js';
import type { Progress } from './report.js';

/** A worker's start: its shard of the command (its calls, its rate, its port) and the accounts' secrets. */
export interface WorkerInput {
  readonly cmd: LoadCommand;
  readonly secrets: Readonly<Record<string, string>>;
}

export type ToWorker =
  | { readonly kind: 'go' }
  | { readonly kind: 'stop'; readonly reason: StopReason };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'out'; readonly stream: 'out' | 'err'; readonly text: string }
  | { readonly kind: 'progress'; readonly progress: Progress; readonly frames: FrameTotals }
  | { readonly kind: 'done'; readonly result: LoadResult; readonly tickLateness: readonly number[] }
  | { readonly kind: 'failed'; readonly message: string; readonly usage: boolean };

export function isToWorker(m: unknown): m is ToWorker {
  if (typeof m !== 'object' || m === null) return false;
  const k = (m as { kind?: unknown }).kind;
  return k === 'go' || k === 'stop';
}
