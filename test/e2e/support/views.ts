// Sample API views for the renderer's Node tests (store, wording): one complete, guard-valid value of each, with
// overrides.
import type { AccountView, CallView, HistoryEntry } from '../../../electron/shared/api.js';

export const account = (over: Partial<AccountView> = {}): AccountView => ({
  id: 'a1', label: 'Office', server: '127.0.0.1:4570', username: '1001', hasSecret: true, rememberSecret: true, auth: ['md5'],
  callerIdName: '', callerIdNumber: '', codecs: ['ulaw'], register: true, enabled: true, refreshSeconds: 60, voicemailNumber: '', encryption: 'off', ...over,
});
export const call = (over: Partial<CallView> = {}): CallView => ({
  id: 'c1', accountId: 'a1', direction: 'outgoing', number: '602', state: 'dialing', held: false, remoteHeld: false, muted: false,
  recording: false, startedAt: 1000, autoAnswerRequested: false, encrypted: false, ...over,
});
export const history = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id: 'c1', direction: 'outgoing', number: '602', startedAt: 1000, endedAt: 2000, outcome: 'busy', durationSeconds: 0, ...over,
} as HistoryEntry);
