// The renderer's store in Node, against a small in-memory RedialApi (events and canned answers): notices that fade
// or stay (a failed registration stays until the account registers), the card that explains how a call ended,
// where a recording went, the Wireshark hint for a non-standard port.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { account, call, history } from '../../e2e/support/views.js';
import type {
  AccountView, CallEndView, CallView, EventName, HistoryEntry, RedialApi, RegistrationView,
} from '../../../electron/shared/api.js';
import { ENDED_CALL_MS, NOTICE_MS, PhoneStore } from '../../../renderer/state/store.js';
import { endHeadline, endReason } from '../../../renderer/lib/call-end.js';

/** Answers requests from `answers` and lets the test fire events. */
class TestApi {
  readonly requests: { name: string; payload: unknown }[] = [];
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  constructor(readonly answers: Record<string, (payload: unknown) => unknown>) {}
  readonly api: RedialApi = {
    request: ((name: string, payload?: unknown) => {
      this.requests.push({ name, payload });
      const a = this.answers[name];
      return a ? Promise.resolve(a(payload)) : Promise.reject(Object.assign(new Error(`no answer for ${name}`), { code: 'test' }));
    }) as RedialApi['request'],
    on: ((name: EventName, l: (p: unknown) => void) => {
      const set = this.listeners.get(name) ?? new Set();
      set.add(l);
      this.listeners.set(name, set);
      return () => set.delete(l);
    }) as RedialApi['on'],
  };
  fire(name: EventName, payload: unknown): void { for (const l of this.listeners.get(name) ?? []) l(payload); }
}


async function started(accounts: AccountView[] = [account()]): Promise<{ t: TestApi; store: PhoneStore }> {
  const t = new TestApi({
    'app:info': () => ({ name: 'Redial', version: 't', host: 'headless', platform: 'linux', secretStorage: 'memory' }),
    'accounts:list': () => accounts, 'registration:list': () => [], 'call:list': () => [], 'history:list': () => [],
    'settings:get': () => ({ gains: { inputDb: 0, outputDb: 0 } }), 'history:missed': () => ({ unseen: 0 }), 'contacts:list': () => [],
    'audio:devices': () => ({ inputs: [], outputs: [], selection: {}, missing: [] }),
    'call:record': (p) => ({ path: (p as { recording: boolean }).recording ? '/data/recordings/redial-601.wav' : null }),
    'trace:export-pcap': () => ({ path: '/data/traces/t.pcap', frames: 42 }),
  });
  const store = new PhoneStore(t.api);
  await store.start();
  return { t, store };
}

describe('PhoneStore notices', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('keeps a failed registration on screen until that account registers, then drops it', async () => {
    const { t, store } = await started();
    t.fire('notice', { id: 'n1', level: 'error', code: 'auth-failed', message: 'Office: wrong password', accountId: 'a1', at: 0 });
    vi.advanceTimersByTime(NOTICE_MS.error * 3);
    expect(store.getState().notices.map((n) => n.id)).toEqual(['n1']);
    const reg: RegistrationView = { accountId: 'a1', status: 'registered', server: '127.0.0.1:4570' };
    t.fire('registration', reg);
    expect(store.getState().notices).toEqual([]);
  });

  it('lets information fade, and keeps one copy of a message the engine and the store both raise', async () => {
    const { t, store } = await started();
    t.fire('notice', { id: 'n2', level: 'info', code: 'x', message: 'Saved', at: 0 });
    t.fire('notice', { id: 'n3', level: 'warning', code: 'busy', message: 'The number is busy.', callId: 'c1', at: 0 });
    store.notify('warning', 'busy', 'The number is busy.', { callId: 'c1' });
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Saved', 'The number is busy.']);
    vi.advanceTimersByTime(NOTICE_MS.info + 1);
    expect(store.getState().notices.map((n) => n.message)).toEqual(['The number is busy.']);
    vi.advanceTimersByTime(NOTICE_MS.warning);
    expect(store.getState().notices).toEqual([]);
  });

  it('tells where a recording went when it stops, and when the call ends while recording', async () => {
    const { t, store } = await started();
    await store.record('c1', true);
    expect(store.getState().notices.at(-1)?.message).toBe('Recording to /data/recordings/redial-601.wav');
    await store.record('c1', false); // the engine answers { path: null } when stopping
    expect(store.getState().notices.at(-1)?.message).toBe('Recording saved: /data/recordings/redial-601.wav');
    await store.record('c1', true);
    t.fire('call:ended', { call: call({ state: 'ended' }), end: { by: 'remote' }, history: history({ outcome: 'answered' }) });
    expect(store.getState().notices.at(-1)?.message).toBe('Recording saved: /data/recordings/redial-601.wav');
  });

  it('adds the Wireshark "Decode As" hint when a server is not on UDP 4569', async () => {
    const { store } = await started([account(), account({ id: 'a2', server: 'pbx.example.org' })]);
    await store.exportPcap();
    expect(store.getState().notices.at(-1)?.message).toBe('Saved 42 frames to /data/traces/t.pcap (in Wireshark, use Decode As… UDP port 4570 → IAX2)');
    const plain = await started([account({ server: 'pbx.example.org' })]);
    await plain.store.exportPcap();
    expect(plain.store.getState().notices.at(-1)?.message).toBe('Saved 42 frames to /data/traces/t.pcap');
  });
});

describe('PhoneStore ended calls', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('keeps a busy call on screen with its reason for a few seconds, then lets it go', async () => {
    const { t, store } = await started();
    t.fire('call:updated', call());
    const end: CallEndView = { by: 'remote', error: { code: 'busy', message: 'The number is busy.' } };
    t.fire('call:ended', { call: call({ state: 'ended' }), end, history: history() });
    const s = store.getState();
    expect(s.calls).toEqual([]);
    expect(s.ended).toHaveLength(1);
    expect(endHeadline(s.ended[0])).toBe('Busy');
    expect(endReason(s.ended[0])).toBe('The number is busy.');
    vi.advanceTimersByTime(ENDED_CALL_MS.other - 1);
    expect(store.getState().ended).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(store.getState().ended).toEqual([]);
  });

  it('raises no warning for a missed call, whatever cause the caller gave; a failed call of ours keeps its warning', async () => {
    const { t, store } = await started();
    const noAnswer: CallEndView = { by: 'remote', error: { code: 'no-answer', message: 'Nobody answered.' } };
    t.fire('call:updated', call({ id: 'in1', direction: 'incoming', state: 'ringing' }));
    t.fire('call:ended', { call: call({ id: 'in1', direction: 'incoming', state: 'ended' }), end: noAnswer, history: history({ id: 'in1', direction: 'incoming', outcome: 'missed' }) });
    expect(store.getState().ended.map((e) => endHeadline(e))).toEqual(['Missed']);
    expect(store.getState().notices).toEqual([]);
    t.fire('call:updated', call({ id: 'out1' }));
    t.fire('call:ended', { call: call({ id: 'out1', state: 'ended' }), end: noAnswer, history: history({ id: 'out1', outcome: 'failed' }) });
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Nobody answered.']);
  });

  it('clears the last call\'s card when the user dials again', async () => {
    const { t, store } = await started();
    t.answers['call:dial'] = () => call({ id: 'c2', number: '601' });
    t.fire('call:ended', { call: call({ state: 'ended' }), end: { by: 'remote', error: { code: 'busy', message: 'Busy' } }, history: history() });
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Busy']);
    await store.dial('601', 'a1');
    expect(store.getState().ended).toEqual([]);
    expect(store.getState().notices).toEqual([]);
    expect(store.getState().calls.map((c) => c.id)).toEqual(['c2']);
  });
});


describe('PhoneStore when the engine goes away', () => {
  it('forgets what the dead engine said, keeps the reason for the banner, and reloads from the new one', async () => {
    const { t, store } = await started();
    t.fire('registration', { accountId: 'a1', status: 'registered', server: '127.0.0.1:4570' });
    t.fire('call:updated', call({ state: 'up' }));
    t.fire('levels', { inputDbfs: -16.3, outputDbfs: -6 });
    t.fire('notice', { id: 'n1', level: 'warning', code: 'x', message: 'about the call', callId: 'c1', at: 0 });
    t.fire('engine', { running: false, message: 'The phone engine stopped (crash).' });
    let s = store.getState();
    expect(s.connection).toBe('lost');
    expect(s.lostReason).toBe('The phone engine stopped (crash).');
    expect([s.calls, s.registrations, s.levels, s.notices]).toEqual([[], {}, { inputDbfs: null, outputDbfs: null }, []]);
    const loadsBefore = t.requests.filter((r) => r.name === 'accounts:list').length;
    t.fire('engine', { running: true });
    await vi.waitFor(() => expect(store.getState().connection).toBe('open'));
    s = store.getState();
    expect(s.lostReason).toBeUndefined();
    expect(t.requests.filter((r) => r.name === 'accounts:list')).toHaveLength(loadsBefore + 1);
  });

  it('moves to a new connection: listens there, not to the old one', async () => {
    const { t, store } = await started();
    store.markConnectionLost('Lost the connection to the phone engine.');
    const fresh = new TestApi(t.answers);
    await store.attach(fresh.api);
    expect(store.getState().connection).toBe('open');
    t.fire('call:updated', call({ id: 'old' }));
    fresh.fire('call:updated', call({ id: 'new' }));
    expect(store.getState().calls.map((c) => c.id)).toEqual(['new']);
  });
});

describe('PhoneStore attended transfer and Do Not Disturb', () => {
  it('asks for the transfer of one call to another, and shows the phone\'s refusal as an error', async () => {
    const { t, store } = await started();
    t.answers['call:transfer-to-call'] = (p) => {
      if ((p as { toCallId: string }).toCallId === 'other-account') {
        throw Object.assign(new Error('both calls must go through the same account'), { code: 'different-account' });
      }
      return null;
    };
    store.transferToCall('c1', 'c2');
    store.transferToCall('c1', 'other-account');
    await vi.waitFor(() => expect(store.getState().notices.map((n) => [n.level, n.code])).toEqual([['error', 'different-account']]));
    expect(t.requests.filter((r) => r.name === 'call:transfer-to-call').map((r) => r.payload))
      .toEqual([{ callId: 'c1', toCallId: 'c2' }, { callId: 'c1', toCallId: 'other-account' }]);
  });

  it('turns DND on through settings:update and keeps the settings the phone answered', async () => {
    const { t, store } = await started();
    t.answers['settings:update'] = (p) => ({ gains: { inputDb: 0, outputDb: 0 }, dnd: (p as { dnd: boolean }).dnd });
    await store.setDnd(true);
    expect(t.requests.at(-1)).toEqual({ name: 'settings:update', payload: { dnd: true } });
    expect(store.getState().settings?.dnd).toBe(true);
  });
});
