// The one seeded PRNG of the tests (mulberry32): reproducible impairment decisions, network traces and fuzz
// corpora from a seed. Small and well mixed; not for anything cryptographic.
import type { RandomSource } from '../../electron/core/ports.js';

/** mulberry32: uniform in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same generator with the helpers fuzzers want; also usable as the engine's RandomSource port. */
export class SeededRng implements RandomSource {
  private readonly random: () => number;
  constructor(seed: number) { this.random = seededRandom(seed); }
  next(): number { return this.random(); }
  /** An integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number { return lo + Math.floor(this.random() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(0, xs.length - 1)]; }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
}
