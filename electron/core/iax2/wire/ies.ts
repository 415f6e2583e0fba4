// Information elements (RFC 5456 §8.6; spec §3): parse/encode the IE block of IAX frames, a writer and a
// reader with Asterisk's tolerance rules, and the value helpers for the IEs with unusual encodings.
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip-address.js';
import { IeType, type DecodeResult, type RawIe } from './types.js';

/** Longest IE data: the length is one byte (RFC 5456 §8.6; spec §1.6). */
export const MAX_IE_DATA = 255;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/**
 * Splits an IE block into raw IEs. Like Asterisk's iax_parse_ies() (spec §3.1), the IEs must consume the
 * payload exactly: an IE whose length overruns the block, or a single stray byte at the end, is an error.
 * Unknown types are kept (callers skip them); the data are views into `payload`, not copies.
 */
export function parseIes(payload: Uint8Array): DecodeResult<RawIe[]> {
  const ies: RawIe[] = [];
  let at = 0;
  while (at < payload.length) {
    if (payload.length - at < 2) {
      return { ok: false, error: `stray byte at offset ${at} after the last information element` };
    }
    const type = payload[at];
    const len = payload[at + 1];
    if (at + 2 + len > payload.length) {
      return {
        ok: false,
        error: `information element ${ieName(type)} (${type}) at offset ${at} claims ${len} bytes but only ${payload.length - at - 2} remain`,
      };
    }
    ies.push({ type, data: payload.subarray(at + 2, at + 2 + len) });
    at += 2 + len;
  }
  return { ok: true, value: ies };
}

/** Concatenates IEs into a block. Throws a clear Error if one carries more than 255 bytes. */
export function encodeIes(ies: readonly RawIe[]): Uint8Array {
  let total = 0;
  for (const ie of ies) {
    checkIe(ie.type, ie.data.length);
    total += 2 + ie.data.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const ie of ies) {
    out[at] = ie.type;
    out[at + 1] = ie.data.length;
    out.set(ie.data, at + 2);
    at += 2 + ie.data.length;
  }
  return out;
}

function checkIe(type: number, length: number): void {
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new Error(`IE type ${type} is not a byte`);
  if (length > MAX_IE_DATA) {
    throw new Error(`IE ${ieName(type)} (${type}) has ${length} bytes of data; an IE holds at most ${MAX_IE_DATA}`);
  }
}

/** Builds an IE block in the order the calls are made. Every method but finish() returns the writer. */
export class IeWriter {
  private readonly ies: RawIe[] = [];

  /** A UTF-8 string, not NUL-terminated (spec §3.1). Rejects embedded NUL, which Asterisk would cut at. */
  string(type: number, s: string): this {
    if (s.includes('\u0000')) throw new Error(`IE ${ieName(type)} (${type}): string contains a NUL character`);
    return this.bytes(type, utf8Encoder.encode(s));
  }
  u8(type: number, v: number): this {
    checkUint(type, v, 0xff);
    return this.bytes(type, Uint8Array.of(v));
  }
  u16(type: number, v: number): this {
    checkUint(type, v, 0xffff);
    return this.bytes(type, Uint8Array.of(v >>> 8, v & 0xff));
  }
  u32(type: number, v: number): this {
    checkUint(type, v, 0xffffffff);
    return this.bytes(type, Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }
  /** Version byte 0, then a big-endian u64: CAPABILITY2 / FORMAT2 (spec §6.2). */
  versionedU64(type: number, value: bigint): this {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new Error(`IE ${ieName(type)} (${type}): ${value} is not a u64`);
    const data = new Uint8Array(9);
    new DataView(data.buffer).setBigUint64(1, value, false);
    return this.bytes(type, data);
  }
  /** An IE with no data (CALLTOKEN's "I support tokens", AUTOANSWER, MUSICONHOLD). */
  empty(type: number): this {
    return this.bytes(type, new Uint8Array(0));
  }
  bytes(type: number, data: Uint8Array): this {
    checkIe(type, data.length);
    this.ies.push({ type, data: Uint8Array.from(data) });
    return this;
  }
  /** The IEs written so far. */
  raw(): readonly RawIe[] {
    return this.ies;
  }
  finish(): Uint8Array {
    return encodeIes(this.ies);
  }
}

function checkUint(type: number, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new Error(`IE ${ieName(type)} (${type}): ${v} is outside 0-${max}`);
  }
}

/**
 * Reads values out of parsed IEs. When a type repeats, the last one wins, as in Asterisk's iax_parse_ies()
 * (use all() for repeatable IEs such as VARIABLE). A fixed-size IE of the wrong length reads as undefined:
 * Asterisk logs and ignores it (spec §3.1).
 */
export class IeReader {
  constructor(readonly ies: readonly RawIe[]) {}

  /** Parses a block into a reader; an error result if the block is malformed (see {@link parseIes}). */
  static fromPayload(payload: Uint8Array): DecodeResult<IeReader> {
    const parsed = parseIes(payload);
    return parsed.ok ? { ok: true, value: new IeReader(parsed.value) } : parsed;
  }

  has(type: number): boolean {
    return this.ies.some((ie) => ie.type === type);
  }
  /** The data of the last IE of this type. */
  bytes(type: number): Uint8Array | undefined {
    for (let i = this.ies.length - 1; i >= 0; i--) if (this.ies[i].type === type) return this.ies[i].data;
    return undefined;
  }
  /** Every IE of this type, in order. */
  all(type: number): Uint8Array[] {
    return this.ies.filter((ie) => ie.type === type).map((ie) => ie.data);
  }
  /** UTF-8 text (invalid sequences become U+FFFD). Asterisk stops at a NUL; so do we. */
  string(type: number): string | undefined {
    const data = this.bytes(type);
    if (!data) return undefined;
    const nul = data.indexOf(0);
    return utf8Decoder.decode(nul >= 0 ? data.subarray(0, nul) : data);
  }
  u8(type: number): number | undefined {
    const d = this.bytes(type);
    return d && d.length === 1 ? d[0] : undefined;
  }
  u16(type: number): number | undefined {
    const d = this.bytes(type);
    return d && d.length === 2 ? (d[0] << 8) | d[1] : undefined;
  }
  u32(type: number): number | undefined {
    const d = this.bytes(type);
    return d && d.length === 4 ? readU32(d, 0) : undefined;
  }
  /** A versioned u64 (spec §6.2): 9 bytes, version byte 0; anything else is ignored as Asterisk does. */
  versionedU64(type: number): bigint | undefined {
    const d = this.bytes(type);
    if (!d || d.length !== 9 || d[0] !== 0) return undefined;
    return readU64(d, 1);
  }
}

function readU32(d: Uint8Array, at: number): number {
  return ((d[at] << 24) >>> 0) + ((d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]);
}
function readU64(d: Uint8Array, at: number): bigint {
  return (BigInt(readU32(d, at)) << 32n) | BigInt(readU32(d, at + 4));
}

// ---------------------------------------------------------------------------------------------
// Value helpers

export interface ApparentAddr {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly port: number;
}

const AF_INET_LINUX = 2;
const AF_INET6_LINUX = 10;

/**
 * APPARENT_ADDR (spec §3.2): a raw Linux sockaddr dump. Decoded by length (16 = sockaddr_in, 28 = sockaddr_in6),
 * as Asterisk's dump_addr() does, not by the family field (little-endian, and only meaningful on Linux).
 */
export function decodeApparentAddr(data: Uint8Array): DecodeResult<ApparentAddr> {
  if (data.length === 16) {
    return { ok: true, value: { family: 'ipv4', port: (data[2] << 8) | data[3], address: formatIpv4(data.subarray(4, 8)) } };
  }
  if (data.length === 28) {
    return { ok: true, value: { family: 'ipv6', port: (data[2] << 8) | data[3], address: formatIpv6(data.subarray(8, 24)) } };
  }
  return { ok: false, error: `apparent address of ${data.length} bytes is neither sockaddr_in (16) nor sockaddr_in6 (28)` };
}

/** The sockaddr dump Asterisk sends in REGACK, for test peers (family little-endian, port big-endian). */
export function encodeApparentAddr(addr: { readonly address: string; readonly port: number }): Uint8Array {
  if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 0xffff) throw new Error(`port ${addr.port} is outside 0-65535`);
  const v4 = parseIpv4(addr.address);
  if (v4) {
    const out = new Uint8Array(16);
    out[0] = AF_INET_LINUX;
    out[2] = addr.port >>> 8;
    out[3] = addr.port & 0xff;
    out.set(v4, 4);
    return out;
  }
  const v6 = parseIpv6(addr.address);
  if (v6) {
    const out = new Uint8Array(28);
    out[0] = AF_INET6_LINUX;
    out[2] = addr.port >>> 8;
    out[3] = addr.port & 0xff;
    out.set(v6, 8);
    return out;
  }
  throw new Error(`"${addr.address}" is not a numeric IPv4 or IPv6 address`);
}

export interface DateTimeParts {
  /** 2000-2127. */
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  /** 1-31. */
  readonly day: number;
  readonly hours: number;
  readonly minutes: number;
  /** 0-59; the wire keeps only even seconds. */
  readonly seconds: number;
}

/** DATETIME packing (spec §3.2; Asterisk iax2_datetime()): 2-second resolution, years 2000-2127. */
export function encodeDateTime(p: DateTimeParts): number {
  const fields: Array<[string, number, number, number]> = [
    ['year', p.year, 2000, 2127],
    ['month', p.month, 1, 12],
    ['day', p.day, 1, 31],
    ['hours', p.hours, 0, 23],
    ['minutes', p.minutes, 0, 59],
    ['seconds', p.seconds, 0, 59],
  ];
  for (const [name, v, lo, hi] of fields) {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`DATETIME ${name} ${v} is outside ${lo}-${hi}`);
  }
  return (
    (((p.year - 2000) << 25) >>> 0) +
    ((p.month << 21) | (p.day << 16) | (p.hours << 11) | (p.minutes << 5) | (p.seconds >> 1))
  );
}

export function decodeDateTime(v: number): DateTimeParts {
  return {
    year: 2000 + ((v >>> 25) & 0x7f),
    month: (v >>> 21) & 0x0f,
    day: (v >>> 16) & 0x1f,
    hours: (v >>> 11) & 0x1f,
    minutes: (v >>> 5) & 0x3f,
    seconds: (v & 0x1f) * 2,
  };
}

/** The DATETIME fields of a Date in its local time zone (Asterisk fills it with the server's local time). */
export function dateTimePartsOf(d: Date): DateTimeParts {
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hours: d.getHours(),
    minutes: d.getMinutes(),
    seconds: d.getSeconds(),
  };
}

/** MSGCOUNT (spec §3.2; A.8): high byte = old messages, low byte = new messages, each capped at 255. */
export function decodeMsgCount(v: number): { readonly oldMessages: number; readonly newMessages: number } {
  return { oldMessages: (v >>> 8) & 0xff, newMessages: v & 0xff };
}

export function encodeMsgCount(oldMessages: number, newMessages: number): number {
  const cap = (n: number): number => Math.max(0, Math.min(255, Math.trunc(n)));
  return (cap(oldMessages) << 8) | cap(newMessages);
}

/** RR_LOSS (spec §3.2): high byte = loss percentage, low 24 bits = frames lost. */
export function decodeRrLoss(v: number): { readonly percent: number; readonly lost: number } {
  return { percent: (v >>> 24) & 0xff, lost: v & 0xffffff };
}

/** The enum name of an IE type ("CALLED_NUMBER"), or "IE_<n>" for types we do not know. */
export function ieName(type: number): string {
  const name = (IeType as unknown as Record<number, string | undefined>)[type];
  return typeof name === 'string' ? name : `IE_${type}`;
}
