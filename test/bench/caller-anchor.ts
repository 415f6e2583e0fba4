// The anchor for Redial's cost per call ("CPU per call ≤ 0.5× Asterisk-as-caller at 50 concurrent calls"): one
// stock Asterisk 22 runs Echo() (extension 601 of test/asterisk/pbx); a second Asterisk (test/asterisk/caller)
// places N calls into it as the user `loadgen`, each running Milliwatt() (a tone out, the echo in and discarded),
// while Redial places N calls into the same Echo() at the same time. CPU of each side comes from /proc (proc-stat.ts)
// over the same window, so the ratio is measured in one run on one machine, whatever else the machine is doing.
//
// Two phases, each with its own Asterisk caller calls as the anchor:
//  1. `redial load` — N calls in one process (BulkPhoneMedia: one media clock, prepared payloads).
//  2. the app's path — `redial call` processes with the paced fake sound card: each composes the app's phone
//     (PhoneService + DevicePhoneMedia), one call per process, as the desktop app carries a call.
// Then the idle cost of `redial register` (front and session process), registered to the same Asterisk.
//
// Run alone: node dist/test/bench/caller-anchor.js (REDIAL_ANCHOR_CALLS=50, REDIAL_ANCHOR_APP_CALLS=10,
// REDIAL_ANCHOR_SECONDS=20, REDIAL_ANCHOR_IDLE_SECONDS=30).
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import type { BenchSection } from './bench-types.js';
import { childPids, cpuOver } from './proc-stat.js';
import { startAsterisk, type Asterisk } from '../support/asterisk.js';
import { startCli, type RunningCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IDLE_WARMUP_MS = 30_000;

export interface SideFigures {
  readonly label: string;
  readonly processes: number;
  readonly calls: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** % of one core per call over the window. */
  readonly perCallPercent: number;
}

export interface PhaseResult {
  readonly windowMs: number;
  readonly asterisk: SideFigures;
  readonly redial: SideFigures;
  readonly echoServer: SideFigures;
  readonly ratio: number;
}

interface RunningSide {
  readonly label: string;
  pids(): number[];
  stop(): Promise<void>;
}

async function waitFor(what: string, pred: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

const treeOf = (cli: RunningCli): number[] => (cli.proc.pid === undefined ? [] : [cli.proc.pid, ...childPids(cli.proc.pid)]);
const stopAll = async (clis: readonly RunningCli[]): Promise<void> => {
  for (const c of clis) c.kill('SIGINT');
  await Promise.all(clis.map((c) => c.exited(30_000).catch(() => c.kill('SIGKILL'))));
};

/** One `redial load` process with n calls into 601, held for the whole phase. */
async function redialLoad(echo: Asterisk, n: number, seconds: number): Promise<RunningSide> {
  const cli = startCli(['load', '--server', echo.server, '--user', 'alice', '--dial', '601', '--calls', String(n), '--rate', '10',
    '--duration', String(seconds + 60), '--port', '0', '--json'], { REDIAL_SECRET: 'alice-secret' });
  await waitFor(`${n} calls up in redial load`, () => cli.events.some((e) => e.event === 'progress' && e.up === n), 60_000).catch((err: unknown) => {
    cli.kill('SIGKILL');
    throw new Error(`${(err as Error).message}; stderr: ${cli.stderr().slice(-800)}`);
  });
  return { label: `\`redial load\`: ${n} calls in one process`, pids: () => treeOf(cli), stop: () => stopAll([cli]) };
}

/** n `redial call` processes: the app's phone with the paced fake sound card, one call each. */
async function appPath(echo: Asterisk, n: number): Promise<RunningSide> {
  const clis: RunningCli[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const cli = startCli(['call', '601', '--server', echo.server, '--user', 'alice', '--port', '0', '--json',
        '--input-device', 'fake', '--output-device', 'fake', '--answer-timeout', '60'], { REDIAL_SECRET: 'alice-secret' });
      clis.push(cli);
      // One at a time: a user may have 3 calls between AUTHREQ and AUTHREP (iax.conf maxauthreq), and Node processes
      // starting together on two cores are slow to answer theirs.
      await cli.waitForEvent((e) => e.event === 'answered', 60_000);
    }
  } catch (err) {
    for (const c of clis) c.kill('SIGKILL');
    throw err;
  }
  return {
    label: `the app's path: \`redial call\` × ${n} (PhoneService + DevicePhoneMedia on the paced fake device, a process each)`,
    pids: () => clis.flatMap(treeOf), stop: () => stopAll(clis),
  };
}

async function asteriskCaller(echo: Asterisk, caller: Asterisk, n: number): Promise<void> {
  const before = await caller.activeChannels();
  for (let i = 0; i < n; i++) {
    await caller.cli(`channel originate IAX2/loadgen:loadgen-secret@127.0.0.1:${echo.port}/601 application Milliwatt`);
  }
  await waitFor(`${n} calls from the Asterisk caller`, async () => (await caller.activeChannels()) >= before + n, 30_000);
}

async function phase(echo: Asterisk, caller: Asterisk, n: number, seconds: number,
  startRedial: () => Promise<RunningSide>): Promise<PhaseResult> {
  await asteriskCaller(echo, caller, n);
  const redial = await startRedial();
  try {
    await waitFor(`${2 * n} channels on the echo server`, async () => (await echo.activeChannels()) >= 2 * n, 30_000);
    await sleep(3000); // settle: JIT, jitter buffers, the ramp's own work
    const redialPids = redial.pids();
    const m = { asterisk: cpuOver([caller.pid]), redial: cpuOver(redialPids), echo: cpuOver([echo.pid]) };
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const windowMs = performance.now() - t0;
    const figures = (label: string, take: () => { cpuMs: number; rssBytes: number; gone: number }, processes: number, calls: number): SideFigures => {
      const r = take();
      if (r.gone > 0) throw new Error(`${label}: ${r.gone} process(es) ended during the window`);
      return { label, processes, calls, cpuMs: r.cpuMs, rssBytes: r.rssBytes, perCallPercent: ((r.cpuMs / windowMs) * 100) / calls };
    };
    const asterisk = figures('Asterisk 22 as caller (Milliwatt() per call), one process', m.asterisk, 1, n);
    const red = figures(redial.label, m.redial, redialPids.length, n);
    const echoServer = figures('the echo server (Asterisk Echo(), both callers\' calls)', m.echo, 1, 2 * n);
    if ((await echo.activeChannels()) < 2 * n) throw new Error('calls were lost during the window');
    return { windowMs, asterisk, redial: red, echoServer, ratio: red.perCallPercent / asterisk.perCallPercent };
  } finally {
    await caller.cli('channel request hangup all').catch(() => undefined);
    await redial.stop();
    await waitFor('the echo server idle again', async () => (await echo.activeChannels()) === 0, 30_000).catch(() => undefined);
  }
}

/** `redial register` left registered: CPU of its front and session processes over the window, % of one core. */
async function idleRegistered(echo: Asterisk, seconds: number): Promise<{ percent: number; rssBytes: number }> {
  const cli = startCli(['register', '--server', echo.server, '--user', 'alice', '--port', '0', '--json'], { REDIAL_SECRET: 'alice-secret' });
  try {
    await cli.waitForEvent((e) => e.event === 'registered', 30_000);
    // Idle means after start-up: the first half minute still has V8 compiling and collecting what loading left.
    await sleep(IDLE_WARMUP_MS);
    const take = cpuOver(treeOf(cli));
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const r = take();
    return { percent: (r.cpuMs / (performance.now() - t0)) * 100, rssBytes: r.rssBytes };
  } finally {
    await stopAll([cli]);
  }
}

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export async function run(): Promise<BenchSection[]> {
  const calls = envInt('REDIAL_ANCHOR_CALLS', 50);
  const appCalls = envInt('REDIAL_ANCHOR_APP_CALLS', 10);
  const seconds = envInt('REDIAL_ANCHOR_SECONDS', 20);
  const idleSeconds = envInt('REDIAL_ANCHOR_IDLE_SECONDS', 60);
  const echo = await startAsterisk();
  const caller = await startAsterisk({ config: 'caller' });
  try {
    const load = await phase(echo, caller, calls, seconds, () => redialLoad(echo, calls, seconds));
    const loadAvgLoad = os.loadavg();
    const app = await phase(echo, caller, appCalls, seconds, () => appPath(echo, appCalls));
    const loadAvgApp = os.loadavg();
    const idle = await idleRegistered(echo, idleSeconds);
    const row = (s: SideFigures) => [s.label, s.calls, s.processes, s.perCallPercent.toFixed(3), ((s.rssBytes / 1048576) / s.calls).toFixed(1)];
    const la = (v: readonly number[]) => v.map((x) => x.toFixed(2)).join(' ');
    return [{
      title: `Cost per call against Asterisk as the caller (same Echo(), same ${seconds} s window, one run)`,
      columns: ['caller', 'calls', 'processes', '% of one core per call', 'RSS MiB per call'],
      rows: [row(load.asterisk), row(load.redial), row(load.echoServer), row(app.asterisk), row(app.redial), row(app.echoServer)],
      notes: [
        `\`redial load\` / Asterisk CPU per call at ${calls} concurrent calls: **${load.ratio.toFixed(2)}×** (goal ≤ 0.5×); load average at the end ${la(loadAvgLoad)}.`,
        `The app's path (a \`redial call\` process per call: PhoneService, DevicePhoneMedia, paced fake sound card) / Asterisk at ${appCalls} calls: **${app.ratio.toFixed(2)}×**; load average ${la(loadAvgApp)}.`,
        'Both callers run at the same time into one Echo(); CPU = run time of every thread of every process involved (/proc/<pid>/task/*/schedstat) over the same window, after 3 s of settling.',
        '2 cores shared with other work: absolute figures move with the machine\'s load, the ratio is what this measures.',
      ],
    }, {
      title: `Idle: \`redial register\` registered to Asterisk 22 for ${idleSeconds} s (front + session process)`,
      columns: ['process tree', '% of one core', 'RSS MiB'],
      rows: [['redial register (qualify=yes on the server; our NAT keepalive every 20-25 s)', idle.percent.toFixed(3), (idle.rssBytes / 1048576).toFixed(1)]],
      notes: ['Goal: ≤ 0.1 % of one core. Run time of every thread of both processes over the window, which starts 30 s after registration (start-up done).',
        'The window includes Asterisk\'s qualify POKEs (every 60 s), our keepalive POKEs (20-25 s), refreshes and the network watch (every 5 s).'],
    }];
  } finally {
    await caller.stop();
    await echo.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatSection } = await import('./format-section.js');
  console.log(`load average before: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  for (const s of await run()) console.log(`${formatSection(s)}\n`);
}
