// An adaptive jitter buffer in milliseconds, after the ideas of Asterisk's jitterbuf.c (Steve Kann;
// stack-notes §5.1), written for a pull-driven output: the caller asks "what plays at `now`?" and produces that much audio.
//
//  * Delay model: every voice frame's delay (arrival - sender timestamp) is measured against a floor that follows
//    the fastest frames as it moves (DelayFloor: a sender whose clock runs slow, as Asterisk's relayed timestamps
//    do under upstream loss, makes it climb); the jitter is the spread of the delays above that floor, the top and
//    bottom few percent trimmed as outliers (DelayHistory). A clock that drifts is thus not mistaken for jitter.
//  * Fit: a frame far earlier than the recent ones, far later than the floor, or claiming a place already taken
//    (coming after later frames without filling a hole) does not fit the stream (stack-notes §5.5: mini frames
//    carry no sequence number, anyone on the path can inject one). It is held and never touches the model:
//    resyncAfterFrames such frames in a row that agree with each other mean the sender's timeline moved (transfer,
//    restart, Asterisk snapping its clock forward), and the timeline is re-based so the delay stays where it was;
//    anything else is dropped as an outlier.
//  * Target: floor + jitter + targetExtraMs, the part above the floor clamped to maxMs less a frame; the delay
//    held never exceeds maxMs above the floor (frames are dropped at once when it would).
//  * Grow fast: below target, interpolate one frame (at most every growIntervalMs, at once when the queue cannot
//    cover the target). When the next frame has not arrived at all, conceal and wait for it instead of moving on:
//    if it then arrives, the sender was behind (a slow clock, a delayed frame) and nothing was lost; if a later one
//    arrives first, the concealment covered the lost frame's slot. Shrink slowly: above target + hysteresis, drop
//    one due frame at most every shrinkIntervalMs, or skip a missing slot every shrinkGapIntervalMs. During
//    silence, jump to the target when the next talkspurt starts (the cheapest moment to change delay).
//  * Silence: a CNG frame, or maxContiguousInterpolations concealed slots in a row, switches to silence (comfort
//    noise) until voice comes back.
//  * A frame read long after the caller last pulled was delayed by our own stalled thread, which held the playout up
//    alike: it is queued, but its delay is not measured.
// Time is injected (`now` arguments), so the buffer is deterministic under test.
import { DelayFloor } from './delay-floor.js';
import { DelayHistory } from './delay-history.js';
import { FrameQueue } from './frame-queue.js';
import { resolveJitterSettings } from './settings.js';
import type { GetResult, JitterFrame, JitterSettings, JitterStats, PutOutcome } from './types.js';

interface HeldFrame<T> {
  readonly frame: JitterFrame<T>;
  readonly ts: number;
  readonly now: number;
}

/** Where the model stands at one moment: the floor (trimmed minimum delay) and the trimmed spread above it. */
interface Estimate {
  readonly min: number;
  readonly jitter: number;
}

const RECENT = 64;
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
  /** Delays above the floor at arrival. */
  private readonly history: DelayHistory;
  private readonly floor = new DelayFloor();
  private readonly queue = new FrameQueue<JitterFrame<T>>();

  private started = false;
  private silent = false;
  /** Re-based sender timestamp of the next audio to play. */
  private playTs = 0;
  /** Playout offset (local play time - sender timestamp) of the slot decided by the last get(), for stats. */
  private playoutOffset = 0;
  /** The model at the last get(), for stats. */
  private lastEstimate: Estimate = { min: 0, jitter: 0 };
  private lastAdjustAt = Number.NEGATIVE_INFINITY;
  /** Since when dropping a frame would still leave the delay at or above target + hysteresis (undefined: not). */
  private excessSince: number | undefined;
  private frameMs: number;
  private contiguousInterpolations = 0;
  private silenceBeginTs = 0;
  private silenceLevel: number | undefined;
  /**
   * Audio concealed at playTs while its frame had not arrived (nothing later had either), ms. Settled by the next
   * frame to play: a later one means those slots were a lost frame's; the awaited one means the sender was behind.
   */
  private waitedMs = 0;
  /** waitedMs when the last get() began: the waiting before the slot it decided. */
  private waitedBefore = 0;
  /** When get() was last called (undefined: never), and the usual time between calls. */
  private lastGetAt: number | undefined;
  private pullPeriod = 20;

  /** Frames were queued before any delay was measured (read through a stall): the start drops those too old. */
  private queuedUnmeasured = false;
  private resyncOffset = 0;
  private lastDelay: number | undefined;
  private held: HeldFrame<T>[] = [];
  private maxTsSeen = Number.NEGATIVE_INFINITY;
  private readonly recentPlayed: number[] = [];
  private readonly recentLost: number[] = [];

  private framesIn = 0;
  private framesPlayed = 0;
  private lost = 0;
  private late = 0;
  private dropped = 0;
  private outliers = 0;
  private duplicates = 0;
  private outOfOrder = 0;
  private resyncs = 0;
  private grown = 0;
  private lossPercent = 0;

  constructor(settings: Partial<JitterSettings> = {}) {
    this.settings = resolveJitterSettings(settings);
    this.history = new DelayHistory(this.settings.historySize, this.settings.outlierPercent);
    this.frameMs = this.settings.defaultFrameMs;
  }

  /** A frame arrived at local time `now` carrying sender timestamp `ts` (ms, un-wrapped: spec §4.7). */
  put(frame: JitterFrame<T>, ts: number, now: number): PutOutcome {
    if (!Number.isFinite(ts) || !Number.isFinite(now)) return 'invalid';
    if (frame.kind === 'voice' && !(Number.isFinite(frame.durationMs) && frame.durationMs > 0)) return 'invalid';
    if (frame.kind === 'cng' && !Number.isFinite(frame.levelDbov)) return 'invalid';
    this.framesIn++;
    const rts = ts - this.resyncOffset;
    if (this.queue.has(rts) || this.recentPlayed.includes(rts) || this.held.some((h) => h.ts === ts)) {
      this.duplicates++;
      return 'duplicate';
    }
    if (frame.kind === 'voice') {
      const delay = now - rts;
      // Read long after the caller last pulled: its thread stalled, and the arrival time is our own lateness, which
      // held the playout up alike. Such a frame is queued, but its delay says nothing about the network.
      const stalled = this.lastGetAt !== undefined && now - this.lastGetAt > Math.max(STALL_MS, 3 * this.pullPeriod);
      if (!this.fits(delay, rts, frame.durationMs, now, stalled)) return this.hold({ frame, ts, now });
      this.releaseHeldAsOutliers();
      if (!stalled) this.measure(delay, now);
    }
    return this.enqueue(frame, ts, rts);
  }

  /**
   * What plays next. `now` is the current local time: a frame that has not arrived by now cannot be used.
   * `leadMs` is audio the caller already holds that plays before this slot (its output FIFO); it only affects the
   * reported delay. Call again, with the lead grown by what was produced, until the output is full.
   *
   * Every decision works on now - playTs, the time between a frame's timestamp and the moment it is needed. That
   * is measured afresh on each call, so a sound card whose clock runs slower or faster than ours (or a stalled
   * caller) simply shows up as more or less delay, which the grow/shrink rules then correct.
   */
  get(now: number, leadMs = 0): GetResult<T> {
    if (!Number.isFinite(now) || !Number.isFinite(leadMs)) return { kind: 'empty', durationMs: this.frameMs };
    // The caller's pull period, followed slowly (a device may pull every 10 ms or every 40).
    if (this.lastGetAt !== undefined && now - this.lastGetAt >= 1) this.pullPeriod += (Math.min(now - this.lastGetAt, 200) - this.pullPeriod) / 16;
    this.lastGetAt = now;
    const est = this.estimate(now);
    this.lastEstimate = est;
    const target = this.target(est);
    const lead = Math.max(0, leadMs);
    if (!this.started) return this.startOrWait(now, target, lead);
    this.playoutOffset = now + lead - this.playTs;
    this.waitedBefore = this.waitedMs;
    return this.silent ? this.getSilent(now, target) : this.getTalking(now, target, est);
  }

  stats(): JitterStats {
    const est = this.lastEstimate;
    return {
      jitterMs: est.jitter,
      // Slots concealed while waiting count once the frame shows whether the sender was behind (settleWait).
      currentDelayMs: this.started ? Math.max(0, this.playoutOffset - Math.min(this.waitedBefore, this.waitedMs) - est.min) : 0,
      targetDelayMs: this.target(est) - est.min,
      queuedMs: this.queue.spanMs(),
      framesIn: this.framesIn,
      framesPlayed: this.framesPlayed,
      lost: this.lost,
      late: this.late,
      dropped: this.dropped,
      outliers: this.outliers,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      resyncs: this.resyncs,
      grown: this.grown,
      lossPercent: this.lossPercent,
      driftPercent: 100 * this.floor.drift,
      silent: this.silent,
    };
  }

  /** Forget the stream (new call leg, codec change); counters are kept. */
  reset(): void {
    this.queue.clear();
    this.history.clear();
    this.floor.clear();
    this.held = [];
    this.started = false;
    this.silent = false;
    this.queuedUnmeasured = false;
    this.lastDelay = undefined;
    this.lastEstimate = { min: 0, jitter: 0 };
    this.resyncOffset = 0;
    this.maxTsSeen = Number.NEGATIVE_INFINITY;
    this.recentPlayed.length = 0;
    this.recentLost.length = 0;
    this.contiguousInterpolations = 0;
    this.waitedMs = 0;
    this.lastGetAt = undefined;
    this.lastAdjustAt = Number.NEGATIVE_INFINITY;
    this.excessSince = undefined;
  }

  // ---- put helpers -------------------------------------------------------------------------------------------

  private estimate(now: number): Estimate {
    const h = this.history.estimate();
    return { min: this.floor.at(now) + h.min, jitter: h.jitter };
  }

  /** Adds a frame that fits the stream to the model. */
  private measure(delay: number, now: number): void {
    this.floor.add(delay, now);
    this.history.add(delay - this.floor.at(now));
    this.lastDelay = delay;
  }

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
    if (threshold === null || this.lastDelay === undefined) return true;
    const est = this.estimate(now);
    // While the floor settles only a jump beyond the threshold is refused (as jitterbuf.c does throughout).
    if (this.history.count < SETTLE_FRAMES) return Math.abs(delay - this.lastDelay) <= 2 * est.jitter + threshold;
    if (delay < this.floor.reference(now) - this.floor.noise() - EARLY_MARGIN_MS) return false;
    if (!stalled && delay > est.min + 2 * est.jitter + threshold) return false;
    const tol = this.settings.timestampToleranceMs;
    if (rts >= this.maxTsSeen - tol) return true;
    if (this.started && rts < (this.silent ? this.silenceBeginTs : this.playTs) - tol) {
      return this.recentLost.some((t) => Math.abs(t - rts) <= tol);
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
    const tolerance = 2 * this.history.estimate().jitter + HELD_AGREEMENT_MS;
    const d = delayOf(h);
    this.held.push(h);
    const group = this.held.filter((x) => Math.abs(delayOf(x) - d) <= tolerance);
    if (group.length >= this.settings.resyncAfterFrames) {
      this.countOutliers(this.held.length - group.length);
      this.held = group;
      this.resync();
      return 'resync';
    }
    if (this.held.length > MAX_HELD_FACTOR * this.settings.resyncAfterFrames) {
      this.held.shift();
      this.countOutliers(1);
    }
    return 'held';
  }

  /** The jump did not last: the held frames were stray outliers. */
  private releaseHeldAsOutliers(): void {
    this.countOutliers(this.held.length);
    this.held = [];
  }

  private countOutliers(n: number): void {
    this.outliers += n;
    this.dropped += n;
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
    this.playTs += this.waitedMs;
    this.playoutOffset -= this.waitedMs;
    this.waitedMs = 0;
    // The fastest held frame lands on the floor: the new timeline continues the old one's delay.
    const floor = this.estimate(now).min;
    this.resyncOffset = Math.max(...held.map((h) => h.ts - (h.now - floor)));
    this.resyncs++;
    this.maxTsSeen = Number.NEGATIVE_INFINITY;
    for (const h of held) {
      const rts = h.ts - this.resyncOffset;
      this.measure(h.now - rts, h.now);
      this.enqueue(h.frame, h.ts, rts);
    }
  }

  private enqueue(frame: JitterFrame<T>, ts: number, rts: number): PutOutcome {
    const tol = this.settings.timestampToleranceMs;
    if (this.started) {
      const firstPlayable = this.silent ? this.silenceBeginTs : this.playTs;
      if (rts < firstPlayable - tol) {
        this.late++;
        const i = this.recentLost.findIndex((t) => Math.abs(t - rts) <= tol);
        if (i >= 0) {
          // It was counted lost when its slot was concealed; it did arrive, just too late.
          this.recentLost.splice(i, 1);
          this.lost--;
        }
        return 'late';
      }
    }
    if (rts < this.maxTsSeen) this.outOfOrder++;
    else this.maxTsSeen = rts;
    if (this.queue.length >= this.settings.maxFrames) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.insert({ ts: rts, originalTs: ts, durationMs: frame.kind === 'voice' ? frame.durationMs : 0, frame });
    return 'queued';
  }

  // ---- get helpers -------------------------------------------------------------------------------------------

  /** Floor + jitter + targetExtraMs; the part above the floor at most maxMs less a frame (the delay moves in frames). */
  private target(est: Estimate): number {
    const ceiling = Math.max(0, this.settings.maxMs - this.frameMs);
    return est.min + Math.min(est.jitter + this.settings.targetExtraMs, ceiling);
  }

  private startOrWait(now: number, target: number, lead: number): GetResult<T> {
    // Nothing measured yet (every frame so far was read through a stall of our own): there is no floor to time the
    // start by (it reads 0, and the sender's clock is anywhere). Wait for a frame read on time; those queued
    // meanwhile may then be too old to start with.
    if (this.history.count === 0) {
      this.queuedUnmeasured ||= this.queue.length > 0;
      return { kind: 'empty', durationMs: this.frameMs };
    }
    if (this.queuedUnmeasured) {
      this.queuedUnmeasured = false;
      this.dropStale(now, target);
    }
    const head = this.queue.first();
    if (!head) return { kind: 'empty', durationMs: this.frameMs };
    if (head.frame.kind === 'cng') {
      this.queue.shift();
      this.started = true;
      this.playTs = head.ts;
      this.playoutOffset = now + lead - head.ts;
      this.enterSilence(head.ts, head.frame.levelDbov);
      return this.getSilent(now, target);
    }
    const startAt = head.ts + target;
    // Not yet: one whole frame of silence. The caller asks again at its next pull, with `now` moved on.
    if (startAt - now > 0.5) return { kind: 'empty', durationMs: this.frameMs };
    this.started = true;
    this.playTs = head.ts;
    this.playoutOffset = now + lead - head.ts;
    this.lastAdjustAt = now;
    return this.getTalking(now, target, this.lastEstimate);
  }

  private getTalking(now: number, target: number, est: Estimate): GetResult<T> {
    const s = this.settings;
    const tol = s.timestampToleranceMs;
    const d = this.frameMs;
    let head = this.queue.first();

    if (head && head.frame.kind === 'cng' && head.ts <= this.playTs + tol) {
      this.queue.shift();
      this.enterSilence(head.ts, head.frame.levelDbov);
      return this.getSilent(now, target);
    }

    if (head && head.frame.kind === 'voice' && head.ts < this.playTs - tol) {
      // Overlaps audio already played (irregular timestamps): too late to use.
      this.queue.shift();
      this.late++;
      return { kind: 'drop', reason: 'late' };
    }

    if (this.waitedMs > 0 && head) this.settleWait(head.ts);
    head = this.queue.first();
    const diff = target - (now - this.playTs);

    // Grow at once (Asterisk: "grow by interp frame length"), rate-limited unless the queue cannot cover it.
    if (diff > 0 && (now - this.lastAdjustAt >= s.growIntervalMs || diff > this.queue.spanMs())) {
      this.lastAdjustAt = now;
      this.grown++;
      this.noteInterpolation();
      return { kind: 'interpolate', durationMs: d, reason: 'grow' };
    }

    // Never hold more than maxMs above the floor (a floor that fell, a delay that shrank): shed it at once.
    const capped = this.playoutOffset - est.min > s.maxMs;
    // Shrink only when one frame less would still meet the target (+ hysteresis), and has for shrinkStableMs: a
    // pull-driven output moves the delay in whole frames, so a level-only rule either sits a frame too high or,
    // as the estimate wobbles across a frame boundary, drops a frame and grows it back again.
    // A sender whose clock runs fast piles up a frame's surplus every frame/drift ms: shed it as it comes.
    if (-diff - d >= s.shrinkHysteresisMs) this.excessSince ??= now;
    else this.excessSince = undefined;
    const stableFor = this.floor.drift < 0 ? 0 : s.shrinkStableMs;
    const shrinkWanted = capped || (this.excessSince !== undefined && now - this.excessSince >= stableFor);
    if (head && head.frame.kind === 'voice' && head.ts <= this.playTs + tol) {
      this.queue.shift();
      this.rememberPlayed(head.ts);
      this.playTs = head.ts + head.durationMs;
      this.contiguousInterpolations = 0;
      this.noteLoss(false);
      if (shrinkWanted && (capped || now - this.lastAdjustAt >= s.shrinkIntervalMs)) {
        this.lastAdjustAt = now;
        this.dropped++;
        return { kind: 'drop', reason: 'shrink', data: head.frame.data };
      }
      this.frameMs = head.durationMs;
      this.framesPlayed++;
      return { kind: 'frame', data: head.frame.data, timestamp: head.originalTs, durationMs: head.durationMs };
    }

    if (!head && this.playoutOffset + d - est.min <= s.maxMs) {
      // Nothing at all has arrived for this slot: conceal and wait for it (see settleWait), unless waiting would
      // take the delay past maxMs; then the slot is given up below like a lost one.
      this.waitedMs += d;
      this.noteInterpolation();
      return { kind: 'interpolate', durationMs: d, reason: 'wait' };
    }

    if (head && head.ts < this.playTs + d - tol) {
      // The next frame starts inside this slot (sender timestamps off the grid): conceal just the gap.
      const gap = Math.ceil(head.ts - this.playTs);
      this.playTs += gap;
      return { kind: 'interpolate', durationMs: gap, reason: 'gap' };
    }

    // This slot's frame is missing (a later one is here, or waiting longer would exceed maxMs): lost, or late if
    // it still comes. Slots concealed waiting for it so far grew the delay.
    if (!head) this.settleWait(Number.NEGATIVE_INFINITY);
    if (!head && capped) {
      // Past maxMs with nothing queued to shed (the floor fell): move the timeline on; frames for the skipped
      // slots will come late.
      const skip = Math.ceil((this.playoutOffset - est.min - s.maxMs) / d) * d;
      this.playTs += skip;
      this.playoutOffset -= skip;
    }
    this.lost++;
    this.noteLoss(true);
    this.rememberLost(this.playTs);
    if (head && shrinkWanted && (capped || now - this.lastAdjustAt >= s.shrinkGapIntervalMs)) {
      // Nothing to play for this slot anyway: skip it instead of concealing it.
      this.lastAdjustAt = now;
      this.playTs += d;
      return { kind: 'drop', reason: 'shrink' };
    }
    this.playTs += d;
    this.noteInterpolation();
    return { kind: 'interpolate', durationMs: d, reason: 'lost' };
  }

  /**
   * The next frame to play is here after slots were concealed waiting at playTs. A gap before it means the awaited
   * frame was lost and the concealment was its (count it lost, move past it); none means the sender was behind
   * (its clock runs slow, or the frame was delayed): the concealment grew the delay, nothing was lost.
   */
  private settleWait(headTs: number): void {
    const tol = this.settings.timestampToleranceMs;
    const d = this.frameMs;
    while (this.waitedMs > 0 && headTs >= this.playTs + d - tol) {
      this.lost++;
      this.noteLoss(true);
      this.rememberLost(this.playTs);
      this.playTs += d;
      this.playoutOffset -= d;
      this.waitedMs -= d;
    }
    if (this.waitedMs > 0) this.grown += Math.round(this.waitedMs / d);
    this.waitedMs = 0;
  }

  private getSilent(now: number, target: number): GetResult<T> {
    let head = this.queue.first();
    while (head && head.frame.kind === 'cng') {
      this.queue.shift();
      this.silenceLevel = head.frame.levelDbov;
      head = this.queue.first();
    }
    this.dropStale(now, target);
    head = this.queue.first();
    const duration = this.frameMs;
    if (head) {
      // Next talkspurt: start it exactly at the target delay, which grows or shrinks the buffer for free.
      const startAt = head.ts + target;
      if (startAt - now <= 0.5) {
        this.silent = false;
        this.contiguousInterpolations = 0;
        this.playTs = head.ts;
        this.lastAdjustAt = now;
        return this.getTalking(now, target, this.lastEstimate);
      }
    }
    this.playTs += duration;
    return this.silenceLevel === undefined
      ? { kind: 'silence', durationMs: duration }
      : { kind: 'silence', durationMs: duration, levelDbov: this.silenceLevel };
  }

  /**
   * Playout (re)starts at the target delay: voice frames already further behind than that (held while a jump was
   * confirmed, or queued through a stall) are too late to start with; delay added here would take seconds to shed.
   * One frame's slack is kept.
   */
  private dropStale(now: number, target: number): void {
    let head = this.queue.first();
    while (head && head.frame.kind === 'voice' && now - head.ts > target + this.frameMs) {
      this.queue.shift();
      this.late++;
      head = this.queue.first();
    }
  }

  private enterSilence(beginTs: number, levelDbov: number | undefined): void {
    // Slots concealed waiting for frames that never came were the start of the silence, not a longer delay.
    this.playTs += this.waitedMs;
    this.playoutOffset -= this.waitedMs;
    this.silent = true;
    this.silenceBeginTs = beginTs;
    this.silenceLevel = levelDbov;
    this.contiguousInterpolations = 0;
    this.waitedMs = 0;
  }

  private noteInterpolation(): void {
    this.contiguousInterpolations++;
    if (this.contiguousInterpolations >= this.settings.maxContiguousInterpolations) {
      // The peer stopped sending without CNG (Asterisk max_contig_interp): treat it as silence.
      this.enterSilence(this.playTs, undefined);
    }
  }

  private noteLoss(lost: boolean): void {
    this.lossPercent = ((lost ? 100 : 0) + 499 * this.lossPercent) / 500;
  }

  private rememberPlayed(ts: number): void {
    this.recentPlayed.push(ts);
    if (this.recentPlayed.length > RECENT) this.recentPlayed.shift();
  }

  private rememberLost(ts: number): void {
    this.recentLost.push(ts);
    if (this.recentLost.length > RECENT) this.recentLost.shift();
  }
}
