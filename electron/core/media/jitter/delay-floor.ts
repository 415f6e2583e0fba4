// The floor of the delay (arrival time - sender timestamp): what the fastest frames take now, followed as it moves.
//
// A minimum over the last ten seconds (jitterbuf.c's history) assumes the sender's clock runs at the rate of ours.
// Asterisk's does not when it relays voice (Echo(), a bridge): it stamps each frame it forwards with the previous
// timestamp + 20 ms (chan_iax2 calc_timestamp()), so a frame lost before it leaves no gap, and the delay of what
// reaches us climbs by 20 ms per upstream loss, for good: a staircase rising ~100 ms/s at 10 % loss (stack-notes
// §5.5). A frozen minimum reads that climb as jitter, and the buffer balloons.
//
// So the floor is the lowest of the last k delays (the lowest 3 % of a long window ignored), each projected to now
// along the slope the lower envelope has been climbing: a Theil-Sen line through the minima of 100 ms windows over
// two seconds, believed only when three quarters of its pairs agree (a few stray delays cannot tilt it). A fast
// clock's delays fall, and a minimum follows them down by itself, so only climbs are projected.
// k trades the two noises the floor sees. Jitter scatters delays above the floor: a short window takes a late
// frame for the floor. A slow sender's climb is a random walk around the slope (a 20 ms step per upstream loss): a
// long window lags it. With the step variance q per frame (implied by the slope) and the jitter J, the errors grow
// as √(q·k) and J/k, least in sum at k = (2J/√q)^(2/3) frames; J is read from how far the delay falls back from one
// frame to the next (jitter falls back, a slow clock never does), so that a smooth climb gets k = 1 and the floor
// is simply the latest delay. A steady stream (no slope) keeps three seconds; a climb that starts mid-call, before
// its slope shows, is caught by the last eight delays all lying above the floor.
//
// Only frames the caller judged to fit the stream come here (a stray timestamp would drag a minimum anywhere).
// This runs for every received frame of every call: no sort and no allocation per frame (docs/scenarios.md §6).
import { DelayHistory } from './delay-history.js';
import { lowerBound } from './sorted-search.js';

/** Width of the windows whose minima give the slope. */
const WINDOW_MS = 100;
/** Window minima kept for the slope: two seconds, so a climb that starts mid-call shows within about one. */
const WINDOWS = 20;
/** Minima needed before a slope is believed. */
const MIN_WINDOWS = 4;
/** Steepest climb followed, ms per ms: a sender a third slow (Asterisk relaying a leg with 25 % loss). */
const MAX_SLOPE = 1 / 3;
/** Frame-to-frame falls kept for the jitter estimate, and the share of the largest ignored (3 of 100). */
const FALLS = 100;
const FALLS_TRIM_PERCENT = 3;
/** The longest window: three seconds of 20 ms frames. */
const MAX_WINDOW_FRAMES = 150;
/** The lowest this percentage of a long window is ignored (jitterbuf.c trims its history alike). */
const TRIM_PERCENT = 3;
/** The recent delays' ring: the longest window, and the frame just added before the oldest leaves. */
const RECENT_CAPACITY = MAX_WINDOW_FRAMES + 1;
/** Delays the fit reference (and the stale-floor check) look back over, whatever the floor's window. */
const REFERENCE_FRAMES = 8;
/** The floor is stale when the last REFERENCE_FRAMES delays all lie more than this (or the short-term jitter) above it. */
const STALE_MARGIN_MS = 10;
/** Delays are projected at most this long past the last frame: a pause is not a climb. */
const MAX_PROJECTION_MS = 1000;
/** Per-frame step variance (ms²) below which the sender counts as steady. */
const STEADY_VARIANCE = 1;

export class DelayFloor {
  /**
   * The last k (at least REFERENCE_FRAMES) delays with their arrival times, oldest first: a ring of numbers, not an
   * object per frame, which lived three seconds and was promoted out of the young generation by the thousand.
   */
  private readonly recentD = new Float64Array(RECENT_CAPACITY);
  private readonly recentAt = new Float64Array(RECENT_CAPACITY);
  private recentStart = 0;
  private recentCount = 0;
  /**
   * The window's delays taken back along the slope to time 0 (d - slope·at), in ascending order: projected to any
   * moment they keep that order, so the trimmed lowest is one read. Rebuilt when the slope changes.
   */
  private readonly keys = new Float64Array(MAX_WINDOW_FRAMES);
  private keyCount = 0;
  private k = MAX_WINDOW_FRAMES;
  /** How the lower envelope moves, ms per ms: positive for a slow sender, negative for a fast one. */
  private trend = 0;
  /** The climb the floor is projected along (a falling floor needs no projection: its minimum follows it down). */
  private slope = 0;
  private window: { start: number; min: number; at: number } | undefined;
  private readonly minima: { readonly at: number; readonly min: number }[] = [];
  /** How far the delay fell from one frame to the next, recently (a sorted ring: its trimmed top is the noise). */
  private readonly falls = new DelayHistory(FALLS, FALLS_TRIM_PERCENT);
  /** The floor and the reference for the last `now` asked, until the next add. */
  private readonly cache = { now: Number.NaN, floor: 0, reference: 0 };

  /** The floor at local time `now` (0 before the first frame). */
  at(now: number): number {
    return this.projectTo(now).floor;
  }

  /**
   * The lowest of the last REFERENCE_FRAMES delays (at least the floor's), projected to now: what a frame must not
   * undercut by much to fit the stream. Not the floor itself, which may have just followed one late frame up.
   */
  reference(now: number): number {
    return this.projectTo(now).reference;
  }

  /** How fast the floor moves, ms of delay per ms of local time: 0.1 when the sender's clock runs 10 % slow, -0.02 when it runs 2 % fast. */
  get drift(): number {
    return this.trend;
  }

  /** The recent frame-to-frame falls of the delay, the largest 3 % left out: the short-term jitter. */
  noise(): number {
    const e = this.falls.estimate();
    return e.min + e.jitter;
  }

  /** A frame that fits the stream arrived at `now` with `delay`. */
  add(delay: number, now: number): void {
    if (this.recentCount > 0) this.falls.add(Math.max(0, this.recentD[this.slot(this.recentCount - 1)] - delay));
    this.cache.now = Number.NaN;
    const end = this.slot(this.recentCount);
    this.recentD[end] = delay;
    this.recentAt[end] = now;
    this.recentCount++;
    const slopeBefore = this.slope;
    this.noteForSlope(delay, now);
    const p = this.slope / (1 + this.slope);
    const q = 400 * p * (1 - p);
    const noise = this.noise();
    this.k = noise < 1 ? 1
      : q < STEADY_VARIANCE ? MAX_WINDOW_FRAMES
      : Math.max(1, Math.min(MAX_WINDOW_FRAMES, Math.round(Math.pow((2 * noise) / Math.sqrt(q), 2 / 3))));
    const keep = Math.max(this.k, REFERENCE_FRAMES);
    const rebuild = this.slope !== slopeBefore;
    while (this.recentCount > keep) {
      if (!rebuild) this.removeKey(this.recentD[this.recentStart] - this.slope * this.recentAt[this.recentStart]);
      this.recentStart = (this.recentStart + 1) % RECENT_CAPACITY;
      this.recentCount--;
    }
    if (rebuild) this.rebuildKeys();
    else this.insertKey(delay - this.slope * now);
  }

  clear(): void {
    this.recentStart = 0;
    this.recentCount = 0;
    this.keyCount = 0;
    this.k = MAX_WINDOW_FRAMES;
    this.trend = 0;
    this.slope = 0;
    this.window = undefined;
    this.minima.length = 0;
    this.falls.clear();
    this.cache.now = Number.NaN;
  }

  private projectTo(now: number): { floor: number; reference: number } {
    if (this.cache.now === now) return this.cache;
    const n = this.recentCount;
    // Projected to `now`, but never further than a second past the last frame: a pause is not a climb.
    const t = n ? Math.min(now, this.recentAt[this.slot(n - 1)] + MAX_PROJECTION_MS) : now;
    // The floor's window is the newest k entries of the sorted keys' window (which holds max(k, REFERENCE_FRAMES)).
    const long = this.k >= this.keyCount ? this.trimmedLowestKey() + this.slope * t : this.lowestOfLast(this.k, t);
    // A long window still holds a minimum the stream has left (a slow sender's first climb, before the slope shows
    // it): when even the last few delays all lie above it by more than the short-term jitter, follow them instead.
    const last = this.lowestOfLast(REFERENCE_FRAMES, t);
    this.cache.now = now;
    this.cache.floor = n === 0 ? 0 : last - long > Math.max(this.noise(), STALE_MARGIN_MS) ? last : long;
    this.cache.reference = n === 0 ? 0 : this.k >= REFERENCE_FRAMES ? long : last;
    return this.cache;
  }

  /** The lowest of the window's keys once the lowest TRIM_PERCENT are left out (jitterbuf.c trims alike). */
  private trimmedLowestKey(): number {
    return this.keys[Math.floor((this.keyCount * TRIM_PERCENT) / 100)];
  }

  /** The lowest of the last `frames` delays projected to `t` (a short window: scanned). */
  private lowestOfLast(frames: number, t: number): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (let i = Math.max(0, this.recentCount - frames); i < this.recentCount; i++) {
      const j = this.slot(i);
      lowest = Math.min(lowest, this.recentD[j] + this.slope * (t - this.recentAt[j]));
    }
    return lowest;
  }

  /** Where the i-th oldest of the recent delays sits in the ring. */
  private slot(i: number): number {
    return (this.recentStart + i) % RECENT_CAPACITY;
  }

  private rebuildKeys(): void {
    this.keyCount = this.recentCount;
    for (let i = 0; i < this.keyCount; i++) {
      const j = this.slot(i);
      this.keys[i] = this.recentD[j] - this.slope * this.recentAt[j];
    }
    this.keys.subarray(0, this.keyCount).sort();
  }

  private insertKey(key: number): void {
    const i = lowerBound(this.keys, this.keyCount, key);
    this.keys.copyWithin(i + 1, i, this.keyCount);
    this.keys[i] = key;
    this.keyCount++;
  }

  private removeKey(key: number): void {
    const i = lowerBound(this.keys, this.keyCount, key);
    if (i >= this.keyCount) return;
    this.keys.copyWithin(i, i + 1, this.keyCount);
    this.keyCount--;
  }

  private noteForSlope(delay: number, now: number): void {
    const w = this.window;
    if (w && now - w.start < WINDOW_MS) {
      if (delay < w.min) {
        w.min = delay;
        w.at = now;
      }
      return;
    }
    if (w) {
      this.minima.push({ at: w.at, min: w.min });
      if (this.minima.length > WINDOWS) this.minima.shift();
      this.trend = this.minima.length >= MIN_WINDOWS ? Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, trend(this.minima))) : 0;
      this.slope = Math.max(0, this.trend);
    }
    this.window = { start: now, min: delay, at: now };
  }
}

/**
 * The Theil-Sen slope (median of the slopes between every pair of points: a line that a few wild points cannot
 * tilt), or 0 unless the trend is clear: three quarters of the pairs must rise (or fall), as they do along a slow
 * sender's staircase (or a fast sender's descent) and do not in a steady stream, whose minima scatter both ways.
 */
function trend(points: readonly { readonly at: number; readonly min: number }[]): number {
  let n = 0;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j].at - points[i].at;
      if (dt > 0) PAIR_SLOPES[n++] = (points[j].min - points[i].min) / dt;
    }
  }
  if (n === 0) return 0;
  const slopes = PAIR_SLOPES.subarray(0, n).sort();
  const quarter = Math.floor(n / 4);
  if (slopes[quarter] <= 0 && slopes[n - 1 - quarter] >= 0) return 0;
  const mid = n >> 1;
  return n % 2 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
}

/** Scratch space for trend(): the slopes of every pair of window minima. */
const PAIR_SLOPES = new Float64Array((WINDOWS * (WINDOWS - 1)) / 2);
