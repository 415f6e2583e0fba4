// IAX2 frame encryption, byte layout only (spec §7.4; Asterisk encrypt_frame(), decode_frame(), memcpy_encrypt()):
// AES-128-CBC with an all-zero IV per frame, no cipher padding. The call-number header (4 bytes of a full frame,
// 2 of a mini frame) stays in clear; the rest is prefixed with 16-31 bytes of padding whose count (minus 16) sits
// in the low nibble of the 16th padding byte, so the plaintext fills whole AES blocks.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

/** AES-128 key length, and the AES block size. */
export const AES_KEY_BYTES = 16;
const BLOCK = 16;
const ZERO_IV = new Uint8Array(BLOCK);
/** Clear bytes in front of the ciphertext (spec §7.4): scallno+dcallno of a full frame, the call number of a mini. */
export const FULL_CLEAR_BYTES = 4;
export const MINI_CLEAR_BYTES = 2;
/** Shortest plaintext after the padding: the rest of a full header (ts, oseqno, iseqno, type, csub) / a mini's ts. */
const FULL_MIN_BODY = 8;
const MINI_MIN_BODY = 2;

/** The encryption method bits of IE ENCRYPTION (43) (spec §7.1; Asterisk IAX_ENCRYPT_*). */
export const ENCRYPT_AES128 = 0x0001;
export const ENCRYPT_KEYROTATE = 0x8000;

/**
 * K = MD5(challenge ‖ secret): the raw digest whose hex form is the MD5_RESULT (spec §7.2). The challenge bytes are
 * used exactly as received.
 */
export function deriveAesKey(challenge: Uint8Array, secret: string): Uint8Array {
  return new Uint8Array(createHash('md5').update(challenge).update(Buffer.from(secret, 'utf8')).digest());
}

/** 16 ≤ P ≤ 31 with (P + bodyLength) a multiple of 16; exactly 16 when the body already fills whole blocks. */
export function paddingLength(bodyLength: number): number {
  return BLOCK + ((BLOCK - (bodyLength % BLOCK)) % BLOCK);
}

/** How many clear bytes lead a datagram: 4 for a full frame (F bit set), 2 for a mini frame. */
export function clearHeaderBytes(datagram: Uint8Array): number {
  return (datagram[0] & 0x80) !== 0 ? FULL_CLEAR_BYTES : MINI_CLEAR_BYTES;
}

function aesCbc(encrypt: boolean, key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = encrypt ? createCipheriv('aes-128-cbc', key, ZERO_IV) : createDecipheriv('aes-128-cbc', key, ZERO_IV);
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(data), c.final()]);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * Encrypts one clear datagram (full or mini frame). `randomBytes` supplies the padding: at least 31 bytes are
 * needed; only the first P are used. The low nibble of padding byte 15 is overwritten with P & 0x0F.
 */
export function encryptDatagram(clear: Uint8Array, key: Uint8Array, randomBytes: Uint8Array): Uint8Array {
  if (key.length !== AES_KEY_BYTES) throw new RangeError('AES-128 key must be 16 bytes');
  const head = clearHeaderBytes(clear);
  if (clear.length < head) throw new RangeError('datagram shorter than its clear header');
  const body = clear.subarray(head);
  const pad = paddingLength(body.length);
  if (randomBytes.length < pad) throw new RangeError(`need ${pad} padding bytes`);
  const work = new Uint8Array(pad + body.length);
  work.set(randomBytes.subarray(0, pad), 0);
  work[15] = (work[15] & 0xf0) | (pad & 0x0f);
  work.set(body, pad);
  const sealed = aesCbc(true, key, work);
  const out = new Uint8Array(head + sealed.length);
  out.set(clear.subarray(0, head), 0);
  out.set(sealed, head);
  return out;
}

/**
 * Decrypts one datagram with `key`; undefined when its length cannot be an encrypted frame (not whole blocks,
 * shorter than one block plus the minimum body). A wrong key is NOT detected here (spec §7.3): the caller checks
 * the result's plausibility.
 */
export function decryptDatagram(wire: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  if (key.length !== AES_KEY_BYTES) return undefined;
  const head = clearHeaderBytes(wire);
  const sealedLength = wire.length - head;
  // At least 16 bytes of padding plus a body of 2 (mini) or 8 (full) bytes, in whole blocks: 32 bytes or more.
  if (sealedLength < 2 * BLOCK || sealedLength % BLOCK !== 0) return undefined;
  const work = aesCbc(false, key, wire.subarray(head));
  const pad = BLOCK + (work[15] & 0x0f);
  const bodyLength = work.length - pad;
  if (bodyLength < (head === FULL_CLEAR_BYTES ? FULL_MIN_BODY : MINI_MIN_BODY)) return undefined;
  const out = new Uint8Array(head + bodyLength);
  out.set(wire.subarray(0, head), 0);
  out.set(work.subarray(pad), head);
  return out;
}
