// 500 concurrent G.711 calls in one `redial load` process against Redial's own echo peer (`redial listen --echo`)
// on this machine: late frames (goal < 1 %), loss and concealment from the load's own report, its CPU and resident
// memory per call, and what the reflector costs, from /proc. Both processes are started as a user would.
//
// Run alone: node dist/test/bench/load-500.js (REDIAL_LOAD_CALLS=500, REDIAL_LOAD_RATE=50, REDIAL_LOAD_HOLD_S=30;
// REDIAL_LOAD_WORKERS=N passes --workers N, otherwise `redial load` chooses).
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './bench-types.js';
import { childPids, cpuOver } from './proc-stat.js';
import { startCli, type CliEventLine } from '../support/cli.js';
import { freeUdpPort } from '../support/udp-port.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

interface Report extends CliEventLine {
  readonly workers?: number;
  readonly attempted: number; readonly answered: number; readonly failed: number;
  readonly failures: readonly { key: string; count: number }[];
  readonly setupMs?: { readonly p50: number; readonly p99: number };
  readonly media: { readonly totals: { framesSent: number; framesReceived: number; framesLost: number; lateFrames: number; latePercent: number; concealedPercent: number } };
  readonly process: { readonly cpuPercent: number; readonly peakCalls: number; readonly rssPeakBytes: number; readonly rssPerCallBytes?: number;
    readonly tickLateMs?: { readonly p99: number; readonly max: number } };
}

export async function run(): Promise<BenchSection> {
  const calls = envInt('REDIAL_LOAD_CALLS', 500);
  const rate = envInt('REDIAL_LOAD_RATE', 50);
  const holdS = envInt('REDIAL_LOAD_HOLD_S', 30);
  const workers = process.env.REDIAL_LOAD_WORKERS !== undefined ? ['--workers', String(envInt('REDIAL_LOAD_WORKERS', 1))] : [];
  const port = await freeUdpPort();
  const echo = startCli(['listen', '--echo', '--port', String(port), '--json']);
  try {
    await echo.waitForEvent((e) => e.event === 'started');
    const rampS = calls / rate;
    const durationS = Math.ceil(rampS + holdS);
    const startedAt = performance.now();
    const load = startCli(['load', '--server', `127.0.0.1:${port}`, '--dial', 'echo', '--calls', String(calls), '--rate', String(rate),
      '--duration', String(durationS), '--port', '0', ...workers, '--json']);
    // The calls' steady part: from all up (or, on a machine too busy for that, from 10 s after the ramp) until 3 s
    // before the end. A run that falls behind is a figure too: it is reported, not thrown away.
    const allUp = await load.waitForEvent((e) => e.event === 'progress' && e.up === calls, (rampS + 10) * 1000).then(() => true, () => false);
    if (load.proc.exitCode !== null) throw new Error(`redial load ended early (exit ${load.proc.exitCode}); stderr: ${load.stderr().slice(-1000)}`);
    const tree = (pid: number | undefined): number[] => (pid === undefined ? [] : [pid, ...childPids(pid)]);
    const takeEcho = cpuOver(tree(echo.proc.pid));
    const takeLoad = cpuOver(tree(load.proc.pid));
    const t0 = performance.now();
    await sleep(Math.max(1000, startedAt + (durationS - 3) * 1000 - performance.now()));
    const echoCpu = takeEcho();
    const loadCpu = takeLoad();
    const echoWindow = performance.now() - t0;
    const pct = (ms: number) => (ms / echoWindow) * 100;
    const code = await load.exited((holdS + 120) * 1000);
    const r = load.events.find((e) => e.event === 'report') as Report | undefined;
    if (!r) throw new Error(`no report (exit ${code}); stderr: ${load.stderr().slice(-1000)}`);
    const t = r.media.totals;
    const p = r.process;
    return {
      title: `${calls} concurrent G.711 calls in one \`redial load\` process against \`redial listen --echo\`, held ${holdS} s`,
      columns: ['figure', 'value'],
      rows: [
        ['worker threads of redial load', String(r.workers ?? 1)],
        ['all calls up at once', allUp ? 'yes' : `no: at most ${r.process.peakCalls}`],
        ['calls answered / dialled (failures)', `${r.answered} / ${r.attempted} (${r.failed}${r.failures.length ? `: ${r.failures.map((f) => `${f.key} ${f.count}`).join(', ')}` : ''})`],
        ['late frames (all calls)', `${t.latePercent.toFixed(3)} % (${t.lateFrames} of ${t.framesReceived})`],
        ['lost frames', `${t.framesLost}`],
        ['concealed audio', `${t.concealedPercent.toFixed(3)} %`],
        ['set-up p50 / p99', r.setupMs ? `${r.setupMs.p50.toFixed(0)} / ${r.setupMs.p99.toFixed(0)} ms` : '–'],
        ['load process CPU (whole run, incl. ramp)', `${p.cpuPercent.toFixed(1)} % of one core, ${(p.cpuPercent / Math.max(1, p.peakCalls)).toFixed(3)} % per call`],
        ['load process RSS at the peak', `${(p.rssPeakBytes / 1048576).toFixed(1)} MiB, ${p.rssPerCallBytes !== undefined ? (p.rssPerCallBytes / 1024).toFixed(0) : '–'} KiB per call`],
        ['media clock ticks late p99 / max', p.tickLateMs ? `${p.tickLateMs.p99.toFixed(1)} / ${p.tickLateMs.max.toFixed(1)} ms` : '–'],
        ['load process CPU (steady part)', `${pct(loadCpu.cpuMs).toFixed(1)} % of one core, ${(pct(loadCpu.cpuMs) / Math.max(1, p.peakCalls)).toFixed(3)} % per call`],
        ['echo peer CPU (steady part)', `${pct(echoCpu.cpuMs).toFixed(1)} % of one core, ${(pct(echoCpu.cpuMs) / Math.max(1, p.peakCalls)).toFixed(3)} % per call`],
        ['waiting for a CPU (run queue, steady part): load / echo', `${pct(loadCpu.waitMs).toFixed(0)} % / ${pct(echoCpu.waitMs).toFixed(0)} % of the window`],
        ['exit code of redial load', String(code)],
      ],
      notes: [
        `Goal: < 1 % late frames. Load average at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} (2 cores shared with other work).`,
        'Both processes on this machine over loopback; late = frames the jitter buffer dropped for arriving after their playout time.',
        'Run-queue wait (schedstat, every thread summed) is time the processes were ready to run while other work held both cores: a wait near 100 % means the machine, not the calls, set the pace.',
      ],
    };
  } finally {
    echo.kill('SIGINT');
    await echo.exited(20_000).catch(() => echo.kill('SIGKILL'));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatSection } = await import('./format-section.js');
  console.log(`load average before: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log(formatSection(await run()));
}
