// The one API between the user interface and the phone engine (README "Architecture").
//
// The renderer (through the Electron preload's `window.redial`, or the WebSocket transport in the browser
// harness), the Electron main process and the headless ws-host all speak exactly this: named requests with
// a typed payload and result, and named events pushed from the engine. Every payload has a hand-written
// runtime guard in ./api-guards.ts (import them from there), checked wherever it crosses a trust boundary.
//
// The views live beside it by subject (api-calls.ts, api-contacts.ts, api-settings.ts, api-trace.ts) and are exported
// from here. This file is imported by the renderer too: it depends on nothing (no node:*, no electron, no core types).
// The core types it mirrors (codec names, call states, …) are checked for equality at compile time in
// electron/core/phone/contract-compat.ts.

import type { Empty } from './guard-kit.js';

// The views, by subject; all of them are part of this contract and exported from here.
export * from './api-calls.js';
export * from './api-contacts.js';
export * from './api-settings.js';
export * from './api-trace.js';
import type { CallEndView, CallStatsView, CallView, HistoryEntry } from './api-calls.js';
import type { ContactFormat, ContactImportResult, ContactInput, ContactView, MissedCalls } from './api-contacts.js';
import type { AudioDevicesView, AudioSelection, Gains, LevelsView, Settings, SettingsPatch } from './api-settings.js';
import type { TraceView } from './api-trace.js';

export const API_VERSION = 1;

// ---------------------------------------------------------------------------------------------- values

export type CodecName = 'ulaw' | 'alaw' | 'gsm' | 'g722' | 'slin' | 'slin16' | 'opus';
export const CODEC_NAMES: readonly CodecName[] = ['ulaw', 'alaw', 'gsm', 'g722', 'slin', 'slin16', 'opus'];
/**
 * The one default codec list, G.711: what every IAX2 peer takes and a stock Asterisk bridges to anything. A new
 * account starts with it, the engine offers it when an account lists none, direct calls use it unless the settings
 * say otherwise, and `redial` without --codec. (Opus first would make calls Asterisk cannot bridge to a G.711 peer.)
 */
export const DEFAULT_CODECS: readonly CodecName[] = ['ulaw', 'alaw'];

/** What the echo test is asked to use (call:echo-test). */
export interface EchoTestRequest { readonly codec?: CodecName }

export type AuthMethod = 'md5' | 'plaintext' | 'rsa';
export const AUTH_METHODS: readonly AuthMethod[] = ['md5', 'plaintext', 'rsa'];

/**
 * AES-128 call encryption (spec §7): 'off' offers nothing; 'on' encrypts when the server agrees (the user has
 * encryption=yes in its iax.conf), else the call stays clear; 'required' ends calls the server will not encrypt.
 * The key is derived from the account's password and the server's challenge.
 */
export type EncryptionMode = 'off' | 'on' | 'required';
export const ENCRYPTION_MODES = ['off', 'on', 'required'] as const satisfies readonly EncryptionMode[];

/** A failure phrased for the user; `code` is machine-readable (same codes as the engine's UserFacingError). */
export interface ErrorView {
  readonly code: string;
  readonly message: string;
  readonly cause?: string;
  readonly causeCode?: number;
}

// -------------------------------------------------------------------------------------------- accounts

/** An account as the UI sees it. The secret is write-only: the UI only learns whether one is stored. */
export interface AccountView {
  readonly id: string;
  /** Display name ("Office", "Home PBX"). */
  readonly label: string;
  /** "host", "host:port" or "[v6]:port"; port 4569 by default. */
  readonly server: string;
  readonly username: string;
  readonly hasSecret: boolean;
  /**
   * A password was given for this account but is not at hand now (it was not remembered across a restart, or the
   * keychain did not give it back): the account does not register until the password is entered again.
   */
  readonly secretMissing?: boolean;
  /** False when the secret is kept in memory for this session only ("don't remember password"). */
  readonly rememberSecret: boolean;
  /** Allowed authentication methods, in order of preference. Plaintext only when listed. */
  readonly auth: readonly AuthMethod[];
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  /** Codec preference for this account, best first. */
  readonly codecs: readonly CodecName[];
  /** Register with the server (otherwise: outgoing calls only). */
  readonly register: boolean;
  /** Disabled accounts are kept but neither registered nor used. */
  readonly enabled: boolean;
  /** Requested registration refresh, seconds. */
  readonly refreshSeconds: number;
  /** Number dialled by the voicemail button ("" when none). */
  readonly voicemailNumber: string;
  /** AES-128 call encryption; accounts saved before it existed load as 'off'. */
  readonly encryption: EncryptionMode;
}

/**
 * Create (no `id`) or update (`id` of an existing account) an account. Fields left out keep their current
 * value (or the default on creation). `secret`: a string sets it, `null` forgets it, absent keeps it.
 */
export interface AccountInput {
  readonly id?: string;
  readonly label?: string;
  readonly server?: string;
  readonly username?: string;
  readonly secret?: string | null;
  readonly rememberSecret?: boolean;
  readonly auth?: readonly AuthMethod[];
  readonly callerIdName?: string;
  readonly callerIdNumber?: string;
  readonly codecs?: readonly CodecName[];
  readonly register?: boolean;
  readonly enabled?: boolean;
  readonly refreshSeconds?: number;
  readonly voicemailNumber?: string;
  /** Default 'off'. */
  readonly encryption?: EncryptionMode;
}

export type RegistrationStatus = 'unregistered' | 'registering' | 'registered' | 'failed' | 'unregistering';

export interface RegistrationView {
  readonly accountId: string;
  readonly status: RegistrationStatus;
  readonly server: string;
  readonly refreshSeconds?: number;
  readonly apparentAddress?: { readonly address: string; readonly port: number };
  /** Voicemail message counts from REGACK MSGCOUNT. */
  readonly messages?: { readonly old: number; readonly new: number };
  readonly error?: ErrorView;
  /** After a failure: seconds until the next attempt. */
  readonly retryInSeconds?: number;
}

// ----------------------------------------------------------------------------------------- app, notices

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly apiVersion: number;
  /** Where the engine runs: 'electron' (worker of the main process) or 'headless' (ws-host / harness). */
  readonly host: 'electron' | 'headless';
  readonly platform: string;
  /** Local UDP port the engine is bound to (0 before it is bound). */
  readonly localPort: number;
  /** How secrets are stored: OS keychain, obfuscated only (Linux without keyring), plain file, or not at all. */
  readonly secretStorage: 'os-keychain' | 'basic-text' | 'file' | 'memory';
}

export interface Notice {
  readonly id: string;
  readonly level: 'info' | 'warning' | 'error';
  /** Machine-readable code, e.g. 'auth-failed', 'device-missing', 'secret-storage-weak'. */
  readonly code: string;
  readonly message: string;
  readonly accountId?: string;
  readonly callId?: string;
  /** Wall-clock ms. */
  readonly at: number;
}

/**
 * Whether the phone engine is running, as the host that keeps it (the Electron main process, the harness) sees it:
 * `running: false` when it stopped by itself (it is being restarted: everything it said before is stale), `true`
 * once a new one runs (reload what it says). Never raised by the phone itself.
 */
export interface EngineStatus {
  readonly running: boolean;
  /** Why, for the user, when it stopped. */
  readonly message?: string;
}

/** An `iax:` link was opened (RFC 5456 §5.1 URI, parsed by ./iax-uri.ts); the UI must ask the user before dialling it. */
export interface DialRequest {
  readonly uri: string;
  readonly number: string;
  readonly host: string;
  readonly user?: string;
}

// ------------------------------------------------------------------------------------------- requests

type Req<P, R> = { readonly req: P; readonly res: R };
type CallRef = { readonly callId: string };

/** A direct call, without an account (RFC 5456 peer to peer): the other side's address and, optionally, the user
 * name to present (an `iax:user@host/number` link names one). */
export interface DirectTarget {
  /** "host", "host:port" or "[v6]:port"; port 4569 by default. */
  readonly server: string;
  readonly username?: string;
}

/** Every request: name → payload and result. Results are JSON (no undefined at top level: `null` instead). */
export type Requests = {
  'app:info': Req<Empty, AppInfo>;

  'accounts:list': Req<Empty, AccountView[]>;
  'accounts:save': Req<AccountInput, AccountView>;
  'accounts:delete': Req<{ readonly accountId: string }, null>;

  'registration:list': Req<Empty, RegistrationView[]>;
  /** Re-register now (one account, or all). */
  'registration:refresh': Req<{ readonly accountId?: string }, null>;

  /**
   * Through `accountId`, or `direct` to an address without an account (never both); with neither: the first enabled
   * account. `codecs` (best first) narrows this call to those of the account's codecs (a direct call offers exactly
   * them); a call offered none of them ends at once with 'no-common-codec'.
   */
  'call:dial': Req<{
    readonly number: string; readonly accountId?: string; readonly direct?: DirectTarget; readonly codecs?: readonly CodecName[];
  }, CallView>;
  /**
   * The echo test: a call to the echo peer built into the phone (loopback, no server needed), through this phone's
   * engine, codec, jitter buffer and sound devices; the user hears their own voice. Not kept in the history.
   * `codec`: the one to test (the echo peer takes every codec); otherwise the direct-call codecs, in their order.
   */
  'call:echo-test': Req<EchoTestRequest | undefined, CallView>;
  'call:answer': Req<CallRef, null>;
  'call:reject': Req<CallRef & { readonly reason?: 'busy' | 'declined' }, null>;
  'call:hangup': Req<CallRef, null>;
  'call:dtmf': Req<CallRef & { readonly digits: string }, null>;
  'call:text': Req<CallRef & { readonly text: string }, null>;
  'call:hold': Req<CallRef & { readonly hold: boolean }, null>;
  'call:mute': Req<CallRef & { readonly muted: boolean }, null>;
  /** Blind transfer to a number. */
  'call:transfer': Req<CallRef & { readonly target: string }, null>;
  /**
   * Attended transfer ("consult, then transfer", spec §5.7 option 1): hand the call `callId` (held, or held now)
   * to the party of the answered call `toCallId` on the same account. TRANSFER goes out on `callId`'s dialog with
   * `toCallId`'s number (the caller's number when `toCallId` is incoming); once the server releases `callId`,
   * `toCallId` is hung up. If the server does not release it within ~5 s, a 'transfer-may-have-failed' notice
   * follows and both calls stay as they are.
   */
  'call:transfer-to-call': Req<CallRef & { readonly toCallId: string }, null>;
  /** Start/stop recording both directions to WAV; the result names the file (in the recordings folder). */
  'call:record': Req<CallRef & { readonly recording: boolean }, { readonly path: string | null }>;
  'call:list': Req<Empty, CallView[]>;
  'call:stats': Req<CallRef, CallStatsView>;

  'history:list': Req<{ readonly limit?: number }, HistoryEntry[]>;
  'history:clear': Req<Empty, null>;
  /** How many missed calls are unseen. */
  'history:missed': Req<Empty, MissedCalls>;
  /** The user has seen the history: no missed call is unseen any more. */
  'history:seen': Req<Empty, MissedCalls>;

  'contacts:list': Req<Empty, ContactView[]>;
  'contacts:save': Req<ContactInput, ContactView>;
  'contacts:delete': Req<{ readonly contactId: string }, null>;
  /** Adds the contacts of a vCard or CSV file (its text, at most 1 MB). */
  'contacts:import': Req<{ readonly format: ContactFormat; readonly text: string }, ContactImportResult>;
  'contacts:export': Req<{ readonly format: ContactFormat }, { readonly text: string; readonly count: number }>;

  /** `refresh: true` re-enumerates (only possible while no stream is open; otherwise the cached list). */
  'audio:devices': Req<{ readonly refresh?: boolean }, AudioDevicesView>;
  'audio:select': Req<Partial<AudioSelection>, AudioSelection>;
  'audio:gains': Req<Partial<Gains>, Gains>;
  /** Play a short tone on the ring device (or the speaker) to test it. */
  'audio:test-tone': Req<{ readonly target: 'ring' | 'output' }, null>;

  'settings:get': Req<Empty, Settings>;
  'settings:update': Req<SettingsPatch, Settings>;

  /** Turn the live `trace` event stream on/off for this client. Returns the buffered recent entries. */
  'trace:subscribe': Req<{ readonly enabled: boolean }, TraceView[]>;
  'trace:recent': Req<{ readonly limit?: number }, TraceView[]>;
  'trace:clear': Req<Empty, null>;
  /** Writes the buffered frames as a .pcap (the traces folder) and returns where. */
  'trace:export-pcap': Req<Empty, { readonly path: string; readonly frames: number }>;
  /** The buffered trace as text, for copy/export. */
  'trace:export-text': Req<Empty, { readonly text: string; readonly frames: number }>;
};

export type RequestName = keyof Requests;
export type RequestPayload<K extends RequestName> = Requests[K]['req'];
export type ResponsePayload<K extends RequestName> = Requests[K]['res'];

// --------------------------------------------------------------------------------------------- events

/** Every event pushed from the engine to the UI: name → payload. */
export type Events = {
  'registration': RegistrationView;
  'accounts:changed': AccountView[];
  'call:incoming': CallView;
  /** Any change of a live call: state, codec, hold, mute, recording. */
  'call:updated': CallView;
  /**
   * `history`: what the history keeps of the call (nothing is kept of an echo test: `call.echoTest` says so);
   * `stats`: the call's last figures, when it was answered.
   */
  'call:ended': { readonly call: CallView; readonly end: CallEndView; readonly history: HistoryEntry; readonly stats?: CallStatsView };
  'call:dtmf': { readonly callId: string; readonly digit: string };
  'call:text': { readonly callId: string; readonly text: string };
  /** About once a second per live call. */
  'call:stats': { readonly callId: string; readonly stats: CallStatsView };
  /** Input/output meters, throttled to 5 Hz, only while a stream is open. */
  'levels': LevelsView;
  'audio:devices': AudioDevicesView;
  'settings:changed': Settings;
  /** Only to clients that called trace:subscribe {enabled:true}. */
  'trace': TraceView;
  'notice': Notice;
  /** An `iax:` link asks to dial; confirm with the user, then send call:dial. */
  'dial-request': DialRequest;
  /** The engine stopped or came back (raised by the host that supervises it, electron/host/engine-supervisor.ts). */
  'engine': EngineStatus;
  /** The count of unseen missed calls changed. */
  'history:missed': MissedCalls;
  /** The address book changed (saved, deleted, imported). */
  'contacts:changed': ContactView[];
};

export type EventName = keyof Events;
export type EventPayload<K extends EventName> = Events[K];

// ---------------------------------------------------------------------------------------------- the API

/** A request failed: `code` is an ErrorView code, or 'invalid-request' / 'unknown-call' / 'unavailable'. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What the renderer (and the CLI, the harness, the tests) use. Implemented by the preload, the WebSocket
 * transport, the worker client and the PhoneService itself. */
export interface RedialApi {
  request<K extends RequestName>(name: K, ...payload: OptionalIfEmpty<RequestPayload<K>>): Promise<ResponsePayload<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/** `request('call:list')` without a payload when the payload is empty. */
export type OptionalIfEmpty<P> = undefined extends P ? [payload?: P] : [payload: P];

export const REQUEST_NAMES: readonly RequestName[] = [
  'app:info',
  'accounts:list', 'accounts:save', 'accounts:delete',
  'registration:list', 'registration:refresh',
  'call:dial', 'call:echo-test', 'call:answer', 'call:reject', 'call:hangup', 'call:dtmf', 'call:text', 'call:hold', 'call:mute',
  'call:transfer', 'call:transfer-to-call', 'call:record', 'call:list', 'call:stats',
  'history:list', 'history:clear', 'history:missed', 'history:seen',
  'contacts:list', 'contacts:save', 'contacts:delete', 'contacts:import', 'contacts:export',
  'audio:devices', 'audio:select', 'audio:gains', 'audio:test-tone',
  'settings:get', 'settings:update',
  'trace:subscribe', 'trace:recent', 'trace:clear', 'trace:export-pcap', 'trace:export-text',
];

export const EVENT_NAMES: readonly EventName[] = [
  'registration', 'accounts:changed', 'call:incoming', 'call:updated', 'call:ended', 'call:dtmf', 'call:text',
  'call:stats', 'levels', 'audio:devices', 'settings:changed', 'trace', 'notice', 'dial-request', 'engine', 'history:missed', 'contacts:changed',
];

export function isRequestName(v: unknown): v is RequestName {
  return typeof v === 'string' && (REQUEST_NAMES as readonly string[]).includes(v);
}
export function isEventName(v: unknown): v is EventName {
  return typeof v === 'string' && (EVENT_NAMES as readonly string[]).includes(v);
}

export type { Empty } from './guard-kit.js';
