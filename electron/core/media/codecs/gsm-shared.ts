// Parts of GSM 06.10 shared by encoder and decoder: the frame parameters and their 33-byte packing, LAR decoding and
// interpolation (§4.2.8–4.2.10), RPE inverse quantisation and grid positioning (§4.2.16–4.2.17).

import { add, asl, asr, abs16, multR, sub } from './gsm-arith.js';

export const GSM_FRAME_BYTES = 33;
export const GSM_FRAME_SAMPLES = 160;
/** The standard (non-WAV49) frame starts with this 4-bit signature (RFC 3551 §4.5.8). */
const GSM_MAGIC = 0xd;

export interface GsmSubframe {
  nc: number; // LTP lag, 40..120
  bc: number; // LTP gain code, 0..3
  mc: number; // RPE grid position, 0..3
  xmaxc: number; // block amplitude code, 0..63
  xmc: number[]; // 13 RPE pulses, 0..7
}

export interface GsmFrame {
  larc: number[]; // 8 coded log-area ratios
  sub: GsmSubframe[]; // 4 subframes
}

/** Bit widths of LARc[0..7]. */
const LAR_BITS = [6, 6, 5, 5, 4, 4, 3, 3];

export function packFrame(frame: GsmFrame, out: Uint8Array): void {
  let acc = GSM_MAGIC;
  let bits = 4;
  let pos = 0;
  const put = (value: number, width: number): void => {
    acc = (acc << width) | (value & ((1 << width) - 1));
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  };
  for (let i = 0; i < 8; i++) put(frame.larc[i], LAR_BITS[i]);
  for (const s of frame.sub) {
    put(s.nc, 7);
    put(s.bc, 2);
    put(s.mc, 2);
    put(s.xmaxc, 6);
    for (let i = 0; i < 13; i++) put(s.xmc[i], 3);
  }
}

export function unpackFrame(bytes: Uint8Array): GsmFrame {
  if (bytes.length !== GSM_FRAME_BYTES) throw new Error(`GSM frame must be 33 bytes, got ${bytes.length}`);
  if (bytes[0] >> 4 !== GSM_MAGIC) {
    throw new Error(`GSM frame has signature 0x${(bytes[0] >> 4).toString(16)}, expected 0xd (WAV49 is not supported)`);
  }
  let pos = 0;
  let acc = bytes[pos++] & 0x0f;
  let bits = 4;
  const get = (width: number): number => {
    while (bits < width) {
      acc = (acc << 8) | bytes[pos++];
      bits += 8;
    }
    bits -= width;
    const v = (acc >> bits) & ((1 << width) - 1);
    acc &= (1 << bits) - 1;
    return v;
  };
  const larc = LAR_BITS.map((w) => get(w));
  const sub: GsmSubframe[] = [];
  for (let k = 0; k < 4; k++) {
    const nc = get(7);
    const bc = get(2);
    const mc = get(2);
    const xmaxc = get(6);
    const xmc: number[] = [];
    for (let i = 0; i < 13; i++) xmc.push(get(3));
    sub.push({ nc, bc, mc, xmaxc, xmc });
  }
  return { larc, sub };
}

// §4.2.7/4.2.8 tables.
export const LAR_MIC = [-32, -32, -16, -16, -8, -8, -4, -4];
export const LAR_MAC = [31, 31, 15, 15, 7, 7, 3, 3];
export const LAR_A = [20480, 20480, 20480, 20480, 13964, 15360, 8534, 9036];
export const LAR_B = [0, 0, 2048, -2560, 94, -1792, -341, -1144];
const LAR_INVA = [13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708];
/** LTP gain quantiser levels and decision thresholds (§4.2.11, tables 4.3a/b). */
export const QLB = [3277, 11469, 21299, 32767];
export const DLB = [6554, 16384, 26214, 32767];
/** RPE mantissa normalisation and inverse factors (tables 4.5, 4.6). */
export const NRFAC = [29128, 26215, 23832, 21846, 20165, 18725, 17476, 16384];
const FAC = [18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767];

/** §4.2.8: LARc → LARpp. */
export function decodeLars(larc: number[]): Int16Array {
  const out = new Int16Array(8);
  for (let i = 0; i < 8; i++) {
    let t1 = add(larc[i], LAR_MIC[i]) << 10;
    const t2 = LAR_B[i] << 1;
    t1 = sub(t1, t2);
    t1 = multR(LAR_INVA[i], t1);
    out[i] = add(t1, t1);
  }
  return out;
}

/**
 * §4.2.9–4.2.10: interpolated reflection coefficients for the four segments of a frame (samples 0–12, 13–26,
 * 27–39, 40–159), from the previous and current LARpp.
 */
export function segmentCoefficients(prev: Int16Array, cur: Int16Array): Int16Array[] {
  const seg: Int16Array[] = [new Int16Array(8), new Int16Array(8), new Int16Array(8), new Int16Array(8)];
  for (let i = 0; i < 8; i++) {
    seg[0][i] = add(add(prev[i] >> 2, cur[i] >> 2), prev[i] >> 1);
    seg[1][i] = add(prev[i] >> 1, cur[i] >> 1);
    seg[2][i] = add(add(prev[i] >> 2, cur[i] >> 2), cur[i] >> 1);
    seg[3][i] = cur[i];
  }
  for (const s of seg) {
    for (let i = 0; i < 8; i++) s[i] = larToReflection(s[i]);
  }
  return seg;
}

/** Segment boundaries matching segmentCoefficients(). */
export const SEGMENT_ENDS = [13, 27, 40, 160];

function larToReflection(lar: number): number {
  let t = abs16(lar);
  if (t < 11059) t <<= 1;
  else if (t < 20070) t += 11059;
  else t = add(t >> 2, 26112);
  return lar < 0 ? -t : t;
}

/** §4.2.15 (second half): exponent and mantissa of the coded block maximum. */
export function xmaxcToExpMant(xmaxc: number): { exp: number; mant: number } {
  let exp = 0;
  if (xmaxc > 15) exp = (xmaxc >> 3) - 1;
  let mant = xmaxc - (exp << 3);
  if (mant === 0) {
    exp = -4;
    mant = 7;
  } else {
    while (mant <= 7) {
      mant = (mant << 1) | 1;
      exp--;
    }
    mant -= 8;
  }
  return { exp, mant };
}

/** §4.2.16–4.2.17: decoded RPE pulses placed on the 40-sample grid. */
export function rpeDecode(xmc: number[], mc: number, exp: number, mant: number, out: Int16Array): void {
  const t1 = FAC[mant];
  const t2 = sub(6, exp);
  const t3 = asl(1, sub(t2, 1));
  out.fill(0);
  for (let i = 0; i < 13; i++) {
    let t = ((xmc[i] << 1) - 7) << 12; // restore the sign, 16-bit signed
    t = multR(t1, t);
    t = add(t, t3);
    out[mc + 3 * i] = asr(t, t2);
  }
}
