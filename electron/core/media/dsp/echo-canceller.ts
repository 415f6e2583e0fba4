// Acoustic echo canceller: a partitioned-block frequency-domain adaptive filter (PBFDAF, the "multidelay block
// frequency domain" structure) with overlap-save and per-bin normalised NLMS steps, made robust to double talk by
// two means: a Geigel detector that freezes adaptation, and a two-path (foreground/background) structure that keeps
// the output filter safe from whatever double talk the detector misses. Our own TypeScript (no speexdsp/AEC3 build is
// usable here: no maintained WASM package on npm, and a native addon would need rebuilding per Electron version).
//
// Structure (block B samples, FFT size 2B, P partitions, tail P·B samples):
//   X_p  = FFT of the far-end [previous block, current block], p blocks ago
//   Y    = Σ_p W_p · X_p            → echo estimate = last B samples of IFFT(Y)   (overlap-save)
//   e    = near − echo estimate      (the output, from the foreground W)
//   E    = FFT([0…0, e_background])
//   W_p += μ · conj(X_p) · E / (Σ_p |X_p|² + δ)                                   (per-bin normalisation)
// The gradient constraint (zero the second half of w_p in time) is applied to one partition per block in rotation,
// which keeps the filter a linear convolution at a fraction of the cost of constraining all partitions every block.
// Only the background filter adapts; it is copied to the foreground when it has cancelled better for several blocks,
// and reset to the foreground when it has clearly diverged.
import { BlockFramer } from './block-framer.js';
import { RealFft } from './fft.js';
import { GeigelDetector } from './geigel.js';
import { floatToInt16, int16ToFloat, powerOfTwoDivisor } from './pcm-float.js';

export interface EchoCancellerOptions {
  readonly sampleRate: number;
  /** Echo tail covered by the filter, bulk delay included (default 200 ms: device latencies + room). */
  readonly tailMs?: number;
  /** NLMS step in (0, 1] (default 0.7). */
  readonly stepSize?: number;
  /** Geigel threshold: near/far peak ratio that means double talk (default 0.5, i.e. ≥ 6 dB acoustic loss). */
  readonly doubleTalkThreshold?: number;
  /** How long adaptation stays frozen after double talk (default 60 ms). */
  readonly doubleTalkHangoverMs?: number;
}

export interface EchoCancellerStats {
  /** Smoothed echo return loss enhancement (near / output energy while only the far end talks), dB. */
  readonly erleDb: number;
  readonly doubleTalk: boolean;
  readonly farActive: boolean;
  /** The filter has cancelled ≥ 10 dB at least once since the last reset (double talk then freezes adaptation). */
  readonly converged: boolean;
  readonly blocks: number;
  readonly adaptedBlocks: number;
  readonly doubleTalkBlocks: number;
  /** Times the background filter replaced the foreground (it cancelled better), and was pulled back (diverged). */
  readonly promotions: number;
  readonly rollbacks: number;
  readonly blockSize: number;
  readonly partitions: number;
}

/** Far-end energy per sample below which the filter does not adapt (about −66 dBFS RMS). */
const FAR_ACTIVE_POWER = 2.5e-7;

export class EchoCanceller {
  readonly sampleRate: number;
  private readonly tailSamples: number;
  private readonly mu: number;
  private readonly dtThreshold: number;
  private readonly dtHangoverMs: number;
  private core: PbfdafCore | undefined;
  private framer: BlockFramer | undefined;
  private echoScratch = new Float64Array(0);

  constructor(options: EchoCancellerOptions) {
    const { sampleRate } = options;
    if (!Number.isInteger(sampleRate) || sampleRate < 4000 || sampleRate > 48000) {
      throw new Error(`echo canceller: unsupported sample rate ${sampleRate}`);
    }
    this.sampleRate = sampleRate;
    const tailMs = options.tailMs ?? 200;
    if (!(tailMs >= 8 && tailMs <= 1000)) throw new Error(`echo canceller: tail must be 8..1000 ms, got ${tailMs}`);
    this.tailSamples = Math.round((sampleRate * tailMs) / 1000);
    this.mu = options.stepSize ?? 0.7;
    if (!(this.mu > 0 && this.mu <= 1)) throw new Error(`echo canceller: step size must be in (0, 1], got ${this.mu}`);
    this.dtThreshold = options.doubleTalkThreshold ?? 0.5;
    if (!(this.dtThreshold > 0)) throw new Error(`echo canceller: double-talk threshold must be > 0, got ${this.dtThreshold}`);
    this.dtHangoverMs = options.doubleTalkHangoverMs ?? 60;
  }

  /** The FrameProcessor shape: 16-bit near-end frame in, echo-cancelled frame out. */
  process(near: Int16Array, farReference?: Int16Array): Int16Array {
    return floatToInt16(this.processFloat(int16ToFloat(near), farReference ? int16ToFloat(farReference) : undefined));
  }

  /**
   * Float version (±1 full scale). `far` shorter than `near` (or absent) is zero-padded. `echoOut`, if given (same
   * length as near), receives the echo estimate aligned with the output, for a residual echo suppressor.
   */
  processFloat(near: Float64Array, far?: Float64Array, echoOut?: Float64Array): Float64Array {
    if (!this.core || !this.framer) this.init(near.length);
    let farAligned = far;
    if (!far || far.length !== near.length) {
      farAligned = new Float64Array(near.length);
      if (far) farAligned.set(far.subarray(0, near.length));
    }
    return this.framer!.process(near, farAligned, echoOut);
  }

  stats(): EchoCancellerStats {
    const c = this.core;
    return {
      erleDb: c ? c.erleDb : 0,
      doubleTalk: c ? c.doubleTalk : false,
      farActive: c ? c.farActive : false,
      converged: c ? c.converged : false,
      blocks: c ? c.blocks : 0,
      adaptedBlocks: c ? c.adaptedBlocks : 0,
      doubleTalkBlocks: c ? c.doubleTalkBlocks : 0,
      promotions: c ? c.promotions : 0,
      rollbacks: c ? c.rollbacks : 0,
      blockSize: c ? c.block : 0,
      partitions: c ? c.partitions : 0,
    };
  }

  /** Delay the canceller adds: 0 when frames are a multiple of its block (always, for 10/20/30 ms frames). */
  get delaySamples(): number {
    return this.framer ? this.framer.addedDelay : 0;
  }

  /** Forgets the learnt echo path (e.g. after a device change). */
  reset(): void {
    this.core?.reset();
  }

  private init(frameLength: number): void {
    // Block: ~4 ms (64 at 16 kHz, 32 at 8 kHz), a power of two dividing the frame so no delay is added.
    let maxBlock = 16;
    while (maxBlock * 2 <= this.sampleRate * 0.004) maxBlock *= 2;
    let block = powerOfTwoDivisor(frameLength, maxBlock);
    if (block < 16) block = maxBlock;
    const partitions = Math.max(1, Math.ceil(this.tailSamples / block));
    const blockMs = (block * 1000) / this.sampleRate;
    const core = new PbfdafCore(block, partitions, this.mu,
      new GeigelDetector(partitions, this.dtThreshold, Math.max(1, Math.round(this.dtHangoverMs / blockMs))), this.sampleRate);
    this.core = core;
    this.echoScratch = new Float64Array(block);
    this.framer = new BlockFramer(block, (d, x, out, echoOut) => core.processBlock(d, x!, out, echoOut ?? this.echoScratch));
  }
}

/** The adaptive filter proper, one block at a time. */
class PbfdafCore {
  erleDb = 0;
  doubleTalk = false;
  farActive = false;
  blocks = 0;
  adaptedBlocks = 0;
  doubleTalkBlocks = 0;
  /** Times the background filter was promoted to foreground, and times it was pulled back. */
  promotions = 0;
  rollbacks = 0;
  private readonly fft: RealFft;
  private readonly bins: number;
  private readonly farHist: Float64Array;
  private readonly xRe: Float64Array;
  private readonly xIm: Float64Array;
  /** Foreground filter (produces the output) and background filter (always adapting). */
  private readonly fRe: Float64Array;
  private readonly fIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  private head = 0;
  private readonly farPow: Float64Array;
  private farPowSum = 0;
  private readonly yRe: Float64Array;
  private readonly yIm: Float64Array;
  private readonly eRe: Float64Array;
  private readonly eIm: Float64Array;
  private readonly time: Float64Array;
  private readonly timeB: Float64Array;
  private readonly ybRe: Float64Array;
  private readonly ybIm: Float64Array;
  private readonly errB: Float64Array;
  private readonly norm: Float64Array;
  private readonly powSum: Float64Array;
  private constrainNext = 0;
  private nearEnergy = 0;
  private errEnergy = 0;
  private fgErr = 0;
  private bgErr = 0;
  private betterRun = 0;
  /** Long-term near / foreground-error energy over far-active blocks, and whether the filter has ever converged. */
  private longNear = 0;
  private longErr = 0;
  converged = false;
  private dtRun = 0;
  /** Blocks in ≈ 1 s. */
  private readonly dtUnlatchBlocks: number;
  private readonly delta: number;

  constructor(readonly block: number, readonly partitions: number, private readonly mu: number, private readonly dtd: GeigelDetector,
    sampleRate: number) {
    const n = 2 * block;
    this.fft = new RealFft(n);
    const k = this.fft.bins;
    this.bins = k;
    this.farHist = new Float64Array(n);
    this.xRe = new Float64Array(partitions * k);
    this.xIm = new Float64Array(partitions * k);
    this.fRe = new Float64Array(partitions * k);
    this.fIm = new Float64Array(partitions * k);
    this.bRe = new Float64Array(partitions * k);
    this.bIm = new Float64Array(partitions * k);
    this.farPow = new Float64Array(partitions);
    this.yRe = new Float64Array(k);
    this.yIm = new Float64Array(k);
    this.eRe = new Float64Array(k);
    this.eIm = new Float64Array(k);
    this.time = new Float64Array(n);
    this.timeB = new Float64Array(n);
    this.ybRe = new Float64Array(k);
    this.ybIm = new Float64Array(k);
    this.errB = new Float64Array(block);
    this.norm = new Float64Array(k);
    this.powSum = new Float64Array(k);
    // Regularisation: the spectral power of a −60 dBFS far signal summed over the partitions.
    this.delta = partitions * n * 1e-6;
    this.dtUnlatchBlocks = Math.round(sampleRate / block);
  }

  reset(): void {
    this.fRe.fill(0);
    this.fIm.fill(0);
    this.bRe.fill(0);
    this.bIm.fill(0);
    this.erleDb = 0;
    this.fgErr = 0;
    this.bgErr = 0;
    this.longNear = 0;
    this.longErr = 0;
    this.converged = false;
  }

  processBlock(near: Float64Array, far: Float64Array, out: Float64Array, echoOut: Float64Array): void {
    const B = this.block;
    const K = this.bins;
    const P = this.partitions;
    this.blocks++;

    // 1. Far-end spectrum of [previous block, this block] into the newest ring slot.
    this.farHist.copyWithin(0, B);
    this.farHist.set(far, B);
    this.head = (this.head + P - 1) % P;
    const base = this.head * K;
    this.fft.forward(this.farHist, this.yRe, this.yIm);
    // Per-bin far power summed over the partitions: remove the slot being overwritten, add the new spectrum
    // (recomputed from scratch now and then so rounding cannot accumulate).
    const sum = this.powSum;
    for (let k = 0; k < K; k++) {
      const or = this.xRe[base + k], oi = this.xIm[base + k];
      const nr = this.yRe[k], ni = this.yIm[k];
      sum[k] += nr * nr + ni * ni - (or * or + oi * oi);
    }
    this.xRe.set(this.yRe, base);
    this.xIm.set(this.yIm, base);
    if (this.blocks % 256 === 0) {
      sum.fill(0);
      for (let q = 0; q < P * K; q++) sum[q % K] += this.xRe[q] * this.xRe[q] + this.xIm[q] * this.xIm[q];
    }
    let fp = 0;
    for (let i = 0; i < B; i++) fp += far[i] * far[i];
    this.farPowSum += fp - this.farPow[this.head];
    this.farPow[this.head] = fp;
    this.farActive = this.farPowSum > FAR_ACTIVE_POWER * B * P;

    // 2. Echo estimates of both filters; the foreground one gives the output.
    this.filterBoth();
    let dE = 0;
    let eF = 0;
    for (let i = 0; i < B; i++) {
      const y = this.time[B + i];
      echoOut[i] = y;
      const e = near[i] - y;
      out[i] = e;
      dE += near[i] * near[i];
      eF += e * e;
    }
    let eB = 0;
    for (let i = 0; i < B; i++) {
      const e = near[i] - this.timeB[B + i];
      this.errB[i] = e;
      eB += e * e;
    }

    // 3. Two-path control: the background filter adapts through double talk it fails to detect; it replaces the
    // foreground only once it has cancelled better for several blocks running, and it is pulled back to the
    // foreground when it has clearly diverged (near-end speech leaking into the adaptation).
    this.fgErr = 0.8 * this.fgErr + eF;
    this.bgErr = 0.8 * this.bgErr + eB;
    if (this.farActive && this.bgErr < 0.7 * this.fgErr && eB < eF) {
      if (++this.betterRun >= 4) {
        this.fRe.set(this.bRe);
        this.fIm.set(this.bIm);
        this.fgErr = this.bgErr;
        this.promotions++;
        this.betterRun = 0;
      }
    } else {
      this.betterRun = 0;
    }
    if (this.bgErr > 4 * this.fgErr + 1e-9) {
      this.bRe.set(this.fRe);
      this.bIm.set(this.fIm);
      this.bgErr = this.fgErr;
      this.rollbacks++;
    }
    // An output louder than the input means even the foreground is wrong: pass the input through.
    if (eF > 2 * dE + 1e-9) {
      out.set(near);
      echoOut.fill(0);
    }

    // 4. Double talk (Geigel on what is left after the foreground filter, so that a loud but already cancelled echo
    // is not mistaken for near-end speech) and the ERLE statistic.
    this.doubleTalk = this.dtd.update(out, far);
    if (this.doubleTalk) this.doubleTalkBlocks++;
    if (this.farActive) {
      this.longNear = 0.995 * this.longNear + dE;
      this.longErr = 0.995 * this.longErr + Math.min(eF, dE);
      if (!this.converged && this.promotions > 0 && this.longNear > 10 * this.longErr) this.converged = true;
    }
    if (this.farActive && (!this.doubleTalk || !this.converged)) {
      this.nearEnergy = 0.98 * this.nearEnergy + dE;
      this.errEnergy = 0.98 * this.errEnergy + Math.min(eF, dE);
      this.erleDb = 10 * Math.log10((this.nearEnergy + 1e-12) / (this.errEnergy + 1e-12));
    }
    if (!this.farActive) return;
    // Before the echo path is known, near-end speech and echo cannot be told apart (an echo louder than the Geigel
    // threshold looks like double talk): the background filter keeps learning at a quarter step, and the two-path
    // control protects the output. Once converged, double talk freezes it.
    // Double talk declared without a break for longer than anyone talks over the other is more likely a changed echo
    // path (the residual grew because the filter is now wrong): fall back to learning.
    this.dtRun = this.doubleTalk ? this.dtRun + 1 : 0;
    if (this.dtRun > this.dtUnlatchBlocks) this.converged = false;
    let mu = this.mu;
    if (this.doubleTalk) {
      if (this.converged) return;
      mu /= 4;
    }
    this.adaptedBlocks++;

    // 5. NLMS update of the background filter with E = FFT([0, e]), normalised per bin by the far power over the tail.
    const t = this.time;
    t.fill(0, 0, B);
    t.set(this.errB, B);
    this.fft.forward(t, this.eRe, this.eIm);
    const norm = this.norm;
    for (let k = 0; k < K; k++) norm[k] = this.delta + Math.max(0, sum[k]);
    for (let k = 0; k < K; k++) {
      const g = mu / norm[k];
      this.eRe[k] *= g;
      this.eIm[k] *= g;
    }
    for (let p = 0; p < P; p++) {
      const xo = ((this.head + p) % P) * K;
      const wo = p * K;
      for (let k = 0; k < K; k++) {
        const xr = this.xRe[xo + k], xi = this.xIm[xo + k];
        const er = this.eRe[k], ei = this.eIm[k];
        // conj(X) · E
        this.bRe[wo + k] += xr * er + xi * ei;
        this.bIm[wo + k] += xr * ei - xi * er;
      }
    }

    // 6. Gradient constraint on one partition per block, in rotation.
    const c = this.constrainNext;
    this.constrainNext = (c + 1) % P;
    const wo = c * K;
    const wr = this.bRe.subarray(wo, wo + K);
    const wi = this.bIm.subarray(wo, wo + K);
    this.fft.inverse(wr, wi, t);
    t.fill(0, B);
    this.fft.forward(t, wr, wi);
  }

  /**
   * Both filters' echo estimates in one pass over the far spectra: time[B..2B) for the foreground, timeB[B..2B) for
   * the background (the last B samples of IFFT(Σ_p W_p X_p)).
   */
  private filterBoth(): void {
    const K = this.bins;
    const P = this.partitions;
    const { yRe, yIm, ybRe, ybIm, fRe, fIm, bRe, bIm, xRe, xIm } = this;
    yRe.fill(0);
    yIm.fill(0);
    ybRe.fill(0);
    ybIm.fill(0);
    for (let p = 0; p < P; p++) {
      const xo = ((this.head + p) % P) * K;
      const wo = p * K;
      for (let k = 0; k < K; k++) {
        const xr = xRe[xo + k], xi = xIm[xo + k];
        const fr = fRe[wo + k], fi = fIm[wo + k];
        const br = bRe[wo + k], bi = bIm[wo + k];
        yRe[k] += fr * xr - fi * xi;
        yIm[k] += fr * xi + fi * xr;
        ybRe[k] += br * xr - bi * xi;
        ybIm[k] += br * xi + bi * xr;
      }
    }
    this.fft.inverse(yRe, yIm, this.time);
    this.fft.inverse(ybRe, ybIm, this.timeB);
  }
}
