// The tests' seeded PRNG (test/support/seeded-random.ts): uniform, reproducible, and its integer helpers in range.
import { describe, expect, it } from 'vitest';
import { SeededRng, seededRandom } from '../../support/seeded-random.js';

describe('seeded PRNG', () => {
  it('is uniform enough: ten equal buckets within 5 %, mean within 0.02 of 0.5', () => {
    const r = seededRandom(1);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]++;
      sum += x;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    expect(sum / 100_000).toBeGreaterThan(0.48);
    expect(sum / 100_000).toBeLessThan(0.52);
  });

  it('gives the same sequence for a seed and another for another seed', () => {
    const take = (seed: number): number[] => { const r = seededRandom(seed); return Array.from({ length: 8 }, () => r()); };
    expect(take(42)).toEqual(take(42));
    expect(take(43)).not.toEqual(take(42));
    const rng = new SeededRng(42);
    expect(Array.from({ length: 8 }, () => rng.next())).toEqual(take(42));
  });

  it('int, pick and bytes stay in range and reach both ends', () => {
    const rng = new SeededRng(7);
    const ints = Array.from({ length: 2000 }, () => rng.int(-3, 3));
    expect(Math.min(...ints)).toBe(-3);
    expect(Math.max(...ints)).toBe(3);
    const picked = new Set(Array.from({ length: 200 }, () => rng.pick(['a', 'b', 'c'])));
    expect([...picked].sort()).toEqual(['a', 'b', 'c']);
    const bytes = rng.bytes(4096);
    expect(bytes).toHaveLength(4096);
    expect(Math.max(...bytes)).toBe(255);
    expect(Math.min(...bytes)).toBe(0);
  });
});
