// The PCM side of every codec we implement: the rate its encoder takes and its decoder gives, and our
// packetisation. Their IAX2 identities (format bit, CODEC_PREFS letter, names) are the wire's: iax2/wire/formats.ts.

import type { CodecInfo, CodecName } from '../codec.js';

export const CODEC_INFO: Readonly<Record<CodecName, CodecInfo>> = {
  gsm: { name: 'gsm', sampleRate: 8000, frameMs: 20 },
  ulaw: { name: 'ulaw', sampleRate: 8000, frameMs: 20 },
  alaw: { name: 'alaw', sampleRate: 8000, frameMs: 20 },
  slin: { name: 'slin', sampleRate: 8000, frameMs: 20 },
  g722: { name: 'g722', sampleRate: 16000, frameMs: 20 },
  slin16: { name: 'slin16', sampleRate: 16000, frameMs: 20 },
  // Opus PCM side defaults to 16 kHz (wideband end to end); the wire clock is always 48 kHz inside the Opus
  // packet and IAX2 timestamps are in ms, so nothing on the wire depends on this choice (spec §6.6).
  opus: { name: 'opus', sampleRate: 16000, frameMs: 20 },
};

/** Samples per frame of PCM for a codec at our packetisation. */
export function frameSamples(info: CodecInfo): number {
  return (info.sampleRate * info.frameMs) / 1000;
}
