// Spec §7.4 frame encryption layout (E-2): the worked test vector, clear headers, padding rules, round trips.
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Response } from '../../../../electron/core/iax2/auth.js';
import {
  decryptDatagram, deriveAesKey, encryptDatagram, paddingLength,
} from '../../../../electron/core/iax2/crypto/aes-frame.js';
import { FrameCipher, plausibleFullFrame, RTKEY_GRACE_MS } from '../../../../electron/core/iax2/crypto/frame-cipher.js';
import { encodeFullFrame, encodeMiniFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { FrameType, IaxSubclass } from '../../../../electron/core/iax2/wire/types.js';
import { SeededRng } from '../../../support/seeded-random.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const enc = new TextEncoder();

/** Plain AES-128-CBC decryption with OpenSSL, independent of the code under test. */
function opensslDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-128-cbc', key, Buffer.alloc(16));
  d.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

describe('AES-128 frame encryption (spec §7.4)', () => {
  const key = deriveAesKey(enc.encode('123456789'), 'secret');

  it('derives K = MD5(challenge ‖ secret), the digest of the MD5_RESULT (spec §5.1, §7.2)', () => {
    expect(hex(key)).toBe('7ccde16e862dfe7681297713e9e9cadb');
    expect(hex(key)).toBe(md5Response(enc.encode('123456789'), 'secret'));
  });

  it('reproduces the worked example of spec §7.4 byte for byte', () => {
    const ack = encodeFullFrame({ sourceCall: 0x0002, destCall: 0x1234, retransmit: false, timestamp: 1000, oseqno: 1,
      iseqno: 2, frameType: FrameType.IAX, subclass: IaxSubclass.ACK, payload: new Uint8Array(0) });
    expect(hex(ack)).toBe('80021234000003e801020604');
    const wire = encryptDatagram(ack, key, new Uint8Array(31));
    expect(hex(wire)).toBe('80021234' + '4e7bec20cc433b305727cc012f91f139' + '50e8fdb377a1d8736dd8494ac5d4df37');
    expect(decryptDatagram(wire, key)).toEqual(ack);
  });

  it('pads 16-31 bytes so the encrypted part is whole blocks, count in the low nibble of byte 15', () => {
    for (let l = 0; l < 64; l++) {
      const p = paddingLength(l);
      expect(p).toBeGreaterThanOrEqual(16);
      expect(p).toBeLessThanOrEqual(31);
      expect((p + l) % 16).toBe(0);
    }
    expect(paddingLength(16)).toBe(16); // Asterisk: exactly 16 when the body fills whole blocks
    // A full frame with an 8-byte payload: body 16 → 16 padding; random high nibble of byte 15 kept.
    const f = encodeFullFrame({ sourceCall: 5, destCall: 9, retransmit: true, timestamp: 77, oseqno: 3, iseqno: 4,
      frameType: FrameType.TEXT, subclass: 0, payload: enc.encode('12345678') });
    const random = new Uint8Array(31).fill(0xa7);
    const wire = encryptDatagram(f, key, random);
    expect(wire.length).toBe(4 + 32);
    expect(hex(wire.subarray(0, 4))).toBe(hex(f.subarray(0, 4))); // scallno/dcallno (with R bit) in clear
    const w = opensslDecrypt(key, wire.subarray(4));
    expect(w[15]).toBe(0xa0); // high nibble random (0xa), low nibble 16 & 0x0f = 0
    expect(hex(w.subarray(0, 15))).toBe('a7'.repeat(15));
    expect(hex(w.subarray(16))).toBe(hex(f.subarray(4)));
  });

  it('keeps only 2 bytes of a mini frame in clear', () => {
    const m = encodeMiniFrame(0x0123, 0x04d2, new Uint8Array(160).fill(0x55));
    const random = new SeededRng(7).bytes(31);
    const wire = encryptDatagram(m, key, random);
    const body = 2 + 160;
    const p = paddingLength(body); // 162 → 30
    expect(p).toBe(30);
    expect(wire.length).toBe(2 + p + body);
    expect(hex(wire.subarray(0, 2))).toBe('0123');
    const w = opensslDecrypt(key, wire.subarray(2));
    expect(w[15] & 0x0f).toBe(p & 0x0f);
    expect(hex(w.subarray(p))).toBe(hex(m.subarray(2)));
    expect(decryptDatagram(wire, key)).toEqual(m);
  });

  it('round-trips frames of every length with random padding, and rejects impossible lengths', () => {
    const r = new SeededRng(11);
    for (let n = 0; n < 40; n++) {
      const f = encodeFullFrame({ sourceCall: 2 + n, destCall: 300, retransmit: false, timestamp: n * 20, oseqno: n,
        iseqno: n + 1, frameType: FrameType.VOICE, subclass: 4, payload: r.bytes(n) });
      const wire = encryptDatagram(f, key, r.bytes(31));
      expect((wire.length - 4) % 16).toBe(0);
      expect(decryptDatagram(wire, key)).toEqual(f);
    }
    const ok = encryptDatagram(encodeMiniFrame(3, 1, new Uint8Array(20)), key, r.bytes(31));
    expect(decryptDatagram(ok.subarray(0, ok.length - 1), key)).toBeUndefined(); // not whole blocks
    expect(decryptDatagram(ok.subarray(0, 2 + 16), key)).toBeUndefined(); // under 32 bytes after the header
  });

  it('does not detect a wrong key itself; the plausibility check catches most garbage (spec §7.3)', () => {
    const other = deriveAesKey(enc.encode('123456789'), 'Secret');
    const r = new SeededRng(5);
    let plausible = 0;
    const tries = 400;
    for (let i = 0; i < tries; i++) {
      const f = encodeFullFrame({ sourceCall: 0x0102, destCall: 0x0304, retransmit: false, timestamp: i, oseqno: 1,
        iseqno: 1, frameType: FrameType.IAX, subclass: IaxSubclass.ACCEPT, payload: r.bytes(i % 40) });
      const garbage = decryptDatagram(encryptDatagram(f, key, r.bytes(31)), other);
      if (garbage && plausibleFullFrame(garbage)) plausible++;
    }
    expect(plausible / tries).toBeLessThan(0.05);
  });
});

describe('FrameCipher (spec §7.5 RTKEY, E-4)', () => {
  const k1 = deriveAesKey(enc.encode('1'), 'a');
  const k2 = deriveAesKey(enc.encode('2'), 'b');
  const frame = (ts: number): Uint8Array => encodeFullFrame({ sourceCall: 10, destCall: 20, retransmit: false, timestamp: ts,
    oseqno: 0, iseqno: 0, frameType: FrameType.CONTROL, subclass: 4, payload: new Uint8Array(0) });

  it('keeps the old decrypt key for a grace period after a rotation, then drops it', () => {
    const c = new FrameCipher(k1, new SeededRng(1));
    const peerOld = new FrameCipher(k1, new SeededRng(2));
    const peerNew = new FrameCipher(k2, new SeededRng(3));
    expect(c.open(peerOld.seal(frame(1)), 0)).toEqual(frame(1));
    expect(c.open(peerNew.seal(frame(2)), 0)).toBeUndefined();
    c.rotateDecryptKey(k2, 1000);
    expect(c.decryptKeyCount(1000)).toBe(2);
    expect(c.open(peerNew.seal(frame(3)), 1001)).toEqual(frame(3));
    expect(c.open(peerOld.seal(frame(4)), 1002)).toEqual(frame(4)); // trailing old-key frame still accepted
    expect(c.open(peerOld.seal(frame(5)), 1000 + RTKEY_GRACE_MS)).toBeUndefined();
    expect(c.decryptKeyCount(1000 + RTKEY_GRACE_MS)).toBe(1);
    // Our own encrypt key does not change on a received RTKEY.
    expect(peerOld.open(c.seal(frame(6)), 0)).toEqual(frame(6));
  });
});
