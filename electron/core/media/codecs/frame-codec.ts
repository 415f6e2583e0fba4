// Shared plumbing for codecs with fixed-size frames (G.711, slin, G.722, GSM): an encoder works on exactly one
// 20 ms frame, a decoder splits a payload into whole codec frames (spec §6.6: Asterisk does no re-packetising, so
// a payload may hold any whole number of frames) and runs every decoded frame through the waveform PLC.

import type { AudioDecoder, AudioEncoder, CodecInfo } from '../codec.js';
import { frameSamples } from './codec-info.js';
import { WaveformPlc } from './waveform-plc.js';

/** One codec frame: `bytes` bytes on the wire carry `samples` PCM samples. */
export interface FrameShape {
  readonly bytes: number;
  readonly samples: number;
}

export abstract class FixedFrameEncoder implements AudioEncoder {
  private closed = false;
  protected constructor(readonly info: CodecInfo, private readonly shape: FrameShape) {}

  encode(pcm: Int16Array): Uint8Array {
    if (this.closed) throw new Error(`${this.info.name} encoder is closed`);
    const expected = frameSamples(this.info);
    if (pcm.length !== expected) {
      throw new Error(`${this.info.name} encoder needs ${expected} samples per frame, got ${pcm.length}`);
    }
    const out = new Uint8Array((expected / this.shape.samples) * this.shape.bytes);
    this.encodeFrames(pcm, out);
    return out;
  }

  close(): void {
    this.closed = true;
  }

  /** Encodes `pcm` (a whole number of frames) into `out` (the matching number of bytes). */
  protected abstract encodeFrames(pcm: Int16Array, out: Uint8Array): void;
}

export abstract class FixedFrameDecoder implements AudioDecoder {
  private closed = false;
  private readonly plc: WaveformPlc;
  protected constructor(readonly info: CodecInfo, private readonly shape: FrameShape) {
    this.plc = new WaveformPlc(info.sampleRate);
  }

  decode(payload: Uint8Array): Int16Array {
    if (this.closed) throw new Error(`${this.info.name} decoder is closed`);
    const frames = this.countFrames(payload);
    const out = new Int16Array(frames * this.shape.samples);
    this.decodeFrames(payload, out);
    return this.plc.good(out);
  }

  durationMs(payload: Uint8Array): number {
    return (this.countFrames(payload) * this.shape.samples * 1000) / this.info.sampleRate;
  }

  conceal(samples: number): Int16Array {
    if (this.closed) throw new Error(`${this.info.name} decoder is closed`);
    return this.plc.conceal(samples);
  }

  close(): void {
    this.closed = true;
  }

  /** Decodes `payload` (a whole number of frames) into `out`; throws a clear Error on a malformed frame. */
  protected abstract decodeFrames(payload: Uint8Array, out: Int16Array): void;

  private countFrames(payload: Uint8Array): number {
    if (payload.length === 0 || payload.length % this.shape.bytes !== 0) {
      throw new Error(`${this.info.name} payload of ${payload.length} bytes is not a whole number of `
        + `${this.shape.bytes}-byte frames`);
    }
    return payload.length / this.shape.bytes;
  }
}
