import { describe, expect, it } from 'vitest';
import { createCallManager } from '../../../../electron/core/iax2/call/index.js';
import type { AccountConfig, CallEndInfo, CallHandle, CallState } from '../../../../electron/core/iax2/engine-api.js';
import { IeWriter } from '../../../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { FakeDialog, fakeHost } from './fake-dialog.js';

const account: AccountConfig = { id: 'a', server: 'pbx.test', username: '1001', secret: 'secret', callerIdName: 'Alice', callerIdNumber: '1001', codecs: ['ulaw', 'alaw'] };
const flush = () => new Promise((r) => setTimeout(r, 0));

function record(call: CallHandle) {
  const states: CallState[] = [];
  const ended: CallEndInfo[] = [];
  call.on('state', (s) => states.push(s));
  call.on('ended', (e) => ended.push(e));
  return { states, ended };
}

async function outgoing(acc: AccountConfig = account) {
  const clock = new FakeClock();
  const dialogs: FakeDialog[] = [];
  const warnings: string[] = [];
  const mgr = createCallManager(fakeHost(clock, dialogs, warnings));
  const call = mgr.dial({ number: '600' }, acc);
  const rec = record(call);
  await flush();
  const d = dialogs[0]!;
  return { clock, mgr, call, rec, d, warnings };
}

function accept(d: FakeDialog, format2: bigint) {
  d.deliver(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, Number(format2 & 0xffffffffn)).versionedU64(IeType.FORMAT2, format2).finish());
}

describe('outgoing call (spec §5.2)', () => {
  it('NEW carries the account and offer; AUTHREQ → AUTHREP with the MD5 test vector', async () => {
    const { d, call } = await outgoing();
    const opening = d.sent[0]!;
    expect(opening.kind).toBe('opening');
    if (opening.kind !== 'opening') return;
    expect(opening.subclass).toBe(IaxSubclass.NEW);
    const types = opening.ies.map((i) => i.type);
    expect(types).toContain(IeType.USERNAME);
    expect(types).not.toContain(IeType.CALLTOKEN);
    d.deliver(FrameType.IAX, IaxSubclass.AUTHREQ, new IeWriter().u16(IeType.AUTHMETHODS, 2).string(IeType.CHALLENGE, '123456789').string(IeType.USERNAME, '1001').finish());
    const rep = d.lastReliable();
    expect([rep.frame.frameType, rep.frame.subclass]).toEqual([FrameType.IAX, IaxSubclass.AUTHREP]);
    expect(d.iesOf(rep).string(IeType.MD5_RESULT)).toBe('7ccde16e862dfe7681297713e9e9cadb');
    expect(call.state).toBe('dialing');
  });

  it('plaintext only when the account allows it (A-1)', async () => {
    const { d, rec } = await outgoing();
    d.deliver(FrameType.IAX, IaxSubclass.AUTHREQ, new IeWriter().u16(IeType.AUTHMETHODS, 1).finish());
    expect(d.frames().map((f) => f[1])).not.toContain(IaxSubclass.AUTHREP);
    expect(rec.ended[0]?.error?.code).toBe('auth-failed');

    const b = await outgoing({ ...account, auth: ['md5', 'plaintext'] });
    b.d.deliver(FrameType.IAX, IaxSubclass.AUTHREQ, new IeWriter().u16(IeType.AUTHMETHODS, 1).finish());
    expect(b.d.iesOf(b.d.lastReliable()).string(IeType.PASSWORD)).toBe('secret');
  });

  it('ACCEPT (FORMAT2 wins) → proceeding; RINGING, PROGRESS, 0xFF, ANSWER; voice, DTMF, text, hold, hangup', async () => {
    const { d, call, rec, clock } = await outgoing();
    const tones: number[] = [];
    call.on('stop-tones', () => tones.push(1));
    // FORMAT says ulaw, FORMAT2 says alaw: FORMAT2 wins (spec §6.2)
    d.deliver(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 8n).finish());
    expect(call.codec).toBe('alaw');
    expect(d.frames()).toEqual([]); // nothing sent synchronously: the transport ACKs the ACCEPT
    d.deliver(FrameType.CONTROL, ControlSubclass.RINGING);
    d.deliver(FrameType.CONTROL, ControlSubclass.PROGRESS);
    d.deliver(FrameType.CONTROL, ControlSubclass.STOP_INDICATIONS);
    d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    expect(rec.states).toEqual(['proceeding', 'ringing', 'early-media', 'up']);
    expect(tones.length).toBe(3);

    call.sendVoice(new Uint8Array(160), 20);
    const v = d.sent.at(-1)!;
    expect(v.kind === 'voice' && v.formatBit).toBe(3);

    call.sendDtmf('1#x');
    clock.advance(1000);
    const dtmf = d.frames().filter(([t]) => t === FrameType.DTMF || t === FrameType.DTMF_BEGIN);
    expect(dtmf).toEqual([[12, 0x31], [1, 0x31], [12, 0x23], [1, 0x23]]);

    call.sendText('héllo');
    const t = d.lastReliable();
    expect([...t.frame.payload!]).toEqual([...new TextEncoder().encode('héllo'), 0]);

    call.hold();
    expect(call.state).toBe('held');
    const q = d.lastReliable();
    expect(q.frame.subclass).toBe(IaxSubclass.QUELCH);
    expect(d.iesOf(q).has(IeType.MUSICONHOLD)).toBe(true);
    const before = d.sent.length;
    call.sendVoice(new Uint8Array(160), 20); // no voice while held
    expect(d.sent.length).toBe(before);
    call.unhold();
    expect(d.lastReliable().frame.subclass).toBe(IaxSubclass.UNQUELCH);

    call.hangup();
    const h = d.lastReliable();
    expect(h.frame.subclass).toBe(IaxSubclass.HANGUP);
    expect(h.options?.final).toBe(true);
    expect(d.iesOf(h).u8(IeType.CAUSECODE)).toBe(16);
    expect(rec.ended[0]).toMatchObject({ by: 'local', causeCode: 16 });
    expect(rec.ended[0]?.error).toBeUndefined();
  });

  it('no voice/DTMF/text before ACCEPT (spec §4.6)', async () => {
    const { d, call } = await outgoing();
    call.sendVoice(new Uint8Array(160), 20);
    call.sendDtmf('1');
    call.sendText('x');
    expect(d.sent.length).toBe(1); // only the NEW
  });

  it('ACCEPT naming a codec we did not offer → HANGUP 58, no-common-codec', async () => {
    const { d, rec } = await outgoing();
    accept(d, 2n); // GSM
    expect(d.iesOf(d.lastReliable()).u8(IeType.CAUSECODE)).toBe(58);
    expect(rec.ended[0]?.error?.code).toBe('no-common-codec');
  });

  it('REJECT causes and the apathetic REJECT', async () => {
    for (const [code, expected] of [[17, 'busy'], [50, 'auth-failed'], [3, 'no-route'], [58, 'no-common-codec']] as const) {
      const { d, rec } = await outgoing();
      d.deliver(FrameType.IAX, IaxSubclass.REJECT, new IeWriter().string(IeType.CAUSE, 'x').u8(IeType.CAUSECODE, code).finish());
      expect(rec.ended[0]?.error?.code).toBe(expected);
      expect(d.closeReason).toBe('remote');
    }
    const { d, rec } = await outgoing();
    d.deliver(FrameType.IAX, IaxSubclass.REJECT, new Uint8Array(0), { sourceCall: 1 });
    expect(rec.ended[0]?.error?.code).toBe('calltoken-required');
  });

  it('CONTROL BUSY ends the call as busy and releases the leg', async () => {
    const { d, rec } = await outgoing();
    accept(d, 4n);
    d.deliver(FrameType.CONTROL, ControlSubclass.BUSY);
    expect(rec.ended[0]?.error?.code).toBe('busy');
    expect(d.lastReliable().frame.subclass).toBe(IaxSubclass.HANGUP);
  });

  it('remote HANGUP while up; PING answered with echoed PONG; our PING every 20 s gives RTT', async () => {
    const { d, call, rec, clock } = await outgoing();
    accept(d, 4n);
    d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    d.deliver(FrameType.IAX, IaxSubclass.PING, new Uint8Array(0), { timestamp: 4321 });
    expect(d.lastReliable().frame).toMatchObject({ subclass: IaxSubclass.PONG, timestamp: 4321 });
    const rr = d.iesOf(d.lastReliable());
    expect(rr.u32(IeType.RR_PKTS)).toBe(0);
    expect(rr.u32(IeType.RR_LOSS)).toBe(0);
    expect(rr.u16(IeType.RR_DELAY)).toBe(0);
    d.deliver(FrameType.IAX, IaxSubclass.LAGRQ, new Uint8Array(0), { timestamp: 777 });
    expect(d.lastReliable().frame).toMatchObject({ subclass: IaxSubclass.LAGRP, timestamp: 777 });
    // First PING 2 s after ACCEPT (an RTT early in the call), then every 20 s.
    clock.advance(1_999);
    expect(d.lastReliable().frame.subclass).toBe(IaxSubclass.LAGRP);
    clock.advance(1);
    expect(d.lastReliable().frame.subclass).toBe(IaxSubclass.PING);
    const firstPing = d.sent.length;
    clock.advance(19_999);
    expect(d.sent.length).toBe(firstPing);
    clock.advance(1);
    expect(d.lastReliable().frame.subclass).toBe(IaxSubclass.PING);
    const pingAt = clock.now();
    clock.advance(35);
    d.deliver(FrameType.IAX, IaxSubclass.PONG, new Uint8Array(0), { timestamp: pingAt });
    expect(call.stats().rttMs).toBe(35);
    d.deliver(FrameType.IAX, IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16).finish());
    expect(rec.ended[0]).toMatchObject({ by: 'remote', causeCode: 16 });
    expect(d.closeReason).toBe('remote');
  });

  it('voice in: codec from the format bit, early media before ANSWER, stats count gaps', async () => {
    const { d, call, rec, clock } = await outgoing();
    accept(d, 4n);
    const got: Array<[string, number]> = [];
    call.on('voice', (v) => got.push([v.codec, v.timestamp]));
    for (const ts of [20, 40, 60, 120, 140]) { clock.advance(20); d.voice({ timestamp: ts, formatBit: 2, payload: new Uint8Array(160), full: ts === 20 }); }
    d.voice({ timestamp: 160, formatBit: 3, payload: new Uint8Array(160), full: true }); // codec change
    expect(rec.states).toEqual(['proceeding', 'early-media']);
    expect(got.map((g) => g[0])).toEqual(['ulaw', 'ulaw', 'ulaw', 'ulaw', 'ulaw', 'alaw']);
    d.deliver(FrameType.IAX, IaxSubclass.PING, new Uint8Array(0), { timestamp: 999 });
    const rr = d.iesOf(d.lastReliable());
    expect(rr.u32(IeType.RR_PKTS)).toBe(6);
    expect(rr.u32(IeType.RR_LOSS)).toBe((25 << 24) | 2); // 2 lost of 8 expected = 25 %
    call.setReceptionReportSource?.(() => ({ delayMs: 60, dropped: 3, jitterMs: 7.4 }));
    d.deliver(FrameType.IAX, IaxSubclass.PING, new Uint8Array(0), { timestamp: 1999 });
    const rr2 = d.iesOf(d.lastReliable());
    expect([rr2.u16(IeType.RR_DELAY), rr2.u32(IeType.RR_DROPPED), rr2.u32(IeType.RR_JITTER), rr2.u32(IeType.RR_PKTS)]).toEqual([60, 3, 7, 6]);
    const cng: Array<[number, number]> = [];
    call.on('cng', (c) => cng.push([c.timestamp, c.levelDbov]));
    d.deliver(FrameType.CNG, 60, new Uint8Array(0), { timestamp: 500 });
    expect(cng).toEqual([[500, 60]]);
    const s = call.stats();
    expect(s.framesReceived).toBe(6);
    expect(s.framesLost).toBe(2); // 80 and 100 missing
    expect(s.retransmissions).toBe(2);
  });

  it('blind transfer: notice if no HANGUP within 5 s; none if HANGUP comes', async () => {
    const { d, call, clock } = await outgoing();
    accept(d, 4n);
    d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    const notices: string[] = [];
    call.on('notice', (n) => notices.push(n.kind));
    call.transfer('700');
    expect(d.iesOf(d.lastReliable()).string(IeType.CALLED_NUMBER)).toBe('700');
    clock.advance(5001);
    expect(notices).toEqual(['transfer-may-have-failed']);

    const b = await outgoing();
    accept(b.d, 4n);
    b.d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    const n2: string[] = [];
    b.call.on('notice', (n) => n2.push(n.kind));
    b.call.transfer('700');
    b.clock.advance(1000);
    b.d.deliver(FrameType.IAX, IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16).finish());
    b.clock.advance(10_000);
    expect(n2).toEqual([]);
  });

  it('DTMF in: BEGIN+END and legacy END; TEXT with NUL; remote hold', async () => {
    const { d, call } = await outgoing();
    accept(d, 4n);
    const digits: string[] = [];
    call.on('dtmf', (x) => digits.push(`${x.phase}:${x.digit}`));
    const texts: string[] = [];
    call.on('text', (t) => texts.push(t));
    const holds: boolean[] = [];
    call.on('remote-hold', (h) => holds.push(h));
    d.deliver(FrameType.DTMF_BEGIN, 0x35);
    d.deliver(FrameType.DTMF, 0x35);
    d.deliver(FrameType.DTMF, 0x2a);
    d.deliver(FrameType.TEXT, 0, Uint8Array.of(0x68, 0x69, 0));
    d.deliver(FrameType.CONTROL, ControlSubclass.HOLD);
    d.deliver(FrameType.CONTROL, ControlSubclass.UNHOLD);
    expect(digits).toEqual(['begin:5', 'end:5', 'end:*']);
    expect(texts).toEqual(['hi']);
    expect(holds).toEqual([true, false]);
  });

  it('network failures: max-retries before ACCEPT = no answer from server; INVAL', async () => {
    const a = await outgoing();
    a.d.fail('max-retries');
    expect(a.rec.ended[0]?.error).toMatchObject({ code: 'no-answer', message: expect.stringMatching(/127\.0\.0\.1:4569/) });
    const b = await outgoing();
    accept(b.d, 4n);
    b.d.fail('inval');
    expect(b.rec.ended[0]).toMatchObject({ by: 'network', error: { code: 'network' } });
  });

  it('DNS failure, missing account, codecs outside the account', async () => {
    const clock = new FakeClock();
    const mgr = createCallManager(fakeHost(clock, []));
    const ends: CallEndInfo[] = [];
    mgr.dial({ number: '1' }, { ...account, server: 'bad.example' }).on('ended', (e) => ends.push(e));
    mgr.dial({ number: '1' }, undefined).on('ended', (e) => ends.push(e));
    mgr.dial({ number: '1', codecs: ['opus'] }, account).on('ended', (e) => ends.push(e));
    await flush();
    expect(ends.map((e) => e.error?.code).sort()).toEqual(['dns', 'internal', 'no-common-codec']);
    expect(mgr.calls()).toEqual([]);
  });

  it('server-initiated TRANSFER is a notice, not followed; voice goes on', async () => {
    const { d, call } = await outgoing();
    accept(d, 4n);
    d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    const notices: Array<[string, string | undefined]> = [];
    call.on('notice', (n) => notices.push([n.kind, n.target]));
    d.deliver(FrameType.IAX, IaxSubclass.TRANSFER, new IeWriter().string(IeType.CALLED_NUMBER, '800').string(IeType.CALLED_CONTEXT, 'default').finish());
    expect(notices).toEqual([['transfer-requested', '800']]);
    expect(call.state).toBe('up');
    // Mute is the media's (silence is sent: docs/decisions.md D-28); the call sends what it is given.
    const before = d.sent.length;
    call.sendVoice(new Uint8Array(160), 20);
    expect(d.sent.length).toBe(before + 1);
  });

  it('a throwing listener does not break the call', async () => {
    const { d, call, rec } = await outgoing();
    call.on('state', () => { throw new Error('UI bug'); });
    accept(d, 4n);
    d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    expect(call.state).toBe('up');
    expect(rec.states).toEqual(['proceeding', 'up']);
  });

  it('hangup during the token phase just closes the dialog', async () => {
    const { d, call, rec } = await outgoing();
    call.hangup();
    expect(d.closed).toBe(true);
    expect(rec.ended[0]?.error?.code).toBe('cancelled');
  });
});

function incomingNew(formats: { format: bigint; capability: bigint; prefs: string }, autoAnswer = false): Uint8Array {
  const w = new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '1001');
  if (autoAnswer) w.empty(IeType.AUTOANSWER);
  return w.string(IeType.CODEC_PREFS, formats.prefs).string(IeType.CALLING_NUMBER, '555').string(IeType.CALLING_NAME, 'Bob')
    .u32(IeType.FORMAT, Number(formats.format)).versionedU64(IeType.FORMAT2, formats.format)
    .u32(IeType.CAPABILITY, Number(formats.capability)).versionedU64(IeType.CAPABILITY2, formats.capability)
    .empty(IeType.CALLTOKEN).finish();
}

function newFrame(payload: Uint8Array) {
  return { kind: 'full' as const, sourceCall: 9, destCall: 0, retransmit: false, timestamp: 3, oseqno: 0, iseqno: 0, frameType: FrameType.IAX, subclass: IaxSubclass.NEW, payload };
}

describe('incoming call (spec §5.3, §6.5)', () => {
  it('ACCEPT with one codec, then RINGING; answer → ANSWER; remote hangup', () => {
    const clock = new FakeClock();
    const mgr = createCallManager(fakeHost(clock, []));
    const d = new FakeDialog(50, 'incoming', clock);
    d.remoteCall = 9;
    const call = mgr.incoming(d, newFrame(incomingNew({ format: 0xcn, capability: 0xen, prefs: 'EDC' })), account)!;
    expect(call).toBeDefined();
    expect(call.state).toBe('ringing');
    expect(call.codec).toBe('alaw');
    expect(call.remote).toEqual({ number: '555', name: 'Bob', address: '127.0.0.1:4569' });
    expect(call.autoAnswerRequested).toBe(false);
    expect(d.frames()).toEqual([[FrameType.IAX, IaxSubclass.ACCEPT], [FrameType.CONTROL, ControlSubclass.RINGING]]);
    const acc = d.iesOf(d.sent[0] as Extract<typeof d.sent[0], { kind: 'reliable' }>);
    expect(acc.u32(IeType.FORMAT)).toBe(8);
    expect(acc.versionedU64(IeType.FORMAT2)).toBe(8n);
    const rec = record(call);
    call.answer();
    expect(d.lastReliable().frame).toMatchObject({ frameType: FrameType.CONTROL, subclass: ControlSubclass.ANSWER });
    expect(call.state).toBe('up');
    call.sendVoice(new Uint8Array(160), 20);
    expect(d.sent.at(-1)).toMatchObject({ kind: 'voice', formatBit: 3 });
    d.deliver(FrameType.IAX, IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16).finish(), { sourceCall: 9 });
    expect(rec.states).toEqual(['up', 'ended']);
    expect(rec.ended[0]?.by).toBe('remote');
  });

  it('reject busy → REJECT 17 (final); declined → 21; AUTOANSWER flagged', () => {
    for (const [reason, code] of [['busy', 17], ['declined', 21]] as const) {
      const clock = new FakeClock();
      const mgr = createCallManager(fakeHost(clock, []));
      const d = new FakeDialog(50, 'incoming', clock);
      const call = mgr.incoming(d, newFrame(incomingNew({ format: 4n, capability: 4n, prefs: 'D' }, true)), account)!;
      expect(call.autoAnswerRequested).toBe(true);
      call.reject(reason);
      const r = d.lastReliable();
      expect(r.frame.subclass).toBe(IaxSubclass.REJECT);
      expect(r.options?.final).toBe(true);
      expect(d.iesOf(r).u8(IeType.CAUSECODE)).toBe(code);
      expect(call.state).toBe('ended');
      expect(mgr.calls()).toEqual([]);
    }
  });

  it('no common codec → REJECT 58 and no handle', () => {
    const clock = new FakeClock();
    const mgr = createCallManager(fakeHost(clock, []));
    const d = new FakeDialog(50, 'incoming', clock);
    const call = mgr.incoming(d, newFrame(incomingNew({ format: 0x100n, capability: 0x102n, prefs: 'JC' })), account);
    expect(call).toBeUndefined();
    expect(d.frames()).toEqual([[FrameType.IAX, IaxSubclass.REJECT]]);
    expect(d.iesOf(d.lastReliable()).u8(IeType.CAUSECODE)).toBe(58);
  });

  it('caller cancels while ringing → ended remote, cancelled', () => {
    const clock = new FakeClock();
    const mgr = createCallManager(fakeHost(clock, []));
    const d = new FakeDialog(50, 'incoming', clock);
    const call = mgr.incoming(d, newFrame(incomingNew({ format: 4n, capability: 4n, prefs: 'D' })), account)!;
    const rec = record(call);
    d.deliver(FrameType.IAX, IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16).finish());
    expect(rec.ended[0]).toMatchObject({ by: 'remote', error: { code: 'cancelled' } });
    call.answer(); // too late: no-op
    expect(d.frames().at(-1)).toEqual([FrameType.CONTROL, ControlSubclass.RINGING]);
  });
});

describe('CallManager bookkeeping', () => {
  it('calls() lists live calls; hangupAll() HANGs UP every call and waits for the dialogs (at most 3 s)', async () => {
    const clock = new FakeClock();
    const dialogs: FakeDialog[] = [];
    const mgr = createCallManager(fakeHost(clock, dialogs));
    const a = mgr.dial({ number: '1' }, account);
    const b = mgr.dial({ number: '2' }, account);
    await flush();
    for (const d of dialogs) { accept(d, 4n); d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER); }
    expect(mgr.calls().map((c) => c.id)).toEqual([a.id, b.id]);
    let done = false;
    const p = mgr.hangupAll().then(() => { done = true; });
    for (const d of dialogs) expect(d.lastReliable().frame.subclass).toBe(IaxSubclass.HANGUP);
    expect(mgr.calls()).toEqual([]);
    dialogs[0]!.close('local'); // first HANGUP ACKed
    await flush();
    expect(done).toBe(false);
    dialogs[1]!.close('local');
    await p;
    expect(done).toBe(true);
  });

  it('hangupAll() also waits for a call hung up just before it (its HANGUP not yet ACKed)', async () => {
    // Asterisk interop: `redial call` hangs up on Ctrl-C, then shuts down; without this wait the socket closed
    // before the HANGUP left and Asterisk kept the channel up.
    const clock = new FakeClock();
    const dialogs: FakeDialog[] = [];
    const mgr = createCallManager(fakeHost(clock, dialogs));
    const call = mgr.dial({ number: '612' }, account);
    await flush();
    accept(dialogs[0]!, 4n);
    dialogs[0]!.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    call.hangup();
    expect(call.state).toBe('ended');
    expect(mgr.calls()).toEqual([]);
    let done = false;
    const p = mgr.hangupAll().then(() => { done = true; });
    await flush();
    expect(done).toBe(false); // still waiting for the HANGUP's ACK
    dialogs[0]!.close('local');
    await p;
    expect(done).toBe(true);
    // Once settled, a later shutdown does not wait at all.
    let again = false;
    await mgr.hangupAll().then(() => { again = true; });
    expect(again).toBe(true);
  });

  it('hangupAll() gives up after 3 s when a HANGUP is never acknowledged', async () => {
    const clock = new FakeClock();
    const dialogs: FakeDialog[] = [];
    const mgr = createCallManager(fakeHost(clock, dialogs));
    mgr.dial({ number: '1' }, account);
    await flush();
    accept(dialogs[0]!, 4n);
    let done = false;
    const p = mgr.hangupAll().then(() => { done = true; });
    clock.advance(2999);
    await flush();
    expect(done).toBe(false);
    clock.advance(1);
    await p;
    expect(done).toBe(true);
  });
});
