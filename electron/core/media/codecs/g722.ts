// G.722 at 64 kbit/s as IAX2 carries it (spec §6.1): 16 kHz audio, one byte per two samples, 160 bytes per 20 ms.
// IAX2 timestamps are in ms, so RTP's 8000 Hz clock-rate quirk for G.722 does not apply.

import type { AudioDecoder, AudioEncoder, CodecFactory } from '../codec.js';
import { CODEC_INFO } from './codec-info.js';
import { FixedFrameDecoder, FixedFrameEncoder } from './frame-codec.js';
import { G722Decoder, G722Encoder } from './g722-core.js';

const SHAPE = { bytes: 1, samples: 2 };

class G722FrameEncoder extends FixedFrameEncoder {
  private readonly core = new G722Encoder();
  constructor() {
    super(CODEC_INFO.g722, SHAPE);
  }
  protected encodeFrames(pcm: Int16Array, out: Uint8Array): void {
    this.core.encode(pcm, out);
  }
}

class G722FrameDecoder extends FixedFrameDecoder {
  private readonly core = new G722Decoder();
  constructor() {
    super(CODEC_INFO.g722, SHAPE);
  }
  protected decodeFrames(payload: Uint8Array, out: Int16Array): void {
    this.core.decode(payload, out);
  }
}

export const g722Codec: CodecFactory = {
  info: CODEC_INFO.g722,
  createEncoder: async (): Promise<AudioEncoder> => new G722FrameEncoder(),
  createDecoder: async (): Promise<AudioDecoder> => new G722FrameDecoder(),
};
