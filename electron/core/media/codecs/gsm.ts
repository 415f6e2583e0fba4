// GSM 06.10 full rate as IAX2 carries it (spec §6.1): standard 33-byte frames (0xD signature, not WAV49), one frame
// per 20 ms; a payload may hold several frames (spec §6.6: 33 bytes per 20 ms).

import type { AudioDecoder, AudioEncoder, CodecFactory } from '../codec.js';
import { CODEC_INFO } from './codec-info.js';
import { FixedFrameDecoder, FixedFrameEncoder } from './frame-codec.js';
import { GsmDecoder } from './gsm-decoder.js';
import { GsmEncoder } from './gsm-encoder.js';
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES } from './gsm-shared.js';

const SHAPE = { bytes: GSM_FRAME_BYTES, samples: GSM_FRAME_SAMPLES };

class GsmFrameEncoder extends FixedFrameEncoder {
  private readonly core = new GsmEncoder();
  constructor() {
    super(CODEC_INFO.gsm, SHAPE);
  }
  protected encodeFrames(pcm: Int16Array, out: Uint8Array): void {
    for (let f = 0; f * GSM_FRAME_SAMPLES < pcm.length; f++) {
      this.core.encode(pcm.subarray(f * GSM_FRAME_SAMPLES, (f + 1) * GSM_FRAME_SAMPLES),
        out.subarray(f * GSM_FRAME_BYTES, (f + 1) * GSM_FRAME_BYTES));
    }
  }
}

class GsmFrameDecoder extends FixedFrameDecoder {
  private readonly core = new GsmDecoder();
  constructor() {
    super(CODEC_INFO.gsm, SHAPE);
  }
  protected decodeFrames(payload: Uint8Array, out: Int16Array): void {
    for (let f = 0; f * GSM_FRAME_BYTES < payload.length; f++) {
      this.core.decode(payload.subarray(f * GSM_FRAME_BYTES, (f + 1) * GSM_FRAME_BYTES),
        out.subarray(f * GSM_FRAME_SAMPLES, (f + 1) * GSM_FRAME_SAMPLES));
    }
  }
}

export const gsmCodec: CodecFactory = {
  info: CODEC_INFO.gsm,
  createEncoder: async (): Promise<AudioEncoder> => new GsmFrameEncoder(),
  createDecoder: async (): Promise<AudioDecoder> => new GsmFrameDecoder(),
};
