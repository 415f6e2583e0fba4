// One place to look codecs up by name, and the payload-duration rule of spec §6.6 for every codec.

import type { CodecFactory, CodecInfo, CodecName } from '../codec.js';
import { CODEC_INFO } from './codec-info.js';
import { alawCodec, ulawCodec } from './g711.js';
import { g722Codec } from './g722.js';
import { gsmCodec } from './gsm.js';
import { opusCodec } from './opus.js';
import { inspectOpusPacket } from './opus-packet.js';
import { slin16Codec, slinCodec } from './slin.js';

const FACTORIES: Readonly<Record<CodecName, CodecFactory>> = {
  ulaw: ulawCodec,
  alaw: alawCodec,
  gsm: gsmCodec,
  g722: g722Codec,
  slin: slinCodec('big'),
  slin16: slin16Codec('little'),
  opus: opusCodec({ pcmRate: 16000 }),
};

/** The factory for a codec with the default options (slin BE, slin16 LE, Opus at 16 kHz PCM). */
export function codecFactory(name: CodecName): CodecFactory {
  const f = FACTORIES[name];
  if (!f) throw new Error(`unknown codec '${String(name)}'`);
  return f;
}

/** Every codec we implement, in our default preference order (wideband first). */
export function allCodecs(): CodecFactory[] {
  return (['opus', 'g722', 'ulaw', 'alaw', 'gsm', 'slin16', 'slin'] as const).map((n) => FACTORIES[n]);
}

/** The codec with this IAX2 format bit (spec §6.1), or undefined if we do not implement it. */
export function codecByFormatBit(bit: bigint): CodecInfo | undefined {
  return Object.values(CODEC_INFO).find((i) => i.formatBit === bit);
}

/** The codec with this CODEC_PREFS letter (spec §6.3), or undefined. */
export function codecByPrefChar(ch: string): CodecInfo | undefined {
  return Object.values(CODEC_INFO).find((i) => i.prefChar === ch);
}

/**
 * Duration in ms of a voice payload, from its length (spec §6.6): 8 bytes/ms for G.711 and G.722, 33 bytes per 20 ms
 * for GSM, 16 bytes/ms for slin, 32 bytes/ms for slin16; Opus from its TOC byte (Asterisk's senders always put one
 * 20 ms frame in a packet). Throws on an empty payload or one that is not a whole number of codec frames.
 */
export function payloadDurationMs(name: CodecName, payload: Uint8Array): number {
  const n = payload.length;
  const whole = (bytes: number, ms: number): number => {
    if (n === 0 || n % bytes !== 0) throw new Error(`${name} payload of ${n} bytes is not a whole number of frames`);
    return (n / bytes) * ms;
  };
  switch (name) {
    case 'ulaw':
    case 'alaw':
    case 'g722':
      return whole(1, 1 / 8);
    case 'gsm':
      return whole(33, 20);
    case 'slin':
      return whole(2, 1 / 8);
    case 'slin16':
      return whole(2, 1 / 16);
    case 'opus':
      return inspectOpusPacket(payload).durationMs;
  }
}
