// Crash safety of what we write (docs/security.md "Files"): a recording killed mid-call (kill -9) is a valid WAV
// holding the audio up to the last second; a settings write killed mid-way never leaves half a document, and the
// temp file it leaves is removed at the next start; every file we create is 0600.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsonFileStore } from '../../electron/adapters/fs-document-store.js';
import { WavFileRecording } from '../../electron/adapters/fs-wav-recording.js';
import { decodeWav } from '../../electron/core/media/wav.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt, startCli } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';
import { until } from '../support/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDirs();

/** The header says exactly what the file holds (sizes match the file length) and it decodes. */
function checkWav(path: string): { seconds: number; rms: number } {
  const bytes = readFileSync(path);
  expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
  const dataBytes = bytes.readUInt32LE(40);
  expect(bytes.readUInt32LE(4)).toBe(36 + dataBytes);
  // Samples written after the last header rewrite may follow; the header never claims more than the file holds.
  expect(44 + dataBytes).toBeLessThanOrEqual(bytes.length);
  const wav = decodeWav(bytes.subarray(0, 44 + dataBytes));
  let sum = 0;
  for (const s of wav.samples) sum += s * s;
  return { seconds: wav.samples.length / wav.channels / wav.sampleRate, rms: Math.sqrt(sum / Math.max(1, wav.samples.length)) };
}

const sessionPid = (frontPid: number): number =>
  Number(execFileSync('pgrep', ['-P', String(frontPid), '-f', 'session-process']).toString().trim().split('\n')[0]);

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'recordings survive kill -9 (CLI)', () => {
  const pbx = useAsterisk();

  it('redial call --record/--record-both killed with SIGKILL mid-call leave WAVs whose headers match their data', async () => {
    ensureBuilt();
    const dir = await tmp('redial-crash-');
    const heard = join(dir, 'heard.wav');
    const both = join(dir, 'both.wav');
    const cli = startCli(['call', '603', '--server', pbx().server, '--user', 'alice', '--json', '--port', '0',
      '--record', heard, '--record-both', both, '--input-device', 'fake'], { REDIAL_SECRET: 'alice-secret' });
    try {
      await cli.waitForEvent((e) => e.event === 'answered', 15_000);
      // Milliwatt for well over two seconds: at least two header rewrites have happened in each file.
      await until('2.5 s recorded', () => existsSync(heard) && existsSync(both)
        && statSync(heard).size > 44 + 2.5 * 16_000 && statSync(both).size > 44 + 2.5 * 4 * 8_000, 15_000);
      process.kill(sessionPid(cli.proc.pid as number), 'SIGKILL');
      expect(await cli.exited()).toBe(70);
    } finally {
      cli.kill('SIGKILL');
    }
    const h = checkWav(heard);
    expect(h.seconds).toBeGreaterThanOrEqual(1.5);
    expect(h.rms).toBeGreaterThan(1000); // Milliwatt's tone, not silence
    expect(checkWav(both).seconds).toBeGreaterThanOrEqual(1.5);
    for (const f of [heard, both]) expect(statSync(f).mode & 0o777).toBe(0o600);
  });
});

describe('crash safety of the app\'s files', () => {
  it('a call recording (the app\'s WAV sink) is readable while still open, i.e. after a kill', async () => {
    const path = join(await tmp('redial-crash-'), 'rec.wav');
    writeFileSync(path, 'an older file, world-readable');
    chmodSync(path, 0o644);
    const sink = new WavFileRecording(path);
    sink.open({ sampleRate: 16_000, channels: 2 });
    const frame = new Int16Array(2 * 320).map((_, i) => Math.round(8000 * Math.sin(i / 7)));
    for (let i = 0; i < 130; i++) sink.write(frame); // 2.6 s of stereo
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Not closed: this is what a process killed now leaves on disk.
    const open = checkWav(path);
    expect(open.seconds).toBeGreaterThanOrEqual(2);
    expect(open.seconds).toBeLessThanOrEqual(2.6);
    sink.close();
    expect(checkWav(path).seconds).toBeCloseTo(2.6, 5);
  });

  it('kill -9 during settings writes: the document stays whole and the orphaned temp file is removed at the next start', async () => {
    ensureBuilt();
    const dir = await tmp('redial-crash-');
    const path = join(dir, 'settings.json');
    const storeUrl = pathToFileURL(join(root, 'dist/electron/adapters/fs-document-store.js')).href;
    // Large documents, saved in a loop: the temp file exists most of the time, so the kill lands mid-write.
    const script = `const { JsonFileStore } = await import(${JSON.stringify(storeUrl)});
      const store = new JsonFileStore(${JSON.stringify(path)});
      const filler = 'x'.repeat(4 << 20);
      for (let n = 0; ; n++) await store.save({ n, filler });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    const tmpFile = `${path}.${child.pid}.tmp`;
    try {
      await until('a save completed and the next one is under way', () => existsSync(path) && existsSync(tmpFile), 20_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    } finally {
      child.kill('SIGKILL');
    }
    const whole = JSON.parse(readFileSync(path, 'utf8')) as { n: number; filler: string };
    expect(whole.filler.length).toBe(4 << 20);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(tmpFile)).toBe(true);
    // A live process's temp file (ours, named with another live pid: the test runner's parent) is left alone.
    const liveTmp = `${path}.${process.ppid}.tmp`;
    writeFileSync(liveTmp, '{}');
    expect(await new JsonFileStore(path).load()).toMatchObject({ n: whole.n });
    expect(existsSync(tmpFile)).toBe(false);
    expect(existsSync(liveTmp)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['settings.json', `settings.json.${process.ppid}.tmp`]);
  });
});
