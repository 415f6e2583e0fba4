// The IEs of NEW in both directions (spec §3.3; RFC 5456 §6.2.1, §8.6).
import type { CodecOffer, RemoteCodecOffer } from '../codec-negotiation.js';
import { IeReader, IeWriter } from '../wire/ies.js';
import { IeType, type RawIe } from '../wire/types.js';

/** CALLINGPRES 0x00 = presentation allowed, user-provided not screened (spec §3.2, IE 38). */
export const CALLINGPRES_ALLOWED = 0x00;

export interface OutgoingNewParams {
  readonly calledNumber: string;
  readonly offer: CodecOffer;
  readonly callingNumber?: string;
  readonly callingName?: string;
  readonly username?: string;
  /** IE ENCRYPTION bits to offer (spec §7.1: 0x0001 = AES-128; we never offer key rotation, P14). */
  readonly encryption?: number;
}

/**
 * NEW, client → Asterisk, in the order of spec §3.3 (mirroring chan_iax2.c iax2_call()): VERSION, CALLED_NUMBER,
 * CODEC_PREFS, CALLING_NUMBER, CALLINGPRES, CALLING_NAME, USERNAME, FORMAT, FORMAT2, CAPABILITY, CAPABILITY2.
 * The empty CALLTOKEN that must come last (spec §3.4, K-1) is appended by Dialog.sendOpening, which also swaps in
 * the server's token; pass `withCallToken` to get the complete list (tests, traces). CALLED_CONTEXT is never
 * sent (pitfall P3). NULs are removed from user-supplied strings (P22) and strings are cut to 255 bytes.
 */
export function buildOutgoingNewIes(p: OutgoingNewParams, withCallToken = false): RawIe[] {
  const w = new IeWriter()
    .u16(IeType.VERSION, 2)
    .bytes(IeType.CALLED_NUMBER, ieText(p.calledNumber))
    .bytes(IeType.CODEC_PREFS, ieText(p.offer.prefs));
  if (p.callingNumber) w.bytes(IeType.CALLING_NUMBER, ieText(p.callingNumber));
  w.u8(IeType.CALLINGPRES, CALLINGPRES_ALLOWED);
  if (p.callingName) w.bytes(IeType.CALLING_NAME, ieText(p.callingName));
  if (p.username) w.bytes(IeType.USERNAME, ieText(p.username));
  // FORMAT/CAPABILITY are Asterisk's truncating casts of the 64-bit values (spec §6.2).
  w.u32(IeType.FORMAT, Number(p.offer.format & 0xffff_ffffn))
    .versionedU64(IeType.FORMAT2, p.offer.format)
    .u32(IeType.CAPABILITY, Number(p.offer.capability & 0xffff_ffffn))
    .versionedU64(IeType.CAPABILITY2, p.offer.capability);
  if (p.encryption) w.u16(IeType.ENCRYPTION, p.encryption);
  if (withCallToken) w.empty(IeType.CALLTOKEN);
  return [...w.raw()];
}

const utf8 = new TextEncoder();

/** UTF-8 without NULs, at most 255 bytes (cut on a character boundary). */
export function ieText(s: string): Uint8Array {
  let clean = s.replace(/\0/g, '');
  let bytes = utf8.encode(clean);
  while (bytes.length > 255) { clean = clean.slice(0, -1); bytes = utf8.encode(clean); }
  return bytes;
}

/** What we take from a NEW that Asterisk (or a direct peer) sends us (spec §3.3 "NEW, Asterisk → client"). */
export interface IncomingNewInfo {
  readonly calledNumber: string;
  readonly callingNumber?: string;
  readonly callingName?: string;
  readonly username?: string;
  readonly autoAnswer: boolean;
  readonly codecs: RemoteCodecOffer;
  readonly version?: number;
}

/** Parses an incoming NEW. The 64-bit FORMAT2/CAPABILITY2 win over the 32-bit ones (spec §6.2, D-2). */
export function parseIncomingNew(ies: readonly RawIe[]): IncomingNewInfo {
  const r = new IeReader(ies);
  const format = r.versionedU64(IeType.FORMAT2) ?? big(r.u32(IeType.FORMAT));
  const capability = r.versionedU64(IeType.CAPABILITY2) ?? big(r.u32(IeType.CAPABILITY));
  const prefs = r.string(IeType.CODEC_PREFS);
  const callingNumber = r.string(IeType.CALLING_NUMBER);
  const callingName = r.string(IeType.CALLING_NAME);
  const username = r.string(IeType.USERNAME);
  const version = r.u16(IeType.VERSION);
  return {
    // Without CALLED_NUMBER Asterisk means extension "s" (spec §3.3).
    calledNumber: r.string(IeType.CALLED_NUMBER) ?? 's',
    ...(callingNumber !== undefined ? { callingNumber } : {}),
    ...(callingName !== undefined ? { callingName } : {}),
    ...(username !== undefined ? { username } : {}),
    autoAnswer: r.has(IeType.AUTOANSWER),
    codecs: {
      ...(format !== undefined ? { format } : {}),
      ...(capability !== undefined ? { capability } : {}),
      ...(prefs !== undefined ? { prefs } : {}),
    },
    ...(version !== undefined ? { version } : {}),
  };
}

function big(v: number | undefined): bigint | undefined {
  return v === undefined ? undefined : BigInt(v);
}
