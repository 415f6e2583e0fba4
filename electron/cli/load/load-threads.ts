// `redial load --workers N` with N > 1: the calls split into N shards (load-aggregate.ts), each run by a worker thread
// with its own phone, UDP socket and media clock (load-worker.ts). One thread carrying 500 calls used most of a core
// and left no room for a late timer; the shards use the other cores (docs/scenarios.md §6). This front thread
// prints what the workers print, merges their progress into one line each second, stops them all on Ctrl-C or when
// --max-failures is crossed over every shard, and merges their results into one.
import { Worker } from 'node:worker_threads';
import type { LoadCommand } from '../args.js';
import { UsageError } from '../args.js';
import type { CliOutput } from '../output.js';
import { failedSoFar, mergeProgress, mergeResults, shardPlan, type ShardProgress } from './load-aggregate.js';
import type { LoadResult, StopReason } from './load-runner.js';
import type { ShardOutcome } from './load-shard.js';
import type { FromWorker, ToWorker, WorkerInput } from './load-threads-protocol.js';
import type { Progress } from './report.js';

export interface FrontHooks {
  /** Every worker is ready: the run starts now. */
  started(): void;
  progress(p: Progress): void;
  cpuPercent(): number;
  readonly stop: Promise<StopReason>;
}

/** The command given to worker `i` of `n`: its share of the calls and rate; the first keeps --port, the rest take any. */
export function shardCommand(cmd: LoadCommand, i: number, n: number): LoadCommand {
  const share = shardPlan(cmd, i, n);
  return { ...share, common: { ...cmd.common, localPort: i === 0 ? cmd.common.localPort : 0 } };
}

interface Shard {
  readonly worker: Worker;
  ready: boolean;
  latest?: ShardProgress;
  outcome?: ShardOutcome;
  failure?: { message: string; usage: boolean };
}

export function runThreads(cmd: LoadCommand, secrets: Readonly<Record<string, string>>, out: CliOutput, n: number, hooks: FrontHooks): Promise<ShardOutcome> {
  return new Promise((resolve, reject) => {
    const shards: Shard[] = [];
    let running = false;
    let stopping = false;
    let ended = 0;
    let ticker: ReturnType<typeof setInterval> | undefined;
    const send = (m: ToWorker): void => { for (const s of shards) if (s.outcome === undefined && s.failure === undefined) s.worker.postMessage(m); };
    const stopAll = (reason: StopReason): void => {
      if (stopping) return;
      stopping = true;
      send({ kind: 'stop', reason });
    };
    const tick = (): void => {
      const latest = shards.flatMap((s) => (s.latest ? [s.latest] : []));
      if (latest.length === 0) return;
      hooks.progress(mergeProgress(latest, cmd.calls, hooks.cpuPercent()));
      if (cmd.maxFailures !== undefined && failedSoFar(latest) > cmd.maxFailures) stopAll('max-failures');
    };
    const finish = (): void => {
      if (ticker) clearInterval(ticker);
      const failed = shards.find((s) => s.failure);
      if (failed?.failure) {
        reject(failed.failure.usage ? new UsageError(failed.failure.message) : new Error(failed.failure.message));
        return;
      }
      const results: LoadResult[] = shards.map((s) => s.outcome!.result);
      resolve({ result: mergeResults(results, cmd), tickLateness: shards.flatMap((s) => [...s.outcome!.tickLateness]) });
    };
    void hooks.stop.then((reason) => stopAll(reason));
    for (let i = 0; i < n; i++) {
      const input: WorkerInput = { cmd: shardCommand(cmd, i, n), secrets };
      const shard: Shard = { worker: new Worker(new URL('./load-worker.js', import.meta.url), { workerData: input }), ready: false };
      shards.push(shard);
      shard.worker.on('message', (m: FromWorker) => {
        switch (m.kind) {
          case 'out': if (m.stream === 'out') out.raw(m.text); else out.trace(m.text); break;
          case 'ready':
            shard.ready = true;
            if (!running && shards.length === n && shards.every((s) => s.ready)) {
              running = true;
              hooks.started();
              send({ kind: 'go' });
              ticker = setInterval(tick, 1000);
            }
            break;
          case 'progress': shard.latest = { progress: m.progress, frames: m.frames }; break;
          case 'done': shard.outcome = { result: m.result, tickLateness: m.tickLateness }; break;
          case 'failed': shard.failure = { message: m.message, usage: m.usage }; break;
        }
      });
      shard.worker.on('error', (err) => { shard.failure ??= { message: err.message, usage: false }; });
      shard.worker.on('exit', () => {
        if (!shard.outcome) {
          shard.failure ??= { message: 'a load worker thread ended without a result', usage: false };
          // The others must not dial on alone (a stop also starts a worker still waiting for the go, which then ends at once).
          stopAll('interrupted');
        }
        if (++ended === n) finish();
      });
    }
  });
}
