// The polyphase windowed-sinc resampler: passband flatness, alias rejection, seamless frames, group delay,
// independence from chunking, pass-through at equal rates.
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../../../electron/core/media/dsp/resample.js';
import { concat, frames, noise, sine } from '../../../support/signals.js';

/** Least-squares fit of a sinusoid at `freq` over x[from..to): its amplitude and the RMS of what is left. */
function fitTone(x: Int16Array, rate: number, freq: number, from: number, to: number): { amp: number; residual: number } {
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
  for (let i = from; i < to; i++) {
    const s = Math.sin((2 * Math.PI * freq * i) / rate);
    const c = Math.cos((2 * Math.PI * freq * i) / rate);
    ss += s * s; cc += c * c; sc += s * c; xs += x[i] * s; xc += x[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let r = 0;
  for (let i = from; i < to; i++) {
    const e = x[i] - a * Math.sin((2 * Math.PI * freq * i) / rate) - b * Math.cos((2 * Math.PI * freq * i) / rate);
    r += e * e;
  }
  return { amp: Math.hypot(a, b), residual: Math.sqrt(r / (to - from)) };
}

const dB = (ratio: number): number => 20 * Math.log10(ratio);

const PAIRS: [number, number][] = [
  [8000, 16000], [16000, 8000], [16000, 48000], [48000, 16000], [8000, 48000], [48000, 8000],
  [44100, 48000], [48000, 44100], [44100, 16000],
];

describe('Resampler (polyphase windowed sinc)', () => {
  for (const [inRate, outRate] of PAIRS) {
    const lower = Math.min(inRate, outRate);
    describe(`${inRate} → ${outRate}`, () => {
      const amp = 16000;
      const run = (x: Int16Array): Int16Array => {
        const r = new Resampler(inRate, outRate);
        return concat(frames(x, inRate / 50).map((f) => r.process(f)));
      };
      const settle = Math.round(outRate * 0.05);

      it('passband (to 0.4 × the lower rate) is flat within ±0.05 dB with images below −60 dB', () => {
        for (const frac of [0.02, 0.1, 0.2, 0.3, 0.4]) {
          const f = frac * lower;
          const y = run(sine(inRate, inRate / 2, f, amp));
          const { amp: got, residual } = fitTone(y, outRate, f, settle, y.length - settle);
          expect(Math.abs(dB(got / amp))).toBeLessThan(0.05);
          expect(dB((residual * Math.SQRT2) / amp)).toBeLessThan(-60);
        }
      });

      // Input at f >= 0.575 × outRate would alias into the passband (below 0.425 × outRate); it must be rejected.
      // (For 48 → 44.1 kHz no such input exists: 24 kHz only folds down to 20.1 kHz, inside the transition band.)
      if (inRate / 2 > 0.575 * outRate) {
        it('rejects input that would alias into the passband by more than 60 dB', () => {
          for (const frac of [0, 0.3, 0.6, 0.99]) {
            const f = 0.575 * outRate + frac * (inRate / 2 - 0.575 * outRate);
            const y = run(sine(inRate, inRate / 2, f, amp));
            let e = 0;
            for (let i = settle; i < y.length - settle; i++) e += y[i] * y[i];
            const rms = Math.sqrt(e / (y.length - 2 * settle));
            expect(dB((rms * Math.SQRT2) / amp)).toBeLessThan(-60);
          }
        });
      }

      it('is seamless across 20 ms frames: frame by frame equals one call, with exact output lengths', () => {
        const x = noise(inRate / 5, 10000, 11);
        const whole = new Resampler(inRate, outRate).process(x);
        const r = new Resampler(inRate, outRate);
        const parts = frames(x, inRate / 50).map((f) => r.process(f));
        for (const p of parts) expect(p.length).toBe(outRate / 50);
        expect(Array.from(concat(parts))).toEqual(Array.from(whole));
      });
    });
  }

  it('reports its group delay: a band-limited tone lines up with the ideal resampled tone at that delay', () => {
    const r = new Resampler(8000, 16000);
    const y = r.process(sine(8000, 4000, 500, 10000));
    const d = r.delayOutputSamples;
    const ideal = new Int16Array(y.length);
    for (let i = 0; i < y.length; i++) ideal[i] = Math.round(10000 * Math.sin((2 * Math.PI * 500 * (i - d)) / 16000));
    let err = 0;
    let sig = 0;
    for (let i = 400; i < y.length - 400; i++) {
      err += (y[i] - ideal[i]) ** 2;
      sig += ideal[i] ** 2;
    }
    expect(10 * Math.log10(sig / err)).toBeGreaterThan(50);
  });

  it('gives the same output for any chunking of the input (device callbacks need not be 20 ms)', () => {
    for (const [a, b] of [[44100, 16000], [16000, 48000], [48000, 8000]] as const) {
      const x = noise(a / 4, 12000, 5);
      const whole = new Resampler(a, b).process(x);
      const r = new Resampler(a, b);
      const parts: Int16Array[] = [];
      let seed = 9;
      for (let at = 0; at < x.length;) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const n = Math.min(x.length - at, (seed >>> 16) % 700);
        parts.push(r.process(x.subarray(at, at + n)));
        at += n;
      }
      expect(Array.from(concat(parts))).toEqual(Array.from(whole));
    }
  });

  it('passes audio through untouched (no delay) when both rates are equal', () => {
    const r = new Resampler(16000, 16000);
    const x = noise(320, 20000, 3);
    expect(Array.from(r.process(x))).toEqual(Array.from(x));
    expect(r.delayOutputSamples).toBe(0);
  });

  it('rejects rates it cannot handle', () => {
    expect(() => new Resampler(0, 8000)).toThrow(/positive integers/);
    expect(() => new Resampler(8000.5, 8000)).toThrow(/positive integers/);
    expect(() => new Resampler(44101, 48000)).toThrow(/too many phases/);
  });
});
