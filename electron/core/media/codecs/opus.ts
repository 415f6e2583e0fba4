// Opus for IAX2 (spec §6.1, §6.6): raw Opus packets, mono, exactly 20 ms per IAX2 frame because Asterisk counts
// every Opus frame as 20 ms. The Opus bitstream always runs on a 48 kHz clock; the PCM side here is 16 kHz by
// default (wideband end to end, like G.722, with no resampling between device, codec and jitter buffer) or 48 kHz.
//
// Libraries (both WASM, pure computation, nothing native to ship):
//  - decode: `opus-decoder` (libopus via WASM). Its own empty-packet concealment returns 120 ms (stack-notes §2.1),
//    so conceal() feeds it a one-byte TOC-only packet instead, which libopus conceals as exactly one 20 ms frame.
//  - encode: libopus 1.4 WASM from `opusscript`, through our own binding (opus-wasm-encoder.ts explains why),
//    VOIP application, 32 kbit/s, complexity 9, signal type voice.
// Both are loaded lazily by dynamic import so nothing WASM is compiled until an Opus call needs it.

import type { AudioDecoder, AudioEncoder, CodecFactory, CodecInfo } from '../codec.js';
import { CODEC_INFO, frameSamples } from './codec-info.js';
import { inspectOpusPacket, lossPacket20ms } from './opus-packet.js';
import { WasmOpusEncoder } from './opus-wasm-encoder.js';

export type OpusPcmRate = 16000 | 48000;

export interface OpusOptions {
  /** PCM rate on our side of the codec (default 16000). */
  readonly pcmRate?: OpusPcmRate;
  /** Encoder target bitrate in bit/s (default 32000: near-transparent wideband speech). */
  readonly bitrate?: number;
  /** libopus complexity 0–10 (default 9). */
  readonly complexity?: number;
}

// libopus request numbers (opus_defines.h) and values.
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_SET_SIGNAL = 4024;
const OPUS_SIGNAL_VOICE = 3001;
const OPUS_APPLICATION_VOIP = 2048;

class OpusEncoderImpl implements AudioEncoder {
  private closed = false;
  constructor(readonly info: CodecInfo, private readonly enc: WasmOpusEncoder) {}

  encode(pcm: Int16Array): Uint8Array {
    if (this.closed) throw new Error('Opus encoder is closed');
    const n = frameSamples(this.info);
    if (pcm.length !== n) throw new Error(`Opus encoder needs ${n} samples per frame, got ${pcm.length}`);
    return this.enc.encode(pcm);
  }

  close(): void {
    if (!this.closed) this.enc.close();
    this.closed = true;
  }
}

interface WasmOpusDecoder {
  ready: Promise<void>;
  decodeFrame(frame: Uint8Array): { channelData: Float32Array[]; samplesDecoded: number; errors: unknown[] };
  free(): void;
}

class OpusDecoderImpl implements AudioDecoder {
  private closed = false;
  private lastToc = -1;
  /** Concealed samples produced beyond what conceal() was asked for, handed out first next time. */
  private carry: Int16Array = new Int16Array(0);
  constructor(readonly info: CodecInfo, private readonly dec: WasmOpusDecoder) {}

  decode(payload: Uint8Array): Int16Array {
    if (this.closed) throw new Error('Opus decoder is closed');
    inspectOpusPacket(payload);
    const pcm = this.run(payload);
    this.lastToc = payload[0];
    this.carry = new Int16Array(0);
    return pcm;
  }

  durationMs(payload: Uint8Array): number {
    return inspectOpusPacket(payload).durationMs;
  }

  conceal(samples: number): Int16Array {
    if (this.closed) throw new Error('Opus decoder is closed');
    if (!Number.isInteger(samples) || samples < 0) throw new Error(`conceal: bad sample count ${samples}`);
    const out = new Int16Array(samples);
    if (this.lastToc < 0) return out; // nothing heard yet: silence
    let filled = 0;
    while (filled < samples) {
      if (this.carry.length === 0) this.carry = this.run(lossPacket20ms(this.lastToc));
      if (this.carry.length === 0) break;
      const n = Math.min(samples - filled, this.carry.length);
      out.set(this.carry.subarray(0, n), filled);
      this.carry = this.carry.subarray(n);
      filled += n;
    }
    return out;
  }

  close(): void {
    if (!this.closed) this.dec.free();
    this.closed = true;
  }

  private run(packet: Uint8Array): Int16Array {
    const r = this.dec.decodeFrame(packet);
    if (r.errors.length > 0) throw new Error(`Opus packet of ${packet.length} bytes could not be decoded`);
    const f = r.channelData[0] ?? new Float32Array(0);
    const out = new Int16Array(r.samplesDecoded);
    for (let i = 0; i < out.length; i++) {
      const v = Math.round(f[i] * 32768);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return out;
  }
}

export function opusCodec(options: OpusOptions = {}): CodecFactory {
  const pcmRate = options.pcmRate ?? 16000;
  if (pcmRate !== 16000 && pcmRate !== 48000) throw new Error(`Opus PCM rate must be 16000 or 48000, got ${pcmRate}`);
  const info: CodecInfo = { ...CODEC_INFO.opus, sampleRate: pcmRate };
  return {
    info,
    async createEncoder(): Promise<AudioEncoder> {
      const enc = await WasmOpusEncoder.create(pcmRate, frameSamples(info), OPUS_APPLICATION_VOIP);
      enc.ctl(OPUS_SET_BITRATE, options.bitrate ?? 32000);
      enc.ctl(OPUS_SET_COMPLEXITY, options.complexity ?? 9);
      enc.ctl(OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);
      return new OpusEncoderImpl(info, enc);
    },
    async createDecoder(): Promise<AudioDecoder> {
      const { OpusDecoder } = await import('opus-decoder');
      const dec: WasmOpusDecoder = new OpusDecoder({ sampleRate: pcmRate, channels: 1 });
      await dec.ready;
      return new OpusDecoderImpl(info, dec);
    },
  };
}
