// The static description of every codec we implement: IAX2 format bit, CODEC_PREFS letter, PCM rate and our
// packetisation. Values from the spec §6.1 table (Asterisk 22 `format_compatibility.h`, `codec_pref.c`).

import type { CodecInfo, CodecName } from '../codec.js';

export const CODEC_INFO: Readonly<Record<CodecName, CodecInfo>> = {
  gsm: { name: 'gsm', formatBit: 1n << 1n, prefChar: 'C', sampleRate: 8000, frameMs: 20, label: 'GSM 06.10' },
  ulaw: { name: 'ulaw', formatBit: 1n << 2n, prefChar: 'D', sampleRate: 8000, frameMs: 20, label: 'G.711 µ-law' },
  alaw: { name: 'alaw', formatBit: 1n << 3n, prefChar: 'E', sampleRate: 8000, frameMs: 20, label: 'G.711 A-law' },
  slin: { name: 'slin', formatBit: 1n << 6n, prefChar: 'H', sampleRate: 8000, frameMs: 20, label: 'Linear 8 kHz' },
  g722: { name: 'g722', formatBit: 1n << 12n, prefChar: 'O', sampleRate: 16000, frameMs: 20, label: 'G.722' },
  slin16: { name: 'slin16', formatBit: 1n << 15n, prefChar: 'P', sampleRate: 16000, frameMs: 20, label: 'Linear 16 kHz' },
  // Opus PCM side defaults to 16 kHz (wideband end to end); the wire clock is always 48 kHz inside the Opus
  // packet and IAX2 timestamps are in ms, so nothing on the wire depends on this choice (spec §6.6).
  opus: { name: 'opus', formatBit: 1n << 34n, prefChar: 'f', sampleRate: 16000, frameMs: 20, label: 'Opus' },
};

/** Samples per frame of PCM for a codec at our packetisation. */
export function frameSamples(info: CodecInfo): number {
  return (info.sampleRate * info.frameMs) / 1000;
}
