// One valid example of every request payload, response and event payload of the API. Typed against the
// contract, so a contract change that breaks an example stops the typecheck, and the tests check the guards
// accept exactly these and refuse their mutations.
import type { AccountView, CallView, Events, HistoryEntry, Requests, Settings, TraceView } from '../../../electron/shared/api.js';

const account: AccountView = {
  id: 'acc-1', label: 'Office', server: 'pbx.example.org:4569', username: 'alice', hasSecret: true,
  rememberSecret: true, auth: ['md5'], callerIdName: 'Alice', callerIdNumber: '200', codecs: ['opus', 'ulaw'],
  register: true, enabled: true, refreshSeconds: 60, voicemailNumber: '*97', encryption: 'required',
};
const call: CallView = {
  id: 'call-1', accountId: 'acc-1', direction: 'outgoing', number: '600', state: 'up', codec: 'ulaw', held: false,
  remoteHeld: false, muted: false, recording: false, startedAt: 1_764_000_000_000, answeredAt: 1_764_000_001_000,
  autoAnswerRequested: false, encrypted: true,
};
const history: HistoryEntry = {
  id: 'call-1', direction: 'outgoing', number: '600', startedAt: 1_764_000_000_000, endedAt: 1_764_000_010_000,
  durationSeconds: 9, outcome: 'answered', codec: 'ulaw',
};
/** An attended transfer's held leg, and a call Do Not Disturb refused. */
const transferred: HistoryEntry = { ...history, id: 'call-2', outcome: 'transferred', transferredTo: '1002', encrypted: true };
const refusedByDnd: HistoryEntry = {
  id: 'call-3', direction: 'incoming', number: '2125550100', startedAt: 1_764_000_000_000, endedAt: 1_764_000_000_000,
  durationSeconds: 0, outcome: 'missed', cause: 'Do not disturb', reason: 'dnd',
};
/** The echo test: a direct call (no account) to the phone's own echo peer. */
const { accountId: _account, ...directCall } = call;
const echoTestCall: CallView = { ...directCall, number: 'echo', remoteAddress: '127.0.0.1:40123', echoTest: true };
const contact = { id: 'c-1', name: 'Carol Smith', numbers: [{ number: '+12125550100', label: 'mobile' }, { number: '601', label: 'work' }],
  accountId: 'acc-1', speedDial: 2 };
const selection = { input: 'ALSA::USB Headset', output: null, ring: null, ringAll: true };
const settings: Settings = {
  dnd: true, autoAnswer: 'when-requested', ringTimeoutSeconds: 45, jitter: { targetExtraMs: 40, maxMs: 200 },
  dsp: { echoCancellation: true, noiseSuppression: false, autoGain: false }, gains: { inputDb: 3, outputDb: -2 },
  audio: selection, localPort: 0, acceptDirectCalls: false, directCallCodecs: ['ulaw', 'alaw'], directCallTokens: 'required',
  debug: { trace: true, traceBufferSize: 5000 }, desktop: { closeToTray: true, startAtLogin: false },
};
const trace: TraceView = {
  seq: 7, direction: 'tx', at: 1_764_000_000_000, retry: false, peer: { address: '127.0.0.1', port: 4569 },
  kind: 'full', oseqno: 0, iseqno: 0, frameType: 'IAX', subclass: 'NEW', timestamp: 3, sourceCall: 1234,
  destCall: 0, ies: [{ type: -1, name: 'ENCRYPTED', value: 'AES-128 (shown decrypted)' }, { type: 1, name: 'CALLED NUMBER', value: '600' }],
  payloadBytes: 40, text: 'Tx-Frame …',
};
const stats = { rttMs: 12, jitterMs: 3.5, framesReceived: 500, framesSent: 498, framesLost: 2, lossPercent: 0.4, retransmissions: 0 };
const devices = {
  devices: [{ key: 'ALSA::default', name: 'default', hostApi: 'ALSA', input: true, output: true, isDefaultInput: true,
    isDefaultOutput: true, defaultSampleRate: 48000 }],
  selection, missing: ['ALSA::USB Headset'],
};

export const requestSamples: { [K in keyof Requests]: Requests[K]['req'] } = {
  'app:info': {},
  'accounts:list': {},
  'accounts:save': { server: 'pbx.example.org', username: 'alice', secret: 's3cret', codecs: ['g722', 'ulaw'], encryption: 'on' },
  'accounts:delete': { accountId: 'acc-1' },
  'registration:list': {},
  'registration:refresh': { accountId: 'acc-1' },
  'call:dial': { number: '600', accountId: 'acc-1' },
  'call:echo-test': { codec: 'g722' },
  'call:answer': { callId: 'call-1' },
  'call:reject': { callId: 'call-1', reason: 'busy' },
  'call:hangup': { callId: 'call-1' },
  'call:dtmf': { callId: 'call-1', digits: '123#*' },
  'call:text': { callId: 'call-1', text: 'hello' },
  'call:hold': { callId: 'call-1', hold: true },
  'call:mute': { callId: 'call-1', muted: true },
  'call:transfer': { callId: 'call-1', target: '601' },
  'call:transfer-to-call': { callId: 'call-1', toCallId: 'call-2' },
  'call:record': { callId: 'call-1', recording: true },
  'call:list': {},
  'call:stats': { callId: 'call-1' },
  'history:list': { limit: 50 },
  'history:clear': {},
  'history:missed': {},
  'history:seen': {},
  'contacts:list': {},
  'contacts:save': { name: 'Carol Smith', numbers: [{ number: '+12125550100', label: 'mobile' }], accountId: 'acc-1', speedDial: 2 },
  'contacts:delete': { contactId: 'c-1' },
  'contacts:import': { format: 'vcard', text: 'BEGIN:VCARD\r\nFN:Carol\r\nTEL:601\r\nEND:VCARD\r\n' },
  'contacts:export': { format: 'csv' },
  'audio:devices': { refresh: true },
  'audio:select': { input: 'ALSA::USB Headset', ringAll: false },
  'audio:gains': { inputDb: -3 },
  'audio:test-tone': { target: 'ring' },
  'settings:get': {},
  'settings:update': { dnd: true, autoAnswer: 'always', jitter: { maxMs: 300 }, debug: { trace: false } },
  'trace:subscribe': { enabled: true },
  'trace:recent': { limit: 100 },
  'trace:clear': {},
  'trace:export-pcap': {},
  'trace:export-text': {},
};

export const responseSamples: { [K in keyof Requests]: Requests[K]['res'] } = {
  'app:info': { name: 'Redial', version: '0.1.0', apiVersion: 1, host: 'electron', platform: 'linux', localPort: 40000, secretStorage: 'os-keychain' },
  'accounts:list': [account],
  'accounts:save': account,
  'accounts:delete': null,
  'registration:list': [{ accountId: 'acc-1', status: 'registered', server: 'pbx.example.org', refreshSeconds: 60 }],
  'registration:refresh': null,
  'call:dial': call,
  'call:echo-test': echoTestCall,
  'call:answer': null,
  'call:reject': null,
  'call:hangup': null,
  'call:dtmf': null,
  'call:text': null,
  'call:hold': null,
  'call:mute': null,
  'call:transfer': null,
  'call:transfer-to-call': null,
  'call:record': { path: '/home/alice/Recordings/redial-1.wav' },
  'call:list': [call],
  'call:stats': stats,
  'history:list': [history, transferred, refusedByDnd],
  'history:clear': null,
  'history:missed': { unseen: 2 },
  'history:seen': { unseen: 0 },
  'contacts:list': [contact],
  'contacts:save': contact,
  'contacts:delete': null,
  'contacts:import': { added: 3, updated: 1, skipped: 1, problems: ['card 5: Nobody has no telephone number'] },
  'contacts:export': { text: 'Name,Phone,Phone type,Speed dial\r\nCarol Smith,+12125550100,mobile,2\r\n', count: 1 },
  'audio:devices': devices,
  'audio:select': selection,
  'audio:gains': { inputDb: 0, outputDb: 6 },
  'audio:test-tone': null,
  'settings:get': settings,
  'settings:update': settings,
  'trace:subscribe': [trace],
  'trace:recent': [trace],
  'trace:clear': null,
  'trace:export-pcap': { path: '/tmp/redial.pcap', frames: 12 },
  'trace:export-text': { text: 'Tx-Frame …', frames: 1 },
};

export const eventSamples: Events = {
  'registration': {
    accountId: 'acc-1', status: 'failed', server: 'pbx.example.org',
    error: { code: 'auth-failed', message: 'The server refused the password', cause: 'Password incorrect', causeCode: 29 },
    retryInSeconds: 30,
  },
  'accounts:changed': [account],
  'call:incoming': { ...call, direction: 'incoming', state: 'ringing', remoteName: 'Bob', remoteNumber: '201' },
  'call:updated': call,
  'call:ended': { call: { ...call, state: 'ended' }, end: { by: 'remote', cause: 'Normal Clearing', causeCode: 16 }, history },
  'call:dtmf': { callId: 'call-1', digit: '5' },
  'call:text': { callId: 'call-1', text: 'hi' },
  'call:stats': { callId: 'call-1', stats },
  'levels': { inputDbfs: -23.5, outputDbfs: null },
  'audio:devices': devices,
  'settings:changed': settings,
  'trace': trace,
  'notice': { id: 'n1', level: 'warning', code: 'secret-storage-weak', message: 'No keyring found', at: 1_764_000_000_000 },
  'dial-request': { uri: 'iax:alice@pbx.example.org/600', number: '600', host: 'pbx.example.org', user: 'alice' },
  'engine': { running: false, message: 'The phone engine stopped (exit code 1). Redial is restarting it.' },
  'history:missed': { unseen: 3 },
  'contacts:changed': [contact],
};
