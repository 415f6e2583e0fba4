// GSM 06.10 full-rate RPE-LTP encoder, written from ETSI EN 300 961 (GSM 06.10) §4.2: preprocessing, LPC analysis
// (autocorrelation, Schur recursion, log-area ratios), short-term analysis filtering, long-term prediction and
// regular-pulse excitation coding of four 40-sample subframes per 160-sample frame.

import { abs16, add, div, mult, multR, norm, sasr, sat, sub, toWord } from './gsm-arith.js';
import {
  DLB, GSM_FRAME_SAMPLES, LAR_A, LAR_B, LAR_MAC, LAR_MIC, NRFAC, QLB, SEGMENT_ENDS, decodeLars, packFrame, rpeDecode,
  segmentCoefficients, xmaxcToExpMant, type GsmFrame, type GsmSubframe,
} from './gsm-shared.js';

/** Weighting filter impulse response (§4.2.13, table 4.4). */
const H = [-134, -374, 0, 2054, 5741, 8192, 5741, 2054, 0, -374, -134];

export class GsmEncoder {
  // Preprocessing state (§4.2.2, §4.2.3).
  private z1 = 0;
  private lz2 = 0;
  private mp = 0;
  // Short-term analysis lattice state (§4.2.10).
  private readonly u = new Int16Array(8);
  private prevLarpp: Int16Array = new Int16Array(8);
  /** Reconstructed short-term residual, the 120 most recent samples; dp[120 + j] is the standard's dp[j] (§4.2.18). */
  private readonly dp = new Int16Array(120);

  /** Encodes 160 samples of 8 kHz audio into one 33-byte frame. */
  encode(pcm: Int16Array, out: Uint8Array): void {
    if (pcm.length !== GSM_FRAME_SAMPLES) throw new Error(`GSM encoder needs 160 samples, got ${pcm.length}`);
    const s = this.preprocess(pcm);
    const larc = this.lpcAnalysis(s);
    const larpp = decodeLars(larc);
    this.shortTermAnalysis(s, larpp);
    this.prevLarpp = larpp;
    const sub: GsmSubframe[] = [];
    for (let k = 0; k < 4; k++) sub.push(this.encodeSubframe(s.subarray(40 * k, 40 * k + 40)));
    const frame: GsmFrame = { larc, sub };
    packFrame(frame, out);
  }

  /** §4.2.1–4.2.3: downscaling to 13 bits, offset compensation (high-pass), pre-emphasis. */
  private preprocess(pcm: Int16Array): Int16Array {
    const s = new Int16Array(GSM_FRAME_SAMPLES);
    for (let k = 0; k < GSM_FRAME_SAMPLES; k++) {
      const so = (pcm[k] >> 3) << 2;
      const s1 = so - this.z1;
      this.z1 = so;
      let ls2 = s1 * 32768; // s1 << 15, within 32 bits
      const msp = sasr(this.lz2, 15);
      const lsp = this.lz2 - msp * 32768;
      ls2 += multR(lsp, 32735);
      this.lz2 = lAdd(msp * 32735, ls2);
      const sof = sasr(lAdd(this.lz2, 16384), 15);
      s[k] = add(sof, multR(this.mp, -28180));
      this.mp = sof;
    }
    return s;
  }

  /** §4.2.4–4.2.7: autocorrelation, reflection coefficients, LAR, quantisation. Returns LARc (offset by −MIC). */
  private lpcAnalysis(s: Int16Array): number[] {
    // Autocorrelation with dynamic scaling of the input.
    let smax = 0;
    for (let k = 0; k < 160; k++) {
      const t = abs16(s[k]);
      if (t > smax) smax = t;
    }
    const scalauto = smax === 0 ? 0 : 4 - norm(smax << 16);
    if (scalauto > 0) {
      const f = 16384 >> (scalauto - 1);
      for (let k = 0; k < 160; k++) s[k] = multR(s[k], f);
    }
    const lacf: number[] = [];
    for (let k = 0; k <= 8; k++) {
      let acc = 0;
      for (let i = k; i < 160; i++) acc += s[i] * s[i - k];
      lacf.push(acc * 2);
    }
    // The standard rescales s in place, losing its low bits; the short-term filter then works on that rescaled
    // signal, so we must do the same to stay bit-exact.
    if (scalauto > 0) {
      for (let k = 0; k < 160; k++) s[k] = toWord(s[k] << scalauto);
    }

    // Schur recursion → reflection coefficients r[1..8].
    const r = new Array<number>(8).fill(0);
    if (lacf[0] !== 0) {
      const shift = norm(lacf[0]);
      const acf = lacf.map((v) => sasr(v << shift, 16));
      const p = acf.slice();
      const kk = acf.slice();
      for (let n = 1; n <= 8; n++) {
        const t = abs16(p[1]);
        if (p[0] < t) break; // remaining coefficients stay 0
        let rn = div(t, p[0]);
        if (p[1] > 0) rn = -rn;
        r[n - 1] = rn;
        if (n === 8) break;
        p[0] = add(p[0], multR(p[1], rn));
        for (let m = 1; m <= 8 - n; m++) {
          const pm1 = p[m + 1];
          p[m] = add(pm1, multR(kk[m], rn));
          kk[m] = add(kk[m], multR(pm1, rn));
        }
      }
    }

    // Reflection coefficients → log-area ratios → coded LARc.
    const larc: number[] = [];
    for (let i = 0; i < 8; i++) {
      let t = abs16(r[i]);
      if (t < 22118) t >>= 1;
      else if (t < 31130) t -= 11059;
      else t = (t - 26112) << 2;
      const lar = r[i] < 0 ? -t : t;
      let q = mult(LAR_A[i], lar);
      q = add(q, LAR_B[i]);
      q = add(q, 256);
      q = sasr(q, 9);
      larc.push(q > LAR_MAC[i] ? LAR_MAC[i] - LAR_MIC[i] : q < LAR_MIC[i] ? 0 : q - LAR_MIC[i]);
    }
    return larc;
  }

  /** §4.2.10: lattice analysis filter over the frame, in place, with the interpolated coefficients. */
  private shortTermAnalysis(s: Int16Array, larpp: Int16Array): void {
    const segments = segmentCoefficients(this.prevLarpp, larpp);
    const u = this.u;
    let start = 0;
    for (let g = 0; g < 4; g++) {
      const rp = segments[g];
      for (let k = start; k < SEGMENT_ENDS[g]; k++) {
        let di = s[k];
        let sav = di;
        for (let i = 0; i < 8; i++) {
          const ui = u[i];
          const rpi = rp[i];
          u[i] = sav;
          sav = add(ui, multR(rpi, di));
          di = add(di, multR(rpi, ui));
        }
        s[k] = di;
      }
      start = SEGMENT_ENDS[g];
    }
  }

  /** §4.2.11–4.2.18 for one subframe of short-term residual `d` (40 samples). */
  private encodeSubframe(d: Int16Array): GsmSubframe {
    const dp = this.dp;
    // LTP parameters: scaled cross-correlation search over lags 40..120.
    let dmax = 0;
    for (let k = 0; k < 40; k++) {
      const t = abs16(d[k]);
      if (t > dmax) dmax = t;
    }
    const temp = dmax === 0 ? 0 : norm(dmax << 16);
    const scal = temp > 6 ? 0 : 6 - temp;
    const wt = new Int16Array(40);
    for (let k = 0; k < 40; k++) wt[k] = d[k] >> scal;
    let lmax = 0;
    let nc = 40;
    for (let lambda = 40; lambda <= 120; lambda++) {
      let acc = 0;
      for (let k = 0; k < 40; k++) acc += wt[k] * dp[120 + k - lambda];
      if (acc > lmax) {
        nc = lambda;
        lmax = acc;
      }
    }
    lmax *= 2;
    lmax = sasr(lmax, 6 - scal);
    let lpower = 0;
    for (let k = 0; k < 40; k++) {
      const t = dp[120 + k - nc] >> 3;
      lpower += t * t;
    }
    lpower *= 2;
    let bc: number;
    if (lmax <= 0) bc = 0;
    else if (lmax >= lpower) bc = 3;
    else {
      const sh = norm(lpower);
      const rr = sasr(lmax << sh, 16);
      const ss = sasr(lpower << sh, 16);
      for (bc = 0; bc <= 2; bc++) if (rr <= mult(ss, DLB[bc])) break;
    }

    // Long-term analysis filtering: e = d − bp·dp[k − Nc].
    const bp = QLB[bc];
    const dpp = new Int16Array(40);
    const e = new Int16Array(50); // 5 zeros either side for the weighting filter
    for (let k = 0; k < 40; k++) {
      dpp[k] = multR(bp, dp[120 + k - nc]);
      e[5 + k] = sub(d[k], dpp[k]);
    }

    // RPE: weighting filter (§4.2.13).
    const x = new Int16Array(40);
    for (let k = 0; k < 40; k++) {
      let acc = 4096;
      for (let i = 0; i <= 10; i++) acc += e[k + i] * H[i];
      x[k] = sat(acc >> 13);
    }
    // Grid selection (§4.2.14).
    let mc = 0;
    let em = -1;
    for (let m = 0; m < 4; m++) {
      let acc = 0;
      for (let i = 0; i < 13; i++) {
        const t = x[m + 3 * i] >> 2;
        acc += t * t;
      }
      acc *= 2;
      if (acc > em) {
        mc = m;
        em = acc;
      }
    }
    const xM = new Int16Array(13);
    for (let i = 0; i < 13; i++) xM[i] = x[mc + 3 * i];

    // APCM quantisation (§4.2.15).
    let xmax = 0;
    for (let i = 0; i < 13; i++) {
      const t = abs16(xM[i]);
      if (t > xmax) xmax = t;
    }
    let exp = 0;
    let t = xmax >> 9;
    let itest = false;
    for (let i = 0; i <= 5; i++) {
      itest ||= t <= 0;
      t >>= 1;
      if (!itest) exp++;
    }
    const xmaxc = add(xmax >> (exp + 5), exp << 3);
    const em2 = xmaxcToExpMant(xmaxc);
    const t1 = 6 - em2.exp;
    const t2 = NRFAC[em2.mant];
    const xmc: number[] = [];
    for (let i = 0; i < 13; i++) {
      let v = toWord(xM[i] << t1);
      v = mult(v, t2);
      xmc.push((v >> 12) + 4);
    }

    // Decode what we sent and update the reconstructed residual (§4.2.16–4.2.18).
    const ep = new Int16Array(40);
    rpeDecode(xmc, mc, em2.exp, em2.mant, ep);
    dp.copyWithin(0, 40, 120);
    for (let k = 0; k < 40; k++) dp[80 + k] = add(ep[k], dpp[k]);
    return { nc, bc, mc, xmaxc, xmc };
  }
}

/** 32-bit saturating add (§5.1 L_add). */
function lAdd(a: number, b: number): number {
  const s = a + b;
  return s > 2147483647 ? 2147483647 : s < -2147483648 ? -2147483648 : s;
}
