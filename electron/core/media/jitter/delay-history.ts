// The delay history behind the jitter estimate (the idea of Asterisk jitterbuf.c's history ring, stack-notes §5.1):
// the last N values of (arrival time - sender timestamp). The absolute value is meaningless (clocks differ);
// the spread is the jitter. The top and bottom few percent are ignored so one stray packet does not inflate it.

export interface DelayEstimate {
  /** Trimmed minimum delay: the delay of the fastest packets, outliers excluded. */
  readonly min: number;
  /** Trimmed maximum minus trimmed minimum. */
  readonly jitter: number;
  readonly count: number;
}

export class DelayHistory {
  private readonly ring: Float64Array;
  private next = 0;
  private size = 0;
  private cached: DelayEstimate | undefined;

  constructor(private readonly capacity: number, private readonly outlierPercent: number) {
    this.ring = new Float64Array(capacity);
  }

  add(delay: number): void {
    this.ring[this.next] = delay;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.cached = undefined;
  }

  clear(): void {
    this.size = 0;
    this.next = 0;
    this.cached = undefined;
  }

  get count(): number {
    return this.size;
  }

  /** Sorted-copy percentile; N is a few hundred and the result is cached until the next add. */
  estimate(): DelayEstimate {
    if (this.cached) return this.cached;
    if (this.size === 0) return (this.cached = { min: 0, jitter: 0, count: 0 });
    const sorted = this.ring.slice(0, this.size).sort();
    const trim = Math.floor((this.size * this.outlierPercent) / 100);
    const min = sorted[trim];
    const max = sorted[this.size - 1 - trim];
    this.cached = { min, jitter: Math.max(0, max - min), count: this.size };
    return this.cached;
  }
}
