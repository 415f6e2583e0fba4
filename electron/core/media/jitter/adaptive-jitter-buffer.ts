// An adaptive jitter buffer in milliseconds, after the ideas of Asterisk's jitterbuf.c (Steve Kann;
// stack-notes §5.1), written for a pull-driven output: the caller asks "what plays at `now`?" and produces that much audio.
//
//  * Delay statistics: every voice frame adds (arrival - sender timestamp) to a history; jitter is the spread of
//    that history with the top/bottom few percent trimmed as outliers (DelayHistory).
//  * Target: min delay + jitter + targetExtraMs, the jitter part clamped to maxMs.
//  * Grow fast: below target, interpolate one frame (at most every growIntervalMs, at once when the queue cannot
//    cover the target). Shrink slowly: above target + hysteresis, drop one due frame at most every
//    shrinkIntervalMs, or skip a missing slot every shrinkGapIntervalMs. During silence, jump to the target
//    when the next talkspurt starts (the cheapest moment to change delay).
//  * Resync: when the delay jumps by more than 2 × jitter + resyncThresholdMs for resyncAfterFrames frames in a
//    row, the sender's timestamps moved (transfer, restart): re-base them so the delay stays where it was.
//  * Silence: a CNG frame, or maxContiguousInterpolations concealed slots in a row, switches to silence (comfort
//    noise) until voice comes back.
// Time is injected (`now` arguments), so the buffer is deterministic under test.
import { DelayHistory, type DelayEstimate } from './delay-history.js';
import { FrameQueue } from './frame-queue.js';
import { resolveJitterSettings } from './settings.js';
import type { GetResult, JitterFrame, JitterSettings, JitterStats, PutOutcome } from './types.js';

interface HeldFrame<T> {
  readonly frame: JitterFrame<T>;
  readonly ts: number;
  readonly now: number;
}

const RECENT = 64;

export class AdaptiveJitterBuffer<T> {
  readonly settings: JitterSettings;
  private readonly history: DelayHistory;
  private readonly queue = new FrameQueue<JitterFrame<T>>();

  private started = false;
  private silent = false;
  /** Re-based sender timestamp of the next audio to play. */
  private playTs = 0;
  /** Playout offset (local play time - sender timestamp) of the slot decided by the last get(), for stats. */
  private playoutOffset = 0;
  private lastAdjustAt = Number.NEGATIVE_INFINITY;
  /** Since when dropping a frame would still leave the delay at or above target + hysteresis (undefined: not). */
  private excessSince: number | undefined;
  private frameMs: number;
  private contiguousInterpolations = 0;
  private silenceBeginTs = 0;
  private silenceLevel: number | undefined;

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
      if (this.isDiscontinuity(delay)) {
        this.held.push({ frame, ts, now });
        if (this.held.length < this.settings.resyncAfterFrames) return 'held';
        this.resync();
        return 'resync';
      }
      this.releaseHeldAsOutliers();
      this.lastDelay = delay;
      this.history.add(delay);
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
    const target = this.target(this.history.estimate());
    const lead = Math.max(0, leadMs);
    if (!this.started) return this.startOrWait(now, target, lead);
    this.playoutOffset = now + lead - this.playTs;
    return this.silent ? this.getSilent(now, target) : this.getTalking(now, target);
  }

  stats(): JitterStats {
    const est = this.history.estimate();
    const target = this.target(est);
    return {
      jitterMs: est.jitter,
      currentDelayMs: this.started ? Math.max(0, this.playoutOffset - est.min) : 0,
      targetDelayMs: target - est.min,
      queuedMs: this.queue.spanMs(),
      framesIn: this.framesIn,
      framesPlayed: this.framesPlayed,
      lost: this.lost,
      late: this.late,
      dropped: this.dropped,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      resyncs: this.resyncs,
      grown: this.grown,
      lossPercent: this.lossPercent,
      silent: this.silent,
    };
  }

  /** Forget the stream (new call leg, codec change); counters are kept. */
  reset(): void {
    this.queue.clear();
    this.history.clear();
    this.held = [];
    this.started = false;
    this.silent = false;
    this.lastDelay = undefined;
    this.resyncOffset = 0;
    this.maxTsSeen = Number.NEGATIVE_INFINITY;
    this.recentPlayed.length = 0;
    this.recentLost.length = 0;
    this.contiguousInterpolations = 0;
    this.lastAdjustAt = Number.NEGATIVE_INFINITY;
    this.excessSince = undefined;
  }

  // ---- put helpers -------------------------------------------------------------------------------------------

  private isDiscontinuity(delay: number): boolean {
    const threshold = this.settings.resyncThresholdMs;
    if (threshold === null || this.lastDelay === undefined) return false;
    return Math.abs(delay - this.lastDelay) > 2 * this.history.estimate().jitter + threshold;
  }

  /** The jump did not last: the held frames were stray outliers. Very late ones count as late, the rest dropped. */
  private releaseHeldAsOutliers(): void {
    for (const h of this.held) {
      const delay = h.now - (h.ts - this.resyncOffset);
      if (this.lastDelay !== undefined && delay > this.lastDelay) this.late++;
      else this.dropped++;
    }
    this.held = [];
  }

  /**
   * Re-base the sender's timeline so the newest frame keeps the delay the stream had before the jump; history,
   * cursor and target stay valid, and the held frames are queued (the oldest may turn out late).
   */
  private resync(): void {
    const held = this.held;
    this.held = [];
    const newest = held[held.length - 1];
    const before = this.lastDelay ?? 0;
    this.resyncOffset = newest.ts - (newest.now - before);
    this.resyncs++;
    for (const h of held) {
      const rts = h.ts - this.resyncOffset;
      const delay = h.now - rts;
      this.lastDelay = delay;
      this.history.add(delay);
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

  private target(est: DelayEstimate): number {
    return est.min + Math.min(est.jitter + this.settings.targetExtraMs, this.settings.maxMs);
  }

  private startOrWait(now: number, target: number, lead: number): GetResult<T> {
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
    return this.getTalking(now, target);
  }

  private getTalking(now: number, target: number): GetResult<T> {
    const s = this.settings;
    const tol = s.timestampToleranceMs;
    const d = this.frameMs;
    const diff = target - (now - this.playTs);
    const head = this.queue.first();

    if (head && head.frame.kind === 'cng' && head.ts <= this.playTs + tol) {
      this.queue.shift();
      this.enterSilence(head.ts, head.frame.levelDbov);
      return this.getSilent(now, target);
    }

    // Grow at once (Asterisk: "grow by interp frame length"), rate-limited unless the queue cannot cover it.
    if (diff > 0 && (now - this.lastAdjustAt >= s.growIntervalMs || diff > this.queue.spanMs())) {
      this.lastAdjustAt = now;
      this.grown++;
      this.noteInterpolation();
      return { kind: 'interpolate', durationMs: d, reason: 'grow' };
    }

    if (head && head.frame.kind === 'voice' && head.ts < this.playTs - tol) {
      // Overlaps audio already played (irregular timestamps): too late to use.
      this.queue.shift();
      this.late++;
      return { kind: 'drop', reason: 'late' };
    }

    // Shrink only when one frame less would still meet the target (+ hysteresis), and has for shrinkStableMs: a
    // pull-driven output moves the delay in whole frames, so a level-only rule either sits a frame too high or,
    // as the estimate wobbles across a frame boundary, drops a frame and grows it back again.
    if (-diff - d >= s.shrinkHysteresisMs) this.excessSince ??= now;
    else this.excessSince = undefined;
    const shrinkWanted = this.excessSince !== undefined && now - this.excessSince >= s.shrinkStableMs;
    if (head && head.frame.kind === 'voice' && head.ts <= this.playTs + tol) {
      this.queue.shift();
      this.rememberPlayed(head.ts);
      this.playTs = head.ts + head.durationMs;
      this.contiguousInterpolations = 0;
      this.noteLoss(false);
      if (shrinkWanted && now - this.lastAdjustAt >= s.shrinkIntervalMs) {
        this.lastAdjustAt = now;
        this.dropped++;
        return { kind: 'drop', reason: 'shrink', data: head.frame.data };
      }
      this.frameMs = head.durationMs;
      this.framesPlayed++;
      return { kind: 'frame', data: head.frame.data, timestamp: head.originalTs, durationMs: head.durationMs };
    }

    if (head && head.ts < this.playTs + d - tol) {
      // The next frame starts inside this slot (sender timestamps off the grid): conceal just the gap.
      const gap = Math.ceil(head.ts - this.playTs);
      this.playTs += gap;
      return { kind: 'interpolate', durationMs: gap, reason: 'gap' };
    }

    this.lost++;
    this.noteLoss(true);
    this.rememberLost(this.playTs);
    if (shrinkWanted && now - this.lastAdjustAt >= s.shrinkGapIntervalMs) {
      // Nothing to play for this slot anyway: skip it instead of concealing it.
      this.lastAdjustAt = now;
      this.playTs += d;
      return { kind: 'drop', reason: 'shrink' };
    }
    this.playTs += d;
    this.noteInterpolation();
    return { kind: 'interpolate', durationMs: d, reason: 'lost' };
  }

  private getSilent(now: number, target: number): GetResult<T> {
    let head = this.queue.first();
    while (head && head.frame.kind === 'cng') {
      this.queue.shift();
      this.silenceLevel = head.frame.levelDbov;
      head = this.queue.first();
    }
    const duration = this.frameMs;
    if (head) {
      // Next talkspurt: start it exactly at the target delay, which grows or shrinks the buffer for free.
      const startAt = head.ts + target;
      if (startAt - now <= 0.5) {
        this.silent = false;
        this.contiguousInterpolations = 0;
        this.playTs = head.ts;
          this.lastAdjustAt = now;
        return this.getTalking(now, target);
      }
    }
    this.playTs += duration;
    return this.silenceLevel === undefined
      ? { kind: 'silence', durationMs: duration }
      : { kind: 'silence', durationMs: duration, levelDbov: this.silenceLevel };
  }

  private enterSilence(beginTs: number, levelDbov: number | undefined): void {
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
