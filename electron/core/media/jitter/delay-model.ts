// The delay model of the adaptive jitter buffer (stack-notes §5.1, after Asterisk jitterbuf.c): every fitting voice
// frame's delay (arrival - sender timestamp) is measured against a floor that follows the fastest frames as it moves
// (DelayFloor: a sender whose clock runs slow makes it climb); the jitter is the trimmed spread of the delays above
// that floor (DelayHistory). A clock that drifts is thus not mistaken for jitter. The target delay derives from it.
import { DelayFloor } from './delay-floor.js';
import { DelayHistory } from './delay-history.js';
import type { JitterSettings } from './types.js';

/** Where the model stands at one moment: the floor (trimmed minimum delay) and the trimmed spread above it. */
export interface Estimate {
  readonly min: number;
  readonly jitter: number;
}

export class DelayModel {
  readonly floor = new DelayFloor();
  /** Delays above the floor at arrival. */
  readonly history: DelayHistory;
  /** The delay of the last frame measured (undefined: none since the start or reset). */
  lastDelay: number | undefined;

  constructor(settings: JitterSettings) {
    this.history = new DelayHistory(settings.historySize, settings.outlierPercent);
  }

  /** Frames measured so far (in the history). */
  get count(): number {
    return this.history.count;
  }

  estimate(now: number): Estimate {
    const h = this.history.estimate();
    return { min: this.floor.at(now) + h.min, jitter: h.jitter };
  }

  /** Adds a frame that fits the stream to the model. */
  measure(delay: number, now: number): void {
    this.floor.add(delay, now);
    this.history.add(delay - this.floor.at(now));
    this.lastDelay = delay;
  }

  clear(): void {
    this.history.clear();
    this.floor.clear();
    this.lastDelay = undefined;
  }
}

/**
 * The target delay: floor + jitter + targetExtraMs, the part above the floor at most maxMs less a frame (the delay
 * moves in whole frames; stack-notes §5.1).
 */
export function targetDelay(est: Estimate, settings: JitterSettings, frameMs: number): number {
  const ceiling = Math.max(0, settings.maxMs - frameMs);
  return est.min + Math.min(est.jitter + settings.targetExtraMs, ceiling);
}
