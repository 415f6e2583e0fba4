// ITU-T G.722 (11/88, 64 kbit/s mode 1), written from the Recommendation's block descriptions: a 24-tap QMF
// splits 16 kHz audio into two 8 kHz sub-bands; the lower band is coded with 6-bit ADPCM, the upper band with
// 2-bit ADPCM, each with a pole-zero predictor (2 poles, 6 zeros) and a backward-adaptive scale factor.
// Arithmetic follows the Recommendation's fixed-point rules (16-bit saturation, arithmetic right shifts), so the
// bit stream is interchangeable with other conforming implementations (checked against ffmpeg in the tests).

/** QMF coefficients h0..h23 (G.722 Table 11); symmetric, so h(23-i) = h(i). */
const QMF = [3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
  3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3];

/** Lower band 6-bit quantiser decision levels (Table 6, normalised by 2^12). */
const Q6 = [0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023,
  1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919];
/** Output codes for interval `mil` of a negative / positive difference. */
const ILN = [0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9,
  8, 7, 6, 5, 4];
const ILP = [0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37,
  36, 35, 34, 33, 32];
/** 4-bit inverse quantiser (feeds the lower-band predictor) and 6-bit inverse quantiser (decoder output). */
const QM4 = [0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0];
const QM6 = [-136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360,
  -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360,
  -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000,
  5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136];
/** Lower band log scale factor adaptation: code → multiplier index → log increment. */
const RIL4 = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
const WL = [-60, -30, 58, 172, 334, 538, 1198, 3042];
/** Antilog table for the scale factor (Table 7 of the Recommendation, "ILB"). */
const ILB = [2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896,
  2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008];
/** Upper band 2-bit quantiser. */
const IHN = [0, 1, 0];
const IHP = [0, 3, 2];
const QM2 = [-7408, -1616, 7408, 1616];
const RIH2 = [2, 1, 2, 1];
const WH = [0, -214, 798];

function sat16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** ADPCM state of one sub-band: predictor (blocks 4L/4H), scale factor (blocks 3L/3H). */
class Band {
  /** Signal estimate s and its zero-section part sz. */
  s = 0;
  sz = 0;
  /** Log scale factor and linear scale factor. */
  nb = 0;
  det: number;
  private readonly a = [0, 0, 0]; // pole coefficients a1, a2 (index 1, 2)
  private readonly b = [0, 0, 0, 0, 0, 0, 0]; // zero coefficients b1..b6
  private readonly d = [0, 0, 0, 0, 0, 0, 0]; // quantised differences d(n)..d(n-6)
  private readonly p = [0, 0, 0]; // partial reconstructed signal p(n)..p(n-2)
  private readonly r = [0, 0, 0]; // reconstructed signal r(n)..r(n-2)

  constructor(initialDet: number) {
    this.det = initialDet;
  }

  /** Block 3L: log scale factor update and antilog. */
  adaptLower(ril4: number): void {
    this.nb = ((this.nb * 127) >> 7) + WL[RIL4[ril4]];
    if (this.nb < 0) this.nb = 0;
    else if (this.nb > 18432) this.nb = 18432;
    this.det = scaleFactor(this.nb, 8);
  }

  /** Block 3H. */
  adaptUpper(ih: number): void {
    this.nb = ((this.nb * 127) >> 7) + WH[RIH2[ih]];
    if (this.nb < 0) this.nb = 0;
    else if (this.nb > 22528) this.nb = 22528;
    this.det = scaleFactor(this.nb, 10);
  }

  /** Block 4: update the predictor with the quantised difference `dq` and compute the next estimate. */
  predict(dq: number): void {
    const d = this.d;
    const p = this.p;
    const r = this.r;
    const a = this.a;
    const b = this.b;
    d[0] = dq;
    r[0] = sat16(this.s + dq);
    p[0] = sat16(this.sz + dq);

    // UPPOL2: second pole coefficient.
    const sameSign = (x: number, y: number): boolean => (x < 0) === (y < 0);
    let wd32 = sat16(a[1] * 4);
    wd32 = sameSign(p[0], p[1]) ? -wd32 : wd32;
    if (wd32 > 32767) wd32 = 32767;
    let a2 = (sameSign(p[0], p[2]) ? 128 : -128) + (wd32 >> 7) + ((a[2] * 32512) >> 15);
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;

    // UPPOL1: first pole coefficient, limited by the new a2 for stability.
    let a1 = sat16((sameSign(p[0], p[1]) ? 192 : -192) + ((a[1] * 32640) >> 15));
    const limit = sat16(15360 - a2);
    if (a1 > limit) a1 = limit;
    else if (a1 < -limit) a1 = -limit;

    // UPZERO: sign-sign update of the six zero coefficients (no change when dq is 0).
    const step = dq === 0 ? 0 : 128;
    for (let i = 1; i <= 6; i++) {
      const delta = sameSign(d[i], dq) ? step : -step;
      b[i] = sat16(delta + ((b[i] * 32640) >> 15));
    }

    // DELAYA
    for (let i = 6; i > 0; i--) d[i] = d[i - 1];
    p[2] = p[1];
    p[1] = p[0];
    r[2] = r[1];
    r[1] = r[0];
    a[1] = a1;
    a[2] = a2;

    // FILTEP, FILTEZ, PREDIC
    const sp = sat16(((a[1] * sat16(r[1] + r[1])) >> 15) + ((a[2] * sat16(r[2] + r[2])) >> 15));
    let sz = 0;
    for (let i = 6; i > 0; i--) sz += (b[i] * sat16(d[i] + d[i])) >> 15;
    this.sz = sat16(sz);
    this.s = sat16(sp + this.sz);
  }
}

/** Antilog of the log scale factor: ILB[mantissa] shifted by the exponent, then scaled to the quantiser. */
function scaleFactor(nb: number, bias: number): number {
  const wd1 = (nb >> 6) & 31;
  const wd2 = bias - (nb >> 11);
  const wd3 = wd2 < 0 ? ILB[wd1] << -wd2 : ILB[wd1] >> wd2;
  return wd3 << 2;
}

function limit15(v: number): number {
  return v > 16383 ? 16383 : v < -16384 ? -16384 : v;
}

export class G722Encoder {
  private readonly low = new Band(32);
  private readonly high = new Band(8);
  /** Transmit QMF delay line, newest sample last (24 samples). */
  private readonly x = new Int32Array(24);

  /** Encodes `pcm` (an even number of 16 kHz samples) into pcm.length / 2 bytes. */
  encode(pcm: Int16Array, out: Uint8Array): void {
    const x = this.x;
    for (let j = 0, o = 0; j + 1 < pcm.length; j += 2, o++) {
      x.copyWithin(0, 2);
      x[22] = pcm[j];
      x[23] = pcm[j + 1];
      // Transmit QMF: even taps on the newest sample's phase, odd taps on the other one.
      let even = 0;
      let odd = 0;
      for (let i = 0; i < 12; i++) {
        even += QMF[2 * i] * x[23 - 2 * i];
        odd += QMF[2 * i + 1] * x[22 - 2 * i];
      }
      // 16-bit input: >> 14 gives the Recommendation's 15-bit sub-band signals.
      const xl = (even + odd) >> 14;
      const xh = (even - odd) >> 14;
      out[o] = (this.encodeHigh(xh) << 6) | this.encodeLow(xl);
    }
  }

  private encodeLow(xl: number): number {
    const band = this.low;
    const el = sat16(xl - band.s);
    const wd = el >= 0 ? el : -(el + 1);
    let mil = 1;
    for (; mil < 30; mil++) {
      if (wd < (Q6[mil] * band.det) >> 12) break;
    }
    const il = el < 0 ? ILN[mil] : ILP[mil];
    const dlt = (band.det * QM4[il >> 2]) >> 15;
    band.adaptLower(il >> 2);
    band.predict(dlt);
    return il;
  }

  private encodeHigh(xh: number): number {
    const band = this.high;
    const eh = sat16(xh - band.s);
    const wd = eh >= 0 ? eh : -(eh + 1);
    const mih = wd >= (564 * band.det) >> 12 ? 2 : 1;
    const ih = eh < 0 ? IHN[mih] : IHP[mih];
    const dh = (band.det * QM2[ih]) >> 15;
    band.adaptUpper(ih);
    band.predict(dh);
    return ih;
  }
}

export class G722Decoder {
  private readonly low = new Band(32);
  private readonly high = new Band(8);
  /** Receive QMF delay lines of the sum (rl + rh) and difference (rl − rh) signals, newest last. */
  private readonly sum = new Int32Array(12);
  private readonly diff = new Int32Array(12);

  /** Decodes `bytes` into 2 × bytes.length samples of 16 kHz audio. */
  decode(bytes: Uint8Array, out: Int16Array): void {
    for (let n = 0; n < bytes.length; n++) {
      const code = bytes[n];
      const rl = this.decodeLow(code & 0x3f);
      const rh = this.decodeHigh(code >> 6);
      this.sum.copyWithin(0, 1);
      this.diff.copyWithin(0, 1);
      this.sum[11] = rl + rh;
      this.diff[11] = rl - rh;
      // Receive QMF: the first output sample from the difference signal with the even taps, the second from the sum
      // signal with the odd taps (h(2i+1) = h(22-2i) by symmetry).
      let first = 0;
      let second = 0;
      for (let i = 0; i < 12; i++) {
        first += QMF[2 * i] * this.diff[11 - i];
        second += QMF[2 * i + 1] * this.sum[11 - i];
      }
      out[2 * n] = sat16(first >> 11);
      out[2 * n + 1] = sat16(second >> 11);
    }
  }

  private decodeLow(il: number): number {
    const band = this.low;
    const rl = limit15(band.s + ((band.det * QM6[il]) >> 15));
    const dlt = (band.det * QM4[il >> 2]) >> 15;
    band.adaptLower(il >> 2);
    band.predict(dlt);
    return rl;
  }

  private decodeHigh(ih: number): number {
    const band = this.high;
    const dh = (band.det * QM2[ih]) >> 15;
    const rh = limit15(band.s + dh);
    band.adaptUpper(ih);
    band.predict(dh);
    return rh;
  }
}
