// The scripted peer's own IAX2 encryption (spec §7.4), written independently of electron/core/iax2/crypto: it
// chains the CBC blocks by hand over single-block AES-128-ECB, the way Asterisk's memcpy_encrypt()/memcpy_decrypt()
// do, so a layout mistake in the engine cannot hide behind the same mistake here.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

export function peerAesKey(challenge: string, secret: string): Buffer {
  return createHash('md5').update(challenge + secret).digest();
}

function ecb(encrypt: boolean, key: Buffer, block: Buffer): Buffer {
  const c = encrypt ? createCipheriv('aes-128-ecb', key, null) : createDecipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** Clear call-number bytes: 4 for a full frame (top bit of byte 0 set), else 2. */
const clearBytes = (d: Uint8Array): number => ((d[0] & 0x80) ? 4 : 2);

/** `padding`: 31 bytes of which the first P are used (P = 16..31, count in the low nibble of byte 15). */
export function peerEncrypt(key: Buffer, clear: Uint8Array, padding: Uint8Array): Uint8Array {
  const h = clearBytes(clear);
  const body = Buffer.from(clear.subarray(h));
  let p = 16 - (body.length % 16);
  p = 16 + (p & 0x0f);
  const work = Buffer.concat([Buffer.from(padding.subarray(0, p)), body]);
  work[15] = (work[15] & 0xf0) | (p & 0x0f);
  const out = Buffer.alloc(h + work.length);
  Buffer.from(clear.subarray(0, h)).copy(out, 0);
  let prev: Buffer = Buffer.alloc(16);
  for (let at = 0; at < work.length; at += 16) {
    const x = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) x[i] = work[at + i] ^ prev[i];
    prev = ecb(true, key, x);
    prev.copy(out, h + at);
  }
  return new Uint8Array(out);
}

/** Undefined when the length is impossible (Asterisk's decode_frame() checks: ≥ 16 + header, whole blocks). */
export function peerDecrypt(key: Buffer, wire: Uint8Array): Uint8Array | undefined {
  const h = clearBytes(wire);
  const enc = Buffer.from(wire.subarray(h));
  if (enc.length < 16 + (h === 4 ? 8 : 2) || enc.length % 16 !== 0) return undefined;
  const work = Buffer.alloc(enc.length);
  let prev: Buffer = Buffer.alloc(16);
  for (let at = 0; at < enc.length; at += 16) {
    const block = enc.subarray(at, at + 16);
    const plain = ecb(false, key, Buffer.from(block));
    for (let i = 0; i < 16; i++) work[at + i] = plain[i] ^ prev[i];
    prev = Buffer.from(block);
  }
  const p = 16 + (work[15] & 0x0f);
  if (enc.length - p < (h === 4 ? 8 : 2)) return undefined;
  return new Uint8Array(Buffer.concat([Buffer.from(wire.subarray(0, h)), work.subarray(p)]));
}
