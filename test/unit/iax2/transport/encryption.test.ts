// The transport's encryption rules (spec §7.3-§7.5): what is sealed, what stays clear, what is dropped, RTKEY.
// The far side is played with the scripted peer's own AES code (test/support/scripted-peer-aes.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { deriveAesKey } from '../../../../electron/core/iax2/crypto/aes-frame.js';
import { RTKEY_GRACE_MS } from '../../../../electron/core/iax2/crypto/frame-cipher.js';
import { IaxTransport } from '../../../../electron/core/iax2/transport/iax-transport.js';
import type { ReliableDialog } from '../../../../electron/core/iax2/transport/reliable-dialog.js';
import { decodeDatagram, encodeMiniFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { encodeIes } from '../../../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame } from '../../../../electron/core/iax2/wire/types.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { peerDecrypt, peerEncrypt } from '../../../support/scripted-peer-aes.js';
import { frame, MemorySocket, SeededRandom } from './helpers.js';

const SERVER = { address: '127.0.0.1', port: 4569 };
const CHALLENGE = '123456789';
const KEY = Buffer.from(deriveAesKey(new TextEncoder().encode(CHALLENGE), 'secret'));
const pad = (): Uint8Array => new Uint8Array(31).map((_, i) => (i * 37 + 11) & 0xff);

let clock: FakeClock;
let socket: MemorySocket;
let transport: IaxTransport;
let d: ReliableDialog;
let frames: FullFrame[];
let undecryptable: number[];

/** Server's frame to our dialog, sealed under `key` (or clear). */
function fromServer(f: Parameters<typeof frame>[0], key: Buffer | null = KEY): void {
  const clear = frame(f);
  socket.deliver(key ? peerEncrypt(key, clear, pad()) : clear, SERVER);
}

function lastSent(): Uint8Array {
  return socket.sent.at(-1)!.data;
}

beforeEach(() => {
  clock = new FakeClock();
  socket = new MemorySocket();
  transport = new IaxTransport({ socket, clock, random: new SeededRandom(3), isKnownSource: () => true });
  d = transport.openDialog(SERVER)!;
  frames = [];
  undecryptable = [];
  d.on('frame', (f) => {
    frames.push(f);
    if (f.subclass === IaxSubclass.AUTHREQ && f.frameType === FrameType.IAX) {
      d.startEncryption(KEY);
      d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREP, payload: encodeIes([{ type: IeType.MD5_RESULT, data: new Uint8Array(32).fill(0x61) }]) });
    }
  });
  d.on('undecryptable', (n) => undecryptable.push(n));
  d.sendOpening(IaxSubclass.NEW, [{ type: IeType.USERNAME, data: new TextEncoder().encode('1001') }]);
  // AUTHREQ in clear (it is what tells us to encrypt), from the server's call number 900.
  fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 0, iseqno: 1, timestamp: 5, frameType: FrameType.IAX,
    subclass: IaxSubclass.AUTHREQ, payload: encodeIes([{ type: IeType.CHALLENGE, data: new TextEncoder().encode(CHALLENGE) }]) }, null);
});

describe('encrypted dialog (spec §7.3)', () => {
  it('sends the AUTHREP sealed (4 clear header bytes), no separate clear ACK of the AUTHREQ', () => {
    const wire = lastSent();
    expect(decodeDatagram(wire).ok && (decodeDatagram(wire) as { value: FullFrame }).value.subclass).not.toBe(IaxSubclass.AUTHREP);
    const clear = peerDecrypt(KEY, wire)!;
    const f = decodeDatagram(clear);
    expect(f.ok && f.value.kind === 'full' && [f.value.subclass, f.value.oseqno, f.value.iseqno]).toEqual([IaxSubclass.AUTHREP, 1, 1]);
    expect(Array.from(wire.subarray(0, 4))).toEqual(Array.from(clear.subarray(0, 4)));
    // After the AUTHREQ nothing went out in clear: exactly NEW, AUTHREP.
    expect(socket.sent.length).toBe(2);
    expect(d.encrypted).toBe(true);
  });

  it('decrypts frames and mini frames from the server; accepts a clear AUTHREQ retransmission; drops junk', () => {
    fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 1, iseqno: 2, timestamp: 20, frameType: FrameType.IAX,
      subclass: IaxSubclass.ACCEPT, payload: encodeIes([{ type: IeType.FORMAT, data: Uint8Array.of(0, 0, 0, 4) }]) });
    expect(frames.map((f) => f.subclass)).toEqual([IaxSubclass.AUTHREQ, IaxSubclass.ACCEPT]);
    const ack = decodeDatagram(peerDecrypt(KEY, lastSent())!);
    expect(ack.ok && (ack.value as FullFrame).subclass).toBe(IaxSubclass.ACK);

    const voices: number[] = [];
    d.on('voice', (v) => voices.push(v.payload[0]!));
    fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 2, iseqno: 2, timestamp: 40, frameType: FrameType.VOICE,
      subclass: 4, payload: new Uint8Array(160).fill(1) });
    socket.deliver(peerEncrypt(KEY, encodeMiniFrame(900, 60, new Uint8Array(160).fill(2)), pad()), SERVER);
    expect(voices).toEqual([1, 2]);

    // A retransmitted AUTHREQ comes in clear (Asterisk queued it before encrypting): re-ACKed (sealed), not redelivered.
    const before = socket.sent.length;
    fromServer({ sourceCall: 900, destCall: d.localCall, retransmit: true, oseqno: 0, iseqno: 1, timestamp: 5, frameType: FrameType.IAX,
      subclass: IaxSubclass.AUTHREQ }, null);
    expect(frames).toHaveLength(2);
    expect(socket.sent.length).toBe(before + 1);
    expect(peerDecrypt(KEY, lastSent())).toBeDefined();

    // Junk (random bytes under our call numbers) is dropped and reported, never delivered.
    const junk = new Uint8Array(4 + 48).map((_, i) => (i * 91 + 7) & 0xff);
    junk.set([0x83, 0x84, (d.localCall >> 8) & 0x7f, d.localCall & 0xff], 0);
    junk[10] = 0x77;
    socket.deliver(junk, SERVER);
    expect(frames).toHaveLength(2);
    expect(undecryptable).toEqual([1]);
    expect(d.undecryptable()).toBe(1);
  });

  it('retransmits frames queued before encryption in clear (Asterisk does so), later ones re-sealed with fresh padding', () => {
    // Our AUTHREP is pending (not yet ACKed): its retransmission is sealed again, R bit in the clear header.
    const first = lastSent();
    clock.advance(3000);
    const retry = socket.sent.map((s) => s.data).filter((b) => b !== first && (b[2] & 0x80) !== 0).at(-1)!;
    expect(retry).toBeDefined();
    const clear = peerDecrypt(KEY, retry)!;
    const f = decodeDatagram(clear);
    expect(f.ok && (f.value as FullFrame).retransmit && (f.value as FullFrame).subclass).toBe(IaxSubclass.AUTHREP);
    expect(Buffer.from(retry.subarray(4)).equals(Buffer.from(first.subarray(4)))).toBe(false);

    // A dialog that queued a frame before encryption started (our AUTHREQ to an encrypting caller).
    const e = transport.openDialog({ address: '127.0.0.1', port: 4570 })!;
    e.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREQ });
    e.startEncryption(KEY);
    socket.clear();
    clock.advance(3000);
    const resent = socket.sent.filter((s) => s.to.port === 4570).map((s) => decodeDatagram(s.data));
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.every((r) => r.ok && r.value.kind === 'full' && r.value.subclass === IaxSubclass.AUTHREQ && r.value.retransmit)).toBe(true);
  });

  it('E-4: RTKEY switches the decrypt key, keeps the old one for the grace period, leaves our encrypt key', () => {
    const next = Buffer.alloc(16, 0x5a);
    fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 1, iseqno: 2, timestamp: 20, frameType: FrameType.IAX,
      subclass: IaxSubclass.RTKEY, payload: encodeIes([{ type: IeType.CHALLENGE, data: next }]) });
    expect(frames.map((f) => f.subclass)).toEqual([IaxSubclass.AUTHREQ]); // handled by the transport, ACKed
    expect(peerDecrypt(KEY, lastSent())).toBeDefined(); // our ACK still under the old key
    fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 2, iseqno: 2, timestamp: 30, frameType: FrameType.TEXT,
      subclass: 0, payload: new TextEncoder().encode('new') }, next);
    fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 3, iseqno: 2, timestamp: 31, frameType: FrameType.TEXT,
      subclass: 0, payload: new TextEncoder().encode('old') }, KEY);
    expect(frames.slice(1).map((f) => new TextDecoder().decode(f.payload))).toEqual(['new', 'old']);
    clock.advance(RTKEY_GRACE_MS + 1);
    fromServer({ sourceCall: 900, destCall: d.localCall, oseqno: 4, iseqno: 2, timestamp: 32, frameType: FrameType.TEXT,
      subclass: 0, payload: new TextEncoder().encode('late') }, KEY);
    expect(frames).toHaveLength(3);
    expect(undecryptable.length).toBe(1);
  });

  it('after close, a late encrypted retransmission of the final frame is re-ACKed encrypted (tombstone keeps the key)', () => {
    const hangup = { sourceCall: 900, destCall: d.localCall, oseqno: 1, iseqno: 2, timestamp: 50, frameType: FrameType.IAX,
      subclass: IaxSubclass.HANGUP, payload: encodeIes([{ type: IeType.CAUSECODE, data: Uint8Array.of(16) }]) };
    fromServer(hangup);
    expect(frames.at(-1)?.subclass).toBe(IaxSubclass.HANGUP);
    d.close('remote');
    const before = socket.sent.length;
    fromServer({ ...hangup, retransmit: true });
    expect(socket.sent.length).toBe(before + 1);
    const ack = decodeDatagram(peerDecrypt(KEY, lastSent())!);
    expect(ack.ok && ack.value.kind === 'full' && [ack.value.subclass, ack.value.timestamp]).toEqual([IaxSubclass.ACK, 50]);
  });

  it('mini frames of other calls and clear dialogs are untouched', () => {
    const other = transport.openDialog({ address: '127.0.0.1', port: 4571 })!;
    expect(other.encrypted).toBe(false);
    other.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PING });
    const sent = decodeDatagram(lastSent());
    expect(sent.ok && (sent.value as FullFrame).subclass).toBe(IaxSubclass.PING);
    // A clear mini frame of an unrelated call is not fed to the cipher (and, matching no dialog, is dropped).
    socket.deliver(encodeMiniFrame(1234, 1, new Uint8Array(10)), SERVER);
    expect(undecryptable).toEqual([]);
  });
});
