// The Clock port on the real machine: performance.now() for protocol time (monotonic; spec Appendix B: never
// Date.now() for timestamps), Date for display, setTimeout for timers (unref'd: timers never keep a CLI alive alone).
import { performance } from 'node:perf_hooks';
import type { CancelTimer, Clock } from '../core/ports.js';

export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }
  wallTime(): Date {
    return new Date();
  }
  setTimer(delayMs: number, fire: () => void): CancelTimer {
    const t = setTimeout(fire, Math.max(0, delayMs));
    t.unref?.();
    return () => clearTimeout(t);
  }
}
