// Transport regressions found by running the engine against a real Asterisk 22. CI had no
// Asterisk then, so each case replays the frames Asterisk sent.
import { beforeEach, describe, expect, it } from 'vitest';
import { IaxTransport } from '../../../../electron/core/iax2/transport/iax-transport.js';
import type { ReliableDialog } from '../../../../electron/core/iax2/transport/reliable-dialog.js';
import { encodeTrunkFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { frame, MemorySocket, SeededRandom } from './helpers.js';

const SERVER = { address: '127.0.0.1', port: 4570 };
const USER_IES = [{ type: IeType.USERNAME, data: new TextEncoder().encode('1001') }];

let clock: FakeClock;
let socket: MemorySocket;
let transport: IaxTransport;

beforeEach(() => {
  clock = new FakeClock();
  socket = new MemorySocket();
  transport = new IaxTransport({ socket, clock, random: new SeededRandom(11), isKnownSource: () => true });
});

function establish(): ReliableDialog {
  const d = transport.openDialog(SERVER);
  if (!d) throw new Error('no dialog');
  d.sendOpening(IaxSubclass.NEW, USER_IES);
  socket.deliver(frame({ sourceCall: 9284, destCall: d.localCall, timestamp: 8, oseqno: 0, iseqno: 1,
    frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREQ }), SERVER);
  return d;
}

/** Asterisk ACKs a frame by echoing its timestamp; the ACK's iseqno covers our last frame. */
function ackLast(d: ReliableDialog, oseqno: number): void {
  const last = socket.fullFrames().at(-1)!;
  socket.deliver(frame({ sourceCall: 9284, destCall: d.localCall, timestamp: last.timestamp, oseqno,
    iseqno: (last.oseqno + 1) & 0xff, frameType: FrameType.IAX, subclass: IaxSubclass.ACK }), SERVER);
}

describe('RTT samples only from frames stamped with our clock', () => {
  it('the ACK of a LAGRP/PONG (echoed peer timestamp) is not an RTT sample', () => {
    // Seen: LAGRQ at our 10.02 s carried Asterisk's 9421 ms; our LAGRP echoed it; its ACK gave rttMs ≈ 600 on loopback.
    const d = establish();
    clock.advance(10_000);
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.LAGRP, timestamp: 9_421 });
    clock.advance(1);
    ackLast(d, 1);
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PONG, timestamp: 9_300 });
    clock.advance(1);
    ackLast(d, 1);
    expect(d.stats().rttMs).toBeUndefined();
  });

  it('a frame stamped with our clock still gives a sample (the fix keeps RTT measurement)', () => {
    const d = establish();
    clock.advance(10_000);
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.LAGRQ });
    clock.advance(4);
    ackLast(d, 1);
    expect(d.stats().rttMs).toBe(4);
  });
});

describe('supermini trunk entries (trunk=yes peer, Asterisk default trunktimestamps=no)', () => {
  it('are delivered with our arrival clock and flagged, so the call can build a media clock from them', () => {
    const d = establish();
    const got: Array<[number, boolean]> = [];
    d.on('voice', (v) => got.push([v.timestamp, v.arrivalTimestamp === true]));
    socket.deliver(frame({ sourceCall: 9284, destCall: d.localCall, timestamp: 60, oseqno: 1, iseqno: 1,
      frameType: FrameType.VOICE, subclass: 4, subclassBit: 2, payload: new Uint8Array(160) }), SERVER);
    clock.advance(29);
    // Asterisk's trunk timestamp (5000) is not the call's timeline and snaps ~160 ms at times: not used.
    socket.deliver(encodeTrunkFrame({ timestamp: 5_000, withTimestamps: false,
      entries: [{ sourceCall: 9284, payload: new Uint8Array(160) }] }), SERVER);
    expect(got[0]).toEqual([60, false]);
    expect(got[1]![1]).toBe(true);
    expect(got[1]![0]).toBe(29); // the dialog clock: opened at 0, entry arrived 29 ms later
    // Entries with their own timestamps (cmddata 1) keep them and are not flagged.
    socket.deliver(encodeTrunkFrame({ timestamp: 5_020, withTimestamps: true,
      entries: [{ sourceCall: 9284, timestamp16: 100, payload: new Uint8Array(160) }] }), SERVER);
    expect(got[2]).toEqual([100, false]);
  });
});
