// Bridges our CodecName to the IAX2 wire identities of spec §6.1 (format bit, CODEC_PREFS letter §6.3), as thin
// wrappers over wire/formats.ts so the call layer speaks in masks (bigint) and bit numbers.
import type { CodecName } from '../../media/codec.js';
import { codecNameOfBit, formatBitOf, formatInfoOf, formatMaskOf, parsePrefs } from '../wire/formats.js';

export function bitOfCodec(codec: CodecName): bigint { return formatMaskOf(codec); }

/** The power of two (0-63) of a codec's format bit: what Dialog.sendVoice takes. */
export function bitIndexOfCodec(codec: CodecName): number { return formatBitOf(codec); }

export function prefCharOfCodec(codec: CodecName): string { return formatInfoOf(codec)?.prefChar ?? ''; }

/** The codec whose format is exactly `mask` (a single bit), or undefined. */
export function codecOfBit(mask: bigint): CodecName | undefined {
  if (mask <= 0n || (mask & (mask - 1n)) !== 0n) return undefined;
  return codecNameOfBit(mask.toString(2).length - 1);
}

export function codecOfPrefChar(ch: string): CodecName | undefined {
  const bit = parsePrefs(ch)[0];
  return bit === undefined ? undefined : codecNameOfBit(bit);
}
