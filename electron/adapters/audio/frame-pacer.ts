// A real-time frame clock for the fake and WAV devices: frame n is due at start + n·frameMs, so timer
// lateness never accumulates (drift compensation). When the owning event loop was blocked, every
// overdue frame is delivered at once on wake-up, as a real device's buffered frames would be, and each
// tick records when it was due and when it actually ran so timing tests can measure glitches.

import { performance } from 'node:perf_hooks';

export interface FrameTiming {
  readonly index: number;
  /** When the frame was due, ms on the pacer's clock (performance.now()). */
  readonly dueMs: number;
  /** When it was actually produced or consumed. */
  readonly actualMs: number;
}

export interface PacerTimers {
  now(): number;
  setTimeout(fire: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: PacerTimers = {
  now: () => performance.now(),
  setTimeout: (fire, ms) => setTimeout(fire, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class FramePacer {
  private handle: unknown = null;
  private startMs = 0;
  private next = 0;
  private running = false;

  constructor(
    private readonly frameMs: number,
    private readonly tick: (timing: FrameTiming) => void,
    private readonly timers: PacerTimers = REAL_TIMERS,
  ) {
    if (!(frameMs > 0)) throw new Error(`frame period must be positive, got ${frameMs}`);
  }

  get isRunning(): boolean { return this.running; }
  get framesDone(): number { return this.next; }
  get startedAt(): number { return this.startMs; }

  /** Starts with frame 0 due now (or `firstDueMs` on the pacer clock). */
  start(firstDueMs?: number): void {
    if (this.running) return;
    this.running = true;
    this.startMs = firstDueMs ?? this.timers.now();
    this.next = 0;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    if (!this.running) return;
    const due = this.startMs + this.next * this.frameMs;
    const wait = Math.max(0, due - this.timers.now());
    this.handle = this.timers.setTimeout(() => this.run(), wait);
  }

  private run(): void {
    this.handle = null;
    if (!this.running) return;
    const now = this.timers.now();
    // Deliver every frame that is due by now (one normally; several after the loop was blocked).
    while (this.running && this.startMs + this.next * this.frameMs <= now + 0.5) {
      const index = this.next++;
      try {
        this.tick({ index, dueMs: this.startMs + index * this.frameMs, actualMs: this.timers.now() });
      } catch {
        // A failing consumer must not stop the clock; the stream reports its own errors.
      }
    }
    this.schedule();
  }
}
