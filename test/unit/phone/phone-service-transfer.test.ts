// PhoneService over the fake engine: attended transfer ("consult, then transfer", spec §5.7 option 1), blind
// transfer's history, and Do Not Disturb. The fake engine records exactly what the phone asked of each call.
import { describe, expect, it } from 'vitest';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import { NullPhoneMedia } from '../../../electron/core/phone/media-port.js';
import { readStoredSettings } from '../../../electron/core/phone/settings-model.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { EventName, Events, Settings } from '../../../electron/shared/api.js';
import { eventGuards } from '../../../electron/shared/api-guards.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FakeCall, FakeEngine } from './fake-engine.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';

const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

async function phoneWithAccount(accounts = 1) {
  const engine = new FakeEngine();
  const clock = new FakeClock();
  const media = new NullPhoneMedia();
  const settingsStore = new MemoryDocumentStore<Settings>();
  let id = 0;
  const phone = new PhoneService({
    engine, clock, media, secrets: new MemorySecretStore(),
    stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history: new MemoryDocumentStore<StoredHistory>(), settings: settingsStore },
    info: { name: 'Redial', version: '0.1.0', host: 'headless', platform: 'linux', secretStorage: 'memory' },
    newId: () => `acc-${++id}`,
  });
  await phone.start();
  for (let i = 1; i <= accounts; i++) await phone.request('accounts:save', { server: `pbx${i}`, username: `u${i}`, secret: 's' });
  const events: { name: EventName; payload: unknown }[] = [];
  for (const name of ['call:incoming', 'call:updated', 'call:ended', 'notice', 'settings:changed'] as const) {
    phone.on(name, (payload: Events[typeof name]) => {
      expect(eventGuards[name](payload), `${name} ${JSON.stringify(payload)}`).toBe(true);
      events.push({ name, payload });
    });
  }
  const of = <K extends EventName>(name: K): Events[K][] => events.filter((e) => e.name === name).map((e) => e.payload as Events[K]);
  /** An outgoing call through `accountId`, answered by the far end. */
  const connected = async (number: string, accountId?: string): Promise<FakeCall> => {
    await phone.request('call:dial', { number, ...(accountId ? { accountId } : {}) });
    const h = engine.lastCall();
    h.go('up');
    return h;
  };
  return { engine, clock, media, phone, of, connected, settingsStore };
}

describe('PhoneService: attended transfer (consult, then transfer)', () => {
  it('holds A, sends TRANSFER on A with C\'s number, and hangs C up only once the server releases A', async () => {
    const t = await phoneWithAccount();
    const a = await t.connected('600');
    const c = await t.connected('1002');
    await t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: c.id });
    // A was not on hold yet: the phone holds it first, then transfers; C is left alone while the server works.
    expect(a.actions).toEqual(['hold', 'transfer:1002']);
    expect(c.actions).toEqual([]);
    expect(t.of('call:updated').filter((v) => v.id === a.id).at(-1)).toMatchObject({ held: true });
    expect(t.of('notice').map((n) => n.code)).toEqual(['transferring']);

    a.end('remote', { cause: 'Normal Clearing', causeCode: 16 }); // Asterisk releases our leg after the blind transfer
    await flush();
    expect(c.actions).toEqual(['hangup']);
    const ended = t.of('call:ended');
    expect(ended.map((e) => [e.call.id, e.history.outcome])).toEqual([[a.id, 'transferred'], [c.id, 'transferred']]);
    expect(ended[0].history.transferredTo).toBe('1002');
    expect(ended[1].history.transferredTo).toBeUndefined();
    expect(t.of('notice').map((n) => n.code)).toEqual(['transferring', 'transferred']);
    expect(t.of('notice')[1].message).toBe('Transferred 600 to 1002.');
    expect(await t.phone.request('call:list')).toEqual([]);
    expect((await t.phone.request('history:list', {})).map((h) => h.outcome)).toEqual(['transferred', 'transferred']);
  });

  it('does not hold twice a call the user already held, and sends an incoming party\'s caller number', async () => {
    const t = await phoneWithAccount();
    const a = await t.connected('600');
    await t.phone.request('call:hold', { callId: a.id, hold: true });
    const c = t.engine.ring({ number: '2125550100', name: 'Carol' }); // called extension "s"
    await t.phone.request('call:answer', { callId: c.id });
    await t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: c.id });
    expect(a.actions).toEqual(['hold', 'transfer:2125550100']);
    expect(c.actions).toEqual(['answer']);
    a.end('remote');
    await flush();
    expect(c.actions).toEqual(['answer', 'hangup']);
  });

  it('keeps the consulted call when the server does not release the held one (transfer may have failed)', async () => {
    const t = await phoneWithAccount();
    const a = await t.connected('600');
    const c = await t.connected('1002');
    await t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: c.id });
    a.fire('notice', { kind: 'transfer-may-have-failed', target: '1002', message: 'Transfer to 1002 may have failed: the server did not release the call within 5 s.' });
    expect(t.of('notice').map((n) => [n.code, n.level])).toEqual([['transferring', 'info'], ['transfer-may-have-failed', 'warning']]);
    // The user may try again after a failure.
    await t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: c.id });
    expect(a.actions).toEqual(['hold', 'transfer:1002', 'transfer:1002']);
    a.fire('notice', { kind: 'transfer-may-have-failed', target: '1002', message: 'again' });
    a.end('remote'); // much later, for its own reasons
    await flush();
    expect(c.actions).toEqual([]);
    expect(t.of('call:ended').map((e) => e.history.outcome)).toEqual(['answered']);
    expect((await t.phone.request('call:list')).map((v) => v.id)).toEqual([c.id]);
  });

  it('leaves nothing to hang up when the consulted call ended first, or the user hung up the held one', async () => {
    const t = await phoneWithAccount();
    const a = await t.connected('600');
    const c = await t.connected('1002');
    await t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: c.id });
    c.end('remote');
    a.end('remote');
    await flush();
    expect(c.actions).toEqual([]);
    expect(t.of('call:ended').map((e) => e.history.outcome)).toEqual(['answered', 'transferred']);

    const a2 = await t.connected('601');
    const c2 = await t.connected('1003');
    await t.phone.request('call:transfer-to-call', { callId: a2.id, toCallId: c2.id });
    await t.phone.request('call:hangup', { callId: a2.id });
    await flush();
    expect(c2.actions).toEqual([]);
    expect(t.of('call:ended').at(-1)?.history.outcome).toBe('answered');
  });

  it('refuses with clear errors: unknown or same call, other account, unanswered or numberless party, twice', async () => {
    const t = await phoneWithAccount(2);
    const a = await t.connected('600', 'acc-1');
    const other = await t.connected('700', 'acc-2');
    const ringingOut = t.engine.dial({ accountId: 'acc-1', number: '1004' }) as FakeCall;
    await t.phone.request('call:dial', { number: '1005', accountId: 'acc-1' });
    const ringing = t.engine.lastCall();
    ringing.go('ringing');
    const anonymous = t.engine.ring({}); // no caller number
    await t.phone.request('call:answer', { callId: anonymous.id });
    const tx = (callId: string, toCallId: string) => t.phone.request('call:transfer-to-call', { callId, toCallId });
    // Dialing and answering put the answered calls on hold (one active call at a time): that is all so far.
    expect([a, other, ringing].map((c) => c.actions)).toEqual([['hold'], ['hold'], []]);

    await expect(tx('nope', a.id)).rejects.toMatchObject({ code: 'unknown-call' });
    await expect(tx(a.id, 'nope')).rejects.toMatchObject({ code: 'unknown-call' });
    await expect(tx(a.id, a.id)).rejects.toMatchObject({ code: 'invalid-request', message: 'a call cannot be transferred to itself' });
    await expect(tx(a.id, other.id)).rejects.toMatchObject({ code: 'different-account' });
    await expect(tx(a.id, ringing.id)).rejects.toMatchObject({ code: 'invalid-state', message: 'the call to transfer to has not been answered yet' });
    await expect(tx(ringing.id, a.id)).rejects.toMatchObject({ code: 'invalid-state', message: 'only an answered call can be transferred' });
    await expect(tx(a.id, anonymous.id)).rejects.toMatchObject({ code: 'no-number' });
    await expect(tx(a.id, ringingOut.id)).rejects.toMatchObject({ code: 'unknown-call' }); // not the phone's call
    await expect(t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: 'x y' } as never)).rejects.toMatchObject({ code: 'invalid-request' });
    // None of the refusals touched a call.
    expect([a, other, ringing].map((c) => c.actions)).toEqual([['hold'], ['hold'], []]);

    const c = await t.connected('1002', 'acc-1');
    await tx(a.id, c.id);
    await expect(tx(a.id, c.id)).rejects.toMatchObject({ code: 'invalid-state', message: 'this call is already being transferred' });
    expect(a.actions).toEqual(['hold', 'transfer:1002']);
  });

  it('records a blind transfer the server carried out as "transferred" to its target', async () => {
    const t = await phoneWithAccount();
    const a = await t.connected('600');
    await t.phone.request('call:transfer', { callId: a.id, target: '601' });
    expect(a.actions).toEqual(['transfer:601']);
    a.end('remote');
    await flush();
    expect(t.of('call:ended')[0].history).toMatchObject({ outcome: 'transferred', transferredTo: '601' });
  });
});

describe('PhoneService: Do Not Disturb', () => {
  it('refuses incoming calls busy without ringing, logs them missed with the DND reason, and beats auto-answer', async () => {
    const t = await phoneWithAccount();
    const s = await t.phone.request('settings:update', { dnd: true, autoAnswer: 'always' });
    expect(s).toMatchObject({ dnd: true, autoAnswer: 'always' });
    expect(t.of('settings:changed').at(-1)?.dnd).toBe(true);
    const h = t.engine.ring({ number: '2125550100', name: 'Carol' }, true);
    await flush();
    expect(h.actions).toEqual(['reject:busy']);
    expect(t.media.ringing).toBe(false);
    expect(t.of('call:incoming')).toEqual([]);
    const ended = t.of('call:ended');
    expect(ended).toHaveLength(1);
    expect(ended[0].history).toMatchObject({ outcome: 'missed', reason: 'dnd', cause: 'Do not disturb', number: '2125550100', remoteName: 'Carol' });
    expect(t.of('notice')).toEqual([]);
    expect(await t.phone.request('call:list')).toEqual([]);

    // DND off again: calls ring (and auto-answer applies) as before.
    await t.phone.request('settings:update', { dnd: false, autoAnswer: 'off' });
    const h2 = t.engine.ring({ number: '201' });
    expect(h2.actions).toEqual([]);
    expect(t.media.ringing).toBe(true);
    expect(t.of('call:incoming').map((c) => c.id)).toEqual([h2.id]);
  });

  it('keeps DND across restarts, and an older settings file without it means DND off', async () => {
    const t = await phoneWithAccount();
    await t.phone.request('settings:update', { dnd: true });
    expect(JSON.parse(t.settingsStore.text ?? '{}').dnd).toBe(true);
    const { dnd: _dnd, ...older } = JSON.parse(t.settingsStore.text ?? '{}') as Settings;
    const read = readStoredSettings({ ...older, ringTimeoutSeconds: 33 });
    expect(read).toMatchObject({ dnd: false, ringTimeoutSeconds: 33 });
    await expect(t.phone.request('settings:update', { dnd: 'yes' } as never)).rejects.toMatchObject({ code: 'invalid-request' });
  });
});
