// One media clock for every call of a process that carries many calls without sound devices (`redial load`,
// `redial test`, the echo peer): a single timer ticks every frame period and each tick services every call in
// turn, so the cost of waking up is paid once per 20 ms, not once per call and direction (the wake-up, not the
// work, is what a Node process pays most for at 50 Hz: docs/scenarios.md "Engine efficiency").
//
// Ticks are due at start + n·period, so timer lateness never accumulates. When the event loop was held up, the
// overdue ticks run back to back on wake-up (as a sound card's buffered periods would), at most MAX_CATCH_UP of
// them; a longer stall is skipped and counted, not replayed. The clock runs only while it has members.
import type { CancelTimer, Clock } from '../ports.js';

/** One tick as members see it. */
export interface MediaTick {
  /** 0, 1, 2 … since the clock (re)started. */
  readonly index: number;
  /** When it was due and when it ran, on the Clock's timeline (ms). */
  readonly dueMs: number;
  readonly nowMs: number;
}

export type TickMember = (tick: MediaTick) => void;

/** Overdue ticks replayed after a stall; beyond this they are skipped (a 100 ms burst is what a device gives). */
export const MAX_CATCH_UP = 5;

export interface MediaClockStats {
  readonly ticks: number;
  /** Ticks dropped after stalls longer than MAX_CATCH_UP periods. */
  readonly skipped: number;
  /** How late ticks ran (ms past due): the worst one, and how many were over one period late. */
  readonly maxLateMs: number;
  readonly lateOverPeriod: number;
  readonly members: number;
}

export class MediaClock {
  private members: TickMember[] = [];
  private cancel: CancelTimer | undefined;
  private inTick = false;
  private startMs = 0;
  private next = 0;
  private ticks = 0;
  private skipped = 0;
  private maxLateMs = 0;
  private lateOverPeriod = 0;
  /** Lateness of each tick, for a distribution (bounded ring). */
  private readonly lateRing: Float64Array;
  private lateCount = 0;
  /** A member that throws is reported once and kept (one bad call must not stop the others' audio). */
  private onError: ((err: unknown) => void) | undefined;

  constructor(private readonly clock: Clock, readonly periodMs = 20, lateHistory = 3000) {
    if (!(periodMs > 0)) throw new Error(`media clock: period must be positive, got ${periodMs}`);
    this.lateRing = new Float64Array(Math.max(1, lateHistory));
  }

  /** Adds a member (serviced every tick, in the order added); returns its removal. */
  add(member: TickMember): () => void {
    this.members = [...this.members, member]; // copy on write: a tick in progress keeps its own list
    if (!this.cancel && !this.inTick) this.start();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.members = this.members.filter((m) => m !== member);
      if (this.members.length === 0) this.stop();
    };
  }

  reportErrors(listener: (err: unknown) => void): void {
    this.onError = listener;
  }

  get size(): number {
    return this.members.length;
  }

  stats(): MediaClockStats {
    return { ticks: this.ticks, skipped: this.skipped, maxLateMs: this.maxLateMs, lateOverPeriod: this.lateOverPeriod, members: this.members.length };
  }

  /** Lateness of the recent ticks (ms), oldest first. */
  recentLateness(): Float64Array {
    const n = Math.min(this.lateCount, this.lateRing.length);
    const out = new Float64Array(n);
    const start = this.lateCount - n;
    for (let i = 0; i < n; i++) out[i] = this.lateRing[(start + i) % this.lateRing.length];
    return out;
  }

  private start(): void {
    // A clock that stopped for lack of members starts afresh: tick 0 is due now.
    this.startMs = this.clock.now();
    this.next = 0;
    this.schedule();
  }

  private stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private schedule(): void {
    const due = this.startMs + this.next * this.periodMs;
    this.cancel = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => this.run());
  }

  private run(): void {
    this.cancel = undefined;
    this.inTick = true;
    try {
      this.runDue();
    } finally {
      this.inTick = false;
    }
    if (this.members.length > 0 && !this.cancel) this.schedule();
  }

  private runDue(): void {
    const now = this.clock.now();
    let due = this.startMs + this.next * this.periodMs;
    const behind = Math.floor((now - due) / this.periodMs);
    if (behind >= MAX_CATCH_UP) {
      // A long stall: jump to the present rather than replay it.
      const skip = behind - MAX_CATCH_UP + 1;
      this.skipped += skip;
      this.next += skip;
      due = this.startMs + this.next * this.periodMs;
    }
    while (due <= now + 0.5 && this.members.length > 0) {
      const late = Math.max(0, this.clock.now() - due);
      this.lateRing[this.lateCount++ % this.lateRing.length] = late;
      if (late > this.maxLateMs) this.maxLateMs = late;
      if (late > this.periodMs) this.lateOverPeriod++;
      const tick: MediaTick = { index: this.next, dueMs: due, nowMs: now };
      this.next++;
      this.ticks++;
      const list = this.members;
      for (let i = 0; i < list.length; i++) {
        try {
          list[i](tick);
        } catch (err) {
          this.onError?.(err);
        }
      }
      due = this.startMs + this.next * this.periodMs;
    }
  }
}
