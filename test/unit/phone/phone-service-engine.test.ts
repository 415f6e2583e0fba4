// PhoneService over the REAL engine (not a fake): loopback UDP to the scripted peers. Registration with call
// token + MD5 and a call with ringing, answer, DTMF, text, hold and hangup, all driven through the API.
import { afterEach, describe, expect, it } from 'vitest';
import { createIax2Engine } from '../../../electron/core/iax2/engine.js';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import { formatTraceText } from '../../../electron/core/iax2/trace/format.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { EventName, Events, Settings } from '../../../electron/shared/api.js';
import { eventGuards } from '../../../electron/shared/api-guards.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import { ControlSubclass, FrameType, IaxSubclass } from '../../../electron/core/iax2/wire/types.js';
import { ScriptedCallPeer } from '../../support/scripted-peer-calls.js';
import { ScriptedPeer } from '../../support/scripted-peer.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../../support/scripted-peer-calls-net.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import { until } from '../../support/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function realPhone() {
  const socket = await LoopbackUdpPort.bind(0);
  const engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
  const phone = new PhoneService({
    engine, clock: systemClock, secrets: new MemorySecretStore(), formatTrace: formatTraceText,
    stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history: new MemoryDocumentStore<StoredHistory>(), settings: new MemoryDocumentStore<Settings>() },
    info: { name: 'Redial', version: 't', host: 'headless', platform: 'linux', secretStorage: 'memory' },
  });
  await phone.start();
  cleanups.push(async () => { await phone.shutdown(); await socket.close(); });
  const events: { name: EventName; payload: unknown }[] = [];
  const watch = (...names: EventName[]): void => {
    for (const name of names) phone.on(name, (p) => { expect(eventGuards[name](p), name).toBe(true); events.push({ name, payload: p }); });
  };
  const of = <K extends EventName>(name: K): Events[K][] => events.filter((e) => e.name === name).map((e) => e.payload as Events[K]);
  return { phone, engine, watch, of, until };
}

describe('PhoneService with the real engine', () => {
  it('registers a saved account (call token, MD5) and explains a wrong password', async () => {
    const peer = await ScriptedPeer.start();
    cleanups.push(() => peer.stop());
    peer.enableRegistrar({ users: { alice: { secret: 'right', mailbox: { old: 0, new: 2 } } } });
    const t = await realPhone();
    t.watch('registration', 'notice');
    const good = await t.phone.request('accounts:save', { server: peer.server, username: 'alice', secret: 'right' });
    await t.until('registered', () => t.of('registration').some((r) => r.accountId === good.id && r.status === 'registered'));
    expect((await t.phone.request('registration:list')).find((r) => r.accountId === good.id)).toMatchObject({ status: 'registered', messages: { new: 2 } });

    const bad = await t.phone.request('accounts:save', { server: peer.server, username: 'alice', secret: 'wrong', label: 'Bad' });
    await t.until('failed', () => t.of('registration').some((r) => r.accountId === bad.id && r.status === 'failed'));
    const failure = t.of('registration').find((r) => r.accountId === bad.id && r.status === 'failed')!;
    expect(failure.error?.code).toBe('auth-failed');
    expect(t.of('notice').find((n) => n.accountId === bad.id)).toMatchObject({ level: 'error', code: 'auth-failed' });
    expect(failure.error?.message).not.toContain('wrong');
  });

  it('places a call through the API and follows it to the history', async () => {
    const peer = await ScriptedCallPeer.start();
    cleanups.push(() => peer.close());
    peer.serve = { secret: 'pw', outcome: { accept: 0x4n } }; // µ-law
    const t = await realPhone();
    t.watch('call:updated', 'call:ended', 'call:text');
    await t.phone.request('accounts:save', { server: `127.0.0.1:${peer.endpoint.port}`, username: '1001', secret: 'pw', register: false, codecs: ['ulaw'] });
    const call = await t.phone.request('call:dial', { number: '600' });
    await t.until('proceeding', () => t.of('call:updated').some((c) => c.state === 'proceeding'));
    peer.send(FrameType.CONTROL, ControlSubclass.RINGING);
    await t.until('ringing', () => t.of('call:updated').some((c) => c.state === 'ringing'));
    peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await t.until('up', () => t.of('call:updated').some((c) => c.state === 'up'));
    expect(t.of('call:updated').find((c) => c.state === 'up')).toMatchObject({ id: call.id, codec: 'ulaw', number: '600' });

    await t.phone.request('call:dtmf', { callId: call.id, digits: '42' });
    await peer.waitFrame(FrameType.DTMF, '2'.charCodeAt(0));
    peer.send(FrameType.TEXT, 0, new Uint8Array(Buffer.from('hello phone\0')));
    await t.until('text', () => t.of('call:text').length === 1);
    expect(t.of('call:text')).toEqual([{ callId: call.id, text: 'hello phone' }]);
    await t.phone.request('call:hold', { callId: call.id, hold: true });
    await peer.waitFrame(FrameType.IAX, IaxSubclass.QUELCH);
    await t.phone.request('call:hold', { callId: call.id, hold: false });
    await peer.waitFrame(FrameType.IAX, IaxSubclass.UNQUELCH);
    await t.phone.request('call:hangup', { callId: call.id });
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
    await t.until('ended', () => t.of('call:ended').length === 1);
    const ended = t.of('call:ended')[0];
    expect(ended.end).toMatchObject({ by: 'local' });
    expect(ended.history).toMatchObject({ outcome: 'answered', number: '600', direction: 'outgoing', codec: 'ulaw' });
    expect(await t.phone.request('call:list')).toEqual([]);
    // The trace saw the whole dialog, rendered by the engine's Asterisk-style formatter.
    const text = (await t.phone.request('trace:export-text')).text;
    for (const word of ['NEW', 'ACCEPT', 'ANSWER', 'HANGUP']) expect(text).toContain(word);
  });

  it('reports a rejected call as failed, with the cause', async () => {
    const peer = await ScriptedCallPeer.start();
    cleanups.push(() => peer.close());
    peer.serve = { secret: 'pw', outcome: { reject: { cause: 'No route to destination', code: 3 } } };
    const t = await realPhone();
    t.watch('call:ended', 'notice');
    await t.phone.request('accounts:save', { server: `127.0.0.1:${peer.endpoint.port}`, username: '1001', secret: 'pw', register: false, codecs: ['ulaw'] });
    await t.phone.request('call:dial', { number: '999' });
    await t.until('ended', () => t.of('call:ended').length === 1);
    const e = t.of('call:ended')[0];
    expect(e.history.outcome).toBe('failed');
    expect(e.end.by).toBe('remote');
    expect(e.end.causeCode).toBe(3);
    expect(t.of('notice').length).toBe(1);
  });
});
