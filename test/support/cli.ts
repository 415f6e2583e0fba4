// Runs the compiled `redial` command as a user would (node electron/cli/bin.mjs …) and collects its JSON events.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectRoot as root } from './project-root.js';

const bin = `${root}electron/cli/bin.mjs`;

/** Builds dist/ unless `npm test` already did (it sets REDIAL_BUILT=1 after its build step). */
export function ensureBuilt(): void {
  if (process.env.REDIAL_BUILT === '1' && existsSync(`${root}dist/electron/cli/main.js`)) return;
  execFileSync(process.execPath, [`${root}build/build.mjs`], { stdio: 'inherit', cwd: root });
  process.env.REDIAL_BUILT = '1';
}

export interface CliEventLine { readonly event: string; readonly t: number; readonly [k: string]: unknown }

export interface RunningCli {
  readonly proc: ChildProcess;
  readonly events: CliEventLine[];
  stderr(): string;
  /** Everything printed on stdout (human output, without --json). */
  stdout(): string;
  /** Resolves when an event matching `pred` has been printed. */
  waitForEvent(pred: (e: CliEventLine) => boolean, timeoutMs?: number): Promise<CliEventLine>;
  /** Resolves with the exit code. */
  exited(timeoutMs?: number): Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

/** `cwd`: where the command runs (files it writes by relative path land there); the project folder by default. */
export function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = root): RunningCli {
  const proc = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: CliEventLine[] = [];
  let err = '';
  let out = '';
  let partial = '';
  const waiters: { pred: (e: CliEventLine) => boolean; resolve: (e: CliEventLine) => void }[] = [];
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    out += chunk;
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (!line.trim()) continue;
      let e: CliEventLine;
      try { e = JSON.parse(line) as CliEventLine; } catch { err += `[non-JSON stdout] ${line}\n`; continue; }
      events.push(e);
      for (const w of [...waiters]) if (w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e); }
    }
  });
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (c: string) => { err += c; });
  const exit = new Promise<number>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return {
    proc, events,
    stderr: () => err,
    stdout: () => out,
    waitForEvent(pred, timeoutMs = 20_000) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; events: ${JSON.stringify(events)}\nstderr: ${err.slice(-2000)}`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => { clearTimeout(t); resolve(e); } });
      });
    },
    exited(timeoutMs = 60_000) {
      // The timer is cleared once the race is decided: a pending one would keep a standalone bench alive for the whole timeout.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<number>((_, reject) => { timer = setTimeout(() => reject(new Error(`redial did not exit in ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs); });
      return Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    },
    kill(signal = 'SIGTERM') { proc.kill(signal); },
  };
}
