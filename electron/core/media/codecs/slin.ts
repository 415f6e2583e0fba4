// Signed linear 16-bit PCM. Byte order differs by format (spec §6.6): slin (bit 6, 8 kHz) is big-endian on the
// wire because Asterisk byte-swaps it on send and receive; slin16 (bit 15, 16 kHz) is not swapped by Asterisk at all
// and so travels in the server's host order, little-endian on x86-64 and ARM. The order is a factory option.

import type { AudioDecoder, AudioEncoder, CodecFactory, CodecInfo } from '../codec.js';
import { CODEC_INFO } from './codec-info.js';
import { FixedFrameDecoder, FixedFrameEncoder } from './frame-codec.js';

export type ByteOrder = 'big' | 'little';

const SHAPE = { bytes: 2, samples: 1 };

class SlinEncoder extends FixedFrameEncoder {
  constructor(info: CodecInfo, private readonly littleEndian: boolean) {
    super(info, SHAPE);
  }
  protected encodeFrames(pcm: Int16Array, out: Uint8Array): void {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < pcm.length; i++) view.setInt16(2 * i, pcm[i], this.littleEndian);
  }
}

class SlinDecoder extends FixedFrameDecoder {
  constructor(info: CodecInfo, private readonly littleEndian: boolean) {
    super(info, SHAPE);
  }
  protected decodeFrames(payload: Uint8Array, out: Int16Array): void {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, this.littleEndian);
  }
}

function slinFactory(info: CodecInfo, order: ByteOrder): CodecFactory {
  const little = order === 'little';
  return {
    info,
    createEncoder: async (): Promise<AudioEncoder> => new SlinEncoder(info, little),
    createDecoder: async (): Promise<AudioDecoder> => new SlinDecoder(info, little),
  };
}

/** 8 kHz signed linear; big-endian by default as Asterisk puts it on the wire. */
export function slinCodec(order: ByteOrder = 'big'): CodecFactory {
  return slinFactory(CODEC_INFO.slin, order);
}

/** 16 kHz signed linear; little-endian by default (the host order of x86-64/ARM Asterisk servers). */
export function slin16Codec(order: ByteOrder = 'little'): CodecFactory {
  return slinFactory(CODEC_INFO.slin16, order);
}
