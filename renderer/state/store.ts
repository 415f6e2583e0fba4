// The renderer's single source of truth: a snapshot of what the engine told us (accounts, registrations,
// calls, history, audio, settings), kept current from the API's events. Components read it through
// `useStore` and act through the methods here, which call the API and turn failures into notices
// (nothing the engine says is ever thrown at a component).
//
// The debug trace is kept out of the snapshot in a ring buffer (TraceLog, fed by TraceFeed) so a busy call does not
// copy thousands of frames on every event. The snapshot's shape and the pure steps that change it are in
// phone-state.ts, the notice centre's rules in notices.ts.

import type {
  AccountInput, AccountView, AudioSelection, CallView, CodecName, ContactFormat, ContactImportResult, ContactInput,
  ContactView, DirectTarget, Gains, HistoryEntry, Notice, RedialApi, RegistrationView, RequestPayload, SettingsPatch,
} from '../../electron/shared/api.js';
import { missedHere, type EndedCall } from '../lib/call-end.js';
import {
  afterCallEnded, afterEngineLost, endedCardMs, HISTORY_LIMIT, initialState, mergeCalls, withCall, withDigits, type PhoneState,
} from './phone-state.js';
import { aboutEngineState, noticeFadeMs, noticesWith } from './notices.js';
import { codeOf, messageOf } from './request-errors.js';
import { pcapSaved, TraceFeed } from './trace-feed.js';
import type { TraceLog } from './trace-log.js';

export type { EndedCall };
export type { ConnectionState, PhoneState } from './phone-state.js';
export { ENDED_CALL_MS } from './phone-state.js';
export { NOTICE_MS } from './notices.js';

type Listener = () => void;

export class PhoneStore {
  private state: PhoneState = initialState;
  private readonly listeners = new Set<Listener>();
  private noticeSeq = 0;
  /** Where each call's current recording goes (call:record returns the path only when it starts). */
  private readonly recordingPaths = new Map<string, string>();
  private readonly traceFeed = new TraceFeed((fn) => this.run(fn));
  readonly trace: TraceLog = this.traceFeed.log;

  /** The engine's API; replaced when the page reconnects to a restarted host (attach). */
  private api: RedialApi;
  /** Unsubscribes this store's listeners from the current API. */
  private readonly offs: (() => void)[] = [];

  constructor(api: RedialApi) { this.api = api; }

  getState = (): PhoneState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<PhoneState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** Subscribes to every event first (so nothing is missed), then loads the snapshot. */
  async start(): Promise<void> {
    this.listen(this.api);
    await this.load();
  }

  /**
   * The page reached a new connection to the engine (the host came back): listen there and load everything again.
   * The old API's listeners are dropped; a debug pane that was open gets its stream back.
   */
  async attach(api: RedialApi): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    this.traceFeed.detach();
    this.api = api;
    this.listen(api);
    await this.load();
  }

  private listen(api: RedialApi): void {
    const on: RedialApi['on'] = (name, listener) => { const off = api.on(name, listener); this.offs.push(off); return off; };
    // The host that keeps the engine says when it stopped (and is restarting it) and when a new one runs.
    on('engine', (s) => { if (s.running) void this.load(); else this.markConnectionLost(s.message); });
    on('registration', (r) => {
      this.set({ registrations: { ...this.state.registrations, [r.accountId]: r } });
      // The account works now: its earlier failure notices are no longer true.
      if (r.status === 'registered') this.dropNotices((n) => n.accountId === r.accountId && n.level !== 'info');
    });
    on('accounts:changed', (accounts) => {
      this.set({ accounts });
      // An account that was deleted, disabled or no longer registers has no registration problem any more.
      const registering = new Set(accounts.filter((a) => a.enabled && a.register).map((a) => a.id));
      this.dropNotices((n) => n.accountId !== undefined && !registering.has(n.accountId));
    });
    on('call:incoming', (c) => this.upsertCall(c));
    on('call:updated', (c) => this.upsertCall(c));
    on('call:ended', ({ call, end, history }) => {
      const ended: EndedCall = { call, end, history, at: Date.now() };
      this.set(afterCallEnded(this.state, ended));
      setTimeout(() => this.dismissEnded(call.id), endedCardMs(ended));
      const recording = this.recordingPaths.get(call.id);
      if (recording) {
        this.recordingPaths.delete(call.id);
        this.notify('info', 'recording', `Recording saved: ${recording}`, { callId: call.id });
      }
      // A missed call is told by its card, the badge and the history, not as a warning in the caller's words.
      if (end.error && end.by !== 'local' && !missedHere(ended)) this.notify('warning', end.error.code, end.error.message, { callId: call.id });
    });
    on('call:dtmf', ({ callId, digit }) => this.set({ receivedDtmf: withDigits(this.state.receivedDtmf, callId, digit) }));
    on('call:text', ({ text }) => this.notify('info', 'text', `Message: ${text}`));
    on('call:stats', ({ callId, stats }) => this.set({ stats: { ...this.state.stats, [callId]: stats } }));
    on('levels', (levels) => this.set({ levels }));
    on('audio:devices', (audio) => this.set({ audio }));
    on('settings:changed', (settings) => this.set({ settings, gains: settings.gains }));
    on('notice', (n) => this.pushNotice(n));
    on('dial-request', (dialRequest) => this.set({ dialRequest }));
    on('history:missed', (m) => this.set({ missed: m.unseen }));
    on('contacts:changed', (contacts) => this.set({ contacts }));
  }

  /** Loads the snapshot (after subscribing, so nothing between the two is missed). */
  private async load(): Promise<void> {
    const api = this.api;
    this.set({ connection: 'connecting' });
    try {
      const [info, accounts, registrations, calls, history, settings, missed, contacts] = await Promise.all([
        api.request('app:info'),
        api.request('accounts:list'),
        api.request('registration:list'),
        api.request('call:list'),
        api.request('history:list', { limit: HISTORY_LIMIT }),
        api.request('settings:get'),
        api.request('history:missed'),
        api.request('contacts:list'),
      ]);
      const regs: Record<string, RegistrationView> = {};
      for (const r of registrations) regs[r.accountId] = r;
      this.set({
        connection: 'open', lostReason: undefined, info, accounts, registrations: { ...regs, ...this.state.registrations },
        calls: mergeCalls(calls, this.state.calls), history, settings, gains: settings.gains, missed: missed.unseen, contacts,
      });
    } catch (err) {
      this.markConnectionLost(`Cannot reach the phone engine: ${messageOf(err)}`);
      return;
    }
    this.traceFeed.resume(api);
    // Audio enumeration may be slow (PortAudio init); load it after the first paint.
    void this.run(async () => this.set({ audio: await api.request('audio:devices', {}) }));
  }

  /** The engine is gone (its host said so, or the connection to it closed): whatever it said is stale. */
  markConnectionLost(message = 'Lost the connection to the phone engine.'): void {
    this.traceFeed.pause();
    this.set(afterEngineLost(message));
    // Their causes went with the engine; the banner says what happened instead.
    this.dropNotices(aboutEngineState);
  }

  // ------------------------------------------------------------------------------------- notices

  notify(level: Notice['level'], code: string, message: string, about: { callId?: string; accountId?: string } = {}): void {
    this.pushNotice({ id: `local-${++this.noticeSeq}`, level, code, message, at: Date.now(), ...about });
  }

  private pushNotice(n: Notice): void {
    const notices = noticesWith(this.state, n);
    if (!notices) return;
    this.set({ notices });
    const fadeMs = noticeFadeMs(n);
    if (fadeMs !== undefined) setTimeout(() => this.dismissNotice(n.id), fadeMs);
  }

  dismissNotice(id: string): void {
    if (!this.state.notices.some((n) => n.id === id)) return;
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  private dropNotices(match: (n: Notice) => boolean): void {
    if (this.state.notices.some(match)) this.set({ notices: this.state.notices.filter((n) => !match(n)) });
  }

  dismissEnded(callId: string): void {
    if (this.state.ended.some((e) => e.call.id === callId)) this.set({ ended: this.state.ended.filter((e) => e.call.id !== callId) });
  }

  /** Runs a request; a failure becomes an error notice and `undefined`. */
  private async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.notify('error', codeOf(err), messageOf(err));
      return undefined;
    }
  }

  // -------------------------------------------------------------------------------------- accounts

  /** Saves; on failure returns the error text instead of raising a notice, so the form can show it in place. */
  async saveAccount(input: AccountInput): Promise<{ ok: true; account: AccountView } | { ok: false; error: string }> {
    try {
      const account = await this.api.request('accounts:save', input);
      const others = this.state.accounts.filter((a) => a.id !== account.id);
      const pos = this.state.accounts.findIndex((a) => a.id === account.id);
      const accounts = pos < 0 ? [...others, account] : this.state.accounts.map((a) => (a.id === account.id ? account : a));
      this.set({ accounts });
      return { ok: true, account };
    } catch (err) {
      return { ok: false, error: messageOf(err) };
    }
  }

  async deleteAccount(accountId: string): Promise<void> {
    const done = await this.run(() => this.api.request('accounts:delete', { accountId }));
    if (done !== undefined) {
      const { [accountId]: _r, ...registrations } = this.state.registrations;
      this.set({ accounts: this.state.accounts.filter((a) => a.id !== accountId), registrations });
      this.dropNotices((n) => n.accountId === accountId);
    }
  }

  refreshRegistration(accountId?: string): void {
    void this.run(() => this.api.request('registration:refresh', accountId ? { accountId } : {}));
  }

  // ----------------------------------------------------------------------------------------- calls

  private upsertCall(c: CallView): void { this.set({ calls: withCall(this.state.calls, c) }); }

  dial(number: string, accountId?: string): Promise<CallView | undefined> {
    return this.place({ number, ...(accountId ? { accountId } : {}) });
  }

  /** The echo test: a call to the echo built into the phone (no server needed); it holds a live call like any other. */
  /** The echo test, with `codec` if the user chose one (else the direct-call codecs). */
  async startEchoTest(codec?: CodecName): Promise<CallView | undefined> {
    if (this.state.ended.length > 0) this.set({ ended: [] });
    const call = await this.run(() => this.api.request('call:echo-test', codec !== undefined ? { codec } : {}));
    if (call) this.upsertCall(call);
    return call;
  }

  /** A direct call to an address, without an account (an `iax:` link for a server the user has no account on). */
  dialDirect(number: string, direct: DirectTarget): Promise<CallView | undefined> {
    return this.place({ number, direct });
  }

  /**
   * Calls the other party of a past call the way it was reached: through its account, or directly to the address a
   * direct call came from (its extension 's', the start of a dialplan, when the caller sent no number).
   */
  callBack(h: Pick<HistoryEntry, 'number' | 'accountId' | 'remoteAddress'>): Promise<CallView | undefined> {
    if (h.accountId === undefined && h.remoteAddress !== undefined) return this.dialDirect(h.number || 's', { server: h.remoteAddress });
    if (!h.number) {
      this.notify('warning', 'no-number', 'The caller sent no number, so there is nothing to call back.');
      return Promise.resolve(undefined);
    }
    return this.dial(h.number, h.accountId);
  }

  /** The phone keeps one call active: dialing, answering or resuming a call holds the others (PhoneService). */
  private async place(payload: RequestPayload<'call:dial'>): Promise<CallView | undefined> {
    // A new call makes the last one's "busy"/"declined" card and notices old news.
    if (this.state.ended.length > 0) this.set({ ended: [] });
    const live = new Set(this.state.calls.map((c) => c.id));
    this.dropNotices((n) => n.callId !== undefined && !live.has(n.callId));
    const call = await this.run(() => this.api.request('call:dial', payload));
    if (call) this.upsertCall(call);
    return call;
  }

  async answer(callId: string): Promise<void> {
    await this.run(() => this.api.request('call:answer', { callId }));
  }
  reject(callId: string, reason: 'busy' | 'declined'): void { void this.run(() => this.api.request('call:reject', { callId, reason })); }
  hangup(callId: string): void { void this.run(() => this.api.request('call:hangup', { callId })); }
  /** Sends DTMF and remembers the digits, so the call's card shows every digit sent, however it was entered. */
  sendDtmf(callId: string, digits: string): void {
    void this.run(() => this.api.request('call:dtmf', { callId, digits })).then((done) => {
      if (done === undefined || !this.state.calls.some((c) => c.id === callId)) return;
      this.set({ sentDtmf: withDigits(this.state.sentDtmf, callId, digits) });
    });
  }
  mute(callId: string, muted: boolean): void { void this.run(() => this.api.request('call:mute', { callId, muted })); }
  transfer(callId: string, target: string): void { void this.run(() => this.api.request('call:transfer', { callId, target })); }
  /** Attended transfer: hand the held call `callId` to the party of `toCallId` (both end once the server agrees). */
  transferToCall(callId: string, toCallId: string): void {
    void this.run(() => this.api.request('call:transfer-to-call', { callId, toCallId }));
  }

  async hold(callId: string, hold: boolean): Promise<void> {
    await this.run(() => this.api.request('call:hold', { callId, hold }));
  }

  async record(callId: string, recording: boolean): Promise<void> {
    const res = await this.run(() => this.api.request('call:record', { callId, recording }));
    if (res === undefined) return;
    if (recording) {
      if (res.path) {
        this.recordingPaths.set(callId, res.path);
        this.notify('info', 'recording', `Recording to ${res.path}`, { callId });
      }
      return;
    }
    // Stopping returns no path: say where the file went using the one we were given at the start.
    const path = res.path ?? this.recordingPaths.get(callId);
    this.recordingPaths.delete(callId);
    if (path) this.notify('info', 'recording', `Recording saved: ${path}`, { callId });
  }

  clearDialRequest(): void { this.set({ dialRequest: undefined }); }

  /** The user has the history in front of them: the missed calls are seen (everywhere: tray, badges, title). */
  async markHistorySeen(): Promise<void> {
    if (this.state.missed === 0) return;
    const res = await this.run(() => this.api.request('history:seen'));
    if (res) this.set({ missed: res.unseen });
  }

  // -------------------------------------------------------------------------------------- contacts

  /** Saves; on failure returns the phone's words instead of a notice, so the form shows them in place. */
  async saveContact(input: ContactInput): Promise<{ ok: true; contact: ContactView } | { ok: false; error: string }> {
    try {
      return { ok: true, contact: await this.api.request('contacts:save', input) };
    } catch (err) {
      return { ok: false, error: messageOf(err) };
    }
  }

  async deleteContact(contactId: string): Promise<void> {
    await this.run(() => this.api.request('contacts:delete', { contactId }));
  }

  importContacts(format: ContactFormat, text: string): Promise<ContactImportResult | undefined> {
    return this.run(() => this.api.request('contacts:import', { format, text }));
  }

  exportContacts(format: ContactFormat): Promise<{ text: string; count: number } | undefined> {
    return this.run(() => this.api.request('contacts:export', { format }));
  }

  /** Calls a contact's number: through the contact's account when it has one, else the given (the dialler's) one. */
  callContact(contact: ContactView, number: string, fallbackAccountId?: string): Promise<CallView | undefined> {
    const accountId = contact.accountId ?? fallbackAccountId;
    return this.dial(number, accountId);
  }

  async clearHistory(): Promise<void> {
    if ((await this.run(() => this.api.request('history:clear'))) !== undefined) this.set({ history: [] });
  }

  // ----------------------------------------------------------------------------------------- audio

  async refreshDevices(): Promise<void> {
    const audio = await this.run(() => this.api.request('audio:devices', { refresh: true }));
    if (audio) this.set({ audio });
  }

  async selectAudio(sel: Partial<AudioSelection>): Promise<void> {
    const selection = await this.run(() => this.api.request('audio:select', sel));
    if (selection && this.state.audio) this.set({ audio: { ...this.state.audio, selection } });
  }

  async setGains(g: Partial<Gains>): Promise<void> {
    const gains = await this.run(() => this.api.request('audio:gains', g));
    if (gains) this.set({ gains });
  }

  /** Plays the test tone; `testing` says which is playing until it has finished (the phone answers then). */
  async testTone(target: 'ring' | 'output'): Promise<void> {
    if (this.state.testing) return;
    this.set({ testing: target });
    try { await this.run(() => this.api.request('audio:test-tone', { target })); } finally { this.set({ testing: undefined }); }
  }

  /** Do Not Disturb on/off (incoming calls are refused busy while on). */
  setDnd(dnd: boolean): Promise<void> { return this.updateSettings({ dnd }); }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    const settings = await this.run(() => this.api.request('settings:update', patch));
    if (settings) this.set({ settings, gains: settings.gains });
  }

  // ----------------------------------------------------------------------------------------- trace

  /** Turns the live trace stream on or off; when turned on, seeds the log with the engine's recent frames. */
  setTraceLive(enabled: boolean): Promise<void> { return this.traceFeed.setLive(this.api, enabled); }

  clearTrace(): Promise<void> { return this.traceFeed.clear(this.api); }

  /** Writes the phone's trace as a .pcap; returns what to tell the user (also raised as a notice), or undefined. */
  async exportPcap(): Promise<string | undefined> {
    const res = await this.run(() => this.api.request('trace:export-pcap'));
    if (!res) return undefined;
    const message = pcapSaved(res, this.state.accounts);
    this.notify('info', 'pcap', message);
    return message;
  }
}
