// A worker thread of `redial load --workers N` (load-threads.ts): runs one shard (load-shard.ts) with its own phone,
// UDP socket and media clock, so the shards' calls run on as many cores as there are workers. Talks to the front
// thread only through messages: what it prints, its progress each second, its result; the front says when to start
// and when to stop.
import { parentPort, workerData } from 'node:worker_threads';
import { UsageError, type LoadCommand } from '../args.js';
import { CliOutput } from '../output.js';
import { runShard } from './load-shard.js';
import { isToWorker, type FromWorker, type WorkerInput } from './load-threads-protocol.js';
import type { StopReason } from './load-runner.js';

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread');
const input = workerData as WorkerInput;
const post = (m: FromWorker): void => port.postMessage(m);
const writer = (stream: 'out' | 'err') => ({ write: (text: string) => { post({ kind: 'out', stream, text }); return true; } });

let go!: () => void;
const started = new Promise<void>((resolve) => { go = resolve; });
let stop!: (reason: StopReason) => void;
const stopped = new Promise<StopReason>((resolve) => { stop = resolve; });
port.on('message', (m: unknown) => {
  if (!isToWorker(m)) return;
  if (m.kind === 'go') go();
  else { stop(m.reason); go(); } // stopped before the go (another worker failed): start, and end at once
});

const cmd: LoadCommand = input.cmd;
runShard(cmd, input.secrets, new CliOutput(cmd.common.json, writer('out'), writer('err')), {
  ready: () => { post({ kind: 'ready' }); return started; },
  progress: (progress, frames) => post({ kind: 'progress', progress, frames }),
  cpuPercent: () => NaN,
  stop: stopped,
}).then(
  (outcome) => { post({ kind: 'done', result: outcome.result, tickLateness: outcome.tickLateness }); port.close(); },
  (err: unknown) => {
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err), usage: err instanceof UsageError });
    port.close();
  },
);
