// Encrypted outgoing calls (spec §7, E-1..E-4) through the real engine over loopback UDP, against the scripted
// peer's own AES layout (test/support/scripted-peer-aes.ts, independent of the engine's crypto module).
import { describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../electron/core/iax2/engine-api.js';
import { formatTraceText } from '../../electron/core/iax2/trace/format.js';
import type { TraceEntry } from '../../electron/core/iax2/trace-types.js';
import { IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import { callRigs, watchCall } from '../support/call-rig.js';
import { sleep, until } from '../support/wait.js';

const newRig = callRigs();
const rig = (account: Partial<AccountConfig> = {}) =>
  newRig({ account: { secret: 's3cret', codecs: ['ulaw'], encryption: 'on', ...account } });

describe('encrypted outgoing call (spec §7)', () => {
  it('NEW offers 0x0001 → AUTHREQ+ENCRYPTION → encrypted AUTHREP → ACCEPT → voice both ways → DTMF → RTKEY → hangup', async () => {
    const { peer, engine } = await rig();
    const trace: TraceEntry[] = [];
    engine.on('trace', (t) => trace.push(t));
    peer.serve = { secret: 's3cret', encryption: 'yes', offerKeyRotate: true };
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');

    // E-1: AES-128 offered without the key-rotate bit (P14), in both copies of the NEW.
    expect(peer.firstNewIes!.u16(IeType.ENCRYPTION)).toBe(0x0001);
    expect(peer.newIes!.u16(IeType.ENCRYPTION)).toBe(0x0001);
    expect(call.encrypted).toBe(true);
    // E-3: NEW went in clear, AUTHREP (and everything after) encrypted; the peer decrypted all of it.
    const rx = peer.wire.filter((x) => x.dir === 'rx');
    expect(rx.filter((x) => x.kind === 'full' && x.subclass === IaxSubclass.NEW && x.frameType === FrameType.IAX).every((x) => !x.encrypted)).toBe(true);
    const authrep = rx.find((x) => x.frameType === FrameType.IAX && x.subclass === IaxSubclass.AUTHREP);
    expect(authrep?.encrypted).toBe(true);
    expect(peer.fulls(FrameType.IAX, IaxSubclass.AUTHREP).length).toBeGreaterThan(0); // MD5 checked → ACCEPT followed

    peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await w.until('up', () => call.state === 'up');

    // Voice out: a full frame then minis, all encrypted, all decrypted by the peer with their payload intact.
    for (let i = 0; i < 5; i++) { call.sendVoice(new Uint8Array(160).fill(i + 1), 20); await sleep(20); }
    await peer.waitFor('4 minis', () => peer.minis().length >= 4);
    expect(peer.fulls(FrameType.VOICE)[0]!.payload[0]).toBe(1);
    expect(peer.minis().slice(0, 4).map((m) => m.payload[0])).toEqual([2, 3, 4, 5]);

    // Voice in, encrypted by the peer.
    peer.sendVoiceFull(2, 4000, new Uint8Array(160).fill(7));
    peer.sendMini(4020, new Uint8Array(160).fill(8));
    await w.until('two voice frames', () => w.voice.length >= 2);
    expect(w.voice.slice(0, 2).map((v) => [v.timestamp, v.payload[0]])).toEqual([[4000, 7], [4020, 8]]);

    // DTMF both ways.
    call.sendDtmf('42');
    await peer.waitFrame(FrameType.DTMF, 0x32);
    peer.send(FrameType.DTMF, 0x39);
    await w.until('dtmf in', () => w.dtmf.length === 1);
    expect(w.dtmf).toEqual(['9']);

    // E-4: RTKEY — the peer switches its encrypt key; our decrypt key follows, our encrypt key stays.
    peer.rotateKey();
    peer.sendMini(4040, new Uint8Array(160).fill(12));
    await w.until('voice after RTKEY', () => w.voice.some((v) => v.payload[0] === 12));
    call.sendDtmf('7');
    await peer.waitFrame(FrameType.DTMF, 0x37);

    // Every datagram of the dialog after the AUTHREQ was encrypted on the wire, both ways; nothing undecryptable.
    const authreqAt = peer.wire.findIndex((x) => x.dir === 'tx' && x.frameType === FrameType.IAX && x.subclass === IaxSubclass.AUTHREQ);
    const after = peer.wire.slice(authreqAt + 1).filter((x) => !(x.dir === 'tx' && x.subclass === IaxSubclass.AUTHREQ && x.frameType === FrameType.IAX));
    expect(after.length).toBeGreaterThan(20);
    expect(after.filter((x) => !x.encrypted)).toEqual([]);
    expect(peer.undecryptable).toBe(0);

    call.hangup();
    const h = await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
    expect(Array.from(h.payload)).toEqual([IeType.CAUSECODE, 1, 16]);
    await w.until('dialog closed', () => engine.stateSizes().dialogs === 0);
    expect(w.ended?.error).toBeUndefined();

    // The trace shows encrypted frames decrypted and marked, and never the key.
    const authrepTrace = trace.find((t) => t.direction === 'tx' && t.subclass === 'AUTHREP')!;
    expect(authrepTrace.ies.map((i) => i.name)).toContain('ENCRYPTED');
    expect(trace.some((t) => t.kind === 'mini' && formatTraceText(t).includes('(encrypted)'))).toBe(true);
    const newTrace = trace.find((t) => t.direction === 'tx' && t.subclass === 'NEW')!;
    expect(newTrace.ies.map((i) => i.name)).not.toContain('ENCRYPTED');
    const key = Buffer.from((await import('node:crypto')).createHash('md5').update(peer.challenge + 's3cret').digest()).toString('hex');
    expect(JSON.stringify(trace.map((t) => ({ ...t, raw: undefined })))).not.toContain(key);
  });

  it("'on' against a server that does not encrypt: the call stays clear and works", async () => {
    const { peer, engine } = await rig();
    peer.serve = { secret: 's3cret' };
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');
    expect(peer.newIes!.u16(IeType.ENCRYPTION)).toBe(0x0001);
    expect(call.encrypted).toBe(false);
    expect(peer.wire.some((x) => x.encrypted)).toBe(false);
    call.hangup();
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
  });

  it("'required' against a server that does not encrypt: HANGUP with a clear error", async () => {
    const { peer, engine } = await rig({ encryption: 'required' });
    peer.serve = { secret: 's3cret' };
    const w = watchCall(engine.dial({ accountId: 'acc', number: '600' }));
    await w.until('ended', () => w.ended !== undefined);
    expect(w.ended?.error?.code).toBe('rejected');
    expect(w.ended?.error?.message).toMatch(/did not agree to encrypt/);
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
    expect(peer.fulls(FrameType.IAX, IaxSubclass.AUTHREP)).toEqual([]); // no credentials sent
  });

  it("'required' against a server without a secret (ACCEPT at once): hung up, never clear media", async () => {
    const { peer, engine } = await rig({ encryption: 'required' });
    peer.serve = {};
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('ended', () => w.ended !== undefined);
    expect(w.ended?.error?.message).toMatch(/did not agree to encrypt/);
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
  });

  it("'off' (default) offers nothing; forceencryption then refuses with No authority found", async () => {
    const { peer, engine } = await rig({ encryption: undefined });
    peer.serve = { secret: 's3cret', encryption: 'force' };
    const w = watchCall(engine.dial({ accountId: 'acc', number: '600' }));
    await w.until('ended', () => w.ended !== undefined);
    expect(peer.newIes!.has(IeType.ENCRYPTION)).toBe(false);
    expect(w.ended).toMatchObject({ cause: 'No authority found', error: { code: 'auth-failed' } });
  });

  it('a server holding another password: its encrypted REJECT does not decrypt; the call fails fast and says why', async () => {
    const { peer, engine } = await rig({ secret: 'wrong' });
    peer.serve = { secret: 's3cret', encryption: 'yes', rejectUndecryptable: true };
    peer.rto = 100;
    const trace: TraceEntry[] = [];
    engine.on('trace', (t) => trace.push(t));
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('ended', () => w.ended !== undefined);
    // The trace says what happened instead of showing garbage as frames.
    expect(trace.filter((t) => t.kind === 'malformed' && /does not decrypt/.test(t.error ?? '')).length).toBeGreaterThanOrEqual(2);
    expect(trace.filter((t) => t.direction === 'rx' && t.kind === 'full' && t.subclass === 'REJECT')).toEqual([]);
    expect(peer.undecryptable).toBeGreaterThan(0); // our AUTHREP, under our (wrong) key
    expect(w.ended?.error?.code).toBe('auth-failed');
    expect(w.ended?.error?.message).toMatch(/different password/);
    expect(call.encrypted).toBe(true);
  });

  it("a server that does not encrypt with us cannot make us accept garbage: 'on' ignores stray undecryptable frames after ACCEPT", async () => {
    const { peer, engine } = await rig();
    const trace: TraceEntry[] = [];
    engine.on('trace', (t) => trace.push(t));
    peer.serve = { secret: 's3cret', encryption: 'yes' };
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');
    peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await w.until('up', () => call.state === 'up');
    // Three "encrypted" datagrams of random bytes with our call numbers: dropped, the call goes on.
    const { randomBytes } = await import('node:crypto');
    const mark = trace.length;
    for (let i = 0; i < 3; i++) {
      const junk = new Uint8Array(randomBytes(4 + 48));
      junk[0] = 0x80 | (peer.local >> 8); junk[1] = peer.local & 0xff; junk[2] = peer.remote >> 8; junk[3] = peer.remote & 0xff;
      junk[10] = 0xff; // whatever the key, not a frame type in clear either
      peer.injectRaw(junk);
    }
    // All three have been read (random bytes almost always fail to decrypt, but now and then one opens into some
    // frame; either way it must not hurt the call, which the rest of the test checks).
    await until('the junk read', () => trace.slice(mark).filter((t) => t.direction === 'rx').length >= 3);
    peer.sendMini(3000, new Uint8Array(160).fill(3));
    peer.sendVoiceFull(2, 3020, new Uint8Array(160).fill(4));
    await w.until('voice after junk', () => w.voice.some((v) => v.payload[0] === 4));
    expect(call.state).toBe('up');
    expect(w.ended).toBeUndefined();
    call.hangup();
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
  });
});

describe('encrypted incoming call (spec §7.1: ENCRYPTION in Asterisk\'s NEW)', () => {
  async function registeredRig(mode: 'on' | 'required' | 'off', secret = 's3cret') {
    const { peer, engine, incoming } = await newRig({ account: { username: '4001', secret, codecs: ['ulaw'], register: true, encryption: mode } });
    await until('no registration', () => engine.registrations().some((r) => r.status === 'registered'), 3000);
    return { peer, engine, incoming };
  }
  const asteriskNew = (enc?: number) => {
    const w = new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '4001').string(IeType.CODEC_PREFS, 'D')
      .string(IeType.CALLING_NUMBER, '6001').u8(IeType.CALLINGPRES, 0).u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 4n)
      .u32(IeType.CAPABILITY, 4).versionedU64(IeType.CAPABILITY2, 4n);
    if (enc !== undefined) w.u16(IeType.ENCRYPTION, enc);
    return w.empty(IeType.CALLTOKEN);
  };

  it('NEW+ENCRYPTION → our AUTHREQ (clear, ENCRYPTION 1) → encrypted AUTHREP → ACCEPT → answer → voice both ways', async () => {
    const { peer, engine, incoming } = await registeredRig('on');
    peer.callerSecret = 's3cret';
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew(0x8001));
    const authreq = await peer.waitFrame(FrameType.IAX, IaxSubclass.AUTHREQ);
    const r = IeReader.fromPayload(authreq.payload);
    expect(r.ok && r.value.u16(IeType.ENCRYPTION)).toBe(0x0001);
    expect(r.ok && r.value.u16(IeType.AUTHMETHODS)).toBe(2);
    expect(peer.wire.find((x) => x.dir === 'rx' && x.subclass === IaxSubclass.AUTHREQ && x.frameType === FrameType.IAX)?.encrypted).toBe(false);
    await peer.waitFrame(FrameType.IAX, IaxSubclass.ACCEPT);
    expect(peer.wire.find((x) => x.dir === 'rx' && x.subclass === IaxSubclass.ACCEPT && x.frameType === FrameType.IAX)?.encrypted).toBe(true);
    await peer.waitFrame(FrameType.CONTROL, ControlSubclass.RINGING);
    expect(incoming).toHaveLength(1);
    const call = incoming[0]!;
    expect(call.encrypted).toBe(true);
    const w = watchCall(call);
    call.answer();
    await peer.waitFrame(FrameType.CONTROL, ControlSubclass.ANSWER);
    peer.sendVoiceFull(2, 1000, new Uint8Array(160).fill(5));
    peer.sendMini(1020, new Uint8Array(160).fill(6));
    await w.until('voice in', () => w.voice.length >= 2);
    for (let i = 0; i < 3; i++) { call.sendVoice(new Uint8Array(160).fill(20 + i), 20); await sleep(20); }
    await peer.waitFor('2 minis', () => peer.minis().length >= 2);
    expect(peer.minis().map((m) => m.payload[0])).toEqual([21, 22]);
    expect(peer.undecryptable).toBe(0);
    const afterAuthreq = peer.wire.filter((x) => x.kind !== 'other').slice(
      peer.wire.findIndex((x) => x.dir === 'tx' && x.subclass === IaxSubclass.AUTHREP && x.frameType === FrameType.IAX));
    expect(afterAuthreq.filter((x) => !x.encrypted && !(x.frameType === FrameType.IAX && x.subclass === IaxSubclass.AUTHREQ))).toEqual([]);
    peer.sendIax(IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16));
    await w.until('ended', () => w.ended !== undefined);
  });

  it('a caller with another password: its AUTHREP does not decrypt; the ringing call ends with a clear error, never ACCEPTed', async () => {
    const { peer, engine, incoming } = await registeredRig('on');
    peer.callerSecret = 'not-it';
    peer.rto = 100;
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew(0x0001));
    await until('incoming', () => incoming.length === 1);
    const call = incoming[0]!;
    const w = watchCall(call);
    await until('ended', () => w.ended !== undefined || call.state === 'ended');
    expect(call.state).toBe('ended');
    expect(peer.fulls(FrameType.IAX, IaxSubclass.ACCEPT)).toEqual([]);
    expect(peer.wire.some((x) => x.dir === 'rx' && x.frameType === FrameType.IAX && x.subclass === IaxSubclass.ACCEPT)).toBe(false);
  });

  it("'required' refuses an unencrypted incoming NEW; 'off' ignores ENCRYPTION and ACCEPTs in clear", async () => {
    const a = await registeredRig('required');
    a.peer.call({ address: '127.0.0.1', port: a.engine.localPort }, asteriskNew());
    const rej = await a.peer.waitFrame(FrameType.IAX, IaxSubclass.REJECT);
    const rr = IeReader.fromPayload(rej.payload);
    expect(rr.ok && rr.value.string(IeType.CAUSE)).toBe('Encryption required');
    expect(a.incoming).toEqual([]);

    const b = await registeredRig('off');
    b.peer.call({ address: '127.0.0.1', port: b.engine.localPort }, asteriskNew(0x8001));
    await b.peer.waitFrame(FrameType.IAX, IaxSubclass.ACCEPT);
    expect(b.peer.fulls(FrameType.IAX, IaxSubclass.AUTHREQ)).toEqual([]);
    expect(b.peer.wire.some((x) => x.encrypted)).toBe(false);
    expect(b.incoming[0]?.encrypted).toBe(false);
  });
});
