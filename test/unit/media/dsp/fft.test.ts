import { describe, expect, it } from 'vitest';
import { RealFft } from '../../../../electron/core/media/dsp/fft.js';

function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      re[k] += x[t] * Math.cos((-2 * Math.PI * k * t) / n);
      im[k] += x[t] * Math.sin((-2 * Math.PI * k * t) / n);
    }
  }
  return { re, im };
}

describe('RealFft', () => {
  for (const n of [4, 8, 64, 256]) {
    it(`matches a direct DFT and inverts exactly at n=${n}`, () => {
      const x = new Float64Array(n);
      let s = 12345;
      for (let i = 0; i < n; i++) {
        s = (s * 1103515245 + 12345) % 2147483648;
        x[i] = s / 2147483648 - 0.5;
      }
      const fft = new RealFft(n);
      const re = new Float64Array(fft.bins);
      const im = new Float64Array(fft.bins);
      fft.forward(x, re, im);
      const ref = naiveDft(x);
      let maxErr = 0;
      for (let k = 0; k < fft.bins; k++) maxErr = Math.max(maxErr, Math.abs(re[k] - ref.re[k]), Math.abs(im[k] - ref.im[k]));
      expect(maxErr).toBeLessThan(1e-9);
      const back = new Float64Array(n);
      fft.inverse(re, im, back);
      let backErr = 0;
      for (let i = 0; i < n; i++) backErr = Math.max(backErr, Math.abs(back[i] - x[i]));
      expect(backErr).toBeLessThan(1e-12);
    });
  }

  it('rejects sizes that are not powers of two', () => {
    expect(() => new RealFft(48)).toThrow(/power of two/);
  });
});
