// `redial load`: many calls from one process (docs/scenarios.md "redial load"). The calls run in one shard
// (load-shard.ts: the app's phone with BulkPhoneMedia, a LoadRunner) or, with --workers N > 1, in N worker threads
// (load-threads.ts) whose figures are merged; a live progress line on stderr; the report at the end; the exit code
// says whether a --max-failures / --max-setup-ms threshold was crossed.
import os from 'node:os';
import type { LoadCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { distribution } from '../load/distribution.js';
import type { LoadResult } from '../load/load-runner.js';
import { defaultWorkers, usefulWorkers } from '../load/load-aggregate.js';
import { runShard, type ShardOutcome } from '../load/load-shard.js';
import { runThreads } from '../load/load-threads.js';
import { formatSummary, summarize, type LoadSummary, type Progress } from '../load/report.js';
import type { CliOutput } from '../output.js';
import { terminalSafeJson } from '../../shared/display-text.js';
import { stopRequested } from '../stop-request.js';
import { ProcessMeter, ProgressPrinter } from '../load/process-meter.js';

export async function runLoad(cmd: LoadCommand, secrets: Readonly<Record<string, string>>, out: CliOutput): Promise<ExitCodeValue> {
  // One capture file is written by one phone: --pcap keeps the run in one thread (args.ts refuses --workers N with it).
  const workers = cmd.common.pcap !== undefined ? 1 : usefulWorkers(cmd.calls, cmd.workers ?? defaultWorkers(cmd.calls, os.availableParallelism()));
  const meter = new ProcessMeter();
  const printer = new ProgressPrinter(out, cmd.common.json);
  const where = cmd.target.kind === 'direct' ? cmd.target.server : `${cmd.target.accounts[0].server} as ${cmd.target.accounts.map((a) => a.username).join(', ')}`;
  const announce = (): void => {
    out.info(`Load: ${cmd.calls} calls to ${cmd.dial} at ${where}, ${cmd.ratePerS}/s, for ${cmd.durationS} s${cmd.holdForS !== undefined ? `, each held ${cmd.holdForS} s` : ''}`
      + `${workers > 1 ? `, in ${workers} worker threads` : ''} (Ctrl-C ends it early; a second Ctrl-C at once)`);
    meter.start();
  };
  const progress = (p: Progress): void => { meter.sampleMemory(); printer.progress(p); };
  const cpuPercent = (): number => meter.cpuPercentSinceLast();
  const stop = stopRequested().then(() => {
    printer.note('stopping: hanging up every call and waiting for the server to acknowledge…');
    return 'interrupted' as const;
  });
  const outcome: ShardOutcome = workers > 1
    ? await runThreads(cmd, secrets, out, workers, { started: announce, progress, cpuPercent, stop })
    : await runShard(cmd, secrets, out, { ready: async () => announce(), progress, cpuPercent, stop });
  printer.done();
  const result = outcome.result;
  const tickLateMs = distribution(outcome.tickLateness);
  const summary = summarize(result.records, {
    cpuPercent: meter.cpuPercentOverall(), rssPeakBytes: meter.rssPeak, rssBaseBytes: meter.rssBase, peakCalls: result.peakCalls,
    ...(tickLateMs ? { tickLateMs } : {}),
  }, result.wallMs);
  report(out, cmd, summary, result, workers);
  return exitCode(summary, result);
}

function report(out: CliOutput, cmd: LoadCommand, s: LoadSummary, r: LoadResult, workers: number): void {
  const stopped = r.stopReason === 'duration' ? `after ${cmd.durationS} s` : r.stopReason === 'max-failures'
    ? `early: more than ${cmd.maxFailures} calls failed` : r.stopReason === 'interrupted' ? 'early: interrupted' : 'after the last call';
  const thresholds: string[] = [];
  const t = r.thresholds;
  if (t.maxFailures) thresholds.push(`failures ${t.maxFailures.failed} (limit ${t.maxFailures.limit}): ${t.maxFailures.crossed ? 'CROSSED' : 'ok'}`);
  if (t.maxSetupMs) thresholds.push(`slowest set-up ${Math.round(t.maxSetupMs.slowest)} ms (limit ${t.maxSetupMs.limit} ms, ${t.maxSetupMs.slowCalls} calls over): ${t.maxSetupMs.crossed ? 'CROSSED' : 'ok'}`);
  if (cmd.common.json) {
    out.raw(`${terminalSafeJson({ event: 'report', stopped: r.stopReason, undrained: r.undrained, thresholds: t, workers, ...s })}\n`);
    return;
  }
  out.raw(`\nLoad run ended ${stopped}${workers > 1 ? ` (${workers} worker threads)` : ''}.\n${formatSummary(s)}\n`);
  if (r.undrained > 0) out.raw(`${r.undrained} calls had not ended when the run stopped waiting for them.\n`);
  if (thresholds.length > 0) out.raw(`Thresholds: ${thresholds.join('; ')}\n`);
}

function exitCode(s: LoadSummary, r: LoadResult): ExitCodeValue {
  if (r.thresholds.maxFailures?.crossed || r.thresholds.maxSetupMs?.crossed) return ExitCode.THRESHOLD;
  if (s.attempted > 0 && s.answered === 0) return ExitCode.THRESHOLD; // nothing got through: never a pass
  return ExitCode.OK;
}
