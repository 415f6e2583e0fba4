// Call integrity against forged frames (docs/security.md §6): an attacker who knows the server's address and our
// call number, but not the server's, sends frames "from" the server. Frames from the apathetic call number 1 reach
// a dialog only as the stateless replies that answer its opening frame; frames without our call number (dcallno 0)
// only while the peer cannot know it. Every sequence number is tried, so a rule that leaked at any of them fails.
// The forged datagrams leave the scripted server's own socket: byte for byte and address for address what a
// spoofing attacker's would be.
import { describe, expect, it } from 'vitest';
import { encodeFullFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import type { CallHandle } from '../../electron/core/iax2/engine-api.js';
import { callRigs, watchCall, type CallRig, type CallWatch } from '../support/call-rig.js';

const rig = callRigs();

/** Hostile frames an attacker would like to land: each is something the user sees, or that ends or moves the call. */
const HOSTILE: ReadonlyArray<{ readonly name: string; readonly frameType: number; readonly subclass: number; readonly payload: Uint8Array }> = [
  { name: 'HANGUP', frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP, payload: new IeWriter().string(IeType.CAUSE, 'forged').u8(IeType.CAUSECODE, 16).finish() },
  { name: 'CONTROL HANGUP', frameType: FrameType.CONTROL, subclass: ControlSubclass.HANGUP, payload: new Uint8Array(0) },
  { name: 'REJECT', frameType: FrameType.IAX, subclass: IaxSubclass.REJECT, payload: new Uint8Array(0) },
  { name: 'TEXT', frameType: FrameType.TEXT, subclass: 0, payload: new TextEncoder().encode('forged text') },
  { name: 'DTMF 5', frameType: FrameType.DTMF, subclass: 0x35, payload: new Uint8Array(0) },
  { name: 'TRANSFER', frameType: FrameType.IAX, subclass: IaxSubclass.TRANSFER, payload: new IeWriter().string(IeType.CALLED_NUMBER, '666').finish() },
  { name: 'CALLTOKEN', frameType: FrameType.IAX, subclass: IaxSubclass.CALLTOKEN, payload: new IeWriter().string(IeType.CALLTOKEN, 'x').finish() },
  { name: 'CONTROL HOLD', frameType: FrameType.CONTROL, subclass: ControlSubclass.HOLD, payload: new Uint8Array(0) },
];

/** Every hostile frame at every sequence number, from `source` to `dest`. */
function sweep(r: CallRig, source: number, dest: number): void {
  for (const h of HOSTILE) {
    for (let seq = 0; seq < 256; seq++) {
      r.peer.injectRaw(encodeFullFrame({ sourceCall: source, destCall: dest, retransmit: false, timestamp: 1000 + seq,
        oseqno: seq, iseqno: seq, frameType: h.frameType, subclass: h.subclass, payload: h.payload }));
    }
  }
}

async function upOutgoing(): Promise<{ r: CallRig; call: CallHandle; w: CallWatch }> {
  const r = await rig();
  r.peer.serve = { outcome: { accept: 0x4n } };
  const call = r.engine.dial({ accountId: 'acc', number: '600' });
  const w = watchCall(call);
  await w.until('proceeding', () => call.state === 'proceeding');
  r.peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
  await w.until('up', () => call.state === 'up');
  return { r, call, w };
}

/** The call is still up and heard nothing forged; a frame of the real server still gets through. */
async function expectUntouched(r: CallRig, call: CallHandle, w: CallWatch): Promise<void> {
  // Everything forged has been handled once a frame sent after it has been (one socket, in order).
  r.peer.send(FrameType.TEXT, 0, new TextEncoder().encode('real'));
  await w.until('the real TEXT', () => w.text.includes('real'));
  expect(call.state).toBe('up');
  expect(w.ended).toBeUndefined();
  expect(w.text).toEqual(['real']);
  expect(w.dtmf).toEqual([]);
  // No NEW went out again (a forged CALLTOKEN would have made us resend it).
  expect(r.peer.fulls(FrameType.IAX, IaxSubclass.NEW).length).toBe(2);
}

describe('forged frames on an established call (outgoing)', () => {
  it('from call number 1 (the apathetic path), at every sequence number: ignored', async () => {
    const { r, call, w } = await upOutgoing();
    sweep(r, 1, r.peer.remote);
    await expectUntouched(r, call, w);
  });

  it('without our call number (dcallno 0), with the server\'s: ignored', async () => {
    const { r, call, w } = await upOutgoing();
    sweep(r, r.peer.local, 0);
    await expectUntouched(r, call, w);
  });

  it('with a wrong source call number: ignored (answered with INVAL to that number, not to the call)', async () => {
    const { r, call, w } = await upOutgoing();
    const wrong = r.peer.local === 2 ? 3 : r.peer.local - 1;
    sweep(r, wrong, r.peer.remote);
    await expectUntouched(r, call, w);
  });

  it('for contrast: with both call numbers right, a HANGUP sweep ends the call, as Asterisk lets it (docs/security.md §6.2)', async () => {
    const { r, w } = await upOutgoing();
    for (let seq = 0; seq < 256; seq++) {
      r.peer.injectRaw(encodeFullFrame({ sourceCall: r.peer.local, destCall: r.peer.remote, retransmit: false, timestamp: 5000 + seq,
        oseqno: seq, iseqno: 0, frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP, payload: new Uint8Array(0) }));
    }
    await w.until('ended', () => w.ended !== undefined);
  });
});

describe('forged frames on an established call (incoming)', () => {
  it('from call number 1 and without our number: ignored; the caller\'s own frames still work', async () => {
    const r = await rig({ acceptDirectCalls: true, account: null });
    r.peer.call({ address: '127.0.0.1', port: r.engine.localPort }, new IeWriter().u16(IeType.VERSION, 2)
      .string(IeType.CALLED_NUMBER, '1001').string(IeType.CALLING_NUMBER, '6001').string(IeType.CALLING_NAME, 'Caller')
      .u32(IeType.FORMAT, 4)
      .u32(IeType.CAPABILITY, 4).empty(IeType.CALLTOKEN));
    await r.peer.waitFrame(FrameType.CONTROL, ControlSubclass.RINGING);
    const call = r.incoming[0]!;
    const w = watchCall(call);
    call.answer();
    await w.until('up', () => call.state === 'up');
    sweep(r, 1, r.peer.remote);
    sweep(r, r.peer.local, 0);
    r.peer.send(FrameType.TEXT, 0, new TextEncoder().encode('real'));
    await w.until('the real TEXT', () => w.text.includes('real'));
    expect(call.state).toBe('up');
    expect(w.text).toEqual(['real']);
    expect(w.dtmf).toEqual([]);
  });
});

describe('the apathetic replies the protocol needs still work', () => {
  it('an apathetic REJECT (call token refused) ends a call being set up', async () => {
    const r = await rig();
    r.peer.serve = { apatheticReject: true };
    const call = r.engine.dial({ accountId: 'acc', number: '600' });
    const w = watchCall(call);
    await w.until('ended', () => w.ended !== undefined, 10_000);
    expect(w.ended?.error?.code).toBe('calltoken-required');
  });
});
