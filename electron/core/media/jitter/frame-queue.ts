// Frames waiting for playout, kept sorted by (re-based) timestamp. Arrivals are almost always in order, so
// insertion scans from the tail; reordered frames move a few places back.

export interface QueuedFrame<F> {
  readonly ts: number;
  /** The sender's timestamp as received (ts is re-based after a resync). */
  readonly originalTs: number;
  readonly durationMs: number;
  readonly frame: F;
}

export class FrameQueue<F> {
  private items: QueuedFrame<F>[] = [];

  get length(): number {
    return this.items.length;
  }

  first(): QueuedFrame<F> | undefined {
    return this.items[0];
  }

  last(): QueuedFrame<F> | undefined {
    return this.items[this.items.length - 1];
  }

  has(ts: number): boolean {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const t = this.items[i].ts;
      if (t === ts) return true;
      if (t < ts) return false;
    }
    return false;
  }

  /** Whether a frame at `ts` lasting `durationMs` would overlap a queued one by more than `tolerance` ms. */
  overlaps(ts: number, durationMs: number, tolerance: number): boolean {
    for (const item of this.items) {
      if (item.ts < ts + durationMs - tolerance && ts < item.ts + Math.max(item.durationMs, tolerance) - tolerance) return true;
    }
    return false;
  }

  insert(item: QueuedFrame<F>): void {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].ts > item.ts) i--;
    this.items.splice(i, 0, item);
  }

  shift(): QueuedFrame<F> | undefined {
    return this.items.shift();
  }

  /** Milliseconds of audio from the first frame's start to the last frame's end. */
  spanMs(): number {
    const a = this.items[0];
    const b = this.items[this.items.length - 1];
    return a && b ? b.ts + b.durationMs - a.ts : 0;
  }

  clear(): void {
    this.items = [];
  }
}
