// Test signals and the measures used to compare codec output with a reference: SNR (plain, and after finding the
// codec's delay), segmental SNR, tone amplitude by single-bin DFT, tone share of the power (Goertzel), RMS, and
// log-spectral distance for perceptual codecs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../../electron/core/media/wav.js';
import { Resampler } from '../../electron/core/media/dsp/resample.js';

/** Sum of sines at `freqs` Hz, each with amplitude `amp`, `seconds` long, with a short fade in and out. */
export function multiTone(rate: number, seconds: number, freqs: number[], amp = 4000): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  const fade = Math.round(rate * 0.01);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < freqs.length; k++) v += Math.sin(2 * Math.PI * freqs[k] * (i / rate) + k * 0.7);
    const g = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = Math.round(amp * v * g);
  }
  return out;
}

/** A pure sine. */
export function sine(rate: number, samples: number, freq: number, amp: number, phase = 0): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amp * Math.sin(2 * Math.PI * freq * (i / rate) + phase));
  return out;
}

/** A continuous sine cut into `count` frames of `frameSamples` (phase carried across frames; each frame a copy). */
export function sineFrames(rate: number, frameSamples: number, count: number, freq: number, amp: number): Int16Array[] {
  const all = sine(rate, frameSamples * count, freq, amp);
  return Array.from({ length: count }, (_, i) => all.slice(i * frameSamples, (i + 1) * frameSamples));
}

/** dBFS (full scale = 32768) of a sine with peak `amplitude`: its RMS is amplitude/√2. */
export function dbfsOfSine(amplitude: number): number {
  return 20 * Math.log10(amplitude / Math.SQRT2 / 32768);
}

/** Deterministic white noise (xorshift), uniform in ±amp. */
export function noise(samples: number, amp: number, seed = 1): Int16Array {
  let x = seed >>> 0 || 1;
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = Math.round(((x / 4294967296) * 2 - 1) * amp);
  }
  return out;
}

const speechCache = new Map<number, Int16Array>();

/**
 * A spoken English sentence from espeak-ng (22.05 kHz), resampled to `rate` with our resampler and normalised to a
 * peak of about −6 dBFS. Cached per rate within one test process.
 */
export function speech(rate: number): Int16Array {
  const cached = speechCache.get(rate);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'redial-speech-'));
  try {
    const wavPath = join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-v', 'en', '-s', '150', '-w', wavPath,
      'Redial places a call to the Asterisk server, and the quick brown fox jumps over the lazy dog.']);
    const wav = decodeWav(new Uint8Array(readFileSync(wavPath)));
    let pcm = wav.samples;
    if (wav.sampleRate !== rate) pcm = new Resampler(wav.sampleRate, rate).process(pcm);
    let peak = 1;
    for (const s of pcm) peak = Math.max(peak, Math.abs(s));
    const gain = 16000 / peak;
    const out = new Int16Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) out[i] = Math.round(pcm[i] * gain);
    speechCache.set(rate, out);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** RMS of `pcm[from..to)`, in sample units. */
export function rms(pcm: Int16Array, from = 0, to = pcm.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += pcm[i] * pcm[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Power of `freq` relative to the total power of `pcm` (Goertzel), 0..1. */
export function toneFraction(pcm: Int16Array, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of pcm) {
    const s0 = x + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  const total = pcm.reduce((a, x) => a + x * x, 0);
  return total === 0 ? 0 : (2 * power) / (pcm.length * total);
}

/**
 * Amplitude of the component at `freq` Hz by the Goertzel algorithm over the whole block (no window): a sine of
 * amplitude A at exactly `freq` reads ≈ A. Cheaper than toneAmplitude(), for blocks of many periods.
 */
export function goertzelAmplitude(x: Int16Array, freq: number, rate: number): number {
  const c = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / Math.max(1, x.length);
}

/** SNR in dB of `test` against `ref`, with `test` delayed by `delay` samples, over the overlapping part. */
export function snrDb(ref: Int16Array, test: Int16Array, delay = 0, skip = 0): number {
  let sig = 0;
  let err = 0;
  const n = Math.min(ref.length, test.length - delay);
  for (let i = skip; i < n; i++) {
    const r = ref[i];
    const e = r - test[i + delay];
    sig += r * r;
    err += e * e;
  }
  return err === 0 ? Infinity : 10 * Math.log10(sig / err);
}

/** The delay (0..maxDelay samples) at which `test` best matches `ref`, and the SNR there. */
export function alignedSnr(ref: Int16Array, test: Int16Array, maxDelay: number, skip = 0): { delay: number; snr: number } {
  let best = { delay: 0, snr: -Infinity };
  for (let d = 0; d <= maxDelay; d++) {
    const snr = snrDb(ref, test, d, skip);
    if (snr > best.snr) best = { delay: d, snr };
  }
  return best;
}

/** Segmental SNR (mean of per-segment SNR over segments with signal energy, each clamped to [-10, 60] dB). */
export function segmentalSnrDb(ref: Int16Array, test: Int16Array, delay: number, segment: number): number {
  const values: number[] = [];
  const n = Math.min(ref.length, test.length - delay);
  for (let s = 0; s + segment <= n; s += segment) {
    let sig = 0;
    let err = 0;
    for (let i = s; i < s + segment; i++) {
      const e = ref[i] - test[i + delay];
      sig += ref[i] * ref[i];
      err += e * e;
    }
    if (sig < segment * 100 * 100) continue; // skip near-silence (below about −50 dBFS)
    values.push(Math.max(-10, Math.min(60, 10 * Math.log10(sig / Math.max(err, 1)))));
  }
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Amplitude of the component at `freq` Hz (single-bin DFT with a Hann window), in the signal's units. */
export function toneAmplitude(x: Int16Array | Float64Array, rate: number, freq: number, from = 0, to = x.length): number {
  let re = 0;
  let im = 0;
  let wsum = 0;
  const n = to - from;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const ph = (2 * Math.PI * freq * (from + i)) / rate;
    re += w * x[from + i] * Math.cos(ph);
    im += w * x[from + i] * Math.sin(ph);
    wsum += w;
  }
  return (2 * Math.sqrt(re * re + im * im)) / wsum;
}

/**
 * Log-spectral distance in dB between `ref` and `test` (delayed by `delay`): RMS over frames and bins (up to
 * `maxHz`) of the difference of 10·log10 power spectra, on frames with signal energy. Small means "sounds like".
 */
export function logSpectralDistanceDb(ref: Int16Array, test: Int16Array, rate: number, delay: number, maxHz: number): number {
  const size = 512;
  const hop = 256;
  const bins = Math.floor((maxHz / rate) * size);
  const win = new Float64Array(size);
  for (let i = 0; i < size; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1));
  let acc = 0;
  let count = 0;
  const n = Math.min(ref.length, test.length - delay);
  for (let s = 0; s + size <= n; s += hop) {
    let energy = 0;
    for (let i = 0; i < size; i++) energy += ref[s + i] * ref[s + i];
    if (energy < size * 300 * 300) continue;
    const pr = powerSpectrum(ref, s, win, bins);
    const pt = powerSpectrum(test, s + delay, win, bins);
    for (let b = 1; b < bins; b++) {
      const d = 10 * Math.log10((pr[b] + 1e3) / (pt[b] + 1e3));
      acc += d * d;
      count++;
    }
  }
  return Math.sqrt(acc / Math.max(1, count));
}

const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function powerSpectrum(x: Int16Array, at: number, win: Float64Array, bins: number): Float64Array {
  const size = win.length;
  let tw = twiddles.get(size);
  if (!tw) {
    tw = { cos: new Float64Array(size), sin: new Float64Array(size) };
    for (let i = 0; i < size; i++) {
      tw.cos[i] = Math.cos((2 * Math.PI * i) / size);
      tw.sin[i] = Math.sin((2 * Math.PI * i) / size);
    }
    twiddles.set(size, tw);
  }
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = x[at + i] * win[i];
  const out = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    let re = 0;
    let im = 0;
    for (let i = 0, k = 0; i < size; i++, k = (k + b) % size) {
      re += v[i] * tw.cos[k];
      im -= v[i] * tw.sin[k];
    }
    out[b] = re * re + im * im;
  }
  return out;
}

/** Splits `pcm` into frames of `n` samples, dropping a partial tail. */
export function frames(pcm: Int16Array, n: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i + n <= pcm.length; i += n) out.push(pcm.subarray(i, i + n));
  return out;
}

export function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
