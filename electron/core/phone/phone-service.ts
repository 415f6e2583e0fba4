// The phone: everything the user interface can ask for (electron/shared/api.ts), implemented over the IAX2
// engine, the audio port and the stores. Pure: no I/O of its own, only ports. The Electron app runs it in a
// worker thread (electron/host/engine-worker.ts), the `redial` command in its session process; the ws-host and the
// tests can run it anywhere. Every client composes it through electron/host/compose-phone.ts.
//
// This is the phone's face and its wiring: it starts (loads accounts, history and settings, registers every
// enabled account: "connects on launch", like iaxComm), checks each request against the contract's guards and
// hands it to its handler (phone-requests.ts), turns the engine's registrations and trace into events, and owns the
// settings. The calls are the live-call supervisor's (live-calls.ts), the local sounds the tone policy's
// (tone-policy.ts), the events and notices phone-events.ts's.
import type { Clock, DocumentStore, Logger, SecretStore } from '../ports.js';
import type { Iax2Engine, RegistrationState } from '../iax2/engine-api.js';
import type { TraceEntry } from '../iax2/trace-types.js';
import {
  ApiError, type AppInfo, type EventName, type EventPayload, type RedialApi, type RegistrationView, type RequestName,
  type RequestPayload, type ResponsePayload, type Settings,
} from '../../shared/api.js';
import { checkRequest } from '../../shared/api-guards.js';
import { AccountBook, type StoredAccounts } from './account-book.js';
import { registrationView } from './api-views.js';
import { CallHistory, type StoredHistory } from './call-history.js';
import { ContactBook, type StoredContacts } from './contact-book.js';
import { LiveCalls } from './live-calls.js';
import { NullPhoneMedia, type PhoneMedia } from './media-port.js';
import { PhoneEvents } from './phone-events.js';
import { requestHandlers, type RequestHandlers } from './phone-requests.js';
import { DEFAULT_SETTINGS, readStoredSettings } from './settings-model.js';
import { TonePolicy } from './tone-policy.js';
import { BULK_VOICE_TRACE_CAPACITY, TraceBuffer, VOICE_TRACE_CAPACITY, basicTraceFormatter, toTraceView, type TraceFormatter } from './trace-buffer.js';

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
    /** The address book; kept in memory only when absent. */
    readonly contacts?: DocumentStore<StoredContacts>;
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
  /** Starts (once) and finds the echo peer built into the phone (electron/host/echo-peer.ts): "127.0.0.1:port". */
  readonly echoPeer?: () => Promise<string>;
  /** Settings used when none are stored (the CLI passes its flags here). */
  readonly initialSettings?: Settings;
  /**
   * Every call stands on its own: starting, answering or resuming one holds no other. For phones that carry many
   * calls at once on purpose — `redial load`, `redial test --calls N`, the echo peer (docs/scenarios.md) — where
   * the one-active-call policy (docs/decisions.md D-27) would put all but the newest call on hold.
   */
  readonly independentCalls?: boolean;
}

export class PhoneService implements RedialApi {
  private readonly events: PhoneEvents;
  private readonly accounts: AccountBook;
  private readonly history: CallHistory;
  private readonly contacts: ContactBook;
  private readonly media: PhoneMedia;
  private readonly format: TraceFormatter;
  private readonly trace: TraceBuffer;
  private readonly tones: TonePolicy;
  private readonly calls: LiveCalls;
  private readonly registrations = new Map<string, RegistrationView>();
  private readonly handlers: RequestHandlers;
  private settings: Settings = DEFAULT_SETTINGS;
  private readonly engineOffs: (() => void)[] = [];
  private started = false;
  private stopped = false;
  private idCounter = 0;

  constructor(private readonly deps: PhoneServiceDeps) {
    const newId = deps.newId ?? (() => `${Date.now().toString(36)}-${(++this.idCounter).toString(36)}`);
    this.events = new PhoneEvents(deps.clock, (name) => { if (name === 'levels') this.calls.updateLevelsTimer(); });
    this.accounts = new AccountBook(deps.stores.accounts, deps.secrets, newId);
    this.history = new CallHistory(deps.stores.history);
    this.contacts = new ContactBook(deps.stores.contacts, newId);
    this.media = deps.media ?? new NullPhoneMedia();
    this.format = deps.formatTrace ?? basicTraceFormatter;
    // A phone of many calls keeps few voice frames: 2000 are 50 ms of 200 calls' traffic, which shows nothing, and
    // what the ring holds outlives the young generation: promoted by the megabyte, it made the collector's pauses
    // the load process's longest stalls (docs/scenarios.md §6). Signalling keeps its full ring.
    this.trace = new TraceBuffer(DEFAULT_SETTINGS.debug.traceBufferSize, deps.independentCalls ? BULK_VOICE_TRACE_CAPACITY : VOICE_TRACE_CAPACITY);
    this.tones = new TonePolicy(this.media, deps.clock);
    this.calls = new LiveCalls({
      clock: deps.clock, media: this.media, events: this.events, tones: this.tones, history: this.history,
      settings: () => this.settings, independentCalls: deps.independentCalls === true,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
    this.handlers = requestHandlers({
      engine: deps.engine, clock: deps.clock, info: deps.info, files: deps.files, writePcap: deps.writePcap,
      accounts: this.accounts, registrations: this.registrations, calls: this.calls, history: this.history,
      contacts: this.contacts, echoPeer: deps.echoPeer,
      media: this.media, tones: this.tones, trace: this.trace, format: this.format, events: this.events,
      settings: () => this.settings,
      replaceSettings: (next) => this.replaceSettings(next),
      accountsChanged: () => this.accountsChanged(),
    });
  }

  /** Loads accounts, history, contacts and settings, hooks the engine and registers every enabled account. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { engine } = this.deps;
    let storedSettings: unknown;
    try { storedSettings = await this.deps.stores.settings.load(); } catch { storedSettings = undefined; }
    this.settings = storedSettings === undefined ? (this.deps.initialSettings ?? DEFAULT_SETTINGS) : readStoredSettings(storedSettings);
    const { skipped } = await this.accounts.load();
    if (skipped > 0) this.events.notice('warning', 'accounts-damaged', `${skipped} saved account(s) could not be read and were skipped.`);
    await this.history.load();
    const contacts = await this.contacts.load();
    if (contacts.skipped > 0) this.events.notice('warning', 'contacts-damaged', `${contacts.skipped} saved contact(s) could not be read and were skipped.`);
    this.trace.setCapacity(this.settings.debug.traceBufferSize);

    this.engineOffs.push(
      engine.on('registration', (r) => this.onRegistration(r)),
      engine.on('incoming', (h) => this.calls.incoming(h)),
      engine.on('trace', (t) => this.onTrace(t)),
      engine.on('warning', (w) => this.events.notice('warning', 'engine', w)),
    );
    this.media.onNotice((n) => this.events.notice(n.level, n.code, n.message));
    this.applySettings(this.settings);
    engine.setAccounts(this.accounts.engineAccounts());
    for (const r of engine.registrations()) this.registrations.set(r.accountId, registrationView(r, this.deps.clock.now()));
  }

  /** Hangs up, unregisters (REGREL) and stops every timer. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.tones.stop();
    await this.calls.shutdown();
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
    return this.events.listen(name, listener);
  }

  // ------------------------------------------------------------------------------------ engine events

  private onRegistration(r: RegistrationState): void {
    const view = registrationView(r, this.deps.clock.now());
    const before = this.registrations.get(r.accountId);
    this.registrations.set(r.accountId, view);
    this.events.fire('registration', view);
    if (view.status === 'failed' && r.error && before?.status !== 'failed') {
      const account = this.accounts.get(r.accountId);
      // notice() escapes the text; the view's message is escaped already.
      this.events.notice('error', r.error.code, `${account?.label ?? r.server}: ${r.error.message}`, { accountId: r.accountId });
    }
  }

  private onTrace(entry: TraceEntry): void {
    const item = this.trace.add(entry, this.deps.clock.wallTime().getTime());
    if (this.events.listenerCount('trace') > 0) this.events.fire('trace', toTraceView(item, this.format));
  }

  // ---------------------------------------------------------------------------------- settings, accounts

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
}
