// Runtime guards for every request payload, response and event payload of the API (./api.ts).
// The maps are typed `{ [K in RequestName]: Guard<…> }`, so adding a channel without its guard does not compile.

import {
  AUTH_METHODS, CALL_OUTCOMES, CODEC_NAMES, ENCRYPTION_MODES,
  type AccountInput, type AccountView, type AppInfo, type ContactImportResult, type ContactInput, type ContactNumber, type ContactView, type AudioDevicesView, type AudioDeviceView,
  type AudioSelection, type CallEndView, type CallStatsView, type CallView, type DialRequest, type DirectTarget, type EngineStatus, type ErrorView,
  type EventName, type Events, type Gains, type HistoryEntry, type LevelsView, type MissedCalls, type Notice,
  type RegistrationView, type RequestName, type Requests, type Settings, type SettingsPatch, type TraceIeView,
  type TraceView, type AuthMethod, type CodecName, type EchoTestRequest, type EncryptionMode,
} from './api.js';
import {
  arrayOf, boundedString, either, integerIn, isBoolean, isEmpty, isNull, isString, matching,
  nullable, numberIn, oneOf, optional, shape, type Guard,
} from './guard-kit.js';

// ------------------------------------------------------------------------------------ field vocabulary

const id = matching(/^[A-Za-z0-9._:-]{1,64}$/, 64);
const label = boundedString(128);
/** host, host:port, [v6]:port — no spaces, no scheme, no path. */
const server = matching(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/, 255);
const username = boundedString(128);
const secret = boundedString(256);
/** A dialable number/extension: digits, letters, * # + and a few separators (Asterisk extensions may be words). */
const dialString = matching(/^[A-Za-z0-9*#+_.@\-]{1,80}$/, 80);
/** What `call:dial` and `call:transfer` accept as a number (the phone checks a number it derives itself with it too). */
export const isDialString: Guard<string> = dialString;
const dtmfDigits = matching(/^[0-9A-Da-d*#]{1,64}$/, 64);
const text = boundedString(4096, 1);
const wallMs = numberIn(0, 8.64e15);
const count = integerIn(0, Number.MAX_SAFE_INTEGER);
const port = integerIn(0, 65535);
const codec: Guard<CodecName> = oneOf(...CODEC_NAMES);
const authMethod: Guard<AuthMethod> = oneOf(...AUTH_METHODS);
const codecList = arrayOf(codec, CODEC_NAMES.length);
/** A codec preference for one use (a call, direct calls): at least one codec, none twice. */
const nonEmptyCodecList: Guard<readonly CodecName[]> = (v): v is readonly CodecName[] =>
  codecList(v) && v.length > 0 && new Set(v).size === v.length;
const authList = arrayOf(authMethod, AUTH_METHODS.length);
const encryptionMode: Guard<EncryptionMode> = oneOf(...ENCRYPTION_MODES);
const deviceKey = boundedString(512, 1);
/** Registration refresh: the UI asks for 10-3600 s; `redial register --refresh` may ask for less (a test PBX). */
const refreshSeconds = integerIn(1, 86_400);
const gainDb = numberIn(-20, 20);
const dbfs = nullable(numberIn(-200, 10));

const errorView: Guard<ErrorView> = shape<ErrorView>({
  code: boundedString(64, 1), message: boundedString(1024),
  cause: optional(boundedString(1024)), causeCode: optional(integerIn(0, 255)),
});
const address = shape<{ address: string; port: number }>({ address: boundedString(64), port });

// -------------------------------------------------------------------------------------------- views

export const accountView: Guard<AccountView> = shape<AccountView>({
  id, label, server: either(server, oneOf('')), username, hasSecret: isBoolean, secretMissing: optional(isBoolean), rememberSecret: isBoolean,
  auth: authList, callerIdName: label, callerIdNumber: label, codecs: codecList, register: isBoolean,
  enabled: isBoolean, refreshSeconds: refreshSeconds, voicemailNumber: either(dialString, oneOf('')),
  encryption: encryptionMode,
});

export const accountInput: Guard<AccountInput> = shape<AccountInput>({
  id: optional(id), label: optional(label), server: optional(server), username: optional(username),
  secret: optional(nullable(secret)), rememberSecret: optional(isBoolean), auth: optional(authList),
  callerIdName: optional(label), callerIdNumber: optional(label), codecs: optional(codecList),
  register: optional(isBoolean), enabled: optional(isBoolean), refreshSeconds: optional(refreshSeconds),
  voicemailNumber: optional(either(dialString, oneOf(''))), encryption: optional(encryptionMode),
});

export const registrationView: Guard<RegistrationView> = shape<RegistrationView>({
  accountId: id, status: oneOf('unregistered', 'registering', 'registered', 'failed', 'unregistering'),
  server: boundedString(255), refreshSeconds: optional(count), apparentAddress: optional(address),
  messages: optional(shape<{ old: number; new: number }>({ old: count, new: count })),
  error: optional(errorView), retryInSeconds: optional(numberIn(0, 86_400)),
});

export const callView: Guard<CallView> = shape<CallView>({
  id, accountId: optional(id), direction: oneOf('outgoing', 'incoming'), number: boundedString(128),
  remoteName: optional(boundedString(256)), remoteNumber: optional(boundedString(128)), remoteAddress: optional(server),
  echoTest: optional(isBoolean), state: oneOf('dialing', 'proceeding', 'ringing', 'early-media', 'up', 'held', 'ended'),
  codec: optional(codec), held: isBoolean, remoteHeld: isBoolean, muted: isBoolean, recording: isBoolean,
  startedAt: wallMs, answeredAt: optional(wallMs), autoAnswerRequested: isBoolean, encrypted: isBoolean,
});

export const callEndView: Guard<CallEndView> = shape<CallEndView>({
  by: oneOf('local', 'remote', 'network'), cause: optional(boundedString(1024)),
  causeCode: optional(integerIn(0, 255)), error: optional(errorView),
});

export const callStatsView: Guard<CallStatsView> = shape<CallStatsView>({
  rttMs: optional(numberIn(0, 1e6)), jitterMs: optional(numberIn(0, 1e6)), framesReceived: count,
  framesSent: count, framesLost: count, lossPercent: numberIn(0, 100), retransmissions: count,
  bufferDelayMs: optional(numberIn(0, 1e6)), jitterBufferMs: optional(numberIn(0, 1e6)), lateFrames: optional(count),
  droppedFrames: optional(count), concealedMs: optional(numberIn(0, 1e12)),
});

export const historyEntry: Guard<HistoryEntry> = shape<HistoryEntry>({
  id, accountId: optional(id), direction: oneOf('outgoing', 'incoming'), number: boundedString(128),
  remoteName: optional(boundedString(256)), remoteAddress: optional(server), startedAt: wallMs, answeredAt: optional(wallMs), endedAt: wallMs,
  durationSeconds: numberIn(0, 1e9), outcome: oneOf(...CALL_OUTCOMES),
  cause: optional(boundedString(1024)), codec: optional(codec), reason: optional(oneOf('dnd')),
  transferredTo: optional(boundedString(128, 1)), encrypted: optional(isBoolean),
});

const contactNumber = shape<ContactNumber>({ number: dialString, label: boundedString(32) });
const contactNumbers = (v: unknown): v is ContactNumber[] => arrayOf(contactNumber, 10)(v) && v.length >= 1;
/** As typed: "+1 (212) 555-0100" too; the phone makes it dialable (or says why it cannot). */
const typedNumber = shape<ContactNumber>({ number: boundedString(80, 1), label: boundedString(32) });
const typedNumbers = (v: unknown): v is ContactNumber[] => arrayOf(typedNumber, 10)(v) && v.length >= 1;
const speedDialKey = integerIn(1, 9);
const contactName = boundedString(128, 1);
const contactFormat = oneOf('vcard', 'csv');

export const contactView: Guard<ContactView> = shape<ContactView>({
  id, name: contactName, numbers: contactNumbers, accountId: optional(id), speedDial: optional(speedDialKey),
});
const contactInput: Guard<ContactInput> = shape<ContactInput>({
  id: optional(id), name: contactName, numbers: typedNumbers, accountId: optional(id), speedDial: optional(speedDialKey),
});
const contactImportResult = shape<ContactImportResult>({
  added: count, updated: count, skipped: count, problems: arrayOf(boundedString(256), 50),
});

export const audioDeviceView: Guard<AudioDeviceView> = shape<AudioDeviceView>({
  key: deviceKey, name: boundedString(256), hostApi: boundedString(256), input: isBoolean, output: isBoolean,
  isDefaultInput: isBoolean, isDefaultOutput: isBoolean, defaultSampleRate: numberIn(0, 1e6),
});

export const audioSelection: Guard<AudioSelection> = shape<AudioSelection>({
  input: nullable(deviceKey), output: nullable(deviceKey), ring: nullable(deviceKey), ringAll: isBoolean,
});

export const audioDevicesView: Guard<AudioDevicesView> = shape<AudioDevicesView>({
  devices: arrayOf(audioDeviceView, 512), selection: audioSelection, missing: arrayOf(deviceKey, 8),
});

export const gains: Guard<Gains> = shape<Gains>({ inputDb: gainDb, outputDb: gainDb });

export const levelsView: Guard<LevelsView> = shape<LevelsView>({ inputDbfs: dbfs, outputDbfs: dbfs });

const jitterMs = integerIn(0, 1000);
const jitterSettings = shape<Settings['jitter']>({ targetExtraMs: jitterMs, maxMs: integerIn(20, 2000) });
const dspSettings = shape<Settings['dsp']>({ echoCancellation: isBoolean, noiseSuppression: isBoolean, autoGain: isBoolean });
const debugSettings = shape<Settings['debug']>({ trace: isBoolean, traceBufferSize: integerIn(100, 100_000) });
const desktopSettings = shape<Settings['desktop']>({ closeToTray: isBoolean, startAtLogin: isBoolean });
const missedCalls = shape<MissedCalls>({ unseen: count });

export const settings: Guard<Settings> = shape<Settings>({
  dnd: isBoolean, autoAnswer: oneOf('off', 'when-requested', 'always'), ringTimeoutSeconds: integerIn(0, 600),
  jitter: jitterSettings, dsp: dspSettings, gains, audio: audioSelection, localPort: port,
  acceptDirectCalls: isBoolean, directCallCodecs: nonEmptyCodecList, directCallTokens: oneOf('required', 'optional'),
  debug: debugSettings, desktop: desktopSettings,
});

export const settingsPatch: Guard<SettingsPatch> = shape<SettingsPatch>({
  dnd: optional(isBoolean), autoAnswer: optional(oneOf('off', 'when-requested', 'always')), ringTimeoutSeconds: optional(integerIn(0, 600)),
  jitter: optional(shape<NonNullable<SettingsPatch['jitter']>>({ targetExtraMs: optional(jitterMs), maxMs: optional(integerIn(20, 2000)) })),
  dsp: optional(shape<NonNullable<SettingsPatch['dsp']>>({
    echoCancellation: optional(isBoolean), noiseSuppression: optional(isBoolean), autoGain: optional(isBoolean),
  })),
  gains: optional(shape<NonNullable<SettingsPatch['gains']>>({ inputDb: optional(gainDb), outputDb: optional(gainDb) })),
  localPort: optional(port), acceptDirectCalls: optional(isBoolean), directCallCodecs: optional(nonEmptyCodecList),
  directCallTokens: optional(oneOf('required', 'optional')),
  debug: optional(shape<NonNullable<SettingsPatch['debug']>>({ trace: optional(isBoolean), traceBufferSize: optional(integerIn(100, 100_000)) })),
  desktop: optional(shape<NonNullable<SettingsPatch['desktop']>>({ closeToTray: optional(isBoolean), startAtLogin: optional(isBoolean) })),
});

// type -1: the engine's 'ENCRYPTED' pseudo-IE (ENCRYPTED_IE_NAME).
const traceIe: Guard<TraceIeView> = shape<TraceIeView>({ type: integerIn(-1, 255), name: boundedString(64), value: boundedString(4096) });
const seqNo = integerIn(0, 255);

export const traceView: Guard<TraceView> = shape<TraceView>({
  seq: count, direction: oneOf('tx', 'rx'), at: wallMs, retry: isBoolean, peer: address,
  kind: oneOf('full', 'mini', 'video', 'trunk', 'malformed'), oseqno: optional(seqNo), iseqno: optional(seqNo),
  frameType: optional(boundedString(64)), subclass: optional(boundedString(64)), timestamp: integerIn(0, 0xffffffff),
  sourceCall: integerIn(0, 0xffff), destCall: optional(integerIn(0, 0xffff)), ies: arrayOf(traceIe, 256),
  payloadBytes: integerIn(0, 65535), error: optional(boundedString(1024)), text: boundedString(65536),
});

export const appInfo: Guard<AppInfo> = shape<AppInfo>({
  name: boundedString(64), version: boundedString(64), apiVersion: integerIn(1, 1000),
  host: oneOf('electron', 'headless'), platform: boundedString(64), localPort: port,
  secretStorage: oneOf('os-keychain', 'basic-text', 'file', 'memory'),
});

export const notice: Guard<Notice> = shape<Notice>({
  id, level: oneOf('info', 'warning', 'error'), code: boundedString(64, 1), message: boundedString(2048, 1),
  accountId: optional(id), callId: optional(id), at: wallMs,
});

export const dialRequest: Guard<DialRequest> = shape<DialRequest>({
  uri: boundedString(512), number: dialString, host: boundedString(255), user: optional(boundedString(128)),
});

// ------------------------------------------------------------------------------------------- the maps

type CallRef = { callId: string };
const callRef = shape<CallRef>({ callId: id });
type DialPayload = Requests['call:dial']['req'];
const dialShape = shape<DialPayload>({
  number: dialString, accountId: optional(id), codecs: optional(nonEmptyCodecList),
  direct: optional(shape<DirectTarget>({ server, username: optional(matching(/^[A-Za-z0-9._~+-]{1,64}$/, 64)) })),
});
/** A call goes through an account or directly to an address, not both. */
const dialPayload: Guard<DialPayload> = (v: unknown): v is DialPayload => dialShape(v) && !(v.accountId !== undefined && v.direct !== undefined);
const limit = optional(integerIn(1, 100_000));

export const requestGuards: { readonly [K in RequestName]: Guard<Requests[K]['req']> } = {
  'app:info': isEmpty,
  'accounts:list': isEmpty,
  'accounts:save': accountInput,
  'accounts:delete': shape<{ accountId: string }>({ accountId: id }),
  'registration:list': isEmpty,
  'registration:refresh': shape<{ accountId?: string }>({ accountId: optional(id) }),
  'call:dial': dialPayload,
  'call:echo-test': (v): v is EchoTestRequest | undefined => v === undefined || shape<EchoTestRequest>({ codec: optional(codec) })(v),
  'call:answer': callRef,
  'call:reject': shape<CallRef & { reason?: 'busy' | 'declined' }>({ callId: id, reason: optional(oneOf('busy', 'declined')) }),
  'call:hangup': callRef,
  'call:dtmf': shape<CallRef & { digits: string }>({ callId: id, digits: dtmfDigits }),
  'call:text': shape<CallRef & { text: string }>({ callId: id, text }),
  'call:hold': shape<CallRef & { hold: boolean }>({ callId: id, hold: isBoolean }),
  'call:mute': shape<CallRef & { muted: boolean }>({ callId: id, muted: isBoolean }),
  'call:transfer': shape<CallRef & { target: string }>({ callId: id, target: dialString }),
  'call:transfer-to-call': shape<CallRef & { toCallId: string }>({ callId: id, toCallId: id }),
  'call:record': shape<CallRef & { recording: boolean }>({ callId: id, recording: isBoolean }),
  'call:list': isEmpty,
  'call:stats': callRef,
  'history:list': shape<{ limit?: number }>({ limit }),
  'history:clear': isEmpty,
  'history:missed': isEmpty,
  'history:seen': isEmpty,
  'contacts:list': isEmpty,
  'contacts:save': contactInput,
  'contacts:delete': shape<{ contactId: string }>({ contactId: id }),
  'contacts:import': shape<{ format: 'vcard' | 'csv'; text: string }>({ format: contactFormat, text: boundedString(1 << 20) }),
  'contacts:export': shape<{ format: 'vcard' | 'csv' }>({ format: contactFormat }),
  'audio:devices': shape<{ refresh?: boolean }>({ refresh: optional(isBoolean) }),
  'audio:select': shape<Partial<AudioSelection>>({
    input: optional(nullable(deviceKey)), output: optional(nullable(deviceKey)), ring: optional(nullable(deviceKey)),
    ringAll: optional(isBoolean),
  }),
  'audio:gains': shape<Partial<Gains>>({ inputDb: optional(gainDb), outputDb: optional(gainDb) }),
  'audio:test-tone': shape<{ target: 'ring' | 'output' }>({ target: oneOf('ring', 'output') }),
  'settings:get': isEmpty,
  'settings:update': settingsPatch,
  'trace:subscribe': shape<{ enabled: boolean }>({ enabled: isBoolean }),
  'trace:recent': shape<{ limit?: number }>({ limit }),
  'trace:clear': isEmpty,
  'trace:export-pcap': isEmpty,
  'trace:export-text': isEmpty,
};

export const responseGuards: { readonly [K in RequestName]: Guard<Requests[K]['res']> } = {
  'app:info': appInfo,
  'accounts:list': arrayOf(accountView, 1000),
  'accounts:save': accountView,
  'accounts:delete': isNull,
  'registration:list': arrayOf(registrationView, 1000),
  'registration:refresh': isNull,
  'call:dial': callView,
  'call:echo-test': callView,
  'call:answer': isNull,
  'call:reject': isNull,
  'call:hangup': isNull,
  'call:dtmf': isNull,
  'call:text': isNull,
  'call:hold': isNull,
  'call:mute': isNull,
  'call:transfer': isNull,
  'call:transfer-to-call': isNull,
  'call:record': shape<{ path: string | null }>({ path: nullable(boundedString(4096)) }),
  'call:list': arrayOf(callView, 1000),
  'call:stats': callStatsView,
  'history:list': arrayOf(historyEntry, 100_000),
  'history:clear': isNull,
  'history:missed': missedCalls,
  'history:seen': missedCalls,
  'contacts:list': arrayOf(contactView, 5000),
  'contacts:save': contactView,
  'contacts:delete': isNull,
  'contacts:import': contactImportResult,
  'contacts:export': shape<{ text: string; count: number }>({ text: isString, count }),
  'audio:devices': audioDevicesView,
  'audio:select': audioSelection,
  'audio:gains': gains,
  'audio:test-tone': isNull,
  'settings:get': settings,
  'settings:update': settings,
  'trace:subscribe': arrayOf(traceView, 100_000),
  'trace:recent': arrayOf(traceView, 100_000),
  'trace:clear': isNull,
  'trace:export-pcap': shape<{ path: string; frames: number }>({ path: boundedString(4096, 1), frames: count }),
  'trace:export-text': shape<{ text: string; frames: number }>({ text: isString, frames: count }),
};

export const eventGuards: { readonly [K in EventName]: Guard<Events[K]> } = {
  'registration': registrationView,
  'accounts:changed': arrayOf(accountView, 1000),
  'call:incoming': callView,
  'call:updated': callView,
  'call:ended': shape<Events['call:ended']>({ call: callView, end: callEndView, history: historyEntry, stats: optional(callStatsView) }),
  'call:dtmf': shape<Events['call:dtmf']>({ callId: id, digit: matching(/^[0-9A-Da-d*#]$/, 1) }),
  'call:text': shape<Events['call:text']>({ callId: id, text: boundedString(4096) }),
  'call:stats': shape<Events['call:stats']>({ callId: id, stats: callStatsView }),
  'levels': levelsView,
  'audio:devices': audioDevicesView,
  'settings:changed': settings,
  'trace': traceView,
  'notice': notice,
  'dial-request': dialRequest,
  'engine': shape<EngineStatus>({ running: isBoolean, message: optional(boundedString(1024)) }),
  'history:missed': missedCalls,
  'contacts:changed': arrayOf(contactView, 5000),
};

/** Validation of an incoming request: the payload when valid, otherwise a readable reason. */
export function checkRequest(name: unknown, payload: unknown):
  { ok: true; name: RequestName } | { ok: false; message: string } {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(requestGuards, name)) {
    return { ok: false, message: `unknown request '${String(name).slice(0, 64)}'` };
  }
  const n = name as RequestName;
  if (!requestGuards[n](payload)) return { ok: false, message: `invalid payload for '${n}'` };
  return { ok: true, name: n };
}

