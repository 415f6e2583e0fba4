// A virtual clock for tests (implements the core's Clock port): time moves only when the test advances it, and
// timers fire in deadline order (ties in creation order), each seeing `now()` equal to its deadline.
import type { CancelTimer, Clock } from '../../electron/core/ports.js';

interface Timer { at: number; seq: number; fire: () => void; cancelled: boolean }

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_000, private readonly wallEpochMs = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  wallTime(): Date {
    return new Date(this.wallEpochMs + this.t);
  }

  setTimer(delayMs: number, fire: () => void): CancelTimer {
    const timer: Timer = { at: this.t + Math.max(0, delayMs), seq: this.seq++, fire, cancelled: false };
    this.timers.push(timer);
    return () => { timer.cancelled = true; };
  }

  /** Pending (not cancelled) timers. */
  pending(): number {
    this.timers = this.timers.filter((x) => !x.cancelled);
    return this.timers.length;
  }

  /** Deadline of the next pending timer, if any. */
  nextAt(): number | undefined {
    let best: Timer | undefined;
    for (const x of this.timers) if (!x.cancelled && (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq))) best = x;
    return best?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order (timers set meanwhile included). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.popDue(end);
      if (!next) break;
      // A timer overdue after stall() fires late, at the time it finally runs.
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
    this.t = end;
  }

  /**
   * Moves time forward by `ms` without firing anything, as a blocked event loop lets time pass; the timers that fell
   * due fire at the next advance(), each late.
   */
  stall(ms: number): void {
    this.t += ms;
  }

  /** Advances to the next timer and fires it (and any others due at the same instant). False if none. */
  step(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.advance(at - this.t);
    return true;
  }

  private popDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const x of this.timers) {
      if (x.cancelled || x.at > end) continue;
      if (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq)) best = x;
    }
    if (best) this.timers = this.timers.filter((x) => x !== best);
    return best;
  }
}

/**
 * The paced devices' timers (adapters/audio/frame-pacer.ts PacerTimers) on a FakeClock; `lateMs(i)` makes the i-th
 * timer fire that much after its deadline, as a loaded machine's timers do.
 */
export function pacerTimers(clock: FakeClock, lateMs: (i: number) => number = () => 0):
  { now(): number; setTimeout(fire: () => void, ms: number): unknown; clearTimeout(handle: unknown): void } {
  let n = 0;
  return {
    now: () => clock.now(),
    setTimeout: (fire, ms) => clock.setTimer(ms + lateMs(n++), fire),
    clearTimeout: (handle) => { (handle as CancelTimer)(); },
  };
}
