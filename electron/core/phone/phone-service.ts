// The phone: everything the user interface can ask for (electron/shared/api.ts), implemented over the IAX2
// engine, the audio port and the stores. Pure: no I/O of its own, only ports. The Electron app runs it in a
// worker thread (electron/host/engine-worker.ts); the ws-host and the tests can run it anywhere.
//
// It registers every saved, enabled account as soon as it starts ("connects on launch", like iaxComm),
// keeps call history and settings, turns engine events into API events, and applies the user's policies
// (auto-answer, ring timeout, tones).
import type { Clock, DocumentStore, Logger, SecretStore } from '../ports.js';
import type {
  CallHandle, CallEndInfo, Iax2Engine, RegistrationState,
} from '../iax2/engine-api.js';
import type { TraceEntry } from '../iax2/trace-types.js';
import {
  API_VERSION, ApiError,
  type AppInfo, type AudioDevicesView, type AudioSelection, type CallOutcome, type CallStatsView,
  type EventName, type EventPayload, type Events,
  type RedialApi, type RegistrationView, type RequestName, type RequestPayload, type Requests,
  type ResponsePayload, type Settings,
} from '../../shared/api.js';
import { checkRequest } from '../../shared/api-guards.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { AccountBook, type StoredAccounts } from './account-book.js';
import { CallHistory, displayHistoryEntry, type StoredHistory } from './call-history.js';
import { NullPhoneMedia, type CallAudio, type PhoneMedia } from './media-port.js';
import { DEFAULT_SETTINGS, mergeSettings, readStoredSettings } from './settings-model.js';
import { TraceBuffer, basicTraceFormatter, safeFormat, toTraceView, type TraceFormatter } from './trace-buffer.js';
import { callView, devicesView, endView, registrationView, remoteText, statsView } from './api-views.js';
import { attendedTransferTarget } from './attended-transfer.js';

/** Where exported traces and recordings go (an fs adapter in the app, a temp dir in tests). */
export interface FileSink {
  /** A full path for a new file in that folder (the folder exists afterwards). */
  pathFor(folder: 'recordings' | 'traces', fileName: string): Promise<string>;
  write(folder: 'recordings' | 'traces', fileName: string, data: Uint8Array | string): Promise<string>;
}

export interface PhoneServiceDeps {
  readonly engine: Iax2Engine;
  readonly clock: Clock;
  readonly secrets: SecretStore;
  readonly stores: {
    readonly accounts: DocumentStore<StoredAccounts>;
    readonly history: DocumentStore<StoredHistory>;
    readonly settings: DocumentStore<Settings>;
  };
  readonly media?: PhoneMedia;
  readonly files?: FileSink;
  /** The engine's Asterisk-style formatter (electron/core/iax2/trace); a plain one otherwise. */
  readonly formatTrace?: TraceFormatter;
  /** Builds a .pcap file from trace entries that carry raw bytes. */
  readonly writePcap?: (entries: readonly TraceEntry[]) => Uint8Array;
  readonly info: Omit<AppInfo, 'localPort' | 'apiVersion'>;
  readonly newId?: () => string;
  readonly logger?: Logger;
  /** Settings used when none are stored (the CLI passes its flags here). */
  readonly initialSettings?: Settings;
  /**
   * Every call stands on its own: starting, answering or resuming one holds no other. For phones that carry many
   * calls at once on purpose — `redial load`, `redial test --calls N`, the echo peer (docs/scenarios.md) — where
   * the one-active-call policy (docs/decisions.md D-27) would put all but the newest call on hold.
   */
  readonly independentCalls?: boolean;
}

interface LiveCall {
  readonly handle: CallHandle;
  readonly startedAt: number;
  /** Placed directly, without an account: the address called (the engine knows it as a one-off account). */
  readonly direct?: string;
  answeredAt?: number;
  remoteHeld: boolean;
  muted: boolean;
  recording: boolean;
  /** The file of the current (or last) recording of this call. */
  recordingPath?: string;
  audio?: CallAudio;
  audioStarting?: Promise<void>;
  /** Why we ended it, when we did (for the history outcome). 'dnd': refused busy by Do Not Disturb;
   * 'transfer': the consulted leg of an attended transfer, hung up once the held call was handed over. */
  localEnd?: 'hangup' | 'reject' | 'ring-timeout' | 'dnd' | 'transfer';
  /** We sent TRANSFER on this call: to `target`; `consult` is the other call of an attended transfer, hung up
   * when the server releases this one. `failed`: the engine reported no release within ~5 s (spec P25). */
  transfer?: { readonly target: string; readonly consult?: LiveCall; failed: boolean };
  cancelRingTimer?: () => void;
  /** `encrypted` as the UI last saw it: the engine sets it without an event of its own (spec §7.1, on AUTHREQ). */
  encryptedShown: boolean;
  readonly offs: (() => void)[];
}

const STATS_INTERVAL_MS = 1000;
const LEVELS_INTERVAL_MS = 200; // 5 Hz
const FAILURE_TONE_MS = 3000;
/** Frames a console gets when it opens (trace:subscribe): bounded, so opening it never ships megabytes at once. */
const TRACE_OPENING = { signalling: 2000, voice: 400 } as const;

class PhoneEvents extends TypedEmitter<Events> {
  fire<K extends EventName>(name: K, payload: Events[K]): void { this.emit(name, payload); }
}

export class PhoneService implements RedialApi {
  private readonly events = new PhoneEvents();
  private readonly listenerCounts = new Map<EventName, number>();
  private readonly accounts: AccountBook;
  private readonly history: CallHistory;
  private readonly media: PhoneMedia;
  private readonly format: TraceFormatter;
  private readonly trace: TraceBuffer;
  private readonly calls = new Map<string, LiveCall>();
  private readonly registrations = new Map<string, RegistrationView>();
  private settings: Settings = DEFAULT_SETTINGS;
  private readonly engineOffs: (() => void)[] = [];
  private stopStatsTimer?: () => void;
  private stopLevelsTimer?: () => void;
  private stopToneTimer?: () => void;
  private started = false;
  private stopped = false;
  private idCounter = 0;

  constructor(private readonly deps: PhoneServiceDeps) {
    const newId = deps.newId ?? (() => `${Date.now().toString(36)}-${(++this.idCounter).toString(36)}`);
    this.accounts = new AccountBook(deps.stores.accounts, deps.secrets, newId);
    this.history = new CallHistory(deps.stores.history);
    this.media = deps.media ?? new NullPhoneMedia();
    this.format = deps.formatTrace ?? basicTraceFormatter;
    this.trace = new TraceBuffer(DEFAULT_SETTINGS.debug.traceBufferSize);
  }

  /** Loads accounts, history and settings, hooks the engine and registers every enabled account. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { engine } = this.deps;
    let storedSettings: unknown;
    try { storedSettings = await this.deps.stores.settings.load(); } catch { storedSettings = undefined; }
    this.settings = storedSettings === undefined ? (this.deps.initialSettings ?? DEFAULT_SETTINGS) : readStoredSettings(storedSettings);
    const { skipped } = await this.accounts.load();
    if (skipped > 0) this.notice('warning', 'accounts-damaged', `${skipped} saved account(s) could not be read and were skipped.`);
    await this.history.load();
    this.trace.setCapacity(this.settings.debug.traceBufferSize);

    this.engineOffs.push(
      engine.on('registration', (r) => this.onRegistration(r)),
      engine.on('incoming', (h) => this.onIncoming(h)),
      engine.on('trace', (t) => this.onTrace(t)),
      engine.on('warning', (w) => this.notice('warning', 'engine', w)),
    );
    this.media.onNotice((n) => this.notice(n.level, n.code, n.message));
    this.applySettings(this.settings);
    engine.setAccounts(this.accounts.engineAccounts());
    for (const r of engine.registrations()) this.registrations.set(r.accountId, registrationView(r, this.deps.clock.now()));
  }

  /** Hangs up, unregisters (REGREL) and stops every timer. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopStatsTimer?.(); this.stopLevelsTimer?.(); this.stopToneTimer?.();
    this.media.setRinging(false);
    this.media.setTone(null);
    await Promise.all([...this.calls.values()].map((c) => this.closeAudio(c)));
    try { await this.deps.engine.shutdown(); } finally {
      for (const off of this.engineOffs) off();
      await this.media.close();
    }
  }

  // --------------------------------------------------------------------------------------- RedialApi

  request<K extends RequestName>(name: K, ...args: [payload?: RequestPayload<K>]): Promise<ResponsePayload<K>> {
    const payload = args[0] ?? {};
    const checked = checkRequest(name, payload);
    if (!checked.ok) return Promise.reject(new ApiError('invalid-request', checked.message));
    if (!this.started || this.stopped) return Promise.reject(new ApiError('unavailable', 'the phone is not running'));
    const handler = this.handlers[name] as (p: unknown) => Promise<ResponsePayload<K>> | ResponsePayload<K>;
    try {
      return Promise.resolve(handler(payload));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    const off = this.events.on(name, listener);
    this.listenerCounts.set(name, (this.listenerCounts.get(name) ?? 0) + 1);
    if (name === 'levels') this.updateLevelsTimer();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      this.listenerCounts.set(name, (this.listenerCounts.get(name) ?? 1) - 1);
      if (name === 'levels') this.updateLevelsTimer();
    };
  }

  private readonly handlers: { [K in RequestName]: (p: Requests[K]['req']) => Promise<Requests[K]['res']> | Requests[K]['res'] } = {
    'app:info': () => ({ ...this.deps.info, apiVersion: API_VERSION, localPort: this.deps.engine.localPort }),

    'accounts:list': () => this.accounts.list(),
    'accounts:save': async (input) => {
      const view = await this.accounts.save(input);
      this.accountsChanged();
      return view;
    },
    'accounts:delete': async ({ accountId }) => {
      await this.accounts.delete(accountId);
      this.registrations.delete(accountId);
      this.accountsChanged();
      return null;
    },

    'registration:list': () => [...this.registrations.values()],
    'registration:refresh': ({ accountId }) => {
      if (accountId !== undefined && !this.accounts.get(accountId)) throw new ApiError('unknown-account', `there is no account '${accountId}'`);
      this.deps.engine.reregister(accountId);
      return null;
    },

    'call:dial': ({ number, accountId, direct, codecs }) => {
      if (direct) {
        // RFC 5456 peer to peer: a one-off account that never registers (what `redial call iax:host/number` does).
        this.holdOthers(undefined);
        const handle = this.deps.engine.dial({
          account: { id: DIRECT_ACCOUNT_ID, server: direct.server, username: direct.username ?? '', register: false,
            ...(codecs ? { codecs } : {}) },
          number,
        });
        return this.viewOf(this.track(handle, direct.server));
      }
      const account = accountId !== undefined ? this.accounts.get(accountId) : this.accounts.list().find((a) => a.enabled);
      if (!account) {
        throw new ApiError(accountId !== undefined ? 'unknown-account' : 'no-account',
          accountId !== undefined ? `there is no account '${accountId}'` : 'add an account before placing a call');
      }
      if (!account.enabled) throw new ApiError('account-disabled', `the account '${account.label}' is disabled`);
      // The engine keeps only the account's codecs from `codecs` (call-manager.ts codecsForCall).
      this.holdOthers(undefined);
      const handle = this.deps.engine.dial({ accountId: account.id, number, codecs: codecs ?? account.codecs });
      const live = this.track(handle);
      return this.viewOf(live);
    },
    'call:answer': ({ callId }) => {
      const c = this.live(callId);
      if (c.handle.direction !== 'incoming') throw new ApiError('invalid-state', 'only incoming calls can be answered');
      this.answer(c);
      return null;
    },
    'call:reject': ({ callId, reason }) => {
      const c = this.live(callId);
      c.localEnd = 'reject';
      c.handle.reject(reason);
      return null;
    },
    'call:hangup': ({ callId }) => {
      const c = this.live(callId);
      c.localEnd ??= 'hangup';
      c.handle.hangup();
      return null;
    },
    'call:dtmf': ({ callId, digits }) => { this.live(callId).handle.sendDtmf(digits); return null; },
    'call:text': ({ callId, text }) => { this.live(callId).handle.sendText(text); return null; },
    'call:hold': ({ callId, hold }) => {
      const c = this.live(callId);
      const state = c.handle.state;
      if (state !== 'up' && state !== 'held') throw new ApiError('invalid-state', 'only an answered call can be held or resumed');
      if (hold) {
        c.handle.hold();
      } else if (state === 'held') {
        this.holdOthers(c);
        c.handle.unhold();
      }
      return null; // the call's state event tells the UI (held is its state: api-views.ts)
    },
    'call:mute': ({ callId, muted }) => {
      const c = this.live(callId);
      c.muted = muted;
      c.audio?.setMuted(muted);
      this.callUpdated(c);
      return null;
    },
    'call:transfer': ({ callId, target }) => {
      const c = this.live(callId);
      c.transfer = { target, failed: false };
      c.handle.transfer(target);
      return null;
    },
    'call:transfer-to-call': ({ callId, toCallId }) => {
      const a = this.live(callId);
      const consult = this.live(toCallId);
      const target = attendedTransferTarget(a.handle, consult.handle);
      if (a.transfer && !a.transfer.failed) throw new ApiError('invalid-state', 'this call is already being transferred');
      // Spec §5.7 option 1: A is on hold while we talk to C; hold it now if the user did not.
      if (a.handle.state === 'up') a.handle.hold();
      a.transfer = { target, consult, failed: false };
      a.handle.transfer(target);
      this.notice('info', 'transferring', `Transferring ${otherParty(a.handle) || 'the call'} to ${target}…`, { callId: a.handle.id });
      return null;
    },
    'call:record': async ({ callId, recording }) => {
      const c = this.live(callId);
      if (!recording) {
        if (!c.recording) return { path: null };
        await c.audio?.stopRecording();
        c.recording = false;
        this.callUpdated(c);
        return { path: c.recordingPath ?? null };
      }
      if (!this.deps.files) throw new ApiError('unavailable', 'recording is not available in this mode');
      await c.audioStarting;
      if (!c.audio) throw new ApiError('invalid-state', 'the call has no audio yet');
      const stamp = new Date(c.startedAt).toISOString().replace(/[:.]/g, '-');
      const path = await this.deps.files.pathFor('recordings', `redial-${stamp}-${safeName(otherParty(c.handle))}.wav`);
      await c.audio.startRecording(path);
      c.recording = true;
      c.recordingPath = path;
      this.callUpdated(c);
      return { path };
    },
    'call:list': () => [...this.calls.values()].map((c) => this.viewOf(c)),
    'call:stats': ({ callId }) => this.statsOf(this.live(callId)),

    'history:list': ({ limit }) => this.history.list(limit),
    'history:clear': async () => { await this.history.clear(); this.missedChanged(); return null; },
    'history:missed': () => ({ unseen: this.history.unseenMissed() }),
    'history:seen': async () => {
      const before = this.history.unseenMissed();
      await this.history.markSeen(this.deps.clock.wallTime().getTime());
      if (before !== 0) this.missedChanged();
      return { unseen: this.history.unseenMissed() };
    },

    'audio:devices': ({ refresh }) => this.devicesNow(refresh === true),
    'audio:select': async (sel) => {
      const audio: AudioSelection = { ...this.settings.audio, ...definedOnly(sel) };
      await this.replaceSettings({ ...this.settings, audio });
      void this.devicesNow(false).then((v) => this.events.fire('audio:devices', v), () => undefined);
      return audio;
    },
    'audio:gains': async (g) => {
      const gains = { ...this.settings.gains, ...definedOnly(g) };
      await this.replaceSettings({ ...this.settings, gains });
      return gains;
    },
    'audio:test-tone': async ({ target }) => { await this.media.testTone(target); return null; },

    'settings:get': () => this.settings,
    'settings:update': async (patch) => {
      const next = mergeSettings(this.settings, patch);
      if (next.jitter.maxMs < next.jitter.targetExtraMs) {
        throw new ApiError('invalid-request', 'the maximum jitter buffer must be at least the target');
      }
      if (next.localPort !== this.settings.localPort) {
        this.notice('info', 'restart-needed', 'The new local port is used the next time Redial starts.');
      }
      await this.replaceSettings(next);
      return next;
    },

    // A console opened mid-call starts with the set-up and the signalling since, plus a moment of the voice.
    'trace:subscribe': () => this.trace.opening(TRACE_OPENING.signalling, TRACE_OPENING.voice).map((t) => toTraceView(t, this.format)),
    'trace:recent': ({ limit }) => this.trace.recent(limit).map((t) => toTraceView(t, this.format)),
    'trace:clear': () => { this.trace.clear(); return null; },
    'trace:export-pcap': async () => {
      if (!this.deps.writePcap || !this.deps.files) throw new ApiError('unavailable', 'pcap export is not available in this mode');
      const entries = this.trace.recent().map((t) => t.entry).filter((e) => e.raw !== undefined);
      const bytes = this.deps.writePcap(entries);
      const stamp = this.deps.clock.wallTime().toISOString().replace(/[:.]/g, '-');
      const path = await this.deps.files.write('traces', `redial-${stamp}.pcap`, bytes);
      return { path, frames: entries.length };
    },
    'trace:export-text': () => {
      const items = this.trace.recent();
      const text = items.map((t) => `[${new Date(t.wallAt).toISOString()}]\n${safeFormat(this.format, t.entry)}`).join('\n');
      return { text, frames: items.length };
    },
  };

  // ------------------------------------------------------------------------------------ engine events

  private onRegistration(r: RegistrationState): void {
    const view = registrationView(r, this.deps.clock.now());
    const before = this.registrations.get(r.accountId);
    this.registrations.set(r.accountId, view);
    this.events.fire('registration', view);
    if (view.status === 'failed' && r.error && before?.status !== 'failed') {
      const account = this.accounts.get(r.accountId);
      // notice() escapes the text; the view's message is escaped already.
      this.notice('error', r.error.code, `${account?.label ?? r.server}: ${r.error.message}`, { accountId: r.accountId });
    }
  }

  private onIncoming(handle: CallHandle): void {
    const c = this.track(handle);
    // Do Not Disturb beats every answering policy: refuse busy (REJECT cause 17, spec §5.3) before anything rings.
    if (this.settings.dnd) {
      c.localEnd = 'dnd';
      handle.reject('busy');
      return;
    }
    this.events.fire('call:incoming', this.viewOf(c));
    const policy = this.settings.autoAnswer;
    if (policy === 'always' || (policy === 'when-requested' && handle.autoAnswerRequested)) {
      this.answer(c);
      return;
    }
    if (this.settings.ringTimeoutSeconds > 0) {
      c.cancelRingTimer = this.deps.clock.setTimer(this.settings.ringTimeoutSeconds * 1000, () => {
        if (c.answeredAt === undefined && handle.state !== 'ended') {
          c.localEnd = 'ring-timeout';
          handle.reject('declined');
        }
      });
    }
    this.updateRinging();
  }

  private onTrace(entry: TraceEntry): void {
    const item = this.trace.add(entry, this.deps.clock.wallTime().getTime());
    if ((this.listenerCounts.get('trace') ?? 0) > 0) this.events.fire('trace', toTraceView(item, this.format));
  }

  // ------------------------------------------------------------------------------------------- calls

  private track(handle: CallHandle, direct?: string): LiveCall {
    const existing = this.calls.get(handle.id);
    if (existing) return existing;
    const c: LiveCall = {
      handle, startedAt: this.deps.clock.wallTime().getTime(), remoteHeld: false, muted: false,
      recording: false, encryptedShown: false, offs: [], ...(direct !== undefined ? { direct } : {}),
    };
    this.calls.set(handle.id, c);
    c.offs.push(
      handle.on('state', (s) => {
        if (s === 'up' && c.answeredAt === undefined) {
          c.answeredAt = this.deps.clock.wallTime().getTime();
          c.cancelRingTimer?.();
        }
        if (s === 'up' || s === 'early-media') this.startAudio(c);
        if (s === 'ended') return; // 'ended' event follows with the cause
        this.updateTones();
        this.updateRinging();
        this.callUpdated(c);
      }),
      handle.on('codec', () => this.callUpdated(c)),
      handle.on('remote-hold', (held) => { c.remoteHeld = held; this.callUpdated(c); }),
      handle.on('stop-tones', () => { if (c.handle.direction === 'outgoing') this.media.setTone(null); }),
      handle.on('dtmf', ({ digit, phase }) => { if (phase === 'end') this.events.fire('call:dtmf', { callId: handle.id, digit }); }),
      handle.on('text', (text) => this.events.fire('call:text', { callId: handle.id, text: remoteText(text, 4096) })),
      handle.on('notice', (n) => {
        // The server kept our leg: the transfer did not happen, so the consulted call must stay up.
        if (n.kind === 'transfer-may-have-failed' && c.transfer) c.transfer.failed = true;
        this.notice(n.kind === 'transfer-requested' ? 'info' : 'warning', n.kind, n.message, { callId: handle.id });
      }),
      handle.on('ended', (info) => { void this.onEnded(c, info); }),
    );
    this.ensureStatsTimer();
    if (handle.state === 'up' || handle.state === 'early-media') this.startAudio(c);
    this.updateTones();
    return c;
  }

  private startAudio(c: LiveCall): void {
    if (c.audio || c.audioStarting) return;
    c.audioStarting = this.media.startCall(c.handle).then(
      (audio) => {
        if (this.calls.get(c.handle.id) !== c) { void audio.close(); return; }
        c.audio = audio;
        audio.setMuted(c.muted);
        this.updateLevelsTimer();
      },
      (err: unknown) => {
        this.notice('error', 'audio-failed',
          `The call's audio could not start: ${err instanceof Error ? err.message : String(err)}`, { callId: c.handle.id });
      },
    );
  }

  private async onEnded(c: LiveCall, info: CallEndInfo): Promise<void> {
    if (this.calls.get(c.handle.id) !== c) return;
    this.calls.delete(c.handle.id);
    c.cancelRingTimer?.();
    for (const off of c.offs) off();
    const endedAt = this.deps.clock.wallTime().getTime();
    const outcome = this.outcome(c, info);
    const handedOver = outcome === 'transferred' && c.transfer !== undefined;
    const view = { ...callView(c), state: 'ended' as const, recording: false };
    const entry = displayHistoryEntry({
      id: c.handle.id, direction: c.handle.direction, number: otherParty(c.handle),
      startedAt: c.startedAt, endedAt, outcome,
      durationSeconds: c.answeredAt !== undefined ? Math.max(0, Math.round((endedAt - c.answeredAt) / 1000)) : 0,
      ...(view.accountId !== undefined ? { accountId: view.accountId } : {}),
      ...(view.remoteAddress !== undefined ? { remoteAddress: view.remoteAddress } : {}),
      ...(c.handle.remote.name ? { remoteName: c.handle.remote.name } : {}),
      ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
      ...(c.localEnd === 'dnd' ? { cause: 'Do not disturb', reason: 'dnd' as const }
        : info.cause ? { cause: info.cause } : {}),
      ...(c.handle.codec ? { codec: c.handle.codec } : {}),
      ...(handedOver && c.transfer ? { transferredTo: c.transfer.target } : {}),
      ...(c.handle.encrypted === true ? { encrypted: true } : {}),
    });
    const stats = c.answeredAt !== undefined ? { stats: this.statsOf(c) } : {};
    this.events.fire('call:ended', { call: view, end: endView(info), history: entry, ...stats });
    if (handedOver) this.finishAttendedTransfer(c);
    this.updateRinging();
    this.updateTones();
    if (c.handle.direction === 'outgoing' && c.answeredAt === undefined && (outcome === 'busy' || info.error?.code === 'congestion')) {
      this.playFailureTone(outcome === 'busy' ? 'busy' : 'congestion');
    }
    if (info.error && info.by !== 'local' && outcome !== 'busy' && outcome !== 'missed') {
      this.notice('error', info.error.code, info.error.message, { callId: c.handle.id });
    }
    await this.closeAudio(c);
    this.updateLevelsTimer();
    if (this.calls.size === 0) { this.stopStatsTimer?.(); this.stopStatsTimer = undefined; }
    try { await this.history.add(entry); } catch (err) {
      this.deps.logger?.log('warn', 'could not save the call history', { error: String(err) });
    }
    if (entry.direction === 'incoming' && entry.outcome === 'missed') this.missedChanged();
  }

  /** The tray, the badges and the window title count unseen missed calls: tell them. */
  private missedChanged(): void {
    this.events.fire('history:missed', { unseen: this.history.unseenMissed() });
  }

  private outcome(c: LiveCall, info: CallEndInfo): CallOutcome {
    if (c.localEnd === 'transfer') return 'transferred';
    // After our TRANSFER, the server hanging up our leg is the sign the transfer went through (spec §5.7).
    if (c.transfer && !c.transfer.failed && c.answeredAt !== undefined && info.by === 'remote' && c.localEnd === undefined) {
      return 'transferred';
    }
    if (c.answeredAt !== undefined) return 'answered';
    if (c.handle.direction === 'incoming') {
      if (c.localEnd === 'reject') return 'rejected';
      return 'missed';
    }
    if (c.localEnd) return 'cancelled';
    if (info.error?.code === 'busy') return 'busy';
    if (info.error?.code === 'cancelled') return 'cancelled';
    return 'failed';
  }

  /** The server released the held call of an attended transfer: hang up the consulted one, which is now redundant. */
  private finishAttendedTransfer(a: LiveCall): void {
    const consult = a.transfer?.consult;
    const target = a.transfer?.target ?? '';
    if (consult && this.calls.get(consult.handle.id) === consult) {
      consult.localEnd = 'transfer';
      consult.handle.hangup();
    }
    this.notice('info', 'transferred', `Transferred ${otherParty(a.handle) || 'the call'} to ${target}.`, { callId: a.handle.id });
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

  /** Answers an incoming call; it becomes the active call, so the others go on hold first. */
  private answer(c: LiveCall): void {
    this.holdOthers(c);
    c.handle.answer();
  }

  /**
   * One active call at a time (call waiting, docs/softphone-anchors.md §2a): starting, answering or resuming a call
   * puts every other answered call on hold first (docs/decisions.md D-27). `except` is the call being made active.
   */
  private holdOthers(except: LiveCall | undefined): void {
    if (this.deps.independentCalls) return;
    for (const other of this.calls.values()) if (other !== except && other.handle.state === 'up') other.handle.hold();
  }

  private live(callId: string): LiveCall {
    const c = this.calls.get(callId);
    if (!c) throw new ApiError('unknown-call', 'that call has ended');
    return c;
  }

  private callUpdated(c: LiveCall): void {
    if (this.calls.get(c.handle.id) === c) this.events.fire('call:updated', this.viewOf(c));
  }

  /** The call's view, remembering which `encrypted` the UI has been shown. */
  private viewOf(c: LiveCall): ReturnType<typeof callView> {
    const view = callView(c);
    c.encryptedShown = view.encrypted;
    return view;
  }

  /**
   * The engine switches a call to AES-128 (spec §7.1: on the server's AUTHREQ, before ACCEPT) without an event of
   * its own; the next state event usually carries it, and this catches the rest within a second.
   */
  private syncEncrypted(c: LiveCall): void {
    if ((c.handle.encrypted === true) !== c.encryptedShown) this.callUpdated(c);
  }

  // ------------------------------------------------------------------------------------ tones, timers

  private updateRinging(): void {
    const ringing = [...this.calls.values()].some((c) => c.handle.direction === 'incoming' && c.answeredAt === undefined && c.localEnd !== 'dnd' &&
      (c.handle.state === 'ringing' || c.handle.state === 'proceeding' || c.handle.state === 'dialing'));
    this.media.setRinging(ringing);
  }

  private updateTones(): void {
    const ringback = [...this.calls.values()].some((c) => c.handle.direction === 'outgoing' && c.handle.state === 'ringing');
    if (ringback) { this.stopToneTimer?.(); this.stopToneTimer = undefined; this.media.setTone('ringback'); return; }
    if (!this.stopToneTimer) this.media.setTone(null);
  }

  private playFailureTone(tone: 'busy' | 'congestion'): void {
    this.stopToneTimer?.();
    this.media.setTone(tone);
    this.stopToneTimer = this.deps.clock.setTimer(FAILURE_TONE_MS, () => {
      this.stopToneTimer = undefined;
      this.media.setTone(null);
    });
  }

  private ensureStatsTimer(): void {
    if (this.stopStatsTimer) return;
    this.stopStatsTimer = this.every(STATS_INTERVAL_MS, () => {
      for (const c of this.calls.values()) {
        this.syncEncrypted(c);
        if (c.handle.state === 'up' || c.handle.state === 'held' || c.handle.state === 'early-media') {
          this.events.fire('call:stats', { callId: c.handle.id, stats: this.statsOf(c) });
        }
      }
    });
  }

  private updateLevelsTimer(): void {
    const wanted = (this.listenerCounts.get('levels') ?? 0) > 0 && [...this.calls.values()].some((c) => c.audio);
    if (wanted && !this.stopLevelsTimer) {
      this.stopLevelsTimer = this.every(LEVELS_INTERVAL_MS, () => this.events.fire('levels', this.media.levels()));
    } else if (!wanted && this.stopLevelsTimer) {
      this.stopLevelsTimer();
      this.stopLevelsTimer = undefined;
      // The last reading would otherwise stay on every meter after the call: no stream open now (api.ts LevelsView).
      this.events.fire('levels', { inputDbfs: null, outputDbfs: null });
    }
  }

  /** A repeating Clock timer; returns its cancel function. */
  private every(ms: number, fire: () => void): () => void {
    let cancel: (() => void) | undefined;
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

  // ---------------------------------------------------------------------------------- settings, misc

  private async replaceSettings(next: Settings): Promise<void> {
    await this.deps.stores.settings.save(next);
    this.settings = next;
    this.applySettings(next);
    this.events.fire('settings:changed', next);
  }

  private applySettings(s: Settings): void {
    this.trace.setCapacity(s.debug.traceBufferSize);
    this.deps.engine.setAcceptDirectCalls(s.acceptDirectCalls, s.directCallCodecs, s.directCallTokens);
    this.media.configure({ selection: s.audio, gains: s.gains, dsp: s.dsp, jitter: s.jitter });
  }

  private accountsChanged(): void {
    this.deps.engine.setAccounts(this.accounts.engineAccounts());
    this.events.fire('accounts:changed', this.accounts.list());
  }

  private statsOf(c: LiveCall): CallStatsView { return statsView(c.handle, c.audio); }

  private async devicesNow(refresh: boolean): Promise<AudioDevicesView> {
    return devicesView(await this.media.listDevices(refresh), this.settings.audio);
  }

  private notice(level: 'info' | 'warning' | 'error', code: string, message: string,
    about: { accountId?: string; callId?: string } = {}): void {
    this.events.fire('notice', {
      id: `n${++this.idCounter}`, level, code: code.slice(0, 64) || 'notice', message: remoteText(message, 2048) || code,
      at: this.deps.clock.wallTime().getTime(), ...about,
    });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'call';
}

/**
 * The number of the other party, for history and file names: whom we called, or who called us. An incoming
 * call's own number is the extension it was sent to ("s" from Asterisk, "100" on a direct call), which is no use
 * for calling back, so a caller without caller ID has no number ("").
 */
function otherParty(call: Pick<CallHandle, 'direction' | 'number' | 'remote'>): string {
  return call.direction === 'incoming' ? call.remote.number || '' : call.number || call.remote.number || '';
}

/** The engine's name for the one-off account of a direct call (never an id AccountBook hands out: those hold a '-'). */
const DIRECT_ACCOUNT_ID = 'direct';
