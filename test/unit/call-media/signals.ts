// Test signals and measurements for the call-media tests.

export function sine(freq: number, rate: number, samples: number, amplitude: number, phase0 = 0): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin(phase0 + (2 * Math.PI * freq * i) / rate));
  return out;
}

/** A continuous sine cut into frames (phase carried across frames). */
export function sineFrames(freq: number, rate: number, frameSamples: number, frames: number, amplitude: number): Int16Array[] {
  const all = sine(freq, rate, frameSamples * frames, amplitude);
  return [...Array(frames).keys()].map((i) => all.slice(i * frameSamples, (i + 1) * frameSamples));
}

export function rms(pcm: Int16Array): number {
  let s = 0;
  for (const v of pcm) s += v * v;
  return Math.sqrt(s / Math.max(1, pcm.length));
}

/** Power of `freq` relative to the total power of `pcm` (Goertzel), 0..1. */
export function toneFraction(pcm: Int16Array, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0, s2 = 0;
  for (const x of pcm) {
    const s0 = x + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  const total = pcm.reduce((a, x) => a + x * x, 0);
  return total === 0 ? 0 : (2 * power) / (pcm.length * total);
}

export function concat(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function dbfsOfSine(amplitude: number): number {
  return 20 * Math.log10(amplitude / Math.SQRT2 / 32768);
}
