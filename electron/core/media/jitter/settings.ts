// The adaptive jitter buffer's settings: the tuned defaults and the validation of caller-supplied overrides.
import type { JitterSettings } from './types.js';

/**
 * Defaults: Asterisk's values (stack-notes §5.1) except these, tuned with `npm run bench`
 * (test/bench/jitter-quality.ts; 20-30 seeds of the 40 ms jitter + 3 % loss trace):
 *  - targetExtraMs 10 (Asterisk 40): the trimmed estimate already covers 97 % of delays; 10 ms more gives about
 *    0.35 % late loss (worst seed 0.58 %) with 36 ms of added delay, against 58 ms for a fixed 60 ms buffer.
 *  - shrink rule: drop a frame only when the delay minus that frame still meets the target (hysteresis 0), and has
 *    for 3 s. Asterisk's "delay > target + 40 ms" leaves, with a pull-driven output that moves in 20 ms steps,
 *    half the calls a frame too high; 3 s rather than 1 s halves drop-then-grow see-saws for ~1 ms more delay.
 *  - maxMs 500 (Asterisk IAX2: 1000): beyond half a second a conversation breaks down anyway.
 */
export const DEFAULT_JITTER_SETTINGS: JitterSettings = {
  targetExtraMs: 10,
  maxMs: 500,
  resyncThresholdMs: 1000,
  resyncAfterFrames: 4,
  historySize: 500,
  outlierPercent: 3,
  growIntervalMs: 40,
  shrinkIntervalMs: 500,
  shrinkGapIntervalMs: 80,
  shrinkHysteresisMs: 0,
  shrinkStableMs: 3000,
  maxContiguousInterpolations: 10,
  defaultFrameMs: 20,
  timestampToleranceMs: 3,
  maxFrames: 400,
};

/** Fills in defaults and rejects settings that would make the buffer misbehave, with a message naming the field. */
export function resolveJitterSettings(partial: Partial<JitterSettings> = {}): JitterSettings {
  const s: JitterSettings = { ...DEFAULT_JITTER_SETTINGS, ...stripUndefined(partial) };
  const nonNegative: (keyof JitterSettings)[] = [
    'targetExtraMs', 'maxMs', 'growIntervalMs', 'shrinkIntervalMs', 'shrinkGapIntervalMs', 'shrinkHysteresisMs',
    'shrinkStableMs', 'timestampToleranceMs', 'outlierPercent',
  ];
  for (const key of nonNegative) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`jitter buffer: ${key} must be a number >= 0`);
  }
  const positiveInts: (keyof JitterSettings)[] = ['resyncAfterFrames', 'historySize', 'maxContiguousInterpolations', 'maxFrames', 'defaultFrameMs'];
  for (const key of positiveInts) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`jitter buffer: ${key} must be an integer >= 1`);
  }
  if (s.outlierPercent >= 50) throw new Error('jitter buffer: outlierPercent must be below 50');
  if (s.resyncThresholdMs !== null && (!Number.isFinite(s.resyncThresholdMs) || s.resyncThresholdMs < 0)) {
    throw new Error('jitter buffer: resyncThresholdMs must be >= 0 or null');
  }
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
