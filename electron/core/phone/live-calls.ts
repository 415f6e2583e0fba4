// The live-call supervisor: every call the phone knows from the moment the engine hands it over until it is in the
// history. It follows each call's events into the contract's (call:updated, call:dtmf, …), applies the incoming-call
// policy (Do Not Disturb, auto-answer, ring timeout) and call waiting (one active call: docs/decisions.md D-27),
// starts and closes the call's audio, finishes an attended transfer, records the outcome in the history, and keeps
// the per-call timers (stats every second, meters at 5 Hz while someone watches). Tones are TonePolicy's.
import type { CancelTimer, Clock, Logger } from '../ports.js';
import type { CallEndInfo, CallHandle } from '../iax2/engine-api.js';
import { ApiError, type CallStatsView, type CallView, type Settings } from '../../shared/api.js';
import { callView, endView, remoteText, statsView } from './api-views.js';
import type { CallHistory } from './call-history.js';
import { callOutcome, historyEntryOf, otherParty, type EndedCall, type LocalEnd } from './call-outcome.js';
import type { CallAudio, PhoneMedia } from './media-port.js';
import type { PhoneEvents } from './phone-events.js';
import type { TonedCall, TonePolicy } from './tone-policy.js';

export interface LiveCall extends EndedCall {
  readonly handle: CallHandle;
  readonly startedAt: number;
  /** Placed directly, without an account: the address called (the engine knows it as a one-off account). */
  readonly direct?: string;
  /** A call to the built-in echo peer: a test, kept out of the history. */
  readonly echoTest?: boolean;
  answeredAt?: number;
  remoteHeld: boolean;
  muted: boolean;
  recording: boolean;
  /** The file of the current (or last) recording of this call. */
  recordingPath?: string;
  audio?: CallAudio;
  audioStarting?: Promise<void>;
  localEnd?: LocalEnd;
  /** We sent TRANSFER on this call: to `target`; `consult` is the other call of an attended transfer, hung up
   * when the server releases this one. `failed`: the engine reported no release within ~5 s (spec P25). */
  transfer?: { readonly target: string; readonly consult?: LiveCall; failed: boolean };
  cancelRingTimer?: CancelTimer;
  /** `encrypted` as the UI last saw it: the engine sets it without an event of its own (spec §7.1, on AUTHREQ). */
  encryptedShown: boolean;
  readonly offs: (() => void)[];
}

export interface LiveCallsDeps {
  readonly clock: Clock;
  readonly media: PhoneMedia;
  readonly events: PhoneEvents;
  readonly tones: TonePolicy;
  readonly history: CallHistory;
  readonly settings: () => Settings;
  /** No call holds another (PhoneServiceDeps.independentCalls). */
  readonly independentCalls: boolean;
  readonly logger?: Logger;
}

const STATS_INTERVAL_MS = 1000;
const LEVELS_INTERVAL_MS = 200; // 5 Hz

export class LiveCalls {
  private readonly calls = new Map<string, LiveCall>();
  private stopStatsTimer: (() => void) | undefined;
  private stopLevelsTimer: (() => void) | undefined;
  /** Test tones playing now: the meters run while they do, so the speaker test is seen as well as heard. */
  private testTones = 0;

  constructor(private readonly deps: LiveCallsDeps) {}

  /** The live call `callId`, or the contract's 'unknown-call' error. */
  get(callId: string): LiveCall {
    const c = this.calls.get(callId);
    if (!c) throw new ApiError('unknown-call', 'that call has ended');
    return c;
  }

  views(): CallView[] { return [...this.calls.values()].map((c) => this.view(c)); }

  /** Calls the phone still follows (the soak test checks none is left behind). */
  get size(): number { return this.calls.size; }

  /** The call's view, remembering which `encrypted` the UI has been shown. */
  view(c: LiveCall): CallView {
    const view = callView(c);
    c.encryptedShown = view.encrypted;
    return view;
  }

  updated(c: LiveCall): void {
    if (this.calls.get(c.handle.id) === c) this.deps.events.fire('call:updated', this.view(c));
  }

  stats(c: LiveCall): CallStatsView { return statsView(c.handle, c.audio); }

  /** Starts following a call the phone placed (or was given). */
  track(handle: CallHandle, direct?: string, echoTest = false): LiveCall {
    const existing = this.calls.get(handle.id);
    if (existing) return existing;
    const { clock, events, tones } = this.deps;
    const c: LiveCall = {
      handle, startedAt: clock.wallTime().getTime(), remoteHeld: false, muted: false, recording: false,
      encryptedShown: false, offs: [], ...(direct !== undefined ? { direct } : {}), ...(echoTest ? { echoTest } : {}),
    };
    this.calls.set(handle.id, c);
    c.offs.push(
      handle.on('state', (s) => {
        if (s === 'up' && c.answeredAt === undefined) {
          c.answeredAt = clock.wallTime().getTime();
          c.cancelRingTimer?.();
        }
        if (s === 'up' || s === 'early-media') this.startAudio(c);
        if (s === 'ended') return; // 'ended' event follows with the cause
        this.updateTones();
        this.updateRinging();
        this.updated(c);
      }),
      handle.on('codec', () => this.updated(c)),
      handle.on('remote-hold', (held) => { c.remoteHeld = held; this.updated(c); }),
      handle.on('stop-tones', () => { if (c.handle.direction === 'outgoing') tones.farEndTones(); }),
      handle.on('dtmf', ({ digit, phase }) => { if (phase === 'end') events.fire('call:dtmf', { callId: handle.id, digit }); }),
      handle.on('text', (text) => events.fire('call:text', { callId: handle.id, text: remoteText(text, 4096) })),
      handle.on('notice', (n) => {
        // The server kept our leg: the transfer did not happen, so the consulted call must stay up.
        if (n.kind === 'transfer-may-have-failed' && c.transfer) c.transfer.failed = true;
        events.notice(n.kind === 'transfer-requested' ? 'info' : 'warning', n.kind, n.message, { callId: handle.id });
      }),
      handle.on('ended', (info) => { void this.onEnded(c, info); }),
    );
    this.ensureStatsTimer();
    if (handle.state === 'up' || handle.state === 'early-media') this.startAudio(c);
    this.updateTones();
    return c;
  }

  /** A call made to us: Do Not Disturb, auto-answer or ring (with the ring timeout), as the settings say. */
  incoming(handle: CallHandle): void {
    const c = this.track(handle);
    const settings = this.deps.settings();
    // Do Not Disturb beats every answering policy: refuse busy (REJECT cause 17, spec §5.3) before anything rings.
    if (settings.dnd) {
      c.localEnd = 'dnd';
      handle.reject('busy');
      return;
    }
    this.deps.events.fire('call:incoming', this.view(c));
    const policy = settings.autoAnswer;
    if (policy === 'always' || (policy === 'when-requested' && handle.autoAnswerRequested)) {
      this.answer(c);
      return;
    }
    if (settings.ringTimeoutSeconds > 0) {
      c.cancelRingTimer = this.deps.clock.setTimer(settings.ringTimeoutSeconds * 1000, () => {
        if (c.answeredAt === undefined && handle.state !== 'ended') {
          c.localEnd = 'ring-timeout';
          handle.reject('declined');
        }
      });
    }
    this.updateRinging();
  }

  /** Answers an incoming call; it becomes the active call, so the others go on hold first. */
  answer(c: LiveCall): void {
    this.holdOthers(c);
    c.handle.answer();
  }

  /**
   * One active call at a time (call waiting, docs/softphone-anchors.md §2a): starting, answering or resuming a call
   * puts every other answered call on hold first (docs/decisions.md D-27). `except` is the call being made active.
   */
  holdOthers(except: LiveCall | undefined): void {
    if (this.deps.independentCalls) return;
    for (const other of this.calls.values()) if (other !== except && other.handle.state === 'up') other.handle.hold();
  }

  /** The server released the held call of an attended transfer: hang up the consulted one, which is now redundant. */
  private finishAttendedTransfer(a: LiveCall): void {
    const consult = a.transfer?.consult;
    const target = a.transfer?.target ?? '';
    if (consult && this.calls.get(consult.handle.id) === consult) {
      consult.localEnd = 'transfer';
      consult.handle.hangup();
    }
    this.deps.events.notice('info', 'transferred', `Transferred ${otherParty(a.handle) || 'the call'} to ${target}.`, { callId: a.handle.id });
  }

  // --------------------------------------------------------------------------------------------------- audio

  private startAudio(c: LiveCall): void {
    if (c.audio || c.audioStarting) return;
    c.audioStarting = this.deps.media.startCall(c.handle).then(
      (audio) => {
        if (this.calls.get(c.handle.id) !== c) { void audio.close(); return; }
        c.audio = audio;
        audio.setMuted(c.muted);
        this.updateLevelsTimer();
      },
      (err: unknown) => {
        this.deps.events.notice('error', 'audio-failed',
          `The call's audio could not start: ${err instanceof Error ? err.message : String(err)}`, { callId: c.handle.id });
      },
    );
  }

  private async closeAudio(c: LiveCall): Promise<void> {
    await c.audioStarting;
    const audio = c.audio;
    c.audio = undefined;
    if (!audio) return;
    try {
      if (c.recording) await audio.stopRecording();
      await audio.close();
    } catch (err) {
      this.deps.logger?.log('warn', 'closing call audio failed', { error: String(err) });
    }
  }

  /** The phone shuts down: every call's audio closes (the engine hangs the calls up after). */
  async shutdown(): Promise<void> {
    this.stopStatsTimer?.();
    this.stopLevelsTimer?.();
    await Promise.all([...this.calls.values()].map((c) => this.closeAudio(c)));
  }

  // ----------------------------------------------------------------------------------------------------- end

  private async onEnded(c: LiveCall, info: CallEndInfo): Promise<void> {
    if (this.calls.get(c.handle.id) !== c) return;
    this.calls.delete(c.handle.id);
    c.cancelRingTimer?.();
    for (const off of c.offs) off();
    const { events, tones } = this.deps;
    const outcome = callOutcome(c, info);
    const entry = historyEntryOf(c, info, outcome, this.deps.clock.wallTime().getTime());
    const view = { ...callView(c), state: 'ended' as const, recording: false };
    const stats = c.answeredAt !== undefined ? { stats: this.stats(c) } : {};
    events.fire('call:ended', { call: view, end: endView(info), history: entry, ...stats });
    if (outcome === 'transferred' && c.transfer !== undefined) this.finishAttendedTransfer(c);
    this.updateRinging();
    this.updateTones();
    if (c.handle.direction === 'outgoing' && c.answeredAt === undefined && (outcome === 'busy' || info.error?.code === 'congestion')) {
      tones.failed(outcome === 'busy' ? 'busy' : 'congestion');
    }
    if (info.error && info.by !== 'local' && outcome !== 'busy' && outcome !== 'missed') {
      events.notice('error', info.error.code, info.error.message, { callId: c.handle.id });
    }
    await this.closeAudio(c);
    this.updateLevelsTimer();
    if (this.calls.size === 0) { this.stopStatsTimer?.(); this.stopStatsTimer = undefined; }
    if (c.echoTest) return; // a test of the user's own sound, not a call anyone made
    try { await this.deps.history.add(entry); } catch (err) {
      this.deps.logger?.log('warn', 'could not save the call history', { error: String(err) });
    }
    if (entry.direction === 'incoming' && entry.outcome === 'missed') this.missedChanged();
  }

  /** The tray, the badges and the window title count unseen missed calls: tell them. */
  missedChanged(): void {
    this.deps.events.fire('history:missed', { unseen: this.deps.history.unseenMissed() });
  }

  // -------------------------------------------------------------------------------------------------- timers

  private updateRinging(): void { this.deps.tones.updateRinging(this.toned()); }
  private updateTones(): void { this.deps.tones.updateTones(this.toned()); }

  /** The calls as the tone policy sees them: a call Do Not Disturb refused never rings. */
  private toned(): TonedCall[] {
    return [...this.calls.values()].map((c) => ({ handle: c.handle, silenced: c.localEnd === 'dnd',
      ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}) }));
  }

  private ensureStatsTimer(): void {
    if (this.stopStatsTimer) return;
    this.stopStatsTimer = this.every(STATS_INTERVAL_MS, () => {
      for (const c of this.calls.values()) {
        // The engine switches a call to AES-128 (spec §7.1: on the server's AUTHREQ, before ACCEPT) without an event
        // of its own; the next state event usually carries it, and this catches the rest within a second.
        if ((c.handle.encrypted === true) !== c.encryptedShown) this.updated(c);
        if (c.handle.state === 'up' || c.handle.state === 'held' || c.handle.state === 'early-media') {
          this.deps.events.fire('call:stats', { callId: c.handle.id, stats: this.stats(c) });
        }
      }
    });
  }

  /** Meters at 5 Hz while someone listens and a call has audio; at rest (null) once the last audio closed. */
  /** Plays a test tone with the meters running. */
  async withMeters(play: () => Promise<void>): Promise<void> {
    this.testTones++;
    this.updateLevelsTimer();
    try { await play(); } finally {
      this.testTones--;
      this.updateLevelsTimer();
    }
  }

  updateLevelsTimer(): void {
    const { events, media } = this.deps;
    const wanted = events.listenerCount('levels') > 0 && (this.testTones > 0 || [...this.calls.values()].some((c) => c.audio));
    if (wanted && !this.stopLevelsTimer) {
      this.stopLevelsTimer = this.every(LEVELS_INTERVAL_MS, () => events.fire('levels', media.levels()));
    } else if (!wanted && this.stopLevelsTimer) {
      this.stopLevelsTimer();
      this.stopLevelsTimer = undefined;
      // The last reading would otherwise stay on every meter after the call: no stream open now (api.ts LevelsView).
      events.fire('levels', { inputDbfs: null, outputDbfs: null });
    }
  }

  /** A repeating Clock timer; returns its cancel function. */
  private every(ms: number, fire: () => void): () => void {
    let cancel: CancelTimer | undefined;
    let stopped = false;
    const arm = (): void => {
      cancel = this.deps.clock.setTimer(ms, () => {
        if (stopped) return;
        arm();
        try { fire(); } catch (err) { this.deps.logger?.log('warn', 'periodic update failed', { error: String(err) }); }
      });
    };
    arm();
    return () => { stopped = true; cancel?.(); };
  }
}
