// The schedule of a load run (docs/scenarios.md "redial load"): dial at --rate until --calls are up, keep them up
// (replacing calls that end or fail) until --duration has passed, then hang up every call and wait for each to end.
// Keeps one record per call for the report. Pure and clock-driven: whoever places calls gives it a LoadDialer;
// the timers here run once per dial and once a second for progress, never per frame.
import type { CancelTimer, Clock } from '../../core/ports.js';
import type { CallFailure, CallMediaFigures, CallRecord, FailureCount, Progress } from './report.js';
import { failureKey } from './report.js';

export interface LoadCallEnd {
  readonly by: 'local' | 'remote' | 'network';
  /** Why a call failed to be placed or ended on its own (the far end's cause, or the engine's error). */
  readonly failure?: CallFailure;
  /** The call's final media figures (answered calls). */
  readonly media?: CallMediaFigures;
}

/** What a placed call tells the runner. */
export interface LoadCallEvents {
  /** The phone took the call (its id, for whoever wants to act on it: a scenario). */
  placed?(callId: string): void;
  ringing(): void;
  answered(): void;
  ended(end: LoadCallEnd): void;
  /** DTMF and TEXT received (scenarios listen for them; the load runner does not). */
  dtmf?(digit: string): void;
  text?(text: string): void;
}

export interface LoadCall {
  hangup(): void;
  /** Media figures so far (for the progress line). */
  stats?(): CallMediaFigures | undefined;
}

export interface LoadDialer {
  /** Places call `index` (1-based); the events may fire synchronously (a call refused at once). */
  dial(index: number, events: LoadCallEvents): LoadCall;
  /** The account call `index` uses (for the report). */
  accountOf(index: number): string;
}

export interface LoadPlan {
  /** Calls to keep up at once. */
  readonly calls: number;
  /** New calls per second at most (the ramp, and replacements). */
  readonly ratePerS: number;
  /** How long the run lasts, seconds from the first dial (with totalCalls: an upper bound). */
  readonly durationS: number;
  /** Dial this many calls in all, then end the run once they have ended (`redial test --calls N`). */
  readonly totalCalls?: number;
  /** Each answered call is hung up after this many seconds (and replaced); undefined: held to the end. */
  readonly holdForS?: number;
  /** A call not answered within this is hung up and counted as failed. */
  readonly answerTimeoutS: number;
  /** Stop early once more calls than this have failed. */
  readonly maxFailures?: number;
  /** The longest set-up accepted, ms (a threshold for the exit code, not a failure of the call). */
  readonly maxSetupMs?: number;
  /** How long stopping waits for calls to end (HANGUP acknowledged) before giving up on them, seconds. */
  readonly drainS?: number;
}

export interface FrameTotals {
  readonly lost: number;
  readonly received: number;
  readonly late: number;
}

export type StopReason = 'duration' | 'all-done' | 'max-failures' | 'interrupted';

export interface LoadResult {
  readonly records: readonly CallRecord[];
  readonly wallMs: number;
  readonly stopReason: StopReason;
  /** Most calls up (answered, not ended) at the same time. */
  readonly peakCalls: number;
  /** Calls that had not ended when draining gave up. */
  readonly undrained: number;
  readonly thresholds: {
    readonly maxFailures?: { readonly limit: number; readonly failed: number; readonly crossed: boolean };
    readonly maxSetupMs?: { readonly limit: number; readonly slowest: number; readonly slowCalls: number; readonly crossed: boolean };
  };
}

interface Live {
  readonly index: number;
  readonly startedAt: number;
  call?: LoadCall;
  ringingAt?: number;
  answeredAt?: number;
  /** We hung it up (hold-for, answer timeout, the end of the run): its end is not a failure unless already one. */
  hungUpByUs: boolean;
  failure?: CallFailure;
  timers: CancelTimer[];
  done: boolean;
}

export class LoadRunner {
  private readonly live = new Map<number, Live>();
  private readonly records: CallRecord[] = [];
  private readonly dialTimes: number[] = [];
  private nextIndex = 1;
  private startedAt = 0;
  private stopping: StopReason | undefined;
  private peak = 0;
  private up = 0;
  private failed = 0;
  private finished = false;
  private dialTimer: CancelTimer | undefined;
  private runTimer: CancelTimer | undefined;
  private progressTimer: CancelTimer | undefined;
  private lastDialAt = -Infinity;
  private resolveDone!: (r: LoadResult) => void;
  private drainTimer: CancelTimer | undefined;
  /** Resolves when the run is over and every call has ended (or draining gave up). */
  readonly done: Promise<LoadResult>;

  constructor(
    private readonly plan: LoadPlan,
    private readonly dialer: LoadDialer,
    private readonly clock: Clock,
    private readonly hooks: { readonly progress?: (p: Progress) => void; readonly cpuPercent?: () => number } = {},
  ) {
    if (!(plan.calls >= 1) || !(plan.ratePerS > 0) || !(plan.durationS > 0)) throw new Error('load plan: calls ≥ 1, rate > 0 and duration > 0');
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  start(): void {
    this.startedAt = this.clock.now();
    this.runTimer = this.clock.setTimer(this.plan.durationS * 1000, () => this.stop('duration'));
    if (this.hooks.progress) this.scheduleProgress();
    this.pump();
  }

  /** Stops dialing and hangs up every call; `done` resolves once they have ended. A second call does nothing. */
  stop(reason: StopReason): void {
    if (this.stopping) return;
    this.stopping = reason;
    this.dialTimer?.();
    this.runTimer?.();
    for (const l of this.live.values()) this.hangup(l);
    this.drainTimer = this.clock.setTimer((this.plan.drainS ?? 10) * 1000, () => this.finish());
    this.maybeFinish();
  }

  /** Calls answered and not ended. */
  get upNow(): number {
    return this.up;
  }

  /** What the progress line shows now. */
  progress(): Progress {
    const now = this.clock.now();
    const windowMs = 5000;
    const recent = this.dialTimes.filter((t) => now - t <= windowMs).length;
    const span = Math.min(windowMs, now - this.startedAt) / 1000;
    const { lost, received, late } = this.frameTotals();
    return {
      elapsedSeconds: (now - this.startedAt) / 1000, up: this.upNow, target: this.plan.calls, dialled: this.nextIndex - 1,
      setupRate: span > 0 ? recent / span : 0, failures: this.failureCounts(), cpuPercent: this.hooks.cpuPercent?.() ?? NaN,
      lossPercent: lost + received > 0 ? (lost / (lost + received)) * 100 : 0,
      latePercent: received > 0 ? (late / received) * 100 : 0,
    };
  }

  /** Frames received, lost and late so far, every call together (the progress line's loss and late). */
  frameTotals(): FrameTotals {
    let lost = 0; let received = 0; let late = 0;
    const add = (m: CallMediaFigures | undefined): void => {
      if (!m) return;
      lost += m.framesLost; received += m.framesReceived; late += m.lateFrames;
    };
    for (const l of this.live.values()) add(l.call?.stats?.());
    for (const r of this.records) add(r.media);
    return { lost, received, late };
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Dials the next call if one is wanted and the rate allows; otherwise waits for the moment it does. */
  private pump(): void {
    this.dialTimer?.();
    this.dialTimer = undefined;
    if (this.stopping || this.live.size >= this.plan.calls) return;
    if (this.plan.totalCalls !== undefined && this.nextIndex > this.plan.totalCalls) {
      if (this.live.size === 0) this.stop('all-done');
      return;
    }
    const gapMs = 1000 / this.plan.ratePerS;
    const now = this.clock.now();
    const wait = this.lastDialAt + gapMs - now;
    if (wait > 0) { this.dialTimer = this.clock.setTimer(wait, () => this.pump()); return; }
    this.lastDialAt = Math.max(now, this.lastDialAt + gapMs); // no burst after an idle spell: one call per gap
    this.dialOne();
    this.pump();
  }

  private dialOne(): void {
    const index = this.nextIndex++;
    const l: Live = { index, startedAt: this.clock.now(), hungUpByUs: false, timers: [], done: false };
    this.live.set(index, l);
    this.dialTimes.push(l.startedAt);
    if (this.dialTimes.length > 4096) this.dialTimes.splice(0, 2048);
    l.timers.push(this.clock.setTimer(this.plan.answerTimeoutS * 1000, () => {
      if (l.answeredAt !== undefined || l.done) return;
      l.failure ??= { code: 'no-answer', message: `not answered within ${this.plan.answerTimeoutS} s` };
      this.hangup(l);
    }));
    const events: LoadCallEvents = {
      ringing: () => { l.ringingAt ??= this.clock.now(); },
      answered: () => {
        if (l.answeredAt !== undefined || l.done) return;
        l.answeredAt = this.clock.now();
        this.up++;
        this.peak = Math.max(this.peak, this.up);
        if (this.stopping) { this.hangup(l); return; }
        if (this.plan.holdForS !== undefined) l.timers.push(this.clock.setTimer(this.plan.holdForS * 1000, () => this.hangup(l)));
      },
      ended: (end) => this.ended(l, end),
    };
    try {
      l.call = this.dialer.dial(index, events);
    } catch (err) {
      this.ended(l, { by: 'local', failure: { code: 'internal', message: err instanceof Error ? err.message : String(err) } });
    }
    // An end that came before dial() returned: the call object arrived too late to be hung up, nothing to do.
  }

  private hangup(l: Live): void {
    if (l.done || l.hungUpByUs) return;
    l.hungUpByUs = true;
    l.call?.hangup();
  }

  private ended(l: Live, end: LoadCallEnd): void {
    if (l.done) return;
    l.done = true;
    for (const cancel of l.timers) cancel();
    this.live.delete(l.index);
    const answered = l.answeredAt !== undefined;
    if (answered) this.up--;
    let failure = l.failure;
    // Ended by us (a scenario hanging up at its last step, say) is no failure of the call itself.
    if (!failure && answered && !l.hungUpByUs && end.by !== 'local') {
      failure = { code: 'ended-early', message: `the ${end.by === 'network' ? 'network' : 'far end'} ended an answered call before we hung up`,
        ...(end.failure?.causeCode !== undefined ? { causeCode: end.failure.causeCode } : {}),
        ...(end.failure?.cause !== undefined ? { cause: end.failure.cause } : {}) };
    }
    if (!failure && end.failure && !(l.hungUpByUs && end.by === 'local')) failure = end.failure;
    if (!failure && !answered && !l.hungUpByUs && end.by !== 'local') failure = { code: 'ended', message: 'the call ended before it was answered' };
    if (!failure && !answered && this.stopping) {
      // Still ringing when the run ended: neither answered nor failed by the server; reported as not answered.
      failure = { code: 'not-answered-by-end', message: 'still not answered when the run ended' };
    }
    this.records.push({
      index: l.index, account: this.dialer.accountOf(l.index), startedMs: l.startedAt - this.startedAt,
      ...(l.ringingAt !== undefined ? { ringingMs: l.ringingAt - l.startedAt } : {}),
      ...(l.answeredAt !== undefined ? { answeredMs: l.answeredAt - l.startedAt } : {}),
      ...(failure ? { failure } : {}),
      ...(end.media ? { media: end.media } : {}),
    });
    if (failure) {
      this.failed++;
      if (this.plan.maxFailures !== undefined && this.failed > this.plan.maxFailures) this.stop('max-failures');
    }
    if (this.stopping) this.maybeFinish();
    else this.pump();
  }

  private failureCounts(): FailureCount[] {
    const m = new Map<string, { count: number; message: string }>();
    for (const r of this.records) {
      if (!r.failure) continue;
      const k = failureKey(r.failure);
      const g = m.get(k);
      if (g) g.count++;
      else m.set(k, { count: 1, message: r.failure.message });
    }
    return [...m].map(([key, g]) => ({ key, ...g })).sort((a, b) => b.count - a.count);
  }

  private scheduleProgress(): void {
    this.progressTimer = this.clock.setTimer(1000, () => {
      if (this.stopping && this.live.size === 0) return;
      this.hooks.progress?.(this.progress());
      this.scheduleProgress();
    });
  }

  private maybeFinish(): void {
    if (this.live.size === 0) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.drainTimer?.();
    this.progressTimer?.();
    const undrained = this.live.size;
    for (const l of [...this.live.values()]) {
      l.failure ??= { code: 'not-ended', message: 'the call had not ended when the run gave up waiting for it' };
      this.ended(l, { by: 'local' });
    }
    this.resolveDone({
      records: [...this.records].sort((a, b) => a.index - b.index), wallMs: this.clock.now() - this.startedAt,
      stopReason: this.stopping ?? 'duration', peakCalls: this.peak, undrained,
      thresholds: thresholdsOf(this.records, this.plan),
    });
  }
}

/** Where the calls' records stand against --max-failures and --max-setup-ms. */
export function thresholdsOf(records: readonly CallRecord[], plan: Pick<LoadPlan, 'maxFailures' | 'maxSetupMs'>): LoadResult['thresholds'] {
  const failed = records.filter((r) => r.failure !== undefined).length;
  const setups = records.flatMap((r) => (r.answeredMs !== undefined ? [r.answeredMs] : []));
  const slowest = setups.length ? Math.max(...setups) : 0;
  const { maxFailures, maxSetupMs } = plan;
  return {
    ...(maxFailures !== undefined ? { maxFailures: { limit: maxFailures, failed, crossed: failed > maxFailures } } : {}),
    ...(maxSetupMs !== undefined ? { maxSetupMs: { limit: maxSetupMs, slowest, slowCalls: setups.filter((s) => s > maxSetupMs).length, crossed: slowest > maxSetupMs } } : {}),
  };
}
