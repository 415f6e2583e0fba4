// AES-128 call encryption (spec §7) through PhoneService: the account's mode is stored and handed to the engine
// (old accounts load as 'off'), and a call's `encrypted` flag reaches the UI, also when the engine turns it on
// without an event. First over the fake engine, then over the real one against the scripted peer's own AES.
import { afterEach, describe, expect, it } from 'vitest';
import { createIax2Engine } from '../../../electron/core/iax2/engine.js';
import { ENCRYPTED_MARK, formatTraceText } from '../../../electron/core/iax2/trace/format.js';
import { ControlSubclass, FrameType, IaxSubclass } from '../../../electron/core/iax2/wire/types.js';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import { NullPhoneMedia } from '../../../electron/core/phone/media-port.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { Clock } from '../../../electron/core/ports.js';
import { ENCRYPTED_IE_NAME, type EventName, type Events, type Settings } from '../../../electron/shared/api.js';
import { eventGuards, responseGuards } from '../../../electron/shared/api-guards.js';
import { ScriptedCallPeer } from '../../support/scripted-peer-calls.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../../support/scripted-peer-calls-net.js';
import { FakeClock } from '../../support/fake-clock.js';
import { until } from '../../support/wait.js';
import { FakeCall, FakeEngine } from './fake-engine.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function stores(accounts = new MemoryDocumentStore<StoredAccounts>()) {
  return { accounts, history: new MemoryDocumentStore<StoredHistory>(), settings: new MemoryDocumentStore<Settings>() };
}

async function phoneOver(engine: FakeEngine | ReturnType<typeof createIax2Engine>, clock: Clock, accounts?: MemoryDocumentStore<StoredAccounts>) {
  let n = 0;
  const phone = new PhoneService({
    engine, clock, secrets: new MemorySecretStore(), stores: stores(accounts), media: new NullPhoneMedia(), formatTrace: formatTraceText,
    info: { name: 'Redial', version: 't', host: 'headless', platform: 'linux', secretStorage: 'memory' }, newId: () => `acc-${++n}`,
  });
  await phone.start();
  cleanups.push(() => phone.shutdown());
  const events: { name: EventName; payload: unknown }[] = [];
  const watch = (...names: EventName[]): void => {
    for (const name of names) phone.on(name, (p) => { expect(eventGuards[name](p), `${name} ${JSON.stringify(p)}`).toBe(true); events.push({ name, payload: p }); });
  };
  const of = <K extends EventName>(name: K): Events[K][] => events.filter((e) => e.name === name).map((e) => e.payload as Events[K]);
  return { phone, watch, of };
}

describe('PhoneService: the account\'s encryption mode', () => {
  it('defaults to off, is stored, and reaches the engine\'s AccountConfig', async () => {
    const engine = new FakeEngine();
    const accounts = new MemoryDocumentStore<StoredAccounts>();
    const t = await phoneOver(engine, new FakeClock(), accounts);
    const plain = await t.phone.request('accounts:save', { server: 'pbx.example.org', username: 'alice', secret: 'pw' });
    expect(plain.encryption).toBe('off');
    expect(engine.accounts[0]).toMatchObject({ id: plain.id, encryption: 'off' });

    const strict = await t.phone.request('accounts:save', { id: plain.id, encryption: 'required' });
    expect(responseGuards['accounts:save'](strict)).toBe(true);
    expect(strict).toMatchObject({ encryption: 'required', username: 'alice', hasSecret: true });
    expect(engine.accounts[0]).toMatchObject({ encryption: 'required', secret: 'pw' });
    // Leaving the field out of an update keeps it.
    expect((await t.phone.request('accounts:save', { id: plain.id, label: 'Office' })).encryption).toBe('required');
    expect(JSON.parse(accounts.text ?? '{}').accounts[0].encryption).toBe('required');

    // A second phone over the same document loads it.
    const engine2 = new FakeEngine();
    await phoneOver(engine2, new FakeClock(), accounts);
    expect(engine2.accounts[0]).toMatchObject({ id: plain.id, encryption: 'required' });

    await expect(t.phone.request('accounts:save', { id: plain.id, encryption: 'maybe' as never })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('loads accounts saved before encryption existed as off, and still skips damaged ones', async () => {
    const old = {
      id: 'old-1', label: 'Old', server: 'pbx.example.org', username: 'bob', rememberSecret: false, auth: ['md5'],
      callerIdName: '', callerIdNumber: '', codecs: ['ulaw'], register: true, enabled: true, refreshSeconds: 60, voicemailNumber: '',
    };
    const accounts = new MemoryDocumentStore<StoredAccounts>({ version: 1, accounts: [old, { ...old, id: 'bad-1', encryption: 'yes' }] } as unknown as StoredAccounts);
    const engine = new FakeEngine();
    const t = await phoneOver(engine, new FakeClock(), accounts);
    const list = await t.phone.request('accounts:list');
    expect(list.map((a) => [a.id, a.encryption])).toEqual([['old-1', 'off']]);
    expect(responseGuards['accounts:list'](list)).toBe(true);
    expect(engine.accounts).toEqual([expect.objectContaining({ id: 'old-1', encryption: 'off' })]);
  });
});

describe('PhoneService: a call\'s encrypted flag (fake engine)', () => {
  it('is false in the first view, and a call:updated follows when the engine turns it on, even without an event', async () => {
    const engine = new FakeEngine();
    const clock = new FakeClock();
    const t = await phoneOver(engine, clock);
    await t.phone.request('accounts:save', { server: 'pbx.example.org', username: 'alice', secret: 'pw', encryption: 'on' });
    t.watch('call:updated', 'call:incoming');
    const view = await t.phone.request('call:dial', { number: '600' });
    expect(view.encrypted).toBe(false);
    const call = engine.lastCall();

    // The server's AUTHREQ agreed: the engine sets the flag silently (spec §7.1); within a second the UI hears.
    call.encrypted = true;
    expect(t.of('call:updated')).toEqual([]);
    clock.advance(1000);
    expect(t.of('call:updated').map((c) => [c.id, c.encrypted])).toEqual([[view.id, true]]);
    clock.advance(3000);
    expect(t.of('call:updated')).toHaveLength(1); // once, not every second
    call.go('up');
    expect(t.of('call:updated').at(-1)).toMatchObject({ state: 'up', encrypted: true });
    expect((await t.phone.request('call:list'))[0].encrypted).toBe(true);

    // A state event that comes first carries it too, and the timer then has nothing to add.
    const second = await t.phone.request('call:dial', { number: '601' });
    engine.lastCall().encrypted = true;
    engine.lastCall().go('proceeding');
    expect(t.of('call:updated').at(-1)).toMatchObject({ id: second.id, state: 'proceeding', encrypted: true });
    clock.advance(1000);
    expect(t.of('call:updated').filter((c) => c.id === second.id)).toHaveLength(1);

    // An incoming call that we challenged is encrypted from its first view.
    const ringing = new FakeCall('in-enc', 'incoming', 's', undefined, { number: '201' });
    ringing.encrypted = true;
    engine.fire('incoming', ringing);
    expect(t.of('call:incoming').at(-1)).toMatchObject({ id: 'in-enc', encrypted: true });
  });
});

describe('PhoneService: encrypted call over the real engine', () => {
  async function rig(serve: ScriptedCallPeer['serve'], encryption: 'on' | 'required') {
    const peer = await ScriptedCallPeer.start();
    cleanups.push(() => peer.close());
    peer.serve = serve;
    const socket = await LoopbackUdpPort.bind(0);
    cleanups.push(() => socket.close());
    const engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
    const t = await phoneOver(engine, systemClock);
    await t.phone.request('accounts:save', { server: `127.0.0.1:${peer.endpoint.port}`, username: '1001', secret: 'pw', register: false,
      codecs: ['ulaw'], encryption });
    return { peer, ...t };
  }

  it('shows the call encrypted once the server agrees, and its frames marked ENCRYPTED in the trace', async () => {
    const t = await rig({ secret: 'pw', encryption: 'yes', offerKeyRotate: true }, 'required');
    t.watch('call:updated', 'call:ended', 'trace');
    await t.phone.request('trace:subscribe', { enabled: true });
    const first = await t.phone.request('call:dial', { number: '600' });
    expect(first.encrypted).toBe(false); // nothing agreed yet: the NEW is on its way
    await until('proceeding', () => t.of('call:updated').some((c) => c.state === 'proceeding'));
    expect(t.of('call:updated').find((c) => c.state === 'proceeding')?.encrypted).toBe(true);
    t.peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await until('up', () => t.of('call:updated').some((c) => c.state === 'up'));
    expect(t.of('call:updated').find((c) => c.state === 'up')).toMatchObject({ id: first.id, encrypted: true });
    // The peer really decrypted our frames (its own AES code, not the engine's).
    expect(t.peer.wire.some((w) => w.dir === 'rx' && w.encrypted)).toBe(true);
    expect(t.peer.undecryptable).toBe(0);

    // The trace events (guard-checked by watch) carry the pseudo-IE with the contract's name; clear frames do not.
    expect(ENCRYPTED_MARK.name).toBe(ENCRYPTED_IE_NAME);
    const marked = t.of('trace').filter((e) => e.ies.some((ie) => ie.name === ENCRYPTED_IE_NAME));
    expect(marked.map((e) => e.subclass)).toEqual(expect.arrayContaining(['AUTHREP', 'ACCEPT', 'ANSWER']));
    const news = t.of('trace').filter((e) => e.subclass === 'NEW');
    expect(news.length).toBeGreaterThan(0);
    expect(news.every((e) => !e.ies.some((ie) => ie.name === ENCRYPTED_IE_NAME))).toBe(true);

    await t.phone.request('call:hangup', { callId: first.id });
    await until('ended', () => t.of('call:ended').length === 1);
    expect(t.of('call:ended')[0].call.encrypted).toBe(true);
    expect(t.of('call:ended')[0].history.encrypted).toBe(true);
    // (Stored once the call's audio is closed, just after the event.)
    await expect.poll(() => t.phone.request('history:list')).toEqual([expect.objectContaining({ number: '600', outcome: 'answered', encrypted: true })]);
  });

  it('with encryption required, a server that will not encrypt ends the call with the reason, never "up"', async () => {
    const t = await rig({ secret: 'pw' }, 'required');
    t.watch('call:updated', 'call:ended', 'notice');
    await t.phone.request('call:dial', { number: '600' });
    await until('ended', () => t.of('call:ended').length === 1);
    const ended = t.of('call:ended')[0];
    expect(ended.call.encrypted).toBe(false);
    expect(ended.history).not.toHaveProperty('encrypted');
    expect(ended.history.outcome).toBe('failed');
    expect(ended.end.error?.message).toMatch(/did not agree to encrypt/);
    expect(t.of('call:updated').some((c) => c.state === 'up')).toBe(false);
    expect(t.peer.fulls(FrameType.IAX, IaxSubclass.AUTHREP)).toHaveLength(0);
  });
});
