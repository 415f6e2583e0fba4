// Codec negotiation, as pure functions over IAX2 format bitmaps (bigint: Opus is bit 34, spec D-1).
//  - What we offer in NEW (spec §3.3, §6.4): FORMAT = our first choice, CAPABILITY = every codec we can encode
//    AND decode, CODEC_PREFS = our order as Asterisk's preference letters (spec §6.3).
//  - What we accept when called (spec §6.5): one codec, chosen from the caller's CODEC_PREFS, FORMAT and CAPABILITY.
//  - What the server chose in its ACCEPT (spec §5.2, §6.2: FORMAT2 wins over FORMAT).
import type { CodecName } from '../media/codec.js';
import { codecNameOfBit, formatMaskOf, parsePrefs as prefBits, prefsString } from './wire/formats.js';

export interface CodecOffer {
  /** FORMAT / FORMAT2: our single preferred codec. */
  readonly format: bigint;
  /** CAPABILITY / CAPABILITY2: every codec we offer. */
  readonly capability: bigint;
  /** CODEC_PREFS letters in our order (Asterisk reads at most 32). */
  readonly prefs: string;
}

/** The NEW we send (spec §6.4). Duplicates are dropped; an empty list is a configuration error. */
export function buildOffer(codecs: readonly CodecName[]): CodecOffer {
  const unique = [...new Set(codecs)];
  const first = unique[0];
  if (first === undefined) throw new Error('no codecs to offer: the account lists none');
  let capability = 0n;
  for (const c of unique) capability |= formatMaskOf(c);
  return { format: formatMaskOf(first), capability, prefs: prefsString(unique).slice(0, 32) };
}

/** The codec fields of an incoming NEW (spec §3.3 "NEW, Asterisk → client"). 64-bit values already preferred. */
export interface RemoteCodecOffer {
  /** FORMAT2 ?? FORMAT: the caller's native format(s); may have several bits. */
  readonly format?: bigint;
  /** CAPABILITY2 ?? CAPABILITY; Asterisk treats an absent capability as = format (spec §3.3). */
  readonly capability?: bigint;
  readonly prefs?: string;
}

export type IncomingCodecChoice =
  | { readonly ok: true; readonly codec: CodecName; readonly rule: 'prefs-in-format' | 'prefs-in-capability' | 'ours-in-capability' }
  | { readonly ok: false; readonly causeCode: 58; readonly cause: 'Unable to negotiate codec' };

/** Every one of our codecs whose bit is in `mask`, in our preference order. */
function oursIn(mask: bigint, ours: readonly CodecName[]): CodecName[] {
  return ours.filter((c) => (mask & formatMaskOf(c)) !== 0n);
}

/** The caller's CODEC_PREFS as our codec names, in its order; letters we do not support are skipped (spec §6.3). */
export function parsePrefs(prefs: string | undefined): CodecName[] {
  if (!prefs) return [];
  const out: CodecName[] = [];
  for (const bit of prefBits(prefs)) {
    const c = codecNameOfBit(bit);
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
}

/**
 * Spec §6.5, in order:
 *  1. the first CODEC_PREFS entry in FORMAT ∩ ours (no transcoding on the server);
 *  2. else the first CODEC_PREFS entry in CAPABILITY ∩ ours;
 *  3. else our own order within CAPABILITY ∩ ours;
 *  4. else REJECT cause 58.
 */
export function chooseIncomingCodec(remote: RemoteCodecOffer, ours: readonly CodecName[]): IncomingCodecChoice {
  const format = remote.format ?? 0n;
  const capability = remote.capability ?? format;
  const prefs = parsePrefs(remote.prefs);
  const inFormat = prefs.find((c) => ours.includes(c) && (format & formatMaskOf(c)) !== 0n);
  if (inFormat) return { ok: true, codec: inFormat, rule: 'prefs-in-format' };
  const inCap = prefs.find((c) => ours.includes(c) && (capability & formatMaskOf(c)) !== 0n);
  if (inCap) return { ok: true, codec: inCap, rule: 'prefs-in-capability' };
  const ourChoice = oursIn(capability, ours)[0];
  if (ourChoice) return { ok: true, codec: ourChoice, rule: 'ours-in-capability' };
  return { ok: false, causeCode: 58, cause: 'Unable to negotiate codec' };
}

/** FORMAT (u32) and FORMAT2 (u64) for an ACCEPT carrying exactly one codec (spec §3.3 ACCEPT, §6.2). */
export function acceptFormats(codec: CodecName): { readonly format32: number; readonly format64: bigint } {
  const mask = formatMaskOf(codec);
  // Asterisk truncates to 32 bits; a codec above bit 31 (Opus) therefore yields FORMAT 0 and lives in FORMAT2.
  return { format32: Number(mask & 0xffff_ffffn), format64: mask };
}

export type AcceptedCodec =
  | { readonly ok: true; readonly codec: CodecName }
  | { readonly ok: false; readonly reason: string };

/**
 * The codec named by the server's ACCEPT (spec §5.2: binding; §6.2: FORMAT2 has precedence over FORMAT). It must be
 * one we offered, since we can only encode and decode those. If several bits are set (not expected), the first of
 * ours in our preference order wins.
 */
export function codecFromAccept(
  fields: { readonly format2?: bigint; readonly format?: number }, offered: readonly CodecName[],
): AcceptedCodec {
  const mask = fields.format2 ?? (fields.format !== undefined ? BigInt(fields.format >>> 0) : undefined);
  if (mask === undefined || mask === 0n) return { ok: false, reason: 'ACCEPT carried no FORMAT/FORMAT2' };
  const chosen = oursIn(mask, offered)[0];
  if (!chosen) return { ok: false, reason: `ACCEPT named format 0x${mask.toString(16)}, which we did not offer` };
  return { ok: true, codec: chosen };
}

/** The codec of a voice frame's format bit number (0-63; 2 = µ-law, 34 = Opus), spec §6.1 / §6.5. */
export function codecOfVoiceBit(bitNumber: number): CodecName | undefined {
  if (!Number.isInteger(bitNumber) || bitNumber < 0 || bitNumber > 63) return undefined;
  return codecNameOfBit(bitNumber);
}
