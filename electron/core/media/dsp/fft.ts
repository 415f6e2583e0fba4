// Real-input FFT of a power-of-two size, for the echo canceller and the spectral post-filter. A real signal of n
// samples is packed as n/2 complex samples (even samples real, odd imaginary), transformed with an iterative radix-2
// complex FFT and split into the n/2 + 1 non-negative-frequency bins (the standard "two real halves" identity), which
// halves the work of a complex FFT of size n. Twiddles and the bit-reversal table are precomputed per size.

export class RealFft {
  /** Number of non-negative-frequency bins: n/2 + 1. */
  readonly bins: number;
  private readonly half: number;
  private readonly rev: Uint32Array;
  /** cos/sin of -2πk/half for the complex FFT of size half. */
  private readonly cosH: Float64Array;
  private readonly sinH: Float64Array;
  /** cos/sin of -2πk/n for the split step. */
  private readonly cosN: Float64Array;
  private readonly sinN: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new Error(`FFT size must be a power of two ≥ 4, got ${size}`);
    }
    const half = size / 2;
    this.half = half;
    this.bins = half + 1;
    const bits = Math.log2(half);
    this.rev = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.cosH = new Float64Array(half / 2 || 1);
    this.sinH = new Float64Array(half / 2 || 1);
    for (let k = 0; k < half / 2; k++) {
      this.cosH[k] = Math.cos((-2 * Math.PI * k) / half);
      this.sinH[k] = Math.sin((-2 * Math.PI * k) / half);
    }
    this.cosN = new Float64Array(half + 1);
    this.sinN = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.cosN[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sinN[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    this.zr = new Float64Array(half);
    this.zi = new Float64Array(half);
  }

  /** Spectrum of `input` (length n) into re/im (length n/2 + 1). Unnormalised: X[k] = Σ x[t]·e^{-2πikt/n}. */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    const { half, zr, zi, rev } = this;
    for (let m = 0; m < half; m++) {
      const j = rev[m];
      zr[j] = input[2 * m];
      zi[j] = input[2 * m + 1];
    }
    this.butterflies(zr, zi, false);
    // Split: Fe = (Z[k] + conj Z[h-k]) / 2, Fo = (Z[k] - conj Z[h-k]) / 2i, X[k] = Fe + W^k Fo.
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const ar = zr[a], ai = zi[a], br = zr[b], bi = -zi[b];
      const er = (ar + br) / 2, ei = (ai + bi) / 2;
      // (Z - conj Zr)/2i: (dr + i di)/(2i) = (di - i dr)/2
      const dr = ar - br, di = ai - bi;
      const or = di / 2, oi = -dr / 2;
      const c = this.cosN[k], s = this.sinN[k];
      re[k] = er + (or * c - oi * s);
      im[k] = ei + (or * s + oi * c);
    }
  }

  /** Inverse of forward(): `output` (length n) from re/im (n/2 + 1 bins), including the 1/n scaling. */
  inverse(re: Float64Array, im: Float64Array, output: Float64Array): void {
    const { half, zr, zi, rev } = this;
    for (let k = 0; k < half; k++) {
      const br = re[half - k], bi = -im[half - k];
      const er = (re[k] + br) / 2, ei = (im[k] + bi) / 2;
      const dr = (re[k] - br) / 2, di = (im[k] - bi) / 2;
      // Fo = D · conj(W^k) (W^k = e^{-2πik/n})
      const c = this.cosN[k], s = -this.sinN[k];
      const or = dr * c - di * s, oi = dr * s + di * c;
      // Z = Fe + i·Fo
      const j = rev[k];
      zr[j] = er - oi;
      zi[j] = ei + or;
    }
    this.butterflies(zr, zi, true);
    const scale = 1 / half;
    for (let m = 0; m < half; m++) {
      output[2 * m] = zr[m] * scale;
      output[2 * m + 1] = zi[m] * scale;
    }
  }

  /** In-place iterative radix-2 butterflies on bit-reversed input; `inverse` conjugates the twiddles. */
  private butterflies(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const n = this.half;
    const sign = inverse ? -1 : 1;
    for (let len = 2; len <= n; len <<= 1) {
      const halfLen = len >> 1;
      const step = n / len;
      for (let i = 0; i < n; i += len) {
        for (let j = 0; j < halfLen; j++) {
          const wr = this.cosH[j * step], wi = sign * this.sinH[j * step];
          const p = i + j, q = p + halfLen;
          const tr = re[q] * wr - im[q] * wi;
          const ti = re[q] * wi + im[q] * wr;
          re[q] = re[p] - tr;
          im[q] = im[p] - ti;
          re[p] += tr;
          im[p] += ti;
        }
      }
    }
  }
}
