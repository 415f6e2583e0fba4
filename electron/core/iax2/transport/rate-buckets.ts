// Token buckets by key (a source address, an address and port), bounded in memory: when the table is full the
// least recently used key is forgotten, which only ever makes a limit more lenient for that key, never stricter
// for another. Used by the admission of incoming NEWs (incoming-admission.ts; docs/security.md §7).

interface Bucket {
  tokens: number;
  at: number;
}

export class RateBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * `ratePerSecond` tokens are added per second up to `burst`; each {@link take} spends one. At most `maxKeys`
   * keys are remembered.
   */
  constructor(private readonly ratePerSecond: number, private readonly burst: number, private readonly maxKeys = 4096) {}

  /** Spends one token of `key` at time `nowMs`; false (and nothing spent) when its bucket is empty. */
  take(key: string, nowMs: number): boolean {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted below: most recently used last
      b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.ratePerSecond);
      b.at = nowMs;
    } else {
      b = { tokens: this.burst, at: nowMs };
      while (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest === undefined) break;
        this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }
}
