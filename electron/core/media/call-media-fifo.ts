// A growable FIFO of 16-bit samples: the glue between stages that work in different frame sizes (codec frames,
// device periods, resampler output that is not always a whole frame).

export class SampleFifo {
  private buf: Int16Array;
  private start = 0;
  private end = 0;

  constructor(initialCapacity = 4096) {
    this.buf = new Int16Array(initialCapacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    if (this.end + samples.length > this.buf.length) {
      const live = this.buf.subarray(this.start, this.end);
      const next = this.length + samples.length > this.buf.length ? new Int16Array(Math.max(this.buf.length * 2, this.length + samples.length)) : this.buf;
      next.set(live, 0);
      this.buf = next;
      this.end -= this.start;
      this.start = 0;
    }
    this.buf.set(samples, this.end);
    this.end += samples.length;
  }

  /** Exactly `count` samples: what is queued, then zeros if it runs short. */
  take(count: number): Int16Array {
    return this.takeInto(new Int16Array(count));
  }

  /** As take(out.length), into a buffer the caller reuses (no allocation per frame). */
  takeInto(out: Int16Array): Int16Array {
    const n = Math.min(out.length, this.length);
    out.set(this.buf.subarray(this.start, this.start + n), 0);
    if (n < out.length) out.fill(0, n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  /** Discard the oldest samples so that at most `max` remain. */
  trimTo(max: number): void {
    if (this.length > max) this.start = this.end - max;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}
