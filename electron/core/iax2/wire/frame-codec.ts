// Classify, decode and encode IAX2 datagrams: full, mini, meta video and meta trunk frames
// (RFC 5456 §8.1; spec §1.1-§1.5). Decoding never throws: bad input becomes a DecodeResult error.
// Encoding throws a RangeError only for values no caller should produce (a programming error).
import {
  FrameType,
  type Datagram,
  type DecodeResult,
  type FullFrame,
  type MetaTrunkFrame,
  type MetaVideoFrame,
  type MiniFrame,
  type TrunkEntry,
} from './types.js';

/** Size of the full-frame header (RFC 5456 §8.1.1). */
export const FULL_HEADER_BYTES = 12;
/** Size of the mini-frame header (RFC 5456 §8.1.2). */
export const MINI_HEADER_BYTES = 4;
/** Size of the meta video header (RFC 5456 §8.1.3). */
export const VIDEO_HEADER_BYTES = 6;
/** Size of the meta trunk header: 0x0000, command, cmddata, 32-bit timestamp (spec §1.5). */
export const TRUNK_HEADER_BYTES = 8;
/** The meta command byte of a trunk frame (Asterisk iax2.h IAX_META_TRUNK). */
export const META_TRUNK = 0x01;
/** cmddata bit 0: entries carry their own 16-bit timestamps (IAX_META_TRUNK_MINI). */
export const TRUNK_WITH_TIMESTAMPS = 0x01;

const FLAG_FULL = 0x8000;
const FLAG_RETRANS = 0x8000;
const CALLNO_MASK = 0x7fff;
const VIDEO_MARKER_BIT = 0x40;

function ok<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}
function fail<T>(error: string): DecodeResult<T> {
  return { ok: false, error };
}

function u16(buf: Uint8Array, at: number): number {
  return (buf[at] << 8) | buf[at + 1];
}
function u32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) >>> 0) + ((buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]);
}
function putU16(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 8) & 0xff;
  buf[at + 1] = v & 0xff;
}
function putU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

// ---------------------------------------------------------------------------------------------
// Subclass compression (RFC 5456 §8.1.1; Asterisk compress_subclass()/uncompress_subclass(); spec §1.2)

export interface UncompressedSubclass {
  /** The value: the byte itself below 0x80, 2^bit when bit 7 is set, -1 for 0xFF. Exact up to 2^63. */
  readonly value: number;
  /** When bit 7 was set (and the byte is not 0xFF): the power of two, 0-63. */
  readonly bit?: number;
}

/**
 * Decodes one subclass byte. 0xFF is -1 ("stop indications" on CONTROL). With bit 7 set the low six bits are a
 * power of two: Asterisk masks with 0x3F, so powers 0-63 can arrive (spec §1.2).
 */
export function uncompressSubclass(byte: number): UncompressedSubclass {
  const b = byte & 0xff;
  if (b === 0xff) return { value: -1 };
  if (b & 0x80) {
    const bit = b & 0x3f;
    return { value: 2 ** bit, bit };
  }
  return { value: b };
}

/**
 * Encodes a subclass value into its byte: below 0x80 as-is, -1 as 0xFF, otherwise a single power of two as
 * 0x80 | log2. Bigints let VOICE formats above bit 31 (Opus, bit 34) be given exactly.
 */
export function compressSubclass(value: number | bigint): number {
  if (typeof value === 'bigint') {
    if (value === -1n) return 0xff;
    if (value < 0n) throw new RangeError(`subclass ${value} is negative`);
    if (value < 0x80n) return Number(value);
    const bit = singleBitOf(value);
    if (bit === undefined || bit > 63) throw new RangeError(`subclass 0x${value.toString(16)} is not a power of two below 2^64`);
    return 0x80 | bit;
  }
  if (!Number.isInteger(value)) throw new RangeError(`subclass ${value} is not an integer`);
  if (value === -1) return 0xff;
  if (value < 0) throw new RangeError(`subclass ${value} is negative`);
  if (value < 0x80) return value;
  const bit = Math.log2(value);
  if (!Number.isInteger(bit) || bit > 63) throw new RangeError(`subclass ${value} is not a power of two below 2^64`);
  return 0x80 | bit;
}

function singleBitOf(v: bigint): number | undefined {
  if (v <= 0n || (v & (v - 1n)) !== 0n) return undefined;
  let bit = 0;
  while (v > 1n) {
    v >>= 1n;
    bit++;
  }
  return bit;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Classifies and decodes one datagram in the order of spec §1.1 (Asterisk socket_process_helper()). */
export function decodeDatagram(buf: Uint8Array): DecodeResult<Datagram> {
  if (buf.length < 4) return fail(`datagram of ${buf.length} bytes is shorter than any IAX2 header (4 bytes)`);
  if (buf[0] & 0x80) return decodeFullFrame(buf);
  if (buf[0] === 0 && buf[1] === 0) {
    if (buf[2] & 0x80) return decodeMetaVideoFrame(buf);
    if (buf[2] === META_TRUNK) return decodeTrunkFrame(buf);
    return fail(`unknown meta command 0x${buf[2].toString(16).padStart(2, '0')}`);
  }
  return ok<MiniFrame>({
    kind: 'mini',
    sourceCall: u16(buf, 0) & CALLNO_MASK,
    timestamp16: u16(buf, 2),
    payload: buf.subarray(MINI_HEADER_BYTES),
  });
}

/** Decodes a datagram that must be a full frame (F bit set, at least 12 bytes). */
export function decodeFullFrame(buf: Uint8Array): DecodeResult<FullFrame> {
  if (buf.length < 2 || !(buf[0] & 0x80)) return fail('not a full frame (F bit clear)');
  if (buf.length < FULL_HEADER_BYTES) {
    return fail(`full frame of ${buf.length} bytes is shorter than its 12-byte header`);
  }
  const frameType = buf[10];
  const csub = buf[11];
  // Asterisk's end-of-frame marker rides in bit 6 of a VIDEO frame's subclass (spec §1.2).
  const isVideo = frameType === FrameType.VIDEO;
  // Asterisk strips it before uncompressing (socket_process_helper(): csub & ~0x40).
  const videoMarker = isVideo && csub !== 0xff ? (csub & VIDEO_MARKER_BIT) !== 0 : undefined;
  const sub = uncompressSubclass(videoMarker !== undefined ? csub & ~VIDEO_MARKER_BIT : csub);
  // VOICE/VIDEO subclasses are format bits: expose the bit even when it went uncompressed (bits 0-6).
  const isMedia = frameType === FrameType.VOICE || isVideo;
  const subclassBit = sub.bit ?? (isMedia && sub.value > 0 && Number.isInteger(Math.log2(sub.value)) ? Math.log2(sub.value) : undefined);
  const frame: FullFrame = {
    kind: 'full',
    sourceCall: u16(buf, 0) & CALLNO_MASK,
    destCall: u16(buf, 2) & CALLNO_MASK,
    retransmit: (buf[2] & 0x80) !== 0,
    timestamp: u32(buf, 4),
    oseqno: buf[8],
    iseqno: buf[9],
    frameType,
    subclass: sub.value,
    ...(subclassBit !== undefined ? { subclassBit } : {}),
    ...(videoMarker !== undefined ? { videoMarker } : {}),
    payload: buf.subarray(FULL_HEADER_BYTES),
  };
  return ok(frame);
}

function decodeMetaVideoFrame(buf: Uint8Array): DecodeResult<MetaVideoFrame> {
  if (buf.length < VIDEO_HEADER_BYTES) {
    return fail(`meta video frame of ${buf.length} bytes is shorter than its 6-byte header`);
  }
  const tsWord = u16(buf, 4);
  return ok({
    kind: 'video',
    sourceCall: u16(buf, 2) & CALLNO_MASK,
    marker: (tsWord & 0x8000) !== 0,
    timestamp15: tsWord & 0x7fff,
    payload: buf.subarray(VIDEO_HEADER_BYTES),
  });
}

function decodeTrunkFrame(buf: Uint8Array): DecodeResult<MetaTrunkFrame> {
  if (buf.length < TRUNK_HEADER_BYTES) {
    return fail(`meta trunk frame of ${buf.length} bytes is shorter than its 8-byte header`);
  }
  const withTimestamps = (buf[3] & TRUNK_WITH_TIMESTAMPS) !== 0;
  const entryHeader = withTimestamps ? 6 : 4;
  const entries: TrunkEntry[] = [];
  let at = TRUNK_HEADER_BYTES;
  while (at < buf.length) {
    if (buf.length - at < entryHeader) {
      return fail(`trunk entry ${entries.length + 1} at byte ${at}: ${buf.length - at} bytes left, header needs ${entryHeader}`);
    }
    // Supermini entries are callno,len; timestamped ones are len,callno,ts (Asterisk iax2.h meta_trunk_entry/mini).
    const len = withTimestamps ? u16(buf, at) : u16(buf, at + 2);
    const sourceCall = (withTimestamps ? u16(buf, at + 2) : u16(buf, at)) & CALLNO_MASK;
    const start = at + entryHeader;
    if (start + len > buf.length) {
      return fail(`trunk entry ${entries.length + 1} claims ${len} bytes but only ${buf.length - start} remain`);
    }
    entries.push({
      sourceCall,
      ...(withTimestamps ? { timestamp16: u16(buf, at + 4) } : {}),
      payload: buf.subarray(start, start + len),
    });
    at = start + len;
  }
  return ok({ kind: 'trunk', timestamp: u32(buf, 4), withTimestamps, entries });
}

// ---------------------------------------------------------------------------------------------
// Encoding

function checkCallNumber(what: string, n: number, allowZero: boolean): void {
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > CALLNO_MASK) {
    throw new RangeError(`${what} ${n} is outside ${allowZero ? 0 : 1}-32767`);
  }
}
function checkRange(what: string, n: number, max: number): void {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`${what} ${n} is outside 0-${max}`);
}

/** The subclass byte a full frame carries, from its fields (spec §1.2). */
export function subclassByteOf(f: Pick<FullFrame, 'frameType' | 'subclass' | 'subclassBit' | 'videoMarker'>): number {
  let byte: number;
  if (f.subclassBit !== undefined) {
    checkRange('subclassBit', f.subclassBit, 63);
    // Canonical form, as Asterisk's compress_subclass(): bits 0-6 go as the plain value (µ-law is 0x04, not 0x82).
    byte = f.subclassBit < 7 ? 1 << f.subclassBit : 0x80 | f.subclassBit;
  } else {
    byte = compressSubclass(f.subclass);
  }
  if (f.frameType === FrameType.VIDEO && f.videoMarker && byte !== 0xff) byte |= VIDEO_MARKER_BIT;
  return byte;
}

/** Encodes a full frame (RFC 5456 §8.1.1). The payload is copied after the 12-byte header. */
export function encodeFullFrame(f: Omit<FullFrame, 'kind'>): Uint8Array {
  // 0 is representable in a full frame (the F bit tells it apart); only mini frames need a non-zero number.
  checkCallNumber('source call number', f.sourceCall, true);
  checkCallNumber('destination call number', f.destCall, true);
  checkRange('timestamp', f.timestamp, 0xffffffff);
  checkRange('oseqno', f.oseqno, 255);
  checkRange('iseqno', f.iseqno, 255);
  checkRange('frame type', f.frameType, 255);
  const out = new Uint8Array(FULL_HEADER_BYTES + f.payload.length);
  putU16(out, 0, FLAG_FULL | f.sourceCall);
  putU16(out, 2, (f.retransmit ? FLAG_RETRANS : 0) | f.destCall);
  putU32(out, 4, f.timestamp);
  out[8] = f.oseqno;
  out[9] = f.iseqno;
  out[10] = f.frameType;
  out[11] = subclassByteOf(f);
  out.set(f.payload, FULL_HEADER_BYTES);
  return out;
}

/** Encodes a mini voice frame (RFC 5456 §8.1.2): callno 1-32767, the low 16 bits of the timestamp, payload. */
export function encodeMiniFrame(sourceCall: number, timestamp16: number, payload: Uint8Array): Uint8Array {
  checkCallNumber('source call number', sourceCall, false);
  const out = new Uint8Array(MINI_HEADER_BYTES + payload.length);
  putU16(out, 0, sourceCall);
  putU16(out, 2, timestamp16 & 0xffff);
  out.set(payload, MINI_HEADER_BYTES);
  return out;
}

/** Encodes a meta video frame (RFC 5456 §8.1.3). The client never sends video; tests and peers do. */
export function encodeMetaVideoFrame(f: Omit<MetaVideoFrame, 'kind'>): Uint8Array {
  checkCallNumber('source call number', f.sourceCall, false);
  const out = new Uint8Array(VIDEO_HEADER_BYTES + f.payload.length);
  putU16(out, 2, 0x8000 | f.sourceCall);
  putU16(out, 4, (f.marker ? 0x8000 : 0) | (f.timestamp15 & 0x7fff));
  out.set(f.payload, VIDEO_HEADER_BYTES);
  return out;
}

/** Encodes a meta trunk frame, either entry variant (spec §1.5). Only for tests: the client MUST NOT send trunk. */
export function encodeTrunkFrame(f: Omit<MetaTrunkFrame, 'kind'>): Uint8Array {
  checkRange('trunk timestamp', f.timestamp, 0xffffffff);
  const entryHeader = f.withTimestamps ? 6 : 4;
  const total = f.entries.reduce((n, e) => n + entryHeader + e.payload.length, TRUNK_HEADER_BYTES);
  const out = new Uint8Array(total);
  out[2] = META_TRUNK;
  out[3] = f.withTimestamps ? TRUNK_WITH_TIMESTAMPS : 0;
  putU32(out, 4, f.timestamp);
  let at = TRUNK_HEADER_BYTES;
  for (const e of f.entries) {
    checkCallNumber('trunk entry call number', e.sourceCall, false);
    checkRange('trunk entry length', e.payload.length, 0xffff);
    if (f.withTimestamps) {
      putU16(out, at, e.payload.length);
      putU16(out, at + 2, e.sourceCall);
      putU16(out, at + 4, (e.timestamp16 ?? 0) & 0xffff);
    } else {
      putU16(out, at, e.sourceCall);
      putU16(out, at + 2, e.payload.length);
    }
    out.set(e.payload, at + entryHeader);
    at += entryHeader + e.payload.length;
  }
  return out;
}

/** Encodes any datagram kind (the inverse of {@link decodeDatagram}). */
export function encodeDatagram(d: Datagram): Uint8Array {
  switch (d.kind) {
    case 'full':
      return encodeFullFrame(d);
    case 'mini':
      return encodeMiniFrame(d.sourceCall, d.timestamp16, d.payload);
    case 'video':
      return encodeMetaVideoFrame(d);
    case 'trunk':
      return encodeTrunkFrame(d);
  }
}
