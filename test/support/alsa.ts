// Real PortAudio without sound hardware (docs/testing.md §1.2): a temporary HOME with a private .asoundrc that
// defines `file` PCMs, and a child process running naudiodon with that HOME (ALSA reads its
// configuration once per process, so the test runner's own process can't be pointed at it).
//
// The child entry (TypeScript) is bundled by ./bundle.ts into node_modules/.cache so that
// `require('naudiodon')` inside it resolves from the repository like it does in the app.

import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntry, repoRoot } from './bundle.js';
import type { ChildResult, ChildScenario } from './asoundrc/portaudio-child.js';

const here = dirname(fileURLToPath(import.meta.url));
export { repoRoot };

export interface AlsaHome {
  readonly home: string;
  /** Raw s16le mono written by whatever plays to ALSA::redial_out. */
  readonly outFile: string;
  /** Raw s16le mono that ALSA::redial_in captures. */
  readonly inFile: string;
  /** What ALSA::redial_stall captures (a regular empty file unless a test makes it a FIFO). */
  readonly stallFile: string;
  cleanup(): void;
}

export const ALSA_OUT_KEY = 'ALSA::redial_out';
export const ALSA_IN_KEY = 'ALSA::redial_in';
export const ALSA_STALL_KEY = 'ALSA::redial_stall';

export function createAlsaHome(): AlsaHome {
  const home = mkdtempSync(join(tmpdir(), 'redial-alsa-'));
  const outFile = join(home, 'played.raw');
  const inFile = join(home, 'mic.raw');
  const stallFile = join(home, 'stall.raw');
  writeFileSync(inFile, Buffer.alloc(0));
  writeFileSync(stallFile, Buffer.alloc(0));
  const template = readFileSync(join(here, 'asoundrc/redial-test.asoundrc'), 'utf8');
  writeFileSync(join(home, '.asoundrc'), template.replaceAll('@OUT@', outFile).replaceAll('@IN@', inFile).replaceAll('@STALL@', stallFile));
  return { home, outFile, inFile, stallFile, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Bundles test/support/asoundrc/portaudio-child.ts. */
export function bundlePortAudioChild(): Promise<string> {
  return bundleEntry(join(here, 'asoundrc/portaudio-child.ts'));
}

export interface ChildRun<T> {
  readonly value: T;
  readonly stdout: string;
  readonly stderr: string;
  /** The child had to be killed after it sent its result (it did not exit by itself within 2 s). */
  readonly killedAfterResult: boolean;
}

/** Runs one scenario in a fresh child process with HOME pointing at `home`. */
export async function runPortAudioChild<T>(home: string, scenario: ChildScenario, timeoutMs = 25_000): Promise<ChildRun<T>> {
  const entry = await bundlePortAudioChild();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.ALSA_CONFIG_PATH; // the standard configuration, which includes ~/.asoundrc
  const child = fork(entry, [], {
    cwd: home,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '', stderr = '';
  child.stdout?.on('data', (d) => { stdout += d; });
  child.stderr?.on('data', (d) => { stderr += d; });
  return new Promise<ChildRun<T>>((resolvePromise, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`PortAudio child timed out\n${stderr}`)); }, timeoutMs);
    let result: ChildResult | null = null;
    let killedAfterResult = false;
    child.on('message', (m) => {
      result = m as ChildResult;
      // A PortAudio stream whose device thread is stuck (the stall test) can keep the process from
      // exiting: the result is in, so don't wait long for it (a healthy child exits right after sending).
      setTimeout(() => { if (child.exitCode === null && child.signalCode === null) { killedAfterResult = true; child.kill('SIGKILL'); } }, 750).unref();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!result) return reject(new Error(`PortAudio child exited (${code ?? signal}) without a result\n${stderr}`));
      if (!result.ok) return reject(new Error(`PortAudio child failed: ${result.error}\n${stderr}`));
      resolvePromise({ value: result.value as T, stdout, stderr, killedAfterResult });
    });
    child.send(scenario);
  });
}

export function readRawPcm(path: string): Int16Array {
  if (!existsSync(path)) return new Int16Array(0);
  const b = readFileSync(path);
  const out = new Int16Array(Math.floor(b.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}

export function writeRawPcm(path: string, pcm: Int16Array): void {
  const b = Buffer.alloc(pcm.length * 2);
  pcm.forEach((v, i) => b.writeInt16LE(v, i * 2));
  writeFileSync(path, b);
}

/** Is naudiodon built and loadable here (CI always; a fresh clone without build tools maybe not)? */
export function naudiodonAvailable(): boolean {
  return existsSync(join(repoRoot, 'node_modules/naudiodon/build/Release/naudiodon.node'));
}
