import { describe, expect, it } from 'vitest';
import { GeigelDetector } from '../../../../electron/core/media/dsp/geigel.js';
import { MinimumStatisticsNoise } from '../../../../electron/core/media/dsp/noise-estimator.js';
import { uniformNoise } from './echo-scenario.js';

/** Periodogram-like powers: |N(k)|² of complex Gaussian-ish noise with mean power `level` (exponentially distributed). */
function periodogram(bins: number, level: number, seed: number): Float64Array {
  const u = uniformNoise(bins, seed);
  return Float64Array.from(u, (v) => -level * Math.log(Math.max(1e-12, (v + 1) / 2)));
}

function meanDb(x: Float64Array, level: number): number {
  let m = 0;
  for (const v of x) m += v;
  return 10 * Math.log10(m / x.length / level);
}

describe('MinimumStatisticsNoise', () => {
  it('tracks stationary noise within 1.5 dB, follows a 12 dB rise (within 3 dB after 2.5 s, 1.5 dB after 5 s) and a drop', () => {
    const bins = 129;
    const est = new MinimumStatisticsNoise(bins);
    let seed = 1;
    const hop = (level: number) => est.update(periodogram(bins, level, seed++));
    for (let i = 0; i < 300; i++) hop(1); // 3 s at 10 ms hops
    expect(Math.abs(meanDb(est.noise, 1))).toBeLessThan(1.5);
    for (let i = 0; i < 250; i++) hop(16);
    expect(Math.abs(meanDb(est.noise, 16))).toBeLessThan(3);
    for (let i = 0; i < 250; i++) hop(16);
    expect(Math.abs(meanDb(est.noise, 16))).toBeLessThan(1.5);
    for (let i = 0; i < 40; i++) hop(1); // 0.4 s after a 12 dB drop
    expect(meanDb(est.noise, 1)).toBeLessThan(2);
  });

  it('is not lifted by speech-like bursts 30 dB above the noise with 200 ms pauses', () => {
    const bins = 65;
    const est = new MinimumStatisticsNoise(bins);
    for (let i = 0; i < 400; i++) {
      // 300 ms of "speech" at +30 dB in every 500 ms
      est.update(periodogram(bins, i % 50 < 30 ? 1000 : 1, i + 1));
    }
    expect(Math.abs(meanDb(est.noise, 1))).toBeLessThan(3.5);
  });
});

describe('GeigelDetector', () => {
  it('declares double talk when the near peak exceeds threshold × far peak over the span, with hangover', () => {
    const g = new GeigelDetector(4, 0.5, 3);
    const far = new Float64Array(8).fill(0.4);
    const quiet = new Float64Array(8).fill(0.1);
    const loud = new Float64Array(8).fill(0.3);
    expect(g.update(quiet, far)).toBe(false);
    expect(g.update(loud, far)).toBe(true); // 0.3 > 0.5 × 0.4
    expect(g.update(quiet, far)).toBe(true); // hangover
    expect(g.update(quiet, far)).toBe(true);
    expect(g.update(quiet, far)).toBe(false);
    // The far peak is remembered over the span: a loud far block 3 blocks ago still masks a 0.3 near peak.
    const g2 = new GeigelDetector(4, 0.5, 1);
    g2.update(quiet, new Float64Array(8).fill(0.8));
    const silentFar = new Float64Array(8);
    expect(g2.update(loud, silentFar)).toBe(false);
    g2.update(quiet, silentFar);
    g2.update(quiet, silentFar);
    expect(g2.update(loud, silentFar)).toBe(true); // the loud far block has left the span
  });
});
