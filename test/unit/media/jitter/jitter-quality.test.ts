// The benchmark's target as a regression test: deterministic (seeded traces, simulated clock), so not a timing claim.
import { describe, expect, it } from 'vitest';
import { BENCH_TRACES, measure } from '../../../bench/jitter-quality.js';
import { burstRatio, mosFromR, rFactor } from '../../../bench/e-model.js';

describe('jitter buffer quality (seeded traces)', () => {
  it('meets the target at 40 ms jitter and 3 % loss: under 1 % late loss, less delay than a fixed 60 ms buffer', () => {
    const spec = BENCH_TRACES.find((t) => t.name.startsWith('TARGET'));
    if (!spec) throw new Error('no target trace');
    for (const seed of [spec.seed, 2001, 2002, 2003]) {
      const [adaptive, fixed] = measure({ ...spec, seed });
      expect(adaptive.buffer).toBe('adaptive');
      expect(adaptive.lateLossPercent).toBeLessThan(1);
      expect(adaptive.result.meanAddedDelayMs).toBeLessThan(fixed.result.meanAddedDelayMs);
    }
  });

  it('beats the fixed buffer on a delay spike', () => {
    const spec = BENCH_TRACES.find((t) => t.name.includes('spike'));
    if (!spec) throw new Error('no spike trace');
    const [adaptive, fixed] = measure(spec);
    expect(adaptive.lateLossPercent).toBeLessThan(fixed.lateLossPercent);
    expect(adaptive.r).toBeGreaterThan(fixed.r);
  });

  it('E-model: known points of G.107', () => {
    // No impairment: R = 93.2 - 0.024·Ta; with Ta = 0 the G.107 default R of 93.2 and MOS 4.41.
    expect(rFactor({ mouthToEarMs: 0, lossPercent: 0, burstR: 1 })).toBeCloseTo(93.2, 5);
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
    // 2 % random loss with G.711+PLC (Bpl 25.1): Ie,eff = 95·2/27.1 = 7.01.
    expect(rFactor({ mouthToEarMs: 0, lossPercent: 2, burstR: 1 })).toBeCloseTo(93.2 - 7.011, 2);
    // Delay beyond 177.3 ms costs extra: Ta = 300 → Id = 7.2 + 13.497.
    expect(rFactor({ mouthToEarMs: 300, lossPercent: 0, burstR: 1 })).toBeCloseTo(93.2 - 20.697, 2);
    expect(burstRatio([false, false, true, true, true, false, false, false, true, true, false])).toBeGreaterThan(1);
    expect(burstRatio([false, true, false, false, true, false])).toBeLessThanOrEqual(1);
  });
});
