// G.711 µ-law and A-law (ITU-T G.711), table driven. Each 16-bit sample maps to one byte, so a 20 ms frame is
// 160 bytes (spec §6.1) and a payload of any length is a whole number of frames (8 bytes per ms, spec §6.6).

import type { AudioDecoder, AudioEncoder, CodecFactory } from '../codec.js';
import { CODEC_INFO } from './codec-info.js';
import { FixedFrameDecoder, FixedFrameEncoder } from './frame-codec.js';

const ULAW_BIAS = 0x84; // 132: the µ-law segment offset (33 in 14-bit units) scaled to 16 bits
const ULAW_CLIP = 32635; // largest magnitude that still fits the top segment after the bias

/** µ-law code → linear sample: ((2m + 33) · 2^e − 33) · 4, sign from bit 7 (G.711 table 2, in 16-bit units). */
function ulawExpand(code: number): number {
  const c = ~code & 0xff;
  const exponent = (c >> 4) & 7;
  const mantissa = c & 0x0f;
  const magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
  return c & 0x80 ? -magnitude : magnitude;
}

function ulawCompress(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  // Negative samples use the one's complement magnitude, as the ITU-T G.191 reference coder does for both laws.
  let magnitude = sample < 0 ? ~sample : sample;
  if (magnitude > ULAW_CLIP) magnitude = ULAW_CLIP;
  magnitude += ULAW_BIAS;
  // Segment = position of the highest set bit above bit 7 (the bias guarantees bit 7 or higher is set).
  let exponent = 7;
  for (let mask = 0x4000; exponent > 0 && (magnitude & mask) === 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** A-law code → linear sample (G.711 table 1: even bits inverted, 13-bit magnitude, in 16-bit units). */
function alawExpand(code: number): number {
  const a = code ^ 0x55;
  const segment = (a >> 4) & 7;
  let magnitude = ((a & 0x0f) << 4) + 8; // mid-point of the quantisation interval
  if (segment > 0) magnitude = (magnitude + 0x100) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function alawCompress(sample: number): number {
  let pcm = sample >> 3; // 13-bit
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5; // sign bit set for positive values, then the even-bit inversion
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let segment = 0;
  while (segment < 8 && pcm > ALAW_SEGMENT_ENDS[segment]) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

function buildDecodeTable(expand: (code: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = expand(c);
  return t;
}

/** Indexed by the sample's 16-bit two's complement pattern (sample & 0xffff). */
function buildEncodeTable(compress: (sample: number) => number): Uint8Array {
  const t = new Uint8Array(65536);
  for (let s = -32768; s < 32768; s++) t[s & 0xffff] = compress(s);
  return t;
}

export const ULAW_DECODE = buildDecodeTable(ulawExpand);
export const ALAW_DECODE = buildDecodeTable(alawExpand);
let ulawEncodeTable: Uint8Array | undefined;
let alawEncodeTable: Uint8Array | undefined;
function ulawEncodeTableLazy(): Uint8Array {
  return (ulawEncodeTable ??= buildEncodeTable(ulawCompress));
}
function alawEncodeTableLazy(): Uint8Array {
  return (alawEncodeTable ??= buildEncodeTable(alawCompress));
}

export function ulawEncodeSample(sample: number): number {
  return ulawEncodeTableLazy()[sample & 0xffff];
}
export function alawEncodeSample(sample: number): number {
  return alawEncodeTableLazy()[sample & 0xffff];
}

/** Whole-buffer helpers, also used by the WAV reader for µ-law/A-law files. */
export function ulawDecodeBuffer(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ULAW_DECODE[bytes[i]];
  return out;
}
export function alawDecodeBuffer(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW_DECODE[bytes[i]];
  return out;
}

const SHAPE = { bytes: 1, samples: 1 };

class G711Encoder extends FixedFrameEncoder {
  constructor(law: 'ulaw' | 'alaw', private readonly table: Uint8Array) {
    super(CODEC_INFO[law], SHAPE);
  }
  protected encodeFrames(pcm: Int16Array, out: Uint8Array): void {
    const t = this.table;
    for (let i = 0; i < pcm.length; i++) out[i] = t[pcm[i] & 0xffff];
  }
}

class G711Decoder extends FixedFrameDecoder {
  constructor(law: 'ulaw' | 'alaw', private readonly table: Int16Array) {
    super(CODEC_INFO[law], SHAPE);
  }
  protected decodeFrames(payload: Uint8Array, out: Int16Array): void {
    const t = this.table;
    for (let i = 0; i < payload.length; i++) out[i] = t[payload[i]];
  }
}

export const ulawCodec: CodecFactory = {
  info: CODEC_INFO.ulaw,
  createEncoder: async (): Promise<AudioEncoder> => new G711Encoder('ulaw', ulawEncodeTableLazy()),
  createDecoder: async (): Promise<AudioDecoder> => new G711Decoder('ulaw', ULAW_DECODE),
};

export const alawCodec: CodecFactory = {
  info: CODEC_INFO.alaw,
  createEncoder: async (): Promise<AudioEncoder> => new G711Encoder('alaw', alawEncodeTableLazy()),
  createDecoder: async (): Promise<AudioDecoder> => new G711Decoder('alaw', ALAW_DECODE),
};
