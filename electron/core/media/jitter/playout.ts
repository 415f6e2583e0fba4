// The playout side of the adaptive jitter buffer (stack-notes §5.1, after Asterisk jitterbuf.c), pull-driven: the
// caller asks "what plays at `now`?" and produces that much audio.
//
//  * Target: floor + jitter + targetExtraMs (targetDelay); the delay held never exceeds maxMs above the floor
//    (frames are dropped at once when it would).
//  * Grow fast: below target, interpolate one frame (at most every growIntervalMs, at once when the queue cannot
//    cover the target). When the next frame has not arrived at all, conceal and wait for it instead of moving on:
//    if it then arrives, the sender was behind (a slow clock, a delayed frame) and nothing was lost; if a later one
//    arrives first, the concealment covered the lost frame's slot. Shrink slowly: above target + hysteresis, drop
//    one due frame at most every shrinkIntervalMs, or skip a missing slot every shrinkGapIntervalMs.
//  * Talkspurts: a CNG frame, or maxContiguousInterpolations concealed slots in a row, switches to silence (comfort
//    noise) until voice comes back; the next talkspurt starts exactly at the target (the cheapest moment to change
//    delay).
// The arrival side (AdaptiveJitterBuffer.put) fills the queue and the delay model this reads.
import type { DelayModel, Estimate } from './delay-model.js';
import { targetDelay } from './delay-model.js';
import type { FrameQueue } from './frame-queue.js';
import type { JitterCounters } from './jitter-counters.js';
import type { RecentTimestamps } from './recent-timestamps.js';
import type { GetResult, JitterFrame, JitterSettings } from './types.js';

export class Playout<T> {
  started = false;
  silent = false;
  /** Re-based sender timestamp of the next audio to play. */
  playTs = 0;
  /** Playout offset (local play time - sender timestamp) of the slot decided by the last get(), for stats. */
  playoutOffset = 0;
  /** The model at the last get(), for stats. */
  lastEstimate: Estimate = { min: 0, jitter: 0 };
  private lastAdjustAt = Number.NEGATIVE_INFINITY;
  /** Since when dropping a frame would still leave the delay at or above target + hysteresis (undefined: not). */
  private excessSince: number | undefined;
  frameMs: number;
  private contiguousInterpolations = 0;
  private silenceBeginTs = 0;
  private silenceLevel: number | undefined;
  /**
   * Audio concealed at playTs while its frame had not arrived (nothing later had either), ms. Settled by the next
   * frame to play: a later one means those slots were a lost frame's; the awaited one means the sender was behind.
   */
  waitedMs = 0;
  /** waitedMs when the last get() began: the waiting before the slot it decided. */
  waitedBefore = 0;
  /** When get() was last called (undefined: never), and the usual time between calls. */
  lastGetAt: number | undefined;
  pullPeriod = 20;
  /** Frames were queued before any delay was measured (read through a stall): the start drops those too old. */
  private queuedUnmeasured = false;

  constructor(
    private readonly settings: JitterSettings,
    private readonly queue: FrameQueue<JitterFrame<T>>,
    private readonly model: DelayModel,
    private readonly counters: JitterCounters,
    private readonly recentPlayed: RecentTimestamps,
    private readonly recentLost: RecentTimestamps,
  ) {
    this.frameMs = settings.defaultFrameMs;
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
    const est = this.model.estimate(now);
    this.lastEstimate = est;
    const target = this.target(est);
    const lead = Math.max(0, leadMs);
    if (!this.started) return this.startOrWait(now, target, lead);
    this.playoutOffset = now + lead - this.playTs;
    this.waitedBefore = this.waitedMs;
    return this.silent ? this.getSilent(now, target) : this.getTalking(now, target, est);
  }

  /** Floor + jitter + targetExtraMs for this estimate (targetDelay at the current frame length). */
  target(est: Estimate): number {
    return targetDelay(est, this.settings, this.frameMs);
  }

  /** The first sender timestamp that can still play: the silence's start while silent, else the cursor. */
  firstPlayableTs(): number {
    return this.silent ? this.silenceBeginTs : this.playTs;
  }

  /**
   * Slots concealed while waiting at playTs are given up (a timeline jump confirmed, a silence begun): the
   * concealment must not become extra delay.
   */
  absorbWait(): void {
    this.playTs += this.waitedMs;
    this.playoutOffset -= this.waitedMs;
    this.waitedMs = 0;
  }

  /** Forget the stream (the frame length, cursor and pull period are kept, as they were). */
  reset(): void {
    this.started = false;
    this.silent = false;
    this.queuedUnmeasured = false;
    this.lastEstimate = { min: 0, jitter: 0 };
    this.contiguousInterpolations = 0;
    this.waitedMs = 0;
    this.lastGetAt = undefined;
    this.lastAdjustAt = Number.NEGATIVE_INFINITY;
    this.excessSince = undefined;
  }

  private startOrWait(now: number, target: number, lead: number): GetResult<T> {
    // Nothing measured yet (every frame so far was read through a stall of our own): there is no floor to time the
    // start by (it reads 0, and the sender's clock is anywhere). Wait for a frame read on time; those queued
    // meanwhile may then be too old to start with.
    if (this.model.count === 0) {
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
      this.counters.late++;
      return { kind: 'drop', reason: 'late' };
    }

    if (this.waitedMs > 0 && head) this.settleWait(head.ts);
    head = this.queue.first();
    const diff = target - (now - this.playTs);

    // Grow at once (Asterisk: "grow by interp frame length"), rate-limited unless the queue cannot cover it.
    if (diff > 0 && (now - this.lastAdjustAt >= s.growIntervalMs || diff > this.queue.spanMs())) {
      this.lastAdjustAt = now;
      this.counters.grown++;
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
    const stableFor = this.model.floor.drift < 0 ? 0 : s.shrinkStableMs;
    const shrinkWanted = capped || (this.excessSince !== undefined && now - this.excessSince >= stableFor);
    if (head && head.frame.kind === 'voice' && head.ts <= this.playTs + tol) {
      this.queue.shift();
      this.recentPlayed.remember(head.ts);
      this.playTs = head.ts + head.durationMs;
      this.contiguousInterpolations = 0;
      this.counters.noteLoss(false);
      if (shrinkWanted && (capped || now - this.lastAdjustAt >= s.shrinkIntervalMs)) {
        this.lastAdjustAt = now;
        this.counters.dropped++;
        return { kind: 'drop', reason: 'shrink', data: head.frame.data };
      }
      this.frameMs = head.durationMs;
      this.counters.framesPlayed++;
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
    this.counters.lost++;
    this.counters.noteLoss(true);
    this.recentLost.remember(this.playTs);
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
      this.counters.lost++;
      this.counters.noteLoss(true);
      this.recentLost.remember(this.playTs);
      this.playTs += d;
      this.playoutOffset -= d;
      this.waitedMs -= d;
    }
    if (this.waitedMs > 0) this.counters.grown += Math.round(this.waitedMs / d);
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
      this.counters.late++;
      head = this.queue.first();
    }
  }

  private enterSilence(beginTs: number, levelDbov: number | undefined): void {
    // Slots concealed waiting for frames that never came were the start of the silence, not a longer delay.
    this.absorbWait();
    this.silent = true;
    this.silenceBeginTs = beginTs;
    this.silenceLevel = levelDbov;
    this.contiguousInterpolations = 0;
  }

  private noteInterpolation(): void {
    this.contiguousInterpolations++;
    if (this.contiguousInterpolations >= this.settings.maxContiguousInterpolations) {
      // The peer stopped sending without CNG (Asterisk max_contig_interp): treat it as silence.
      this.enterSilence(this.playTs, undefined);
    }
  }
}
