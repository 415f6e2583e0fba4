// The anchor for Redial's cost per call (issue: "CPU per call ≤ 0.5× Asterisk-as-caller at 50 concurrent calls"):
// one stock Asterisk 22 runs Echo() (extension 601 of test/asterisk/pbx); a second Asterisk (test/asterisk/caller)
// places N calls into it as the user `loadgen`, each running Milliwatt() (a tone out, the echo in and discarded);
// Redial places N calls into the same Echo() at the same time. CPU time of each side comes from /proc/<pid>/stat
// over the same window, so the ratio is measured in one run on one machine, whatever else the machine is doing.
//
// Run alone: node dist/test/bench/caller-anchor.js (REDIAL_ANCHOR_CALLS, REDIAL_ANCHOR_SECONDS,
// REDIAL_ANCHOR_REDIAL=processes).
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import type { BenchSection } from './bench-types.js';
import { childPids, cpuOver } from './proc-stat.js';
import { startAsterisk, type Asterisk } from '../support/asterisk.js';
import { startCli, type RunningCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type RedialMode = 'processes';

export interface AnchorOptions {
  readonly calls: number;
  readonly seconds: number;
  readonly redial: RedialMode;
}

export interface SideFigures {
  readonly label: string;
  readonly processes: number;
  readonly calls: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** % of one core per call over the window. */
  readonly perCallPercent: number;
}

export interface AnchorResult {
  readonly windowMs: number;
  readonly loadAverage: readonly number[];
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

/** N `redial call` processes (front + session each), as a user would run them today. */
async function redialProcesses(echo: Asterisk, n: number): Promise<RunningSide> {
  const clis: RunningCli[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const cli = startCli(['call', '601', '--server', echo.server, '--user', 'alice', '--port', '0', '--json',
        '--input-device', 'fake', '--output-device', 'fake', '--answer-timeout', '60'], { REDIAL_SECRET: 'alice-secret' });
      clis.push(cli);
      // One at a time: Asterisk allows a user 3 unanswered AUTHREQs (iax.conf maxauthreq), and 50 Node processes
      // starting together on two cores take long enough to answer theirs that the fourth call would be refused.
      await cli.waitForEvent((e) => e.event === 'answered', 60_000);
    }
  } catch (err) {
    for (const c of clis) c.kill('SIGKILL');
    throw err;
  }
  return {
    label: `\`redial call\` × ${n} (one front + one session process per call, fake sound devices)`,
    pids: () => clis.flatMap((c) => (c.proc.pid === undefined ? [] : [c.proc.pid, ...childPids(c.proc.pid)])),
    async stop() {
      for (const c of clis) c.kill('SIGINT');
      await Promise.all(clis.map((c) => c.exited(20_000).catch(() => c.kill('SIGKILL'))));
    },
  };
}

async function asteriskCaller(echo: Asterisk, caller: Asterisk, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await caller.cli(`channel originate IAX2/loadgen:loadgen-secret@127.0.0.1:${echo.port}/601 application Milliwatt`);
  }
  await waitFor(`${n} calls from the Asterisk caller`, async () => (await caller.activeChannels()) >= n, 30_000);
}

export async function measureAnchor(o: AnchorOptions): Promise<AnchorResult> {
  const echo = await startAsterisk();
  const caller = await startAsterisk({ config: 'caller' });
  let redial: RunningSide | undefined;
  try {
    await asteriskCaller(echo, caller, o.calls);
    redial = await redialProcesses(echo, o.calls);
    await waitFor(`${2 * o.calls} channels on the echo server`, async () => (await echo.activeChannels()) >= 2 * o.calls, 30_000);
    await sleep(3000); // settle: JIT, jitter buffers, the ramp's own work
    const redialPids = redial.pids();
    const measures = {
      asterisk: cpuOver([caller.pid]), redial: cpuOver(redialPids), echoServer: cpuOver([echo.pid]),
    };
    const t0 = performance.now();
    await sleep(o.seconds * 1000);
    const windowMs = performance.now() - t0;
    const loadAverage = os.loadavg();
    const figures = (label: string, m: () => { cpuMs: number; rssBytes: number; gone: number }, processes: number, calls: number): SideFigures => {
      const r = m();
      if (r.gone > 0) throw new Error(`${label}: ${r.gone} process(es) ended during the window`);
      return { label, processes, calls, cpuMs: r.cpuMs, rssBytes: r.rssBytes, perCallPercent: (r.cpuMs / windowMs) * 100 / calls };
    };
    const asterisk = figures(`Asterisk 22 as caller (Milliwatt() per call), one process`, measures.asterisk, 1, o.calls);
    const red = figures(redial.label, measures.redial, redialPids.length, o.calls);
    const echoServer = figures('the echo server (Asterisk Echo(), both sides\' calls)', measures.echoServer, 1, 2 * o.calls);
    if ((await caller.activeChannels()) < o.calls) throw new Error('the Asterisk caller lost calls during the window');
    return { windowMs, loadAverage, asterisk, redial: red, echoServer, ratio: red.perCallPercent / asterisk.perCallPercent };
  } finally {
    await caller.cli('channel request hangup all').catch(() => undefined);
    await redial?.stop();
    await caller.stop();
    await echo.stop();
  }
}

export function anchorSection(r: AnchorResult, o: AnchorOptions): BenchSection {
  const row = (s: SideFigures) => [s.label, s.calls, s.processes, (s.perCallPercent).toFixed(3), ((s.rssBytes / 1024 / 1024) / s.calls).toFixed(1)];
  return {
    title: `Cost per call against Asterisk as the caller: ${o.calls} concurrent G.711 calls each into one Echo()`,
    columns: ['caller', 'calls', 'processes', '% of one core per call', 'RSS MiB per call'],
    rows: [row(r.asterisk), row(r.redial), row(r.echoServer)],
    notes: [
      `Redial / Asterisk CPU per call: **${r.ratio.toFixed(2)}×** (goal ≤ 0.5×).`,
      `Both callers run at the same time against the same echo server; CPU = utime + stime from /proc/<pid>/stat over the same ${(r.windowMs / 1000).toFixed(1)} s window, after 3 s of settling.`,
      `Load average at the end: ${r.loadAverage.map((v) => v.toFixed(2)).join(' ')} (2 cores shared with other work: absolute figures vary, the ratio is what this measures).`,
    ],
  };
}

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export async function run(): Promise<BenchSection> {
  const o: AnchorOptions = { calls: envInt('REDIAL_ANCHOR_CALLS', 10), seconds: envInt('REDIAL_ANCHOR_SECONDS', 20), redial: 'processes' };
  return anchorSection(await measureAnchor(o), o);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatSection } = await import('./format-section.js');
  console.log(formatSection(await run()));
}
