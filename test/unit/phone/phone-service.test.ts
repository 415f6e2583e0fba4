// PhoneService over a fake engine: accounts and secrets, registration views, calls and their events,
// settings, the trace, and request validation.
import { describe, expect, it } from 'vitest';
import { PhoneService, type PhoneServiceDeps } from '../../../electron/core/phone/phone-service.js';
import { NullPhoneMedia } from '../../../electron/core/phone/media-port.js';
import { DEFAULT_SETTINGS } from '../../../electron/core/phone/settings-model.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { EventName, Events, Settings } from '../../../electron/shared/api.js';
import { eventGuards, responseGuards } from '../../../electron/shared/api-guards.js';
import type { TraceEntry } from '../../../electron/core/iax2/trace-types.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FakeEngine } from './fake-engine.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';

const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

function setup(over: Partial<PhoneServiceDeps> = {}) {
  const engine = new FakeEngine();
  const clock = new FakeClock();
  const secrets = new MemorySecretStore();
  const stores = {
    accounts: new MemoryDocumentStore<StoredAccounts>(),
    history: new MemoryDocumentStore<StoredHistory>(),
    settings: new MemoryDocumentStore<Settings>(),
  };
  const media = new NullPhoneMedia();
  const written: { folder: string; name: string; data: Uint8Array | string }[] = [];
  let id = 0;
  const deps: PhoneServiceDeps = {
    engine, clock, secrets, stores, media,
    info: { name: 'Redial', version: '0.1.0', host: 'headless', platform: 'linux', secretStorage: 'memory' },
    newId: () => `acc-${++id}`,
    files: {
      pathFor: (folder, name) => Promise.resolve(`/fake/${folder}/${name}`),
      write: (folder, name, data) => { written.push({ folder, name, data }); return Promise.resolve(`/fake/${folder}/${name}`); },
    },
    ...over,
  };
  const phone = new PhoneService(deps);
  /** Every event the phone emits, checked against its guard as it arrives. */
  const events: { name: EventName; payload: unknown }[] = [];
  const watch = (...names: EventName[]): void => {
    for (const name of names) {
      phone.on(name, (payload: Events[typeof name]) => {
        expect(eventGuards[name](payload), `${name} payload ${JSON.stringify(payload)}`).toBe(true);
        events.push({ name, payload });
      });
    }
  };
  const of = <K extends EventName>(name: K): Events[K][] => events.filter((e) => e.name === name).map((e) => e.payload as Events[K]);
  return { engine, clock, secrets, stores, media, phone, events, watch, of, written };
}

const ALL: EventName[] = ['registration', 'accounts:changed', 'call:incoming', 'call:updated', 'call:ended', 'call:dtmf',
  'call:text', 'call:stats', 'notice', 'settings:changed', 'trace'];

describe('PhoneService: accounts and registration', () => {
  it('keeps secrets write-only and out of the account document, and registers accounts on start', async () => {
    const t = setup();
    await t.phone.start();
    t.watch(...ALL);
    const view = await t.phone.request('accounts:save', { server: 'pbx.example.org', username: 'alice', secret: 'hunter2' });
    expect(responseGuards['accounts:save'](view)).toBe(true);
    expect(view).toMatchObject({ id: 'acc-1', hasSecret: true, label: 'alice@pbx.example.org', register: true });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(t.stores.accounts.text).toContain('alice');
    expect(t.stores.accounts.text).not.toContain('hunter2');
    expect(await t.secrets.get('account:acc-1:secret')).toBe('hunter2');
    // The engine got the secret; the UI never does.
    expect(t.engine.accounts).toEqual([expect.objectContaining({ id: 'acc-1', server: 'pbx.example.org', username: 'alice', secret: 'hunter2' })]);
    expect(JSON.stringify(await t.phone.request('accounts:list'))).not.toContain('hunter2');
    expect(t.of('accounts:changed')).toHaveLength(1);

    // A second phone over the same stores loads the account and registers it at once ("connects on launch").
    const t2 = setup({ stores: t.stores, secrets: t.secrets });
    await t2.phone.start();
    expect(t2.engine.accounts).toEqual([expect.objectContaining({ id: 'acc-1', secret: 'hunter2' })]);
    expect(await t2.phone.request('registration:list')).toEqual([{ accountId: 'acc-1', status: 'registering', server: 'pbx.example.org' }]);

    // Forget the secret; update without touching it keeps it.
    await t.phone.request('accounts:save', { id: 'acc-1', label: 'Office' });
    expect(await t.secrets.get('account:acc-1:secret')).toBe('hunter2');
    const forgotten = await t.phone.request('accounts:save', { id: 'acc-1', secret: null });
    expect(forgotten.hasSecret).toBe(false);
    expect(await t.secrets.get('account:acc-1:secret')).toBeUndefined();
    expect(t.engine.accounts[0].secret).toBeUndefined();
  });

  it('keeps a "don\'t remember" secret in memory only', async () => {
    const t = setup();
    await t.phone.start();
    const v = await t.phone.request('accounts:save', { server: 'pbx', username: 'bob', secret: 'temp', rememberSecret: false });
    expect(v.hasSecret).toBe(true);
    expect(await t.secrets.get(`account:${v.id}:secret`)).toBeUndefined();
    expect(t.engine.accounts[0].secret).toBe('temp');
  });

  it('waits for a password that did not survive a restart instead of registering without it', async () => {
    const t = setup();
    await t.phone.start();
    const kept = await t.phone.request('accounts:save', { server: 'pbx', username: 'bob', secret: 'temp', rememberSecret: false });
    const open = await t.phone.request('accounts:save', { server: 'peer', username: 'guest' }); // no password, by design
    // Restart: the same stores, a new phone.
    const again = new PhoneService({ engine: t.engine, clock: t.clock, secrets: t.secrets, stores: t.stores,
      info: { name: 'Redial', version: '0.1.0', host: 'headless', platform: 'linux', secretStorage: 'memory' } });
    await again.start();
    const list = await again.request('accounts:list');
    expect(list.find((a) => a.id === kept.id)).toMatchObject({ hasSecret: false, secretMissing: true });
    expect(list.find((a) => a.id === open.id)?.secretMissing).toBeUndefined();
    // The engine is not asked to register it: the server would refuse it as a wrong password, again and again.
    expect(t.engine.accounts.find((a) => a.id === kept.id)?.register).toBe(false);
    expect(t.engine.accounts.find((a) => a.id === open.id)?.register).toBe(true);
    const given = await again.request('accounts:save', { id: kept.id, secret: 'temp' });
    expect(given.secretMissing).toBeUndefined();
    expect(t.engine.accounts.find((a) => a.id === kept.id)).toMatchObject({ register: true, secret: 'temp' });
    // Forgetting it on purpose is not "missing".
    expect((await again.request('accounts:save', { id: kept.id, secret: null })).secretMissing).toBeUndefined();
  });

  it('refuses incomplete accounts and unknown ids with clear errors', async () => {
    const t = setup();
    await t.phone.start();
    await expect(t.phone.request('accounts:save', { username: 'x' })).rejects.toMatchObject({ code: 'invalid-request', message: 'the account needs a server' });
    await expect(t.phone.request('accounts:save', { id: 'nope', label: 'x' })).rejects.toMatchObject({ code: 'unknown-account' });
    await expect(t.phone.request('accounts:delete', { accountId: 'nope' })).rejects.toMatchObject({ code: 'unknown-account' });
  });

  it('deletes an account with its secret and unregisters it', async () => {
    const t = setup();
    await t.phone.start();
    const v = await t.phone.request('accounts:save', { server: 'pbx', username: 'bob', secret: 's' });
    await t.phone.request('accounts:delete', { accountId: v.id });
    expect(t.engine.accounts).toEqual([]);
    expect(await t.secrets.get(`account:${v.id}:secret`)).toBeUndefined();
    expect(await t.phone.request('accounts:list')).toEqual([]);
  });

  it('turns registration states into views, and a new failure into one notice', async () => {
    const t = setup();
    await t.phone.start();
    await t.phone.request('accounts:save', { server: 'pbx', username: 'bob', secret: 's' });
    t.watch(...ALL);
    const failed = { accountId: 'acc-1', status: 'failed' as const, server: 'pbx',
      error: { code: 'auth-failed' as const, message: 'The server refused the password for bob.', cause: 'Password incorrect', causeCode: 29 },
      nextAttemptAt: t.clock.now() + 30_000 };
    t.engine.fire('registration', failed);
    t.engine.fire('registration', { ...failed, nextAttemptAt: t.clock.now() + 60_000 });
    expect(t.of('registration').map((r) => r.retryInSeconds)).toEqual([30, 60]);
    expect(t.of('notice')).toEqual([expect.objectContaining({ level: 'error', code: 'auth-failed', accountId: 'acc-1',
      message: 'bob@pbx: The server refused the password for bob.' })]);
    t.engine.fire('registration', { accountId: 'acc-1', status: 'registered', server: 'pbx', refreshSeconds: 60, messages: { old: 1, new: 2 } });
    expect(await t.phone.request('registration:list')).toEqual([{ accountId: 'acc-1', status: 'registered', server: 'pbx', refreshSeconds: 60, messages: { old: 1, new: 2 } }]);
    await t.phone.request('registration:refresh', {});
    expect(t.engine.reregistered).toEqual([undefined]);
  });
});

describe('PhoneService: calls', () => {
  async function withAccount(over: Partial<PhoneServiceDeps> = {}) {
    const t = setup(over);
    await t.phone.start();
    await t.phone.request('accounts:save', { server: 'pbx', username: 'bob', secret: 's', codecs: ['g722', 'ulaw'] });
    t.watch(...ALL);
    return t;
  }

  it('dials through the account, follows the call, and records it in the history', async () => {
    // The call's audio owns mute (it sends silence: docs/decisions.md D-28); the engine's call is not told.
    const muting: boolean[] = [];
    const t = await withAccount();
    t.media.startCall = () => Promise.resolve({
      setMuted: (m: boolean) => { muting.push(m); }, startRecording: () => Promise.resolve(), stopRecording: () => Promise.resolve(),
      stats: () => ({}), close: () => Promise.resolve(),
    });
    const call = await t.phone.request('call:dial', { number: '600' });
    expect(t.engine.dials).toEqual([{ accountId: 'acc-1', number: '600', codecs: ['g722', 'ulaw'] }]);
    expect(call).toMatchObject({ direction: 'outgoing', number: '600', state: 'dialing', accountId: 'acc-1' });
    const h = t.engine.lastCall();
    h.go('ringing');
    expect(t.media.toneLog.at(-1)).toBe('ringback');
    h.codec = 'g722';
    h.go('up');
    expect(t.media.toneLog.at(-1)).toBe(null);
    t.clock.advance(5_000);
    expect(t.of('call:stats').length).toBeGreaterThanOrEqual(4);
    await t.phone.request('call:dtmf', { callId: h.id, digits: '12#' });
    await t.phone.request('call:mute', { callId: h.id, muted: true });
    await t.phone.request('call:hold', { callId: h.id, hold: true });
    h.fire('dtmf', { digit: '5', phase: 'begin' });
    h.fire('dtmf', { digit: '5', phase: 'end' });
    h.fire('text', 'hello');
    await t.phone.request('call:hangup', { callId: h.id });
    await flush();
    expect(h.actions).toEqual(['dtmf:12#', 'hold', 'hangup']);
    // The audio started unmuted when the call was answered, then got the user's mute.
    expect(muting).toEqual([false, true]);
    // Held is the call's state: the hold shows as 'held' (the mute as the third update).
    expect(t.of('call:updated').map((c) => c.state)).toEqual(['ringing', 'up', 'up', 'held']);
    expect(t.of('call:updated').at(-1)).toMatchObject({ muted: true, held: true, codec: 'g722' });
    expect(t.of('call:dtmf')).toEqual([{ callId: h.id, digit: '5' }]);
    expect(t.of('call:text')).toEqual([{ callId: h.id, text: 'hello' }]);
    const ended = t.of('call:ended');
    expect(ended).toHaveLength(1);
    expect(ended[0].history).toMatchObject({ outcome: 'answered', durationSeconds: 5, number: '600', codec: 'g722' });
    expect(await t.phone.request('history:list', {})).toEqual([ended[0].history]);
    expect(JSON.parse(t.stores.history.text ?? '{}').entries).toHaveLength(1);
    await expect(t.phone.request('call:hangup', { callId: h.id })).rejects.toMatchObject({ code: 'unknown-call' });
    t.clock.advance(10_000);
    const statsBefore = t.of('call:stats').length;
    t.clock.advance(10_000);
    expect(t.of('call:stats').length).toBe(statsBefore); // the stats timer stops with the last call
  });

  it('records a call to a file named after the other party, and says where it went when recording stops', async () => {
    const recorded: string[] = [];
    const media = new NullPhoneMedia();
    media.startCall = () => Promise.resolve({
      setMuted: () => undefined,
      startRecording: (path: string) => { recorded.push(`start ${path}`); return Promise.resolve(); },
      stopRecording: () => { recorded.push('stop'); return Promise.resolve(); },
      stats: () => ({}),
      close: () => Promise.resolve(),
    });
    const t = await withAccount({ media });
    const h = t.engine.ring({ number: '201', name: 'Bob' });
    await t.phone.request('call:answer', { callId: h.id });
    h.codec = 'ulaw';
    h.go('up');
    const started = await t.phone.request('call:record', { callId: h.id, recording: true });
    expect(started.path).toMatch(/^\/fake\/recordings\/redial-.*-201\.wav$/);
    expect(await t.phone.request('call:record', { callId: h.id, recording: false })).toEqual({ path: started.path });
    expect(recorded).toEqual([`start ${started.path}`, 'stop']);
    expect(await t.phone.request('call:record', { callId: h.id, recording: false })).toEqual({ path: null });
  });

  it('refuses to dial without an account', async () => {
    const t = setup();
    await t.phone.start();
    await expect(t.phone.request('call:dial', { number: '600' })).rejects.toMatchObject({ code: 'no-account' });
  });

  it('plays the busy tone for a while after a busy outgoing call, and records "busy"', async () => {
    const t = await withAccount();
    await t.phone.request('call:dial', { number: '600' });
    const h = t.engine.lastCall();
    h.end('remote', { cause: 'User busy', causeCode: 17, error: { code: 'busy', message: 'The number is busy.' } });
    await flush();
    expect(t.media.toneLog.at(-1)).toBe('busy');
    t.clock.advance(3_000);
    expect(t.media.toneLog.at(-1)).toBe(null);
    expect(t.of('call:ended')[0].history.outcome).toBe('busy');
    expect(t.of('notice')).toEqual([]); // busy is shown by the call itself, not as an error notice
  });

  it('rings for incoming calls, and a ring timeout rejects and records a missed call', async () => {
    const t = await withAccount();
    await t.phone.request('settings:update', { ringTimeoutSeconds: 20 });
    const h = t.engine.ring({ number: '201', name: 'Bob' });
    expect(t.of('call:incoming')).toEqual([expect.objectContaining({ id: h.id, remoteName: 'Bob', remoteNumber: '201', state: 'ringing' })]);
    expect(t.media.ringing).toBe(true);
    t.clock.advance(19_000);
    expect(h.actions).toEqual([]);
    t.clock.advance(1_000);
    await flush();
    expect(h.actions).toEqual(['reject:declined']);
    expect(t.media.ringing).toBe(false);
    expect(t.of('call:ended')[0].history.outcome).toBe('missed');
    // History keeps whom to call back: the caller, not the extension the call was sent to ("s").
    expect(t.of('call:ended')[0].history.number).toBe('201');
  });

  it('puts the meters at rest when the last call\'s audio closes, instead of leaving its last reading', async () => {
    const t = await withAccount({ media: Object.assign(new NullPhoneMedia(), { levels: () => ({ inputDbfs: -16.3, outputDbfs: -6 }) }) });
    const levels: Events['levels'][] = [];
    t.phone.on('levels', (l) => levels.push(l));
    await t.phone.request('call:dial', { number: '600' });
    t.engine.lastCall().go('up');
    await flush();
    t.clock.advance(200);
    expect(levels).toEqual([{ inputDbfs: -16.3, outputDbfs: -6 }]);
    t.engine.lastCall().end('remote');
    await flush();
    expect(levels.at(-1)).toEqual({ inputDbfs: null, outputDbfs: null });
    t.clock.advance(1000);
    expect(levels).toHaveLength(2); // and nothing more while no stream is open
  });

  it('runs the meters while a test tone plays, so the speaker test is seen as well as heard', async () => {
    let finish: () => void = () => undefined;
    const media = Object.assign(new NullPhoneMedia(), {
      levels: () => ({ inputDbfs: null, outputDbfs: -12 }),
      testTone: () => new Promise<void>((r) => { finish = r; }),
    });
    const t = await withAccount({ media });
    const levels: Events['levels'][] = [];
    t.phone.on('levels', (l) => levels.push(l));
    const playing = t.phone.request('audio:test-tone', { target: 'output' });
    t.clock.advance(400);
    expect(levels).toEqual([{ inputDbfs: null, outputDbfs: -12 }, { inputDbfs: null, outputDbfs: -12 }]);
    finish();
    await playing;
    expect(levels.at(-1)).toEqual({ inputDbfs: null, outputDbfs: null });
    t.clock.advance(1000);
    expect(levels).toHaveLength(3);
  });

  it('places a direct call without an account, and keeps its address for calling back', async () => {
    const t = await withAccount();
    const view = await t.phone.request('call:dial', { number: '102', direct: { server: 'localhost:4570', username: 'anything' } });
    expect(t.engine.dials.at(-1)).toEqual({ number: '102', account: { id: 'direct', server: 'localhost:4570', username: 'anything', register: false } });
    expect(view.remoteAddress).toBe('localhost:4570');
    expect(view.accountId).toBeUndefined();
    t.engine.lastCall().go('up');
    t.engine.lastCall().end('remote');
    await flush();
    expect(t.of('call:ended').at(-1)?.history).toMatchObject({ number: '102', remoteAddress: 'localhost:4570', outcome: 'answered' });
    expect(t.of('call:ended').at(-1)?.history.accountId).toBeUndefined();
  });

  it('names a direct incoming call by its address, never by the extension it was sent to', async () => {
    const t = await withAccount();
    await t.phone.request('settings:update', { acceptDirectCalls: true });
    const h = t.engine.ringDirect({ address: '192.0.2.4:4569' }, '100');
    expect(t.of('call:incoming').at(-1)).toMatchObject({ id: h.id, remoteAddress: '192.0.2.4:4569' });
    expect(t.of('call:incoming').at(-1)?.remoteNumber).toBeUndefined();
    h.end('remote');
    await flush();
    const entry = t.of('call:ended').at(-1)?.history;
    expect(entry).toMatchObject({ number: '', remoteAddress: '192.0.2.4:4569', outcome: 'missed' });
    expect(entry?.accountId).toBeUndefined();
    // A call through an account carries no address: the account is how to reach them.
    t.engine.ring({ number: '201', address: '10.0.0.1:4569' });
    expect(t.of('call:incoming').at(-1)?.remoteAddress).toBeUndefined();
  });

  it('counts missed calls until the history is seen, and keeps the count across a restart', async () => {
    const t = await withAccount();
    const counts: number[] = [];
    t.phone.on('history:missed', (m) => counts.push(m.unseen));
    t.engine.ring({ number: '201' }).end('remote'); // missed
    await flush();
    const answered = t.engine.ring({ number: '202' });
    await t.phone.request('call:answer', { callId: answered.id });
    answered.end('remote');
    const declined = t.engine.ring({ number: '203' });
    await t.phone.request('call:reject', { callId: declined.id });
    t.engine.ring({ number: '204' }).end('remote'); // missed
    await flush();
    expect(counts).toEqual([1, 2]);
    expect(await t.phone.request('history:missed')).toEqual({ unseen: 2 });
    // A restart keeps what was unseen.
    const again = new PhoneService({ engine: t.engine, clock: t.clock, secrets: t.secrets, stores: t.stores,
      info: { name: 'Redial', version: '0.1.0', host: 'headless', platform: 'linux', secretStorage: 'memory' } });
    await again.start();
    expect(await again.request('history:missed')).toEqual({ unseen: 2 });
    t.clock.advance(1000);
    expect(await t.phone.request('history:seen')).toEqual({ unseen: 0 });
    expect(counts.at(-1)).toBe(0);
    t.clock.advance(1000);
    t.engine.ring({ number: '205' }).end('remote');
    await flush();
    expect(counts.at(-1)).toBe(1);
    await t.phone.request('history:clear');
    expect(counts.at(-1)).toBe(0);
  });

  it('answers and rejects incoming calls on request', async () => {
    const t = await withAccount();
    const a = t.engine.ring({ number: '201' });
    await t.phone.request('call:answer', { callId: a.id });
    expect(a.actions).toEqual(['answer']);
    expect(t.media.ringing).toBe(false);
    const b = t.engine.ring({ number: '202' });
    expect(t.media.ringing).toBe(true);
    await t.phone.request('call:reject', { callId: b.id, reason: 'busy' });
    await flush();
    expect(t.of('call:ended').map((e) => e.history.outcome)).toEqual(['rejected']);
    await expect(t.phone.request('call:answer', { callId: (await t.phone.request('call:dial', { number: '1' })).id }))
      .rejects.toMatchObject({ code: 'invalid-state' });
  });

  it('keeps one active call: dialing, answering, auto-answering or resuming a call holds the answered others', async () => {
    const t = await withAccount();
    const a = t.engine.ring({ number: '201' });
    await t.phone.request('call:answer', { callId: a.id });
    // Answering B holds A.
    const b = t.engine.ring({ number: '202' });
    await t.phone.request('call:answer', { callId: b.id });
    expect([a.state, b.state]).toEqual(['held', 'up']);
    // Resuming A holds B.
    await t.phone.request('call:hold', { callId: a.id, hold: false });
    expect([a.state, b.state]).toEqual(['up', 'held']);
    expect(t.of('call:updated').filter((v) => v.id === b.id).at(-1)).toMatchObject({ state: 'held', held: true });
    // Dialing holds A (B is held already and stays so).
    await t.phone.request('call:dial', { number: '600' });
    const c = t.engine.lastCall();
    expect([a.state, b.state, c.state]).toEqual(['held', 'held', 'dialing']);
    expect(b.actions).toEqual(['answer', 'hold']);
    // An auto-answered call holds the active one too.
    c.go('up');
    await t.phone.request('settings:update', { autoAnswer: 'always' });
    const d = t.engine.ring({ number: '203' });
    expect([c.state, d.state]).toEqual(['held', 'up']);
  });

  it('with independentCalls (redial load, the echo peer), no call holds another', async () => {
    const t = await withAccount({ independentCalls: true });
    const a = t.engine.ring({ number: '201' });
    await t.phone.request('call:answer', { callId: a.id });
    const b = t.engine.ring({ number: '202' });
    await t.phone.request('call:answer', { callId: b.id });
    await t.phone.request('call:dial', { number: '600' });
    const c = t.engine.lastCall();
    c.go('up');
    expect([a.state, b.state, c.state]).toEqual(['up', 'up', 'up']);
    expect(a.actions).toEqual(['answer']);
  });

  it('feeds the keys sent as DTMF back to the user once the call has audio', async () => {
    const t = await withAccount();
    const a = t.engine.ring({ number: '201' });
    await t.phone.request('call:dtmf', { callId: a.id, digits: '9' }); // ringing: no audio, nothing to hear it on
    await t.phone.request('call:answer', { callId: a.id });
    await flush();
    await t.phone.request('call:dtmf', { callId: a.id, digits: '12#' });
    expect(a.actions).toEqual(['dtmf:9', 'answer', 'dtmf:12#']);
    expect(t.media.keyLog).toEqual(['12#']);
  });

  it('holds only an answered call: call:hold on a ringing or dialing call is refused and shows nothing held', async () => {
    const t = await withAccount();
    const ringing = t.engine.ring({ number: '201' });
    await expect(t.phone.request('call:hold', { callId: ringing.id, hold: true })).rejects.toMatchObject({ code: 'invalid-state' });
    const out = await t.phone.request('call:dial', { number: '600' });
    await expect(t.phone.request('call:hold', { callId: out.id, hold: true })).rejects.toMatchObject({ code: 'invalid-state' });
    expect(ringing.actions).toEqual([]);
    expect((await t.phone.request('call:list')).map((v) => v.held)).toEqual([false, false]);
    // Resuming a call that is not held changes nothing.
    t.engine.lastCall().go('up');
    await t.phone.request('call:hold', { callId: out.id, hold: false });
    expect(t.engine.lastCall().actions).toEqual([]);
  });

  it('auto-answers by policy: always, or only when the caller asked (intercom)', async () => {
    const t = await withAccount();
    await t.phone.request('settings:update', { autoAnswer: 'when-requested' });
    const plain = t.engine.ring({ number: '1' });
    const intercom = t.engine.ring({ number: '2' }, true);
    expect(plain.actions).toEqual([]);
    expect(intercom.actions).toEqual(['answer']);
    await t.phone.request('settings:update', { autoAnswer: 'always' });
    const any = t.engine.ring({ number: '3' });
    expect(any.actions).toEqual(['answer']);
  });
});

describe('PhoneService: settings, trace, validation', () => {
  it('persists settings, applies them and rejects inconsistent ones', async () => {
    const t = setup();
    await t.phone.start();
    t.watch('settings:changed', 'notice');
    const s = await t.phone.request('settings:update', { acceptDirectCalls: true, jitter: { maxMs: 300 }, localPort: 4569 });
    expect(s.jitter).toEqual({ targetExtraMs: DEFAULT_SETTINGS.jitter.targetExtraMs, maxMs: 300 });
    expect(t.engine.acceptDirect).toBe(true);
    expect(JSON.parse(t.stores.settings.text ?? '{}')).toEqual(s);
    expect(t.of('notice').map((n) => n.code)).toEqual(['restart-needed']);
    await expect(t.phone.request('settings:update', { jitter: { targetExtraMs: 500, maxMs: 100 } })).rejects.toMatchObject({ code: 'invalid-request' });
    const sel = await t.phone.request('audio:select', { ring: 'ALSA::Speakers', ringAll: false });
    expect(sel).toEqual({ input: null, output: null, ring: 'ALSA::Speakers', ringAll: false });
    expect((await t.phone.request('audio:devices', {})).missing).toEqual(['ALSA::Speakers']);
    // A damaged settings document does not stop the next start; valid sections survive.
    t.stores.settings.text = JSON.stringify({ ...s, jitter: 'broken', autoAnswer: 'always' });
    const t2 = setup({ stores: t.stores });
    await t2.phone.start();
    const s2 = await t2.phone.request('settings:get');
    expect(s2.autoAnswer).toBe('always');
    expect(s2.jitter).toEqual(DEFAULT_SETTINGS.jitter);
  });

  it('validates every request itself too (the CLI calls it in-process)', async () => {
    const t = setup();
    await t.phone.start();
    const loose = t.phone.request as (n: string, p?: unknown) => Promise<unknown>;
    await expect(loose('call:dtmf', { callId: 'x', digits: 'hello' })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(loose('nope')).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('buffers the trace, strips raw bytes for the UI, formats text, and exports pcap and text', async () => {
    const pcapInputs: TraceEntry[][] = [];
    const t = setup({ writePcap: (entries) => { pcapInputs.push([...entries]); return new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]); } });
    await t.phone.start();
    const entry = (i: number): TraceEntry => ({
      direction: i % 2 ? 'rx' : 'tx', at: i, retry: false, peer: { address: '127.0.0.1', port: 4569 }, kind: 'full',
      oseqno: i, iseqno: 0, frameType: 'IAX', subclass: 'PING', timestamp: i * 10, sourceCall: 5, destCall: 6,
      ies: [{ type: 6, name: 'USERNAME', value: 'bob' }], payloadBytes: 12, raw: new Uint8Array([0x80, 5, 0, 6]),
    });
    t.engine.fire('trace', entry(0)); // before anyone listens: buffered only
    const live: Events['trace'][] = [];
    const off = t.phone.on('trace', (v) => { expect(eventGuards.trace(v)).toBe(true); live.push(v); });
    t.engine.fire('trace', entry(1));
    off();
    t.engine.fire('trace', entry(2));
    expect(live).toHaveLength(1);
    expect(live[0]).not.toHaveProperty('raw');
    expect(live[0].text).toContain('PING');
    expect(live[0].text).toContain('USERNAME');
    const recent = await t.phone.request('trace:subscribe', { enabled: true });
    expect(recent.map((r) => r.seq)).toEqual([1, 2, 3]);
    const pcap = await t.phone.request('trace:export-pcap');
    expect(pcap).toEqual({ path: expect.stringMatching(/^\/fake\/traces\/redial-.*\.pcap$/), frames: 3 });
    expect(pcapInputs[0].map((e) => e.oseqno)).toEqual([0, 1, 2]);
    expect(t.written[0].data).toEqual(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]));
    const text = await t.phone.request('trace:export-text');
    expect(text.frames).toBe(3);
    expect(text.text.split('Tx-Frame').length - 1).toBe(2);
    await t.phone.request('trace:clear');
    expect(await t.phone.request('trace:recent', {})).toEqual([]);
  });

  it('keeps a call\'s set-up in the trace and the pcap after a minute of voice, whether or not a console was open', async () => {
    const pcapInputs: TraceEntry[][] = [];
    const t = setup({ writePcap: (entries) => { pcapInputs.push([...entries]); return new Uint8Array(4); } });
    await t.phone.start();
    const frame = (i: number, kind: 'full' | 'mini', subclass?: string): TraceEntry => ({
      direction: i % 2 ? 'rx' : 'tx', at: i, retry: false, peer: { address: '127.0.0.1', port: 4569 }, kind, timestamp: i * 20,
      sourceCall: 5, ies: [], payloadBytes: kind === 'mini' ? 160 : 12, raw: new Uint8Array(4),
      ...(kind === 'full' ? { frameType: 'IAX', subclass, oseqno: 0, iseqno: 0, destCall: 6 } : {}),
    });
    // Nobody listens: the phone keeps the frames anyway.
    t.engine.fire('trace', frame(0, 'full', 'NEW'));
    t.engine.fire('trace', frame(1, 'full', 'ACCEPT'));
    for (let i = 2; i < 6002; i++) t.engine.fire('trace', frame(i, i % 500 === 0 ? 'full' : 'mini', 'PING')); // 60 s at 100 frames/s
    const opened = await t.phone.request('trace:subscribe', { enabled: true });
    expect(opened.slice(0, 2).map((v) => v.subclass)).toEqual(['NEW', 'ACCEPT']);
    expect(opened.filter((v) => v.kind === 'mini')).toHaveLength(400);
    expect(opened.map((v) => v.seq)).toEqual([...opened.map((v) => v.seq)].sort((x, y) => x - y));
    await t.phone.request('trace:export-pcap');
    const exported = pcapInputs[0];
    expect(exported.slice(0, 2).map((e) => e.subclass)).toEqual(['NEW', 'ACCEPT']);
    // Voice is bounded on its own (20 s of it), signalling by the setting.
    expect(exported.filter((e) => e.kind === 'mini')).toHaveLength(2000);
    expect(exported.length).toBe(2 + 12 + 2000);
  });

  it('shuts down the engine and refuses requests afterwards', async () => {
    const t = setup();
    await t.phone.start();
    await t.phone.shutdown();
    expect(t.engine.shutDown).toBe(true);
    await expect(t.phone.request('call:list')).rejects.toMatchObject({ code: 'unavailable' });
    const info = setup();
    await info.phone.start();
    expect(await info.phone.request('app:info')).toEqual({ name: 'Redial', version: '0.1.0', apiVersion: 1, host: 'headless', platform: 'linux', localPort: 45000, secretStorage: 'memory' });
  });
});
