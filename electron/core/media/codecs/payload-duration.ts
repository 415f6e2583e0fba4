// How long a voice payload plays, from its length (spec §6.6): the one rule the engine (receive statistics,
// trunk timestamps), the jitter buffer and the media peers use.
import type { CodecName } from '../codec.js';
import { inspectOpusPacket } from './opus-packet.js';

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
