// Incoming calls through the real engine over loopback UDP from the scripted peer (spec §5.3, §6.5, C-3).
import { describe, expect, it } from 'vitest';
import { IeReader, IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import { callRigs, watchCall } from '../support/call-rig.js';
import { sleep, until } from '../support/wait.js';

const newRig = callRigs();
const rig = () => newRig({ account: null, acceptDirectCalls: true });

/** Asterisk's NEW (spec §3.3 "NEW, Asterisk → client"): several FORMAT bits, prefs with the native formats first. */
function asteriskNew(opts: { format: bigint; capability: bigint; prefs: string; autoAnswer?: boolean }): IeWriter {
  const w = new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '1001');
  if (opts.autoAnswer) w.empty(IeType.AUTOANSWER);
  return w.string(IeType.CODEC_PREFS, opts.prefs).string(IeType.CALLING_NUMBER, '6001').u8(IeType.CALLINGPRES, 0)
    .string(IeType.CALLING_NAME, 'Bob').u32(IeType.FORMAT, Number(opts.format)).versionedU64(IeType.FORMAT2, opts.format)
    .u32(IeType.CAPABILITY, Number(opts.capability)).versionedU64(IeType.CAPABILITY2, opts.capability)
    .u16(IeType.ADSICPE, 0).empty(IeType.CALLTOKEN);
}

describe('incoming call from the scripted peer', () => {
  it('NEW → ACCEPT (one codec) → RINGING → answer → voice both ways → remote hangup', async () => {
    const { peer, engine, incoming } = await rig();
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew({ format: 0xcn, capability: 0x10en, prefs: 'EDC' }));
    await until('incoming', () => incoming.length === 1);
    const call = incoming[0]!;
    const w = watchCall(call);
    expect(call.direction).toBe('incoming');
    expect(call.state).toBe('ringing');
    // The caller's ID, and where the NEW came from (a direct call's only way back).
    expect(call.remote).toEqual({ number: '6001', name: 'Bob', address: `127.0.0.1:${peer.endpoint.port}` });
    expect(call.number).toBe('1001');
    expect(call.codec).toBe('alaw'); // first prefs entry in FORMAT ∩ ours (§6.5 step 1)
    expect(call.autoAnswerRequested).toBe(false);

    const ringing = await peer.waitFrame(FrameType.CONTROL, ControlSubclass.RINGING);
    const frames = peer.dialogFrames();
    // ACCEPT before anything else, then RINGING (C-3).
    expect(frames.slice(0, 2).map((f) => [f.frameType, f.subclass])).toEqual([[FrameType.IAX, IaxSubclass.ACCEPT], [FrameType.CONTROL, ControlSubclass.RINGING]]);
    const acc = (IeReader.fromPayload(frames[0]!.payload) as { ok: true; value: IeReader }).value;
    expect(acc.u32(IeType.FORMAT)).toBe(8);
    expect(acc.versionedU64(IeType.FORMAT2)).toBe(8n);
    expect(ringing.oseqno).toBe(1);

    call.answer();
    await peer.waitFrame(FrameType.CONTROL, ControlSubclass.ANSWER);
    expect(call.state).toBe('up');

    // Voice flows once the caller has acknowledged us (docs/security.md §7.4): frames before its ACK are not sent.
    for (let i = 0; i < 50 && peer.minis().length < 3; i++) { call.sendVoice(new Uint8Array(160).fill(0x55), 20); await sleep(20); }
    await peer.waitFor('3 minis', () => peer.minis().length >= 3);
    expect(peer.fulls(FrameType.VOICE)[0]!.subclass).toBe(8);

    peer.sendVoiceFull(3, 200, new Uint8Array(160).fill(1));
    await until('voice in', () => w.voice.length === 1);
    peer.sendMini(220, new Uint8Array(160).fill(2));
    await until('voice in 2', () => w.voice.length === 2);
    peer.sendTrunk(240, new Uint8Array(160).fill(3)); // trunk entries are voice too (spec §1.5, P17)
    await until('voice in 3', () => w.voice.length === 3);
    expect(w.voice.map((v) => [v.codec, v.timestamp, v.payload[0]])).toEqual([['alaw', 200, 1], ['alaw', 220, 2], ['alaw', 240, 3]]);

    peer.sendIax(IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16));
    await until('ended', () => w.ended !== undefined);
    expect(w.ended).toMatchObject({ by: 'remote', causeCode: 16 });
    expect(engine.calls()).toEqual([]);
  });

  it('voice across the 16-bit timestamp wrap arrives un-wrapped (spec §4.7, P8); codec change on a full frame', async () => {
    const { peer, engine, incoming } = await rig();
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew({ format: 0xcn, capability: 0xcn, prefs: 'DE' }));
    await until('incoming', () => incoming.length === 1);
    const call = incoming[0]!;
    const w = watchCall(call);
    call.answer();
    await peer.waitFrame(FrameType.CONTROL, ControlSubclass.ANSWER);
    peer.sendVoiceFull(2, 65_500, new Uint8Array(160));
    await until('v1', () => w.voice.length === 1);
    for (const ts of [65_520, 65_540, 65_560]) { peer.sendMini(ts, new Uint8Array(160)); await sleep(5); }
    await until('v4', () => w.voice.length === 4);
    peer.sendVoiceFull(3, 65_580, new Uint8Array(160)); // the far end switches to A-law
    peer.sendMini(65_600, new Uint8Array(160));
    await until('v6', () => w.voice.length === 6);
    expect(w.voice.map((v) => [v.codec, v.timestamp])).toEqual([
      ['ulaw', 65_500], ['ulaw', 65_520], ['ulaw', 65_540], ['ulaw', 65_560], ['alaw', 65_580], ['alaw', 65_600]]);
  });

  it('reject busy → REJECT with CAUSECODE 17', async () => {
    const { peer, engine, incoming } = await rig();
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew({ format: 0x4n, capability: 0x4n, prefs: 'D', autoAnswer: true }));
    await until('incoming', () => incoming.length === 1);
    expect(incoming[0]!.autoAnswerRequested).toBe(true);
    incoming[0]!.reject('busy');
    const rej = await peer.waitFrame(FrameType.IAX, IaxSubclass.REJECT);
    const ies = (IeReader.fromPayload(rej.payload) as { ok: true; value: IeReader }).value;
    expect(ies.u8(IeType.CAUSECODE)).toBe(17);
    await until('dialog gone', () => engine.stateSizes().dialogs === 0);
  });

  it('no common codec → REJECT 58, no incoming event', async () => {
    const { peer, engine, incoming } = await rig();
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew({ format: 0x100n, capability: 0x102n, prefs: 'JC' }));
    const rej = await peer.waitFrame(FrameType.IAX, IaxSubclass.REJECT);
    const ies = (IeReader.fromPayload(rej.payload) as { ok: true; value: IeReader }).value;
    expect(ies.u8(IeType.CAUSECODE)).toBe(58);
    expect(incoming).toEqual([]);
  });

  it('caller cancels while ringing → ended, cancelled', async () => {
    const { peer, engine, incoming } = await rig();
    peer.call({ address: '127.0.0.1', port: engine.localPort }, asteriskNew({ format: 0x4n, capability: 0x4n, prefs: 'D' }));
    await until('incoming', () => incoming.length === 1);
    const w = watchCall(incoming[0]!);
    await peer.waitFrame(FrameType.CONTROL, ControlSubclass.RINGING);
    peer.sendIax(IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16));
    await until('ended', () => w.ended !== undefined);
    expect(w.ended).toMatchObject({ by: 'remote', error: { code: 'cancelled' } });
  });
});
