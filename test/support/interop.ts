// Shared pieces of the interop suites against the real Asterisk 22 (test/interop/): the users of our test PBX
// (test/asterisk/pbx/iax.conf), the built `redial` command run as one of them, tone WAVs to play into a call, and
// "is this tone in that recording" checks.
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeWav, decodeWav, type DecodedWav } from '../../electron/core/media/wav.js';
import type { Asterisk } from './asterisk.js';
import { startCli, type RunningCli } from './cli.js';
import { toneFraction } from './signals.js';

/** The users of test/asterisk/pbx/iax.conf and their secrets (test fixtures). */
export const USERS = {
  alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret', plain: 'plain-secret', secure: 'secure-secret', wide: 'wide-secret',
} as const;
export type PbxUser = keyof typeof USERS;

/** Asterisk's Milliwatt() frequency (603, 620, the call-file `tone` extension). */
export const MILLIWATT_HZ = 1004;
/** The music-on-hold class plays this tone (written by test/support/asterisk.ts). */
export const MOH_HZ = 700;

/** `redial <command> … --server PBX --user USER --json --port 0`, the secret in REDIAL_SECRET (never on argv). */
export function redialAs(pbx: Asterisk, user: PbxUser, command: 'register' | 'call' | 'listen', args: readonly string[] = [],
  secret: string = USERS[user]): RunningCli {
  const [first, ...rest] = args;
  const head = command === 'call' && first !== undefined ? [command, first] : [command];
  const tail = command === 'call' ? rest : args;
  return startCli([...head, '--server', pbx.server, '--user', user, '--json', '--port', '0', ...tail], { REDIAL_SECRET: secret });
}

/** Writes an 8 kHz mono WAV of a sine at `hz` (−12 dBFS), `seconds` long. */
export function writeToneWav(path: string, hz: number, seconds: number, rate = 8000): void {
  const samples = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8200 * Math.sin((2 * Math.PI * hz * i) / rate));
  writeFileSync(path, encodeWav({ sampleRate: rate, channels: 1, samples }));
}

export function readWav(path: string): DecodedWav {
  return decodeWav(new Uint8Array(readFileSync(path)));
}

/** One channel of a (possibly stereo) recording. */
export function channel(wav: DecodedWav, index: number): Int16Array {
  if (wav.channels === 1) return wav.samples;
  const out = new Int16Array(Math.floor(wav.samples.length / wav.channels));
  for (let i = 0; i < out.length; i++) out[i] = wav.samples[i * wav.channels + index];
  return out;
}

/**
 * The share of the power at `hz` in the 200 ms windows of `pcm` (0..1 each): a recording "holds the tone" when most
 * windows are dominated by it. Windows that are silent count as 0.
 */
export function toneWindows(pcm: Int16Array, rate: number, hz: number, windowMs = 200): number[] {
  const n = Math.round((rate * windowMs) / 1000);
  const out: number[] = [];
  for (let i = 0; i + n <= pcm.length; i += n) out.push(toneFraction(pcm.subarray(i, i + n), hz, rate));
  return out;
}

/** Fraction of the windows of `pcm` in which `hz` carries more than half the power. */
export function toneCoverage(pcm: Int16Array, rate: number, hz: number): number {
  const w = toneWindows(pcm, rate, hz);
  return w.length === 0 ? 0 : w.filter((f) => f > 0.5).length / w.length;
}

/**
 * The coverage that means "this tone came through": a machine busy with other work may glitch a window or two of
 * a real-time call (quality is measured elsewhere, in the bench), while a broken path loses all of them.
 */
export const TONE_PRESENT = 0.7;

/** The last `seconds` of a recording. */
export function lastSeconds(wav: DecodedWav, seconds: number): Int16Array {
  return wav.samples.subarray(Math.max(0, wav.samples.length - Math.round(seconds * wav.sampleRate * wav.channels)));
}

/** The tone that dominates most of the 200 ms windows of `pcm`, among `candidates` (or '-' for none). */
export function dominantTone(pcm: Int16Array, rate: number, candidates: readonly number[]): string {
  const covered = candidates.map((hz) => toneCoverage(pcm, rate, hz));
  const best = covered.indexOf(Math.max(...covered));
  return covered[best] >= TONE_PRESENT ? String(candidates[best]) : '-';
}
