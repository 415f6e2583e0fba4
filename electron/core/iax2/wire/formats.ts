// The IAX2 format bitmap as Asterisk 22 puts it on the wire (spec §6.1; format_compatibility.h), the
// CODEC_PREFS letters (spec §6.3; codec_pref.c iax2_supported_formats[]), and helpers over 64-bit masks.
// Masks are bigint throughout: Opus is bit 34, beyond JavaScript's 32-bit bitwise operators (spec §6.2).
import type { CodecName } from '../../media/codec.js';
import { CODEC_INFO } from '../../media/codecs/codec-info.js';

export type FormatKind = 'audio' | 'image' | 'video' | 'text';

export interface FormatInfo {
  /** Asterisk's format name (what `core show codecs` and the IAX2 debug print). */
  readonly name: string;
  readonly kind: FormatKind;
  /** Bit number in the IAX2 format bitmap. */
  readonly bit: number;
  readonly mask: bigint;
  /** Subclass byte of a full VOICE frame in this format (spec §1.2 compression). */
  readonly voiceCsub: number;
  /**
   * CODEC_PREFS letter: 'A' + the 1-based index in Asterisk's iax2_supported_formats[] table, not the bit (spec §6.3).
   * Undefined for bits that table does not list.
   */
  readonly prefChar?: string;
  /** Sample rate in Hz (audio only; 0 otherwise). */
  readonly sampleRate: number;
  /** Human name for the UI and the trace. */
  readonly label: string;
}

function entry(name: string, kind: FormatKind, bit: number, prefChar: string | undefined, sampleRate: number, label: string): FormatInfo {
  return { name, kind, bit, mask: 1n << BigInt(bit), voiceCsub: bit < 7 ? 1 << bit : 0x80 | bit, prefChar, sampleRate, label };
}

/** Every format bit Asterisk 22 defines, in bit order (spec §6.1). */
export const IAX2_FORMATS: readonly FormatInfo[] = [
  entry('g723', 'audio', 0, 'B', 8000, 'G.723.1'),
  entry('gsm', 'audio', 1, 'C', 8000, 'GSM 06.10'),
  entry('ulaw', 'audio', 2, 'D', 8000, 'G.711 µ-law'),
  entry('alaw', 'audio', 3, 'E', 8000, 'G.711 A-law'),
  entry('g726aal2', 'audio', 4, 'N', 8000, 'G.726-32 (AAL2)'),
  entry('adpcm', 'audio', 5, 'G', 8000, 'IMA ADPCM'),
  entry('slin', 'audio', 6, 'H', 8000, 'Signed linear 8 kHz'),
  entry('lpc10', 'audio', 7, 'I', 8000, 'LPC-10'),
  entry('g729', 'audio', 8, 'J', 8000, 'G.729A'),
  entry('speex', 'audio', 9, 'K', 8000, 'Speex'),
  entry('ilbc', 'audio', 10, 'M', 8000, 'iLBC'),
  entry('g726', 'audio', 11, 'F', 8000, 'G.726-32'),
  entry('g722', 'audio', 12, 'O', 16000, 'G.722'),
  entry('siren7', 'audio', 13, 'Z', 16000, 'G.722.1 (Siren7)'),
  entry('siren14', 'audio', 14, '[', 32000, 'G.722.1C (Siren14)'),
  entry('slin16', 'audio', 15, 'P', 16000, 'Signed linear 16 kHz'),
  entry('jpeg', 'image', 16, 'Q', 0, 'JPEG'),
  entry('png', 'image', 17, 'R', 0, 'PNG'),
  entry('h261', 'video', 18, 'S', 0, 'H.261'),
  entry('h263', 'video', 19, 'T', 0, 'H.263'),
  entry('h263p', 'video', 20, 'U', 0, 'H.263+'),
  entry('h264', 'video', 21, 'V', 0, 'H.264'),
  entry('mpeg4', 'video', 22, 'W', 0, 'MPEG-4'),
  entry('vp8', 'video', 23, 'g', 0, 'VP8'),
  entry('red', 'text', 26, 'X', 0, 'T.140 RED'),
  entry('t140', 'text', 27, 'Y', 0, 'T.140'),
  entry('g719', 'audio', 32, ']', 48000, 'G.719'),
  entry('speex16', 'audio', 33, 'L', 16000, 'Speex wideband'),
  entry('opus', 'audio', 34, 'f', 48000, 'Opus'),
  entry('testlaw', 'audio', 47, '\\', 8000, 'testlaw'),
];

/** The audio formats of spec §6.1 (testlaw excluded: a test-only format never offered). */
export const AUDIO_FORMATS: readonly FormatInfo[] = IAX2_FORMATS.filter((f) => f.kind === 'audio' && f.name !== 'testlaw');

const byName = new Map(IAX2_FORMATS.map((f) => [f.name, f]));
const byBit = new Map(IAX2_FORMATS.map((f) => [f.bit, f]));
const byPrefChar = new Map(IAX2_FORMATS.filter((f) => f.prefChar).map((f) => [f.prefChar as string, f]));

/** The names our media layer uses are Asterisk's names too; this holds the table lookup for them. */
export function formatInfoOf(name: CodecName | string): FormatInfo | undefined {
  return byName.get(name);
}

export function formatInfoOfBit(bit: number): FormatInfo | undefined {
  return byBit.get(bit);
}

/** The format bit of one of our codecs. */
export function formatBitOf(name: CodecName): number {
  const info = byName.get(name);
  if (!info) throw new Error(`codec ${name} has no IAX2 format bit`);
  return info.bit;
}

/** The format mask of one of our codecs (1n << bit). */
export function formatMaskOf(name: CodecName): bigint {
  return 1n << BigInt(formatBitOf(name));
}

const OUR_CODECS: ReadonlySet<string> = new Set(Object.keys(CODEC_INFO));

/** Which of our codecs a format bit is, or undefined if we do not implement it. */
export function codecNameOfBit(bit: number): CodecName | undefined {
  const info = byBit.get(bit);
  return info && OUR_CODECS.has(info.name) ? (info.name as CodecName) : undefined;
}

/** The bitmap of a list of our codecs. */
export function maskOf(names: Iterable<CodecName>): bigint {
  let mask = 0n;
  for (const n of names) mask |= formatMaskOf(n);
  return mask;
}

/** The bit numbers set in a mask, lowest first. */
export function bitsOfMask(mask: bigint): number[] {
  const bits: number[] = [];
  for (let bit = 0; mask > 0n && bit < 64; bit++, mask >>= 1n) if (mask & 1n) bits.push(bit);
  return bits;
}

/** The low 32 bits of a mask, for the 32-bit FORMAT/CAPABILITY IEs (Asterisk truncates the same way, spec §6.2). */
export function low32(mask: bigint): number {
  return Number(mask & 0xffff_ffffn);
}

/** The CODEC_PREFS string for codecs in preference order (spec §6.3), e.g. ulaw, alaw, g722 → "DEO". */
export function prefsString(names: Iterable<CodecName>): string {
  let s = '';
  for (const n of names) {
    const c = byName.get(n)?.prefChar;
    if (c) s += c;
  }
  return s;
}

/**
 * Format bits of a CODEC_PREFS string, in order. Like Asterisk's iax2_codec_pref_convert(), only the first 32
 * characters count; letters that map to no format (unused table slots, anything else) are skipped.
 */
export function parsePrefs(s: string): number[] {
  const bits: number[] = [];
  for (const c of Array.from(s).slice(0, 32)) {
    const info = byPrefChar.get(c);
    if (info) bits.push(info.bit);
  }
  return bits;
}

/** Readable names for a mask, e.g. "ulaw|alaw|gsm|g722" (unknown bits as "bit40"). Empty mask: "(none)". */
export function formatLabelOfMask(mask: bigint): string {
  const bits = bitsOfMask(mask);
  if (bits.length === 0) return '(none)';
  return bits.map((b) => byBit.get(b)?.name ?? `bit${b}`).join('|');
}
