// Attended transfer and Do Not Disturb through PhoneService over the REAL engine: loopback UDP to the scripted
// IAX2 server, which behaves like Asterisk 22 (spec §5.7): on TRANSFER it releases the transferring leg with
// HANGUP. What the server received on each dialog is the evidence.
import { afterEach, describe, expect, it } from 'vitest';
import { createIax2Engine } from '../../../electron/core/iax2/engine.js';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { EventName, Events, Settings } from '../../../electron/shared/api.js';
import { eventGuards } from '../../../electron/shared/api-guards.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import { IeWriter, parseIes } from '../../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../../../electron/core/iax2/wire/types.js';
import { ScriptedPeer, type ServerDialog } from '../../support/scripted-peer.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../../support/scripted-peer-calls-net.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import { until } from '../../support/wait.js';

const ULAW = 1 << 2;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function ie(frame: FullFrame, type: number): string | number | undefined {
  const parsed = parseIes(frame.payload);
  if (!parsed.ok) return undefined;
  const found = parsed.value.find((x) => x.type === type);
  if (!found) return undefined;
  return type === IeType.CAUSECODE ? found.data[0] : new TextDecoder().decode(found.data);
}

/** A registrar that answers every call at once and, like Asterisk, hangs up the leg that sent TRANSFER. */
async function asteriskLike() {
  const peer = await ScriptedPeer.start();
  cleanups.push(() => peer.stop());
  peer.enableRegistrar({ users: { alice: { secret: 'pw' } } });
  const calls: { dialog: ServerDialog; number: string }[] = [];
  const transfers: { dialog: ServerDialog; target: string }[] = [];
  peer.handle(FrameType.IAX, IaxSubclass.NEW, (ctx) => {
    if (ctx.dialog || !ctx.checkCallToken(false)) return;
    const d = ctx.accept();
    calls.push({ dialog: d, number: String(ie(ctx.frame, IeType.CALLED_NUMBER)) });
    d.send(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, ULAW).raw());
    d.send(FrameType.CONTROL, ControlSubclass.ANSWER);
  });
  peer.handle(FrameType.IAX, IaxSubclass.TRANSFER, (ctx) => {
    if (!ctx.dialog) return;
    transfers.push({ dialog: ctx.dialog, target: String(ie(ctx.frame, IeType.CALLED_NUMBER)) });
    ctx.dialog.send(FrameType.IAX, IaxSubclass.HANGUP, new IeWriter().string(IeType.CAUSE, 'Normal Clearing').u8(IeType.CAUSECODE, 16).raw());
  });
  peer.ackHangups();
  /** Frames of one IAX subclass the phone sent on `dialog`. */
  const sentOn = (dialog: ServerDialog, subclass: number): FullFrame[] =>
    peer.fullFramesReceived(subclass).filter((f) => f.destCall === dialog.localCall);
  return { peer, calls, transfers, sentOn };
}

async function realPhone(server: string) {
  const socket = await LoopbackUdpPort.bind(0);
  const engine = createIax2Engine({ illegalCallTransitions: 'throw', socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
  const phone = new PhoneService({
    engine, clock: systemClock, secrets: new MemorySecretStore(),
    stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history: new MemoryDocumentStore<StoredHistory>(), settings: new MemoryDocumentStore<Settings>() },
    info: { name: 'Redial', version: 't', host: 'headless', platform: 'linux', secretStorage: 'memory' },
  });
  await phone.start();
  cleanups.push(async () => { await phone.shutdown(); await socket.close(); });
  const events: { name: EventName; payload: unknown }[] = [];
  for (const name of ['registration', 'call:incoming', 'call:updated', 'call:ended', 'notice'] as const) {
    phone.on(name, (p: Events[typeof name]) => { expect(eventGuards[name](p), name).toBe(true); events.push({ name, payload: p }); });
  }
  const of = <K extends EventName>(name: K): Events[K][] => events.filter((e) => e.name === name).map((e) => e.payload as Events[K]);
  const account = await phone.request('accounts:save', { server, username: 'alice', secret: 'pw', codecs: ['ulaw'] });
  await until('registered', () => of('registration').some((r) => r.status === 'registered'));
  return { phone, engine, socket, of, account };
}

describe('PhoneService attended transfer and DND with the real engine', () => {
  it('consults, transfers A to C\'s number on A\'s dialog, and hangs up C once the server released A', async () => {
    const s = await asteriskLike();
    const t = await realPhone(s.peer.server);
    const a = await t.phone.request('call:dial', { number: '1003' });
    await until('A up', () => t.of('call:updated').some((c) => c.id === a.id && c.state === 'up'));
    await t.phone.request('call:hold', { callId: a.id, hold: true });
    const c = await t.phone.request('call:dial', { number: '1002' });
    await until('C up', () => t.of('call:updated').some((v) => v.id === c.id && v.state === 'up'));
    expect(s.calls.map((x) => x.number)).toEqual(['1003', '1002']);
    const [legA, legC] = s.calls.map((x) => x.dialog);

    await t.phone.request('call:transfer-to-call', { callId: a.id, toCallId: c.id });
    await until('both ended', () => t.of('call:ended').length === 2);
    // One hold (QUELCH) and the TRANSFER on A's dialog, naming C's number; C's dialog got our HANGUP.
    expect(s.transfers.map((x) => [x.dialog.localCall, x.target])).toEqual([[legA.localCall, '1002']]);
    expect(s.sentOn(legA, IaxSubclass.QUELCH)).toHaveLength(1);
    expect(s.sentOn(legC, IaxSubclass.TRANSFER)).toHaveLength(0);
    expect(s.sentOn(legA, IaxSubclass.HANGUP)).toHaveLength(0); // the server hung A up, not us
    // C ends (call:ended) as our HANGUP leaves; the datagram reaches the server a moment later.
    await until("C's HANGUP at the server", () => s.sentOn(legC, IaxSubclass.HANGUP).length > 0);
    expect(s.sentOn(legC, IaxSubclass.HANGUP)).toHaveLength(1);
    const ended = t.of('call:ended');
    expect(ended.map((e) => [e.call.id, e.end.by, e.history.outcome])).toEqual([
      [a.id, 'remote', 'transferred'], [c.id, 'local', 'transferred'],
    ]);
    expect(ended[0].history.transferredTo).toBe('1002');
    expect(t.of('notice').map((n) => n.code)).toEqual(['transferring', 'transferred']);
    expect(await t.phone.request('call:list')).toEqual([]);
  });

  it('with DND on, refuses a call from the server with REJECT cause 17 and logs it missed (DND)', async () => {
    const s = await asteriskLike();
    const t = await realPhone(s.peer.server);
    await t.phone.request('settings:update', { dnd: true, autoAnswer: 'always' });
    const d = s.peer.openDialog({ address: '127.0.0.1', port: t.engine.localPort });
    d.send(FrameType.IAX, IaxSubclass.NEW, new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, 'alice')
      .string(IeType.CALLING_NUMBER, '2125550100').string(IeType.CALLING_NAME, 'Carol')
      .u32(IeType.FORMAT, ULAW).u32(IeType.CAPABILITY, ULAW).raw());
    await until('REJECT', () => s.sentOn(d, IaxSubclass.REJECT).length === 1);
    const reject = s.sentOn(d, IaxSubclass.REJECT)[0];
    expect(ie(reject, IeType.CAUSECODE)).toBe(17);
    // The engine's own ACCEPT and RINGING precede the phone's decision (spec §5.2); the call was never answered
    // and no voice went out.
    const sent = s.peer.received.map((r) => r.datagram).filter((f) => f.kind !== 'full' || f.destCall === d.localCall);
    expect(sent.some((f) => f.kind === 'full' && f.frameType === FrameType.CONTROL && f.subclass === ControlSubclass.ANSWER)).toBe(false);
    expect(sent.some((f) => f.kind === 'mini' || (f.kind === 'full' && f.frameType === FrameType.VOICE))).toBe(false);
    await until('ended', () => t.of('call:ended').length === 1);
    expect(t.of('call:incoming')).toEqual([]);
    expect(t.of('call:ended')[0].history).toMatchObject({ outcome: 'missed', reason: 'dnd', number: '2125550100', remoteName: 'Carol' });
  });
});
