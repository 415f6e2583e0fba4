// The delay history behind the jitter estimate (the idea of Asterisk jitterbuf.c's history ring, stack-notes §5.1):
// the last N values of (arrival time - sender timestamp). The absolute value is meaningless (clocks differ);
// the spread is the jitter. The top and bottom few percent are ignored so one stray packet does not inflate it.

import { lowerBound } from './sorted-search.js';

export interface DelayEstimate {
  /** Trimmed minimum delay: the delay of the fastest packets, outliers excluded. */
  readonly min: number;
  /** Trimmed maximum minus trimmed minimum. */
  readonly jitter: number;
  readonly count: number;
}

export class DelayHistory {
  private readonly ring: Float64Array;
  /** The same values, kept in ascending order as they come and go: the estimate reads two of them. */
  private readonly sorted: Float64Array;
  private next = 0;
  private size = 0;
  private cached: DelayEstimate | undefined;

  constructor(private readonly capacity: number, private readonly outlierPercent: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  /**
   * O(capacity) memory moves, no sort and no allocation: this runs for every received frame of every call, and a
   * sorted copy per frame was the largest single cost of a call's receive side (docs/scenarios.md "Engine
   * efficiency").
   */
  add(delay: number): void {
    if (!Number.isFinite(delay)) return;
    if (this.size === this.capacity) {
      const i = lowerBound(this.sorted, this.size, this.ring[this.next]);
      this.sorted.copyWithin(i, i + 1, this.size);
      this.size--;
    }
    this.ring[this.next] = delay;
    this.next = (this.next + 1) % this.capacity;
    const at = lowerBound(this.sorted, this.size, delay);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = delay;
    this.size++;
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

  /** Trimmed minimum and spread; cached until the next add. */
  estimate(): DelayEstimate {
    if (this.cached) return this.cached;
    if (this.size === 0) return (this.cached = { min: 0, jitter: 0, count: 0 });
    const trim = Math.floor((this.size * this.outlierPercent) / 100);
    const min = this.sorted[trim];
    const max = this.sorted[this.size - 1 - trim];
    this.cached = { min, jitter: Math.max(0, max - min), count: this.size };
    return this.cached;
  }
}
