// Cold start (softphone-anchors §6.2 item 5: "fast cold start"): wall time of a fresh process, 5 runs each.
// - the headless engine: `node dist/electron/host/harness.js` until it prints its ready line (engine worker up,
//   UDP socket bound, ws-host listening, page URL printed);
// - `redial register --once` against a scripted registrar on 127.0.0.1 (call token + MD5): until the
//   'registered' event, and until the process has exited (REGREL sent and acknowledged);
// - `node -e 0` for the floor of starting Node itself on this machine.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './bench-types.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import { median } from '../support/soak-measure.js';

const RUNS = Number(process.env.REDIAL_STARTUP_RUNS ?? 5);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const harness = join(root, 'dist/electron/host/harness.js');
const cli = join(root, 'electron/cli/bin.mjs');

interface Timed { readonly marks: Record<string, number>; readonly exitMs: number }

/** Runs a command; `marks` maps a label to a stdout substring whose first appearance is timed. Optionally stops it. */
function timed(args: readonly string[], marks: Record<string, string>, opts: { env?: Record<string, string>; stopAt?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: Record<string, number> = {};
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (c: string) => {
      out += c;
      const t = performance.now() - t0;
      for (const [label, needle] of Object.entries(marks)) {
        if (seen[label] === undefined && out.includes(needle)) {
          seen[label] = t;
          if (label === opts.stopAt) proc.kill('SIGTERM');
        }
      }
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c: string) => { err += c; });
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.on('exit', (code, signal) => {
      clearTimeout(guard);
      const exitMs = performance.now() - t0;
      const missing = Object.keys(marks).filter((k) => seen[k] === undefined);
      if (missing.length || (code !== 0 && signal !== 'SIGTERM' && code !== null)) {
        reject(new Error(`${args.join(' ')}: exit ${code ?? signal}, missing ${missing.join(', ')}; ${err.slice(-500)}`));
        return;
      }
      resolve({ marks: seen, exitMs });
    });
  });
}

const fmt = (v: readonly number[]): [string, string] => [median(v).toFixed(0), Math.min(...v).toFixed(0)];

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  const node: number[] = [];
  for (let i = 0; i < RUNS; i++) node.push((await timed(['-e', '0'], {})).exitMs);
  rows.push(['node -e 0 (floor)', 'exit', ...fmt(node)]);

  const dataDir = await mkdtemp(join(tmpdir(), 'redial-startup-'));
  try {
    const ready: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timed([harness, '--port', '0', '--iax-port', '0', '--audio', 'none', '--data-dir', dataDir],
        { ready: '"event":"ready"' }, { stopAt: 'ready' });
      ready.push(r.marks.ready!);
    }
    rows.push(['harness.js (engine worker + ws-host)', 'ready line printed', ...fmt(ready)]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const peer = await ScriptedPeer.start();
  peer.enableRegistrar({ users: { alice: { secret: 'startup-secret' } } });
  try {
    const registered: number[] = [];
    const exited: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timed([cli, 'register', '--server', peer.server, '--user', 'alice', '--once', '--json', '--port', '0'],
        { registered: '"event":"registered"' }, { env: { REDIAL_SECRET: 'startup-secret' } });
      registered.push(r.marks.registered!);
      exited.push(r.exitMs);
    }
    rows.push(['redial register --once', "'registered' event", ...fmt(registered)]);
    rows.push(['redial register --once', 'process exited (after REGREL)', ...fmt(exited)]);
  } finally {
    await peer.stop();
  }
  return {
    title: `Cold start, ${RUNS} runs each (wall time from spawn)`,
    columns: ['command', 'until', 'median ms', 'min ms'],
    rows,
    notes: [
      'Against a scripted registrar on 127.0.0.1 (call token + MD5 challenge). Files are warm in the page cache after the',
      'first run, so these are "warm cold starts": a fresh process each time, not a fresh machine.',
    ],
  };
}
