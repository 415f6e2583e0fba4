// Sequencing, ACK, VNAK, retransmission, INVAL, call-token and tombstone rules of the transport (spec §3.4, §4).
import { beforeEach, describe, expect, it } from 'vitest';
import { IaxTransport } from '../../../../electron/core/iax2/transport/iax-transport.js';
import type { ReliableDialog } from '../../../../electron/core/iax2/transport/reliable-dialog.js';
import type { DialogCloseReason } from '../../../../electron/core/iax2/transport/dialog.js';
import { encodeIes, IeReader } from '../../../../electron/core/iax2/wire/ies.js';
import { encodeTrunkFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../../../../electron/core/iax2/wire/types.js';
import { DEFAULT_RETRANSMIT } from '../../../../electron/core/iax2/transport/retransmit-policy.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { frame, MemorySocket, SeededRandom } from './helpers.js';

const SERVER = { address: '127.0.0.1', port: 4569 };
const STRANGER = { address: '127.0.0.1', port: 5555 };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const USER_IES = [{ type: IeType.USERNAME, data: text('1001') }, { type: IeType.REFRESH, data: Uint8Array.of(0, 60) }];

let clock: FakeClock;
let socket: MemorySocket;
let transport: IaxTransport;
let known: Set<string>;

beforeEach(() => {
  clock = new FakeClock();
  socket = new MemorySocket();
  known = new Set([`${SERVER.address}:${SERVER.port}`]);
  transport = new IaxTransport({
    socket, clock, random: new SeededRandom(7),
    isKnownSource: (e) => known.has(`${e.address}:${e.port}`),
  });
});

function open(): ReliableDialog {
  const d = transport.openDialog(SERVER);
  if (!d) throw new Error('no dialog');
  return d;
}

/** Opens a registration dialog whose server call number is 77 (REGAUTH answered with REGREQ). */
function establish(): { d: ReliableDialog; frames: FullFrame[]; closed: DialogCloseReason[] } {
  const d = open();
  const frames: FullFrame[] = [];
  const closed: DialogCloseReason[] = [];
  d.on('frame', (f) => frames.push(f));
  d.on('closed', (r) => closed.push(r));
  d.sendOpening(IaxSubclass.REGREQ, USER_IES);
  socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 5, oseqno: 0, iseqno: 1,
    frameType: FrameType.IAX, subclass: IaxSubclass.REGAUTH }), SERVER);
  return { d, frames, closed };
}

describe('sequence numbers and implicit ACK (spec §4.2, §4.3)', () => {
  it('stamps oseqno/iseqno, learns the peer call number and treats a response as the ACK', () => {
    const d = open();
    d.sendOpening(IaxSubclass.REGREQ, USER_IES);
    const [first] = socket.fullFrames();
    expect(first).toMatchObject({ sourceCall: d.localCall, destCall: 0, oseqno: 0, iseqno: 0, subclass: IaxSubclass.REGREQ });
    const ies = IeReader.fromPayload(first.payload);
    if (!ies.ok) throw new Error(ies.error);
    // K-1: empty CALLTOKEN, last.
    expect(ies.value.ies.at(-1)).toEqual({ type: IeType.CALLTOKEN, data: new Uint8Array(0) });

    // The REGAUTH answer is the acknowledgement; the listener answers synchronously, so no explicit ACK.
    d.on('frame', (f) => {
      if (f.subclass === IaxSubclass.REGAUTH) d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.REGREQ, payload: encodeIes(USER_IES) });
    });
    socket.clear();
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 5, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.REGAUTH }), SERVER);
    const sent = socket.fullFrames();
    expect(sent.map((f) => f.subclass)).toEqual([IaxSubclass.REGREQ]);
    expect(sent[0]).toMatchObject({ destCall: 77, oseqno: 1, iseqno: 1 });
    expect(d.remoteCall).toBe(77);

    // The first REGREQ was implicitly acknowledged: only the second one is ever retransmitted (after the RTO used
    // before any round trip is measured).
    socket.clear();
    clock.advance(DEFAULT_RETRANSMIT.unmeasuredRtoMs);
    const retries = socket.fullFrames().filter((f) => f.subclass === IaxSubclass.REGREQ);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ oseqno: 1, retransmit: true });
  });

  it('ACKs an in-order frame explicitly when nothing answers it, echoing its timestamp (R-4)', () => {
    const { d, frames } = establish();
    socket.clear();
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 1234, oseqno: 1, iseqno: 1,
      frameType: FrameType.CONTROL, subclass: ControlSubclass.RINGING }), SERVER);
    expect(frames.map((f) => f.subclass)).toEqual([IaxSubclass.REGAUTH, ControlSubclass.RINGING]);
    const acks = socket.fullFrames();
    // The REGAUTH had no synchronous answer either, so it was ACKed earlier; here exactly one ACK for RINGING.
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ subclass: IaxSubclass.ACK, timestamp: 1234, sourceCall: d.localCall, destCall: 77, iseqno: 2 });
    // ACK does not consume an oseqno: our next frame still carries the value the ACK carried.
    const ackOseq = acks[0].oseqno;
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PING });
    expect(socket.fullFrames().at(-1)?.oseqno).toBe(ackOseq);
  });

  it('re-ACKs a duplicate without delivering it again, and VNAKs a frame from the future (R-5)', () => {
    const { d, frames } = establish();
    const ringing = frame({ sourceCall: 77, destCall: d.localCall, timestamp: 900, oseqno: 1, iseqno: 1,
      frameType: FrameType.CONTROL, subclass: ControlSubclass.RINGING });
    socket.deliver(ringing, SERVER);
    socket.clear();
    socket.deliver(ringing, SERVER);
    expect(frames.filter((f) => f.subclass === ControlSubclass.RINGING)).toHaveLength(1);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, timestamp: 900, iseqno: 2 }]);

    socket.clear();
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 950, oseqno: 4, iseqno: 1,
      frameType: FrameType.CONTROL, subclass: ControlSubclass.ANSWER }), SERVER);
    expect(frames.some((f) => f.subclass === ControlSubclass.ANSWER)).toBe(false);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.VNAK, iseqno: 2 }]);
  });

  it('retransmits every unacknowledged frame from a received VNAK\'s iseqno, with the R bit', () => {
    const { d } = establish();
    // REGAUTH was ACKed (oseq 0 consumed by REGREQ). Send three more reliable frames: oseq 1, 2, 3.
    for (let i = 0; i < 3; i++) d.sendReliable({ frameType: FrameType.TEXT, subclass: 0, payload: text(`m${i}`) });
    socket.clear();
    // The peer got oseq 1 only: VNAK with iseqno 2.
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 1, oseqno: 1, iseqno: 2,
      frameType: FrameType.IAX, subclass: IaxSubclass.VNAK }), SERVER);
    const resent = socket.fullFrames();
    expect(resent.map((f) => [f.oseqno, f.retransmit])).toEqual([[2, true], [3, true]]);
  });
});

describe('retransmission schedule (spec §4.4, R-6; docs/decisions.md D-29)', () => {
  it('a reliable frame: RTO from the measured round trip, doubled per retry, and the dialog fails 32 s after it was first sent', () => {
    const { d } = establish();
    const closed: DialogCloseReason[] = [];
    let failed = 0;
    d.on('closed', (r) => closed.push(r));
    // One round trip measured: 60 ms (the ACK of a PING echoes its timestamp).
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PING });
    const ping = socket.fullFrames().at(-1)!;
    clock.advance(60);
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: ping.timestamp, oseqno: 1, iseqno: ping.oseqno + 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.ACK }), SERVER);
    expect(d.stats().rttMs).toBeGreaterThan(50); // 60 ms less the 3 ms our timestamps may run ahead (T-1)
    d.sendReliable({ frameType: FrameType.TEXT, subclass: 0, payload: text('x') }, { onFail: () => failed++ });
    const t0 = clock.now();
    const sendTimes: number[] = [];
    let seen = socket.sent.length;
    while (clock.step()) {
      for (const f of socket.fullFrames(seen).filter((x) => x.frameType === FrameType.TEXT)) {
        sendTimes.push(clock.now() - t0);
        expect(f.retransmit).toBe(true);
      }
      seen = socket.sent.length;
    }
    // RFC 6298: SRTT 60 + 4 × RTTVAR 30 = 180 → the 200 ms floor; then ×2 up to 4 s.
    expect(sendTimes.slice(0, 6)).toEqual([200, 600, 1_400, 3_000, 6_200, 10_200]);
    expect(sendTimes.at(-1)).toBeLessThan(32_000);
    expect(failed).toBe(1);
    expect(closed).toEqual(['max-retries']);
    expect(clock.now() - t0).toBe(32_000);
    expect(transport.dialogCount()).toBe(0);
  });

  it('an opening nobody answers: probes with fresh timestamps at gently growing intervals, one call number, failure at 32 s', () => {
    const d = open();
    const closed: DialogCloseReason[] = [];
    let failed = 0;
    d.on('closed', (r) => closed.push(r));
    const t0 = clock.now();
    d.sendOpening(IaxSubclass.REGREQ, USER_IES, { onFail: () => failed++ });
    while (clock.step()) { /* run every timer */ }
    const probes = socket.fullFrames();
    expect(new Set(probes.map((f) => f.sourceCall))).toEqual(new Set([d.localCall]));
    expect(probes.map((f) => f.timestamp).slice(0, 4)).toEqual([probes[0].timestamp, 300, 675, 1_143]);
    expect(probes.slice(1).every((f) => f.retransmit)).toBe(true);
    expect(failed).toBe(1);
    expect(closed).toEqual(['max-retries']);
    expect(clock.now() - t0).toBe(32_000);
  });

  it('refreshes iseqno on a retransmission', () => {
    const { d } = establish();
    d.sendReliable({ frameType: FrameType.TEXT, subclass: 0, payload: text('x') });
    const before = socket.fullFrames().at(-1);
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 2, oseqno: 1, iseqno: 1,
      frameType: FrameType.CONTROL, subclass: ControlSubclass.PROGRESS }), SERVER);
    socket.clear();
    clock.advance(DEFAULT_RETRANSMIT.unmeasuredRtoMs);
    const retry = socket.fullFrames()[0];
    expect(retry.oseqno).toBe(before?.oseqno);
    expect(retry.iseqno).toBe((before?.iseqno ?? 0) + 1);
    expect(retry.retransmit).toBe(true);
  });

  it('a final frame closes the dialog once it is ACKed', () => {
    const { d, closed } = establish();
    clock.advance(100);
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP }, { final: true });
    const hangup = socket.fullFrames().at(-1);
    clock.advance(30);
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: hangup?.timestamp, oseqno: 1,
      iseqno: ((hangup?.oseqno ?? 0) + 1) & 0xff, frameType: FrameType.IAX, subclass: IaxSubclass.ACK }), SERVER);
    expect(closed).toEqual(['local']);
    expect(d.stats().rttMs).toBe(30);
  });
  it('a crossing frame that acknowledges our final frame is ACKed but not delivered', () => {
    const { d, frames, closed } = establish();
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP }, { final: true });
    const hangup = socket.fullFrames().at(-1);
    socket.clear();
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 321, oseqno: 1,
      iseqno: ((hangup?.oseqno ?? 0) + 1) & 0xff, frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP }), SERVER);
    expect(closed).toEqual(['local']);
    expect(frames.map((f) => f.subclass)).toEqual([IaxSubclass.REGAUTH]);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, timestamp: 321, iseqno: 2 }]);
    // Its retransmission meets the tombstone and is re-ACKed.
    socket.clear();
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 321, oseqno: 1, retransmit: true,
      iseqno: ((hangup?.oseqno ?? 0) + 1) & 0xff, frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, timestamp: 321 }]);
  });
});

describe('INVAL rules (spec §4.1, R-7, R-8)', () => {
  it('answers a frame for an unknown call number from a known source with INVAL, but never an ACK or INVAL', () => {
    socket.deliver(frame({ sourceCall: 300, destCall: 999, frameType: FrameType.CONTROL, subclass: ControlSubclass.ANSWER, timestamp: 50 }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.INVAL, sourceCall: 999, destCall: 300, timestamp: 0, oseqno: 0, iseqno: 0 }]);
    socket.clear();
    socket.deliver(frame({ sourceCall: 300, destCall: 999, frameType: FrameType.IAX, subclass: IaxSubclass.ACK }), SERVER);
    socket.deliver(frame({ sourceCall: 300, destCall: 999, frameType: FrameType.IAX, subclass: IaxSubclass.INVAL }), SERVER);
    socket.deliver(frame({ sourceCall: 300, destCall: 999, frameType: FrameType.IAX, subclass: IaxSubclass.TXCNT }), SERVER);
    socket.deliver(frame({ sourceCall: 300, destCall: 999, frameType: FrameType.IAX, subclass: IaxSubclass.TXACC }), SERVER);
    expect(socket.sent).toHaveLength(0);
  });

  it('does not answer sources it has no business with', () => {
    socket.deliver(frame({ sourceCall: 300, destCall: 999, frameType: FrameType.CONTROL, subclass: ControlSubclass.ANSWER }), STRANGER);
    socket.deliver(frame({ sourceCall: 300, destCall: 0, frameType: FrameType.IAX, subclass: IaxSubclass.POKE }), STRANGER);
    expect(socket.sent).toHaveLength(0);
  });

  it('locks onto the first peer call number and INVALs a second server dialog (duplicate hazard §3.4)', () => {
    const { d, frames } = establish();
    socket.clear();
    socket.deliver(frame({ sourceCall: 88, destCall: d.localCall, timestamp: 7, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.REGAUTH }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.INVAL, sourceCall: d.localCall, destCall: 88 }]);
    expect(frames).toHaveLength(1);
    expect(d.remoteCall).toBe(77);
    expect(d.closed).toBe(false);
  });

  it('destroys the dialog on INVAL', () => {
    const { d, closed } = establish();
    socket.clear();
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, oseqno: 5, iseqno: 9, frameType: FrameType.IAX, subclass: IaxSubclass.INVAL }), SERVER);
    expect(closed).toEqual(['inval']);
    expect(socket.sent).toHaveLength(0); // never answered
    expect(transport.dialogCount()).toBe(0);
  });

  it('ignores frames for our call number from another address', () => {
    const { d, frames } = establish();
    known.add(`${STRANGER.address}:${STRANGER.port}`);
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 9, oseqno: 1, iseqno: 1,
      frameType: FrameType.CONTROL, subclass: ControlSubclass.ANSWER }), STRANGER);
    expect(frames).toHaveLength(1);
  });
});

describe('tombstones and apathetic replies', () => {
  it('re-ACKs a retransmitted final frame after the dialog closed (instead of INVAL)', () => {
    const { d } = establish();
    d.on('frame', (f) => { if (f.subclass === IaxSubclass.REGACK) d.close('remote'); });
    const regack = { sourceCall: 77, destCall: d.localCall, timestamp: 44, oseqno: 1, iseqno: 1, frameType: FrameType.IAX, subclass: IaxSubclass.REGACK };
    socket.clear();
    socket.deliver(frame(regack), SERVER);
    expect(d.closed).toBe(true);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, timestamp: 44 }]);
    socket.clear();
    socket.deliver(frame({ ...regack, retransmit: true }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, timestamp: 44, sourceCall: d.localCall, destCall: 77 }]);
    // Something new for the closed dialog is answered with INVAL.
    socket.clear();
    socket.deliver(frame({ ...regack, oseqno: 2, subclass: IaxSubclass.LAGRQ }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.INVAL }]);
  });

  it('answers POKE with PONG: echoed timestamp, oseqno 0, iseqno 1, a fresh call number (N-1)', () => {
    socket.deliver(frame({ sourceCall: 4321, destCall: 0, timestamp: 98765, frameType: FrameType.IAX, subclass: IaxSubclass.POKE }), SERVER);
    const [pong] = socket.fullFrames();
    expect(pong).toMatchObject({ subclass: IaxSubclass.PONG, destCall: 4321, timestamp: 98765, oseqno: 0, iseqno: 1 });
    expect(pong.sourceCall).toBeGreaterThan(1);
    expect(transport.dialogCount()).toBe(0);
  });
});

describe('call tokens (spec §3.4, K-2, K-3)', () => {
  it('sends the same IEs with the token, counters reset, and stops retransmitting the probe', () => {
    const d = open();
    d.sendOpening(IaxSubclass.REGREQ, USER_IES);
    clock.advance(300);
    socket.clear();
    const token = text('1716000000?0123456789abcdef0123456789abcdef01234567');
    socket.deliver(frame({ sourceCall: 1, destCall: d.localCall, timestamp: 0, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.CALLTOKEN, payload: encodeIes([{ type: IeType.CALLTOKEN, data: token }]) }), SERVER);
    const sent = socket.fullFrames();
    expect(sent).toHaveLength(1); // no ACK of the CALLTOKEN
    expect(sent[0]).toMatchObject({ subclass: IaxSubclass.REGREQ, destCall: 0, oseqno: 0, iseqno: 0, retransmit: false });
    expect(sent[0].timestamp).toBeGreaterThanOrEqual(300);
    const ies = IeReader.fromPayload(sent[0].payload);
    if (!ies.ok) throw new Error(ies.error);
    expect(ies.value.ies.slice(0, 2)).toEqual(USER_IES);
    expect(ies.value.ies.at(-1)).toEqual({ type: IeType.CALLTOKEN, data: token });
    expect(d.remoteCall).toBe(0);
    // A second CALLTOKEN (the answer to an earlier probe copy, or a duplicate) does not send the tokenised frame again.
    socket.deliver(frame({ sourceCall: 1, destCall: d.localCall, timestamp: 0, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.CALLTOKEN, payload: encodeIes([{ type: IeType.CALLTOKEN, data: token }]) }), SERVER);
    expect(socket.fullFrames()).toHaveLength(1);
  });

  it('never resends a tokenised opening: unanswered, it restarts from a fresh call number with the same token', () => {
    const d = open();
    d.sendOpening(IaxSubclass.NEW, USER_IES);
    const first = d.localCall;
    clock.advance(40);
    const token = text('1716000000?0123456789abcdef0123456789abcdef01234567');
    socket.deliver(frame({ sourceCall: 1, destCall: first, timestamp: 0, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.CALLTOKEN, payload: encodeIes([{ type: IeType.CALLTOKEN, data: token }]) }), SERVER);
    socket.clear();
    clock.advance(DEFAULT_RETRANSMIT.minRtoMs); // RTT 40 ms measured from the CALLTOKEN: the 200 ms floor
    const [inval, again] = socket.fullFrames();
    // Whatever Asterisk opened for the old number is told INVAL from it, with dcallno 0 (it matches on our number).
    expect(inval).toMatchObject({ subclass: IaxSubclass.INVAL, sourceCall: first, destCall: 0 });
    expect(again).toMatchObject({ subclass: IaxSubclass.NEW, destCall: 0, oseqno: 0, retransmit: false });
    expect(again.sourceCall).not.toBe(first);
    expect(d.localCall).toBe(again.sourceCall);
    expect(new TextDecoder().decode(again.payload)).toContain('1716000000?');
    // The old number is abandoned: a late AUTHREQ for it gets INVAL, and our dialog never sees it.
    const frames: FullFrame[] = [];
    d.on('frame', (f) => frames.push(f));
    socket.clear();
    socket.deliver(frame({ sourceCall: 500, destCall: first, timestamp: 3, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREQ }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.INVAL, sourceCall: first, destCall: 500 }]);
    expect(frames).toEqual([]);
    // The new number's answer is ours.
    socket.deliver(frame({ sourceCall: 501, destCall: d.localCall, timestamp: 3, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREQ }), SERVER);
    expect(frames).toHaveLength(1);
    expect(d.remoteCall).toBe(501);
  });

  it('delivers a stateless REJECT (source call 1, no IEs) to the dialog', () => {
    const d = open();
    const frames: FullFrame[] = [];
    d.on('frame', (f) => frames.push(f));
    d.sendOpening(IaxSubclass.NEW, []);
    socket.clear();
    socket.deliver(frame({ sourceCall: 1, destCall: d.localCall, oseqno: 0, iseqno: 1, frameType: FrameType.IAX, subclass: IaxSubclass.REJECT }), SERVER);
    expect(frames).toMatchObject([{ sourceCall: 1, subclass: IaxSubclass.REJECT }]);
    expect(socket.sent).toHaveLength(0);
    clock.advance(5_000);
    expect(socket.sent).toHaveLength(0); // the NEW counts as answered
  });
});

describe('voice (spec §4.6, §4.7)', () => {
  it('sends a full frame first, minis after, a full one on format change; receives and un-wraps', () => {
    const { d } = establish();
    socket.clear();
    d.sendVoice(2, new Uint8Array(160), 20);
    clock.advance(20);
    d.sendVoice(2, new Uint8Array(160), 20);
    clock.advance(20);
    d.sendVoice(3, new Uint8Array(160), 20);
    const kinds = socket.decoded().map((x) => x.d.kind === 'full' ? `full:${x.d.subclassBit}:${x.d.timestamp}` : `mini:${x.d.kind === 'mini' ? x.d.timestamp16 : ''}`);
    const t0 = Number(kinds[0].split(':')[2]);
    expect(kinds).toEqual([`full:2:${t0}`, `mini:${t0 + 20}`, `full:3:${t0 + 40}`]);

    const voice: Array<{ ts: number; bit: number; full: boolean }> = [];
    d.on('voice', (v) => voice.push({ ts: v.timestamp, bit: v.formatBit, full: v.full }));
    // Mini before any full voice frame: dropped.
    socket.deliver(Uint8Array.of(0, 77, 0, 10, 1, 2), SERVER);
    expect(voice).toHaveLength(0);
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 65_500, oseqno: 1, iseqno: 1,
      frameType: FrameType.VOICE, subclass: 4, subclassBit: 2, payload: new Uint8Array(160) }), SERVER);
    // A mini after the 16-bit wrap (Asterisk crosses it with minis): 65 520 → 0x0000_xxxx + 0x10000.
    socket.deliver(Uint8Array.of(0, 77, 0, 4, 9, 9), SERVER);
    expect(voice).toEqual([{ ts: 65_500, bit: 2, full: true }, { ts: 65_536 + 4, bit: 2, full: false }]);
  });
});

describe('more matching rules (spec §4.1, P16, §1.5)', () => {
  it('accepts the first reply from another address of the server and follows it', () => {
    const d = transport.openDialog(SERVER, ['127.0.0.2']);
    if (!d) throw new Error('no dialog');
    const frames: FullFrame[] = [];
    d.on('frame', (f) => frames.push(f));
    d.sendOpening(IaxSubclass.REGREQ, USER_IES);
    const alt = { address: '127.0.0.2', port: SERVER.port };
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 5, oseqno: 0, iseqno: 1,
      frameType: FrameType.IAX, subclass: IaxSubclass.REGAUTH }), alt);
    expect(frames).toHaveLength(1);
    expect(d.peer).toEqual(alt);
    expect(socket.sent.at(-1)?.to).toEqual(alt); // the ACK went to where the server answered from
  });

  it('maps a retransmitted NEW onto the dialog it opened and re-ACKs it', () => {
    const opened: number[] = [];
    const sock = new MemorySocket();
    const t = new IaxTransport({
      socket: sock, clock, random: new SeededRandom(9),
      onIncomingNew: (f, from) => { t.acceptIncoming(f, from, (d) => opened.push(d.localCall)); },
    });
    const nw = { sourceCall: 600, destCall: 0, timestamp: 77, frameType: FrameType.IAX, subclass: IaxSubclass.NEW };
    sock.deliver(frame(nw), SERVER);
    sock.deliver(frame({ ...nw, retransmit: true }), SERVER);
    expect(opened).toHaveLength(1);
    expect(sock.fullFrames()).toMatchObject([{ subclass: IaxSubclass.ACK, timestamp: 77 }, { subclass: IaxSubclass.ACK, timestamp: 77 }]);
  });

  it('answers LAGRQ outside calls with LAGRP (echoed timestamp) and delivers trunk voice after a full voice frame', () => {
    socket.deliver(frame({ sourceCall: 42, destCall: 0, timestamp: 555, oseqno: 3, frameType: FrameType.IAX, subclass: IaxSubclass.LAGRQ }), SERVER);
    expect(socket.fullFrames()).toMatchObject([{ subclass: IaxSubclass.LAGRP, timestamp: 555, destCall: 42, oseqno: 0, iseqno: 4 }]);

    const { d } = establish();
    const voice: number[] = [];
    d.on('voice', (v) => voice.push(v.timestamp));
    socket.deliver(frame({ sourceCall: 77, destCall: d.localCall, timestamp: 1000, oseqno: 1, iseqno: 1,
      frameType: FrameType.VOICE, subclass: 4, subclassBit: 2, payload: new Uint8Array(160) }), SERVER);
    socket.deliver(encodeTrunkFrame({ timestamp: 1, withTimestamps: true, entries: [
      { sourceCall: 77, timestamp16: 1020, payload: new Uint8Array(160) },
      { sourceCall: 999, timestamp16: 1020, payload: new Uint8Array(160) }, // not ours: ignored
    ] }), SERVER);
    expect(voice).toEqual([1000, 1020]);
  });
});
