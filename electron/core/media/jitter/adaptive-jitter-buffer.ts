// An adaptive jitter buffer in milliseconds, after the ideas of Asterisk's jitterbuf.c (Steve Kann;
// stack-notes §5.1), written for a pull-driven output: the caller asks "what plays at `now`?" and produces that much audio.
// This file is the arrival side and the composition; the parts live beside it:
//  * DelayModel (delay-model.ts): every voice frame's delay against a floor that follows the fastest frames as it
//    moves, the jitter as the trimmed spread above it; a clock that drifts is thus not mistaken for jitter.
//  * Playout (playout.ts): the target delay, grow fast / shrink slowly, waiting for a missing frame, talkspurts and
//    silence.
//  * FrameQueue (frame-queue.ts) the frames waiting to play, RecentTimestamps the slots just played or lost,
//    JitterCounters the figures stats() reports.
//  * Fit (here): a frame far earlier than the recent ones, far later than the floor, or claiming a place already taken
//    (coming after later frames without filling a hole) does not fit the stream (stack-notes §5.5: mini frames
//    carry no sequence number, anyone on the path can inject one). It is held and never touches the model:
//    resyncAfterFrames such frames in a row that agree with each other mean the sender's timeline moved (transfer,
//    restart, Asterisk snapping its clock forward), and the timeline is re-based so the delay stays where it was;
//    anything else is dropped as an outlier.
//  * A frame read long after the caller last pulled was delayed by our own stalled thread, which held the playout up
//    alike: it is queued, but its delay is not measured.
// Time is injected (`now` arguments), so the buffer is deterministic under test.
import { DelayModel } from './delay-model.js';
import { FrameQueue } from './frame-queue.js';
import { JitterCounters } from './jitter-counters.js';
import { Playout } from './playout.js';
import { RecentTimestamps } from './recent-timestamps.js';
import { resolveJitterSettings } from './settings.js';
import type { GetResult, JitterFrame, JitterSettings, JitterStats, PutOutcome } from './types.js';

interface HeldFrame<T> {
  readonly frame: JitterFrame<T>;
  readonly ts: number;
  readonly now: number;
}

/** Held frames belong to one new timeline when their delays agree within 2 × jitter + this. */
const HELD_AGREEMENT_MS = 40;
/** At most this many × resyncAfterFrames frames are held while a jump is being confirmed. */
const MAX_HELD_FACTOR = 4;
/**
 * A frame earlier than the lowest recent delay by more than the short-term jitter + this does not fit. Tight on
 * purpose: the floor follows frames below it, so a looser gate would let injected early timestamps walk it down.
 */
const EARLY_MARGIN_MS = 20;
/** A frame put more than this (or three pull periods) after the last get() was read late by a stalled caller. */
const STALL_MS = 60;
/** Frames measured before the fit rules apply. */
const SETTLE_FRAMES = 10;
export class AdaptiveJitterBuffer<T> {
  readonly settings: JitterSettings;
  private readonly model: DelayModel;
  private readonly queue = new FrameQueue<JitterFrame<T>>();
  private readonly counters = new JitterCounters();
  private readonly recentPlayed = new RecentTimestamps();
  private readonly recentLost = new RecentTimestamps();
  private readonly playout: Playout<T>;

  private resyncOffset = 0;
  private held: HeldFrame<T>[] = [];
  private maxTsSeen = Number.NEGATIVE_INFINITY;

  constructor(settings: Partial<JitterSettings> = {}) {
    this.settings = resolveJitterSettings(settings);
    this.model = new DelayModel(this.settings);
    this.playout = new Playout(this.settings, this.queue, this.model, this.counters, this.recentPlayed, this.recentLost);
  }

  /** A frame arrived at local time `now` carrying sender timestamp `ts` (ms, un-wrapped: spec §4.7). */
  put(frame: JitterFrame<T>, ts: number, now: number): PutOutcome {
    if (!Number.isFinite(ts) || !Number.isFinite(now)) return 'invalid';
    if (frame.kind === 'voice' && !(Number.isFinite(frame.durationMs) && frame.durationMs > 0)) return 'invalid';
    if (frame.kind === 'cng' && !Number.isFinite(frame.levelDbov)) return 'invalid';
    this.counters.framesIn++;
    const rts = ts - this.resyncOffset;
    if (this.queue.has(rts) || this.recentPlayed.has(rts) || this.held.some((h) => h.ts === ts)) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    if (frame.kind === 'voice') {
      const delay = now - rts;
      // Read long after the caller last pulled: its thread stalled, and the arrival time is our own lateness, which
      // held the playout up alike. Such a frame is queued, but its delay says nothing about the network.
      const stalled = this.playout.lastGetAt !== undefined && now - this.playout.lastGetAt > Math.max(STALL_MS, 3 * this.playout.pullPeriod);
      if (!this.fits(delay, rts, frame.durationMs, now, stalled)) return this.hold({ frame, ts, now });
      this.releaseHeldAsOutliers();
      if (!stalled) this.model.measure(delay, now);
    }
    return this.enqueue(frame, ts, rts);
  }

  /**
   * What plays next. `now` is the current local time: a frame that has not arrived by now cannot be used.
   * `leadMs` is audio the caller already holds that plays before this slot (its output FIFO); it only affects the
   * reported delay. Call again, with the lead grown by what was produced, until the output is full (see Playout.get).
   */
  get(now: number, leadMs = 0): GetResult<T> {
    return this.playout.get(now, leadMs);
  }

  stats(): JitterStats {
    const p = this.playout;
    const c = this.counters;
    const est = p.lastEstimate;
    return {
      jitterMs: est.jitter,
      // Slots concealed while waiting count once the frame shows whether the sender was behind (settleWait).
      currentDelayMs: p.started ? Math.max(0, p.playoutOffset - Math.min(p.waitedBefore, p.waitedMs) - est.min) : 0,
      targetDelayMs: p.target(est) - est.min,
      queuedMs: this.queue.spanMs(),
      framesIn: c.framesIn,
      framesPlayed: c.framesPlayed,
      lost: c.lost,
      late: c.late,
      dropped: c.dropped,
      outliers: c.outliers,
      duplicates: c.duplicates,
      outOfOrder: c.outOfOrder,
      resyncs: c.resyncs,
      grown: c.grown,
      lossPercent: c.lossPercent,
      driftPercent: 100 * this.model.floor.drift,
      silent: p.silent,
    };
  }

  /** Forget the stream (new call leg, codec change); counters are kept. */
  reset(): void {
    this.queue.clear();
    this.model.clear();
    this.held = [];
    this.playout.reset();
    this.resyncOffset = 0;
    this.maxTsSeen = Number.NEGATIVE_INFINITY;
    this.recentPlayed.clear();
    this.recentLost.clear();
  }

  // ---- arrival: fit, hold, resync, enqueue -------------------------------------------------------------------

  /**
   * Whether a voice frame fits the stream. Not if it arrived earlier than the lowest recent delay by more than the
   * short-term jitter + EARLY_MARGIN_MS (the floor follows every frame below it: a looser gate would let injected
   * early timestamps walk it down), nor if it is later than the floor by more than 2 × jitter + the resync
   * threshold, nor if it claims a place that is taken: a frame that comes after later ones (reordered, delayed)
   * must fill a hole, a slot still free in the queue or one concealed as lost, not overlap audio already queued or
   * played (as a stray timestamp does). A frame lost upstream of a relay, a delay spike or reordering fits; a
   * timestamp jump or a garbage timestamp does not. The first frames fit unless they jump by more than the
   * threshold: they make the floor.
   */
  private fits(delay: number, rts: number, durationMs: number, now: number, stalled: boolean): boolean {
    const threshold = this.settings.resyncThresholdMs;
    if (threshold === null || this.model.lastDelay === undefined) return true;
    const est = this.model.estimate(now);
    // While the floor settles only a jump beyond the threshold is refused (as jitterbuf.c does throughout).
    if (this.model.count < SETTLE_FRAMES) return Math.abs(delay - this.model.lastDelay) <= 2 * est.jitter + threshold;
    if (delay < this.model.floor.reference(now) - this.model.floor.noise() - EARLY_MARGIN_MS) return false;
    if (!stalled && delay > est.min + 2 * est.jitter + threshold) return false;
    const tol = this.settings.timestampToleranceMs;
    if (rts >= this.maxTsSeen - tol) return true;
    if (this.playout.started && rts < this.playout.firstPlayableTs() - tol) {
      return this.recentLost.near(rts, tol);
    }
    return !this.queue.overlaps(rts, durationMs, tol);
  }

  /**
   * Holds a frame that does not fit. resyncAfterFrames held frames whose delays agree with this one's (a real jump
   * moves every frame alike; garbage interleaved with them does not agree with anything) confirm a jump; the rest
   * are outliers. The oldest are let go once many are held.
   */
  private hold(h: HeldFrame<T>): PutOutcome {
    const delayOf = (x: HeldFrame<T>) => x.now - (x.ts - this.resyncOffset);
    const tolerance = 2 * this.model.history.estimate().jitter + HELD_AGREEMENT_MS;
    const d = delayOf(h);
    this.held.push(h);
    const group = this.held.filter((x) => Math.abs(delayOf(x) - d) <= tolerance);
    if (group.length >= this.settings.resyncAfterFrames) {
      this.counters.countOutliers(this.held.length - group.length);
      this.held = group;
      this.resync();
      return 'resync';
    }
    if (this.held.length > MAX_HELD_FACTOR * this.settings.resyncAfterFrames) {
      this.held.shift();
      this.counters.countOutliers(1);
    }
    return 'held';
  }

  /** The jump did not last: the held frames were stray outliers. */
  private releaseHeldAsOutliers(): void {
    // Runs for every frame that fits: empty in place rather than allocate a new array per frame.
    if (this.held.length === 0) return;
    this.counters.countOutliers(this.held.length);
    this.held.length = 0;
  }

  /**
   * Re-base the sender's timeline so its fastest held frame arrived at the floor of the old one: the delay stays
   * where it was, model, cursor and target stay valid, and the held frames are queued (the oldest may come late).
   */
  private resync(): void {
    const held = this.held;
    this.held = [];
    const now = held[held.length - 1].now;
    // The slots concealed while the jump was being confirmed are gone (the concealment must not become extra
    // delay): the older held frames may come out late.
    this.playout.absorbWait();
    // The fastest held frame lands on the floor: the new timeline continues the old one's delay.
    const floor = this.model.estimate(now).min;
    this.resyncOffset = Math.max(...held.map((h) => h.ts - (h.now - floor)));
    this.counters.resyncs++;
    this.maxTsSeen = Number.NEGATIVE_INFINITY;
    for (const h of held) {
      const rts = h.ts - this.resyncOffset;
      this.model.measure(h.now - rts, h.now);
      this.enqueue(h.frame, h.ts, rts);
    }
  }

  private enqueue(frame: JitterFrame<T>, ts: number, rts: number): PutOutcome {
    const tol = this.settings.timestampToleranceMs;
    if (this.playout.started && rts < this.playout.firstPlayableTs() - tol) {
      this.counters.late++;
      // It was counted lost when its slot was concealed; it did arrive, just too late.
      if (this.recentLost.removeNear(rts, tol)) this.counters.lost--;
      return 'late';
    }
    if (rts < this.maxTsSeen) this.counters.outOfOrder++;
    else this.maxTsSeen = rts;
    if (this.queue.length >= this.settings.maxFrames) {
      this.queue.shift();
      this.counters.dropped++;
    }
    this.queue.insert({ ts: rts, originalTs: ts, durationMs: frame.kind === 'voice' ? frame.durationMs : 0, frame });
    return 'queued';
  }
}
