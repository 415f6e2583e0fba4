// Outgoing calls through the real engine over loopback UDP against the scripted peer (spec §5.2, C-1..C-7).
import { describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../electron/core/iax2/engine-api.js';
import { IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import { callRigs, watchCall } from '../support/call-rig.js';
import { tsharkAvailable, tsharkDecode, tsharkProblems } from '../support/tshark.js';
import { sleep } from '../support/wait.js';
import { pcapFromTrace } from '../../electron/core/iax2/trace/pcap.js';
import type { TraceEntry } from '../../electron/core/iax2/trace-types.js';

const newRig = callRigs();
const rig = (account: Partial<AccountConfig> = {}) =>
  newRig({ account: { callerIdName: 'Alice', callerIdNumber: '1001', codecs: ['ulaw', 'alaw'], ...account } });

describe('outgoing call against the scripted peer', () => {
  it('token + MD5 → ACCEPT (ACKed) → RINGING → ANSWER → voice both ways → DTMF → TEXT → hold → hangup', async () => {
    const { peer, engine } = await rig();
    const trace: TraceEntry[] = [];
    engine.on('trace', (t) => trace.push(t));
    peer.serve = { secret: 'pw', outcome: { accept: 0x8n } };
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');
    expect(call.codec).toBe('alaw');

    // NEW: spec §3.3 order, empty CALLTOKEN last, then resent with the token (K-1, K-2).
    const order = peer.newIes!.ies.map((i) => i.type);
    expect(order).toEqual([IeType.VERSION, IeType.CALLED_NUMBER, IeType.CODEC_PREFS, IeType.CALLING_NUMBER, IeType.CALLINGPRES,
      IeType.CALLING_NAME, IeType.USERNAME, IeType.FORMAT, IeType.FORMAT2, IeType.CAPABILITY, IeType.CAPABILITY2, IeType.CALLTOKEN]);
    expect(peer.firstNewIes!.ies.at(-1)).toMatchObject({ type: IeType.CALLTOKEN });
    expect(peer.firstNewIes!.bytes(IeType.CALLTOKEN)!.length).toBe(0);
    expect(peer.newIes!.string(IeType.CALLTOKEN)).toBe(peer.token);
    expect(peer.newIes!.string(IeType.CALLED_NUMBER)).toBe('600');
    expect(peer.newIes!.string(IeType.CODEC_PREFS)).toBe('DE');
    expect(peer.newIes!.versionedU64(IeType.CAPABILITY2)).toBe(0xcn);
    // AUTHREP carried the right MD5 (the peer only ACCEPTs then), and the ACCEPT was ACKed with its timestamp (C-2).
    const acceptTs = peer.sent.find((f) => f.frameType === FrameType.IAX && f.subclass === IaxSubclass.ACCEPT)!.timestamp;
    await peer.waitFor('ACK of ACCEPT', () => peer.fulls(FrameType.IAX, IaxSubclass.ACK).find((a) => a.timestamp === acceptTs));

    peer.send(FrameType.CONTROL, ControlSubclass.RINGING);
    await w.until('ringing', () => call.state === 'ringing');
    peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await w.until('up', () => call.state === 'up');
    expect(w.states).toEqual(['proceeding', 'ringing', 'up']);

    // Voice out: first frame full, then minis, timestamps +20 ms (spec §4.6, T-2).
    for (let i = 0; i < 6; i++) { call.sendVoice(new Uint8Array(160).fill(i + 1), 20); await sleep(20); }
    await peer.waitFor('5 minis', () => peer.minis().length >= 5);
    const full = peer.fulls(FrameType.VOICE)[0]!;
    expect(full.subclass).toBe(8); // alaw
    expect(full.payload[0]).toBe(1);
    const minis = peer.minis().slice(0, 5);
    const ts = [full.timestamp, ...minis.map((m) => m.timestamp16)];
    for (let i = 1; i < ts.length; i++) expect((ts[i]! - ts[i - 1]! + 0x10000) & 0xffff).toBe(20);
    expect(minis.map((m) => m.payload[0])).toEqual([2, 3, 4, 5, 6]);

    // Voice in: full then minis, un-wrapped timestamps, codec named.
    peer.sendVoiceFull(3, 5000, new Uint8Array(160).fill(9));
    await w.until('first voice', () => w.voice.length >= 1);
    peer.sendMini(5020, new Uint8Array(160).fill(10));
    peer.sendMini(5040, new Uint8Array(160).fill(11));
    await w.until('three voice frames', () => w.voice.length >= 3);
    expect(w.voice.map((v) => [v.codec, v.timestamp, v.payload[0]])).toEqual([['alaw', 5000, 9], ['alaw', 5020, 10], ['alaw', 5040, 11]]);

    // DTMF: BEGIN then END per digit, received in order by the peer (C-6).
    call.sendDtmf('5#');
    await peer.waitFrame(FrameType.DTMF, 0x23);
    const dtmf = peer.dialogFrames().filter((f) => f.frameType === FrameType.DTMF || f.frameType === FrameType.DTMF_BEGIN)
      .map((f) => [f.frameType, String.fromCharCode(f.subclass)]);
    expect(dtmf).toEqual([[12, '5'], [1, '5'], [12, '#'], [1, '#']]);

    // TEXT both ways (UTF-8 + NUL).
    call.sendText('grüß');
    const t = await peer.waitFrame(FrameType.TEXT, 0);
    expect(Buffer.from(t.payload).toString('utf8')).toBe('grüß\0');
    peer.send(FrameType.TEXT, 0, new Uint8Array(Buffer.from('hi there\0')));
    await w.until('text', () => w.text.length === 1);
    expect(w.text).toEqual(['hi there']);

    // Hold/unhold: QUELCH with MUSICONHOLD, UNQUELCH (spec §5.7 (b)).
    call.hold();
    const q = await peer.waitFrame(FrameType.IAX, IaxSubclass.QUELCH);
    expect(q.payload).toEqual(new Uint8Array([IeType.MUSICONHOLD, 0]));
    expect(call.state).toBe('held');
    call.unhold();
    await peer.waitFrame(FrameType.IAX, IaxSubclass.UNQUELCH);
    expect(call.state).toBe('up');

    // Local hangup: HANGUP cause 16, ACKed by the peer, then the dialog is gone (spec §4.8).
    call.hangup();
    const h = await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
    expect(Array.from(h.payload)).toEqual([IeType.CAUSECODE, 1, 16]);
    await w.until('dialog closed', () => engine.stateSizes().dialogs === 0);
    expect(w.ended).toMatchObject({ by: 'local', causeCode: 16 });
    expect(w.ended?.error).toBeUndefined();
    const stats = call.stats();
    expect(stats.framesSent).toBe(6);
    expect(stats.framesReceived).toBe(3);
    expect(stats.framesLost).toBe(0);

    // Wireshark's IAX2 dissector (independent of us) decodes every frame we sent without complaint.
    if (tsharkAvailable()) {
      const pcap = pcapFromTrace(trace, { address: '127.0.0.1', port: engine.localPort });
      const packets = await tsharkDecode(pcap, { ports: [engine.localPort, peer.endpoint.port] });
      const txCount = trace.filter((t) => t.direction === 'tx').length;
      expect(packets.length).toBe(trace.length);
      const problems = packets.filter((_, i) => trace[i]!.direction === 'tx').flatMap((p) => tsharkProblems(p).map((x) => `#${p.number}: ${x}`));
      expect(problems).toEqual([]);
      expect(txCount).toBeGreaterThan(20);
    }
  });

  it('remote HANGUP ends the call; the peer receives an ACK with the HANGUP timestamp', async () => {
    const { peer, engine } = await rig();
    peer.serve = { secret: 'pw' };
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');
    peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await w.until('up', () => call.state === 'up');
    peer.sendIax(IaxSubclass.HANGUP, new IeWriter().u8(IeType.CAUSECODE, 16));
    await w.until('ended', () => w.ended !== undefined);
    expect(w.ended).toMatchObject({ by: 'remote', causeCode: 16 });
    const hts = peer.fulls(FrameType.IAX, IaxSubclass.HANGUP).length; // none from us
    expect(hts).toBe(0);
    await peer.waitFor('ACK of HANGUP', () => peer.fulls(FrameType.IAX, IaxSubclass.ACK).at(-1));
    expect(engine.calls()).toEqual([]);
  });

  it('BUSY: CONTROL BUSY → ended busy, our leg released', async () => {
    const { peer, engine } = await rig();
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');
    peer.send(FrameType.CONTROL, ControlSubclass.BUSY);
    await w.until('ended', () => w.ended !== undefined);
    expect(w.ended?.error?.code).toBe('busy');
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
  });

  const rejects: Array<[string, number, string]> = [
    ['No authority found', 50, 'auth-failed'], ['No such context/extension', 3, 'no-route'],
    ['Unable to negotiate codec', 58, 'no-common-codec'], ['Busy', 17, 'busy'],
  ];
  for (const [cause, code, expected] of rejects) {
    it(`REJECT ${code} (${cause}) → ${expected}`, async () => {
      const { peer, engine } = await rig();
      peer.serve = { outcome: { reject: { cause, code } } };
      const call = engine.dial({ accountId: 'acc', number: '600' });
      const w = watchCall(call);
      await w.until('ended', () => w.ended !== undefined);
      expect(w.ended).toMatchObject({ by: 'remote', causeCode: code, cause, error: { code: expected } });
    });
  }

  it('wrong password → REJECT 50 → auth-failed', async () => {
    const { peer, engine } = await rig({ secret: 'wrong' });
    peer.serve = { secret: 'pw' };
    const w = watchCall(engine.dial({ accountId: 'acc', number: '600' }));
    await w.until('ended', () => w.ended !== undefined);
    expect(w.ended?.error?.code).toBe('auth-failed');
  });

  it('apathetic REJECT (scallno 1, no IEs) → calltoken-required', async () => {
    const { peer, engine } = await rig();
    peer.serve = { apatheticReject: true };
    const w = watchCall(engine.dial({ accountId: 'acc', number: '600' }));
    await w.until('ended', () => w.ended !== undefined);
    expect(w.ended?.error?.code).toBe('calltoken-required');
  });

  it('server without call tokens and without a secret: ACCEPT straight away', async () => {
    const { peer, engine } = await rig();
    peer.serve = { callToken: false };
    const call = engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('proceeding', () => call.state === 'proceeding');
    expect(call.codec).toBe('ulaw');
    expect(peer.firstNewIes).toBeUndefined();
  });
});
