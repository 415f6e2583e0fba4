// Idle cost (softphone-anchors §6.2 item 5: "≤1 % idle CPU with the window hidden"): a registered phone doing
// nothing, measured from the outside of its own process. Each variant runs in its own child process
// (test/support/soak-idle-child.ts) registered to a scripted IAX2 registrar on 127.0.0.1 in this process, which
// grants a 10 s refresh so re-registrations happen inside the window; the NAT keepalive POKE (every 20-25 s) may
// too. CPU = process.cpuUsage() of the whole child (all threads) over the window, as % of one core; wake-ups =
// voluntary context switches of all its threads (getrusage), per second. The variants run concurrently: idle
// processes barely compete for the two cores.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './bench-types.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import type { IdleFigures, IdleMode } from '../support/soak-idle-child.js';
import { FrameType, IaxSubclass } from '../../electron/core/iax2/wire/types.js';

const WINDOW_SECONDS = Number(process.env.REDIAL_IDLE_SECONDS ?? 25);
const MODES: readonly IdleMode[] = ['baseline', 'in-process', 'worker', 'worker-fake'];
const child = fileURLToPath(new URL('../support/soak-idle-child.js', import.meta.url));

interface Outcome { figures: IdleFigures; windowStart: number; windowEnd: number }

function runChild(mode: IdleMode, server: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, mode, server, String(WINDOW_SECONDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let windowStart = 0;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (c: string) => {
      out += c;
      if (!windowStart && out.includes('"window-start"')) windowStart = performance.now();
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c: string) => { err += c; });
    proc.on('exit', (code) => {
      const windowEnd = performance.now();
      const last = out.trim().split('\n').map((l) => JSON.parse(l) as IdleFigures | { event: string }).find((l) => 'mode' in l);
      if (code !== 0 || !last) { reject(new Error(`idle child ${mode} failed (${code}): ${err.slice(-500)}`)); return; }
      resolve({ figures: last as IdleFigures, windowStart, windowEnd });
    });
  });
}

export async function run(): Promise<BenchSection> {
  const peer = await ScriptedPeer.start();
  peer.enableRegistrar({ users: { idle: { secret: 'idle-secret' } }, grantRefresh: () => 10 });
  let outcomes: Outcome[];
  try {
    outcomes = await Promise.all(MODES.map((m) => runChild(m, peer.server)));
  } finally {
    await peer.stop();
  }
  const label: Record<IdleMode, string> = {
    baseline: 'empty Node process (baseline)',
    'in-process': 'phone in one thread (composePhone)',
    worker: 'engine worker (app / harness --audio none)',
    'worker-fake': 'engine worker, fake sound card',
  };
  const rows = outcomes.map(({ figures: f, windowStart, windowEnd }) => {
    const during = peer.received.filter((r) => r.from.port === f.iaxPort && r.at >= windowStart && r.at <= windowEnd)
      .map((r) => r.datagram).filter((d) => d.kind === 'full' && d.frameType === FrameType.IAX);
    const count = (sub: number) => during.filter((d) => d.kind === 'full' && d.subclass === sub).length;
    const cpuPercent = ((f.cpuUserUs + f.cpuSystemUs) / 1000 / f.wallMs) * 100;
    return [label[f.mode], cpuPercent.toFixed(2), (f.voluntarySwitches / (f.wallMs / 1000)).toFixed(1), f.threads,
      (f.rss / 1024 / 1024).toFixed(1), f.iaxPort !== undefined ? `${count(IaxSubclass.REGREQ)} / ${count(IaxSubclass.POKE)}` : '–'];
  });
  return {
    title: `Idle cost: registered and doing nothing for ${WINDOW_SECONDS} s`,
    columns: ['process', '% of one core', 'wake-ups/s (voluntary switches)', 'threads', 'RSS MiB', 'REGREQ frames (3 per refresh) / POKEs in window'],
    rows,
    notes: [
      'Budget (softphone-anchors §6.2 item 5): ≤ 1 % of one core idle with the window hidden. The engine worker row is the',
      'headless engine the app runs (no renderer here: a hidden Electron window adds its own renderer/GPU processes).',
      'Registered to a scripted registrar on 127.0.0.1 granting refresh=10 s; keepalive POKEs every 20-25 s (spec §8.3).',
      'Wake-ups include libuv worker threads and V8 platform threads of the process, not only our timers.',
    ],
  };
}
