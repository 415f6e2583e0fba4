// WAV files as sound devices: reading (what sox writes) and writing PCM, playing a file as the microphone,
// and recording what is played.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { WavAudioSystem } from '../../../../electron/adapters/audio/wav-audio.js';
import { decodeWav as decodeWavFile, encodeWav as encodeWavFile, monoOf } from '../../../../electron/core/media/wav.js';

/** The WAV devices read any WAV mixed down to mono (core/media/wav.ts), and write 16-bit mono. */
const encodeWav = (pcm: Int16Array, sampleRate: number): Uint8Array => encodeWavFile({ sampleRate, channels: 1, samples: pcm });
const decodeWav = (bytes: Uint8Array) => {
  const wav = decodeWavFile(bytes);
  return { sampleRate: wav.sampleRate, channels: wav.channels, pcm: monoOf(wav) };
};
import { ToneGenerator } from '../../../../electron/core/media/tones.js';
import { sleep } from '../../../support/wait.js';
import { itWithPeer } from '../../../support/peers.js';

const dir = mkdtempSync(join(tmpdir(), 'redial-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasSox(): boolean {
  try { execFileSync('sox', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('WAV PCM reading and writing', () => {
  it('round-trips 16-bit mono', () => {
    const pcm = Int16Array.from({ length: 999 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const wav = decodeWav(encodeWav(pcm, 11025));
    expect(wav.sampleRate).toBe(11025);
    expect(wav.pcm).toEqual(pcm);
  });

  itWithPeer('sox', hasSox(), 'reads what sox writes: stereo 8-bit, float and 24-bit, mixed down to mono', () => {
    for (const [args, tol] of [[['-b', '8', '-e', 'unsigned-integer'], 300], [['-b', '32', '-e', 'floating-point'], 2], [['-b', '24'], 2]] as const) {
      const f = join(dir, `s${args[1]}.wav`);
      execFileSync('sox', ['-n', '-r', '8000', '-c', '2', ...args, f, 'synth', '0.1', 'sine', '500', 'gain', '-6']);
      const ref = join(dir, `r${args[1]}.wav`);
      execFileSync('sox', [f, '-b', '16', '-e', 'signed-integer', '-c', '1', ref]);
      const ours = decodeWav(readFileSync(f));
      const theirs = decodeWav(readFileSync(ref));
      expect(ours.channels).toBe(2);
      expect(ours.pcm.length).toBe(800);
      let maxDiff = 0;
      for (let i = 0; i < 800; i++) maxDiff = Math.max(maxDiff, Math.abs(ours.pcm[i] - theirs.pcm[i]));
      expect(maxDiff, args.join(' ')).toBeLessThanOrEqual(tol);
    }
  });

  it('rejects what it cannot read with a clear message', () => {
    expect(() => decodeWav(new Uint8Array(10))).toThrow(/not a RIFF\/WAVE file/);
    const bad = encodeWav(new Int16Array(4), 8000);
    new DataView(bad.buffer).setUint16(20, 2, true); // MS ADPCM format tag
    expect(() => decodeWav(bad)).toThrow(/not supported/);
  });
});

describe('WAV files as devices', () => {
  it('plays a file as the microphone at the file rate, in real time, then silence and onEnded', async () => {
    const pcm = Int16Array.from({ length: 2400 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    const path = join(dir, 'in.wav');
    writeFileSync(path, encodeWav(pcm, 24000));
    const audio = new WavAudioSystem({ playPath: path });
    const cap = await audio.openCapture({ deviceKey: null, sampleRate: 8000 });
    expect(cap.sampleRate).toBe(24000); // the file's rate: the pipeline resamples
    const got: number[] = [];
    let endedAt = -1;
    cap.onFrame((f) => got.push(...f));
    cap.onEnded(() => { endedAt = got.length; });
    const opened = performance.now();
    await sleep(160);
    await cap.close();
    const elapsedMs = performance.now() - opened;
    expect(Int16Array.from(got.slice(0, 2400))).toEqual(pcm);
    expect(got.slice(2400).every((v) => v === 0)).toBe(true);
    expect(endedAt).toBe(2400); // 100 ms of file = 5 frames of 480
    // Paced: one 20 ms frame per 20 ms that passed (≈ 8 in 160 ms), not thousands. Measured against the time
    // that really passed, so a late timer on a loaded machine does not count as a pacing error.
    expect(got.length / 480).toBeGreaterThanOrEqual(6);
    expect(got.length / 480).toBeLessThanOrEqual(Math.floor(elapsedMs / 20) + 2);
  });

  it('records what is played into a WAV that sox reads back', async () => {
    const path = join(dir, 'out.wav');
    const audio = new WavAudioSystem({ recordPath: path });
    const play = await audio.openPlayback({ deviceKey: null, sampleRate: 16000 });
    const tone = new ToneGenerator({ repeat: true, segments: [{ frequencies: [700], durationMs: 1000 }] }, 16000);
    play.setSource(() => tone.read(play.frameSamples));
    await sleep(150);
    await play.close();
    await play.close();
    const wav = decodeWav(readFileSync(path));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.pcm.length).toBe(play.framesPlayed * 320);
    const reference = new ToneGenerator(tone.spec, 16000);
    // Frames before setSource (none or one) are silence; the rest is the tone in order.
    const lead = wav.pcm.findIndex((v) => v !== 0);
    expect(lead).toBeGreaterThanOrEqual(0);
    const head = Math.floor(lead / 320) * 320;
    expect(wav.pcm.subarray(head)).toEqual(reference.read(wav.pcm.length - head));
    if (hasSox()) {
      const info = execFileSync('soxi', ['-s', path]).toString().trim();
      expect(Number(info)).toBe(wav.pcm.length);
    }
  });

  it('reports a bad play file before any stream opens', () => {
    const path = join(dir, 'bad.wav');
    writeFileSync(path, 'hello');
    expect(() => new WavAudioSystem({ playPath: path })).toThrow(/not a RIFF\/WAVE file/);
  });
});
