// Synthetic speakerphone scenarios for the DSP tests and the bench: far-end speech through a room impulse response
// (a bulk delay, then exponentially decaying noise), near-end speech from espeak-ng with a different voice, noise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../../../../electron/core/media/wav.js';
import { Resampler } from '../../../../electron/core/media/dsp/resample.js';

/** Deterministic uniform noise in ±1 (xorshift32). */
export function uniformNoise(n: number, seed: number): Float64Array {
  let x = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = (x / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * Room impulse response: `delayMs` of nothing, then noise decaying by 60 dB over `tailMs`, scaled so that the echo
 * loses `erlDb` of power relative to the far signal (for white input).
 */
export function roomImpulse(rate: number, delayMs: number, tailMs: number, erlDb: number, seed = 7): Float64Array {
  const d = Math.round((rate * delayMs) / 1000);
  const t = Math.round((rate * tailMs) / 1000);
  const h = new Float64Array(d + t);
  const nz = uniformNoise(t, seed);
  const tau = t / Math.log(1000); // amplitude e^{-n/τ} reaches −60 dB at n = t
  let energy = 0;
  for (let n = 0; n < t; n++) {
    h[d + n] = nz[n] * Math.exp(-n / tau);
    energy += h[d + n] * h[d + n];
  }
  const g = Math.sqrt(10 ** (-erlDb / 10) / energy);
  for (let n = 0; n < t; n++) h[d + n] *= g;
  return h;
}

/** Linear convolution of x with h, truncated to x's length. */
export function convolve(x: Float64Array, h: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  let first = 0;
  while (first < h.length && h[first] === 0) first++;
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    const kmax = Math.min(h.length - 1, n);
    for (let k = first; k <= kmax; k++) s += h[k] * x[n - k];
    y[n] = s;
  }
  return y;
}

const voiceCache = new Map<string, Float64Array>();

/** espeak-ng speech (float, peak `peak`) at `rate`, for a given voice and text. */
export function spoken(rate: number, text: string, voice = 'en', peak = 0.5): Float64Array {
  const key = `${rate}|${voice}|${text}|${peak}`;
  const hit = voiceCache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), 'redial-dsp-'));
  try {
    const path = join(dir, 's.wav');
    execFileSync('espeak-ng', ['-v', voice, '-s', '160', '-w', path, text]);
    const wav = decodeWav(new Uint8Array(readFileSync(path)));
    let pcm = wav.samples;
    if (wav.sampleRate !== rate) pcm = new Resampler(wav.sampleRate, rate).process(pcm);
    let max = 1;
    for (const s of pcm) max = Math.max(max, Math.abs(s));
    const out = new Float64Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] / max) * peak;
    voiceCache.set(key, out);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const FAR_TEXT = 'Redial places a call to the Asterisk server, and the quick brown fox jumps over the lazy dog. ' +
  'Please hold while we connect your call. Seven, three, nine, four, one, eight, two.';
export const NEAR_TEXT = 'Hello, can you hear me now? I am speaking while you are talking.';

/** `seconds` of speech made by repeating `src` (with a 0.3 s pause between repeats). */
export function loop(src: Float64Array, rate: number, seconds: number): Float64Array {
  const out = new Float64Array(Math.round(rate * seconds));
  const gap = Math.round(rate * 0.3);
  let pos = 0;
  while (pos < out.length) {
    out.set(src.subarray(0, Math.min(src.length, out.length - pos)), pos);
    pos += src.length + gap;
  }
  return out;
}

export function energy(x: Float64Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return s;
}

/** Runs a float frame processor over x (and far) in frames of `frame` samples; returns the output. */
export function runFrames(x: Float64Array, far: Float64Array | undefined, frame: number,
  fn: (near: Float64Array, far: Float64Array | undefined) => Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let s = 0; s + frame <= x.length; s += frame) {
    out.set(fn(x.subarray(s, s + frame), far?.subarray(s, s + frame)), s);
  }
  return out;
}
