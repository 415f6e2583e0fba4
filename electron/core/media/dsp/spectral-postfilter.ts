// Spectral post-filter after the echo canceller: noise suppression and residual echo suppression in one gain per
// frequency bin. Short-time Fourier analysis with a 20 ms sqrt-Hann window and a 10 ms hop (50 % overlap-add, which
// reconstructs exactly when every gain is 1), zero-padded to a power-of-two FFT.
//
// Interference power per bin Λ = noise (minimum statistics) + residual echo (the canceller's echo estimate scaled by
// how much of the echo it fails to remove, 10^(−ERLE/10)). Gain: Wiener G = ξ / (1 + ξ) with the decision-directed
// a-priori SNR ξ = α·G²_prev·|X_prev|²/Λ + (1 − α)·max(γ − 1, 0), γ = |X|²/Λ (Ephraim & Malah 1984), floored so that
// noise is attenuated by at most `noiseFloorDb` (mild by default: speech is never crushed) and echo by `echoFloorDb`.
import { BlockFramer } from './block-framer.js';
import { RealFft } from './fft.js';
import { MinimumStatisticsNoise } from './noise-estimator.js';
import { floatToInt16, int16ToFloat } from './pcm-float.js';

export interface SpectralPostFilterOptions {
  readonly sampleRate: number;
  /** Suppress stationary noise (default true). */
  readonly noiseSuppression?: boolean;
  /** Most the noise is attenuated, dB (default −12: mild). */
  readonly noiseFloorDb?: number;
  /** Suppress the residual echo, using the echo estimate passed to processFloat (default true). */
  readonly echoSuppression?: boolean;
  /** Most the residual echo is attenuated, dB (default −30). */
  readonly echoFloorDb?: number;
}

/** Decision-directed smoothing constant (the classic 0.98). */
const DD_ALPHA = 0.98;

export class SpectralPostFilter {
  readonly sampleRate: number;
  /** Algorithmic delay: one hop (10 ms). */
  readonly delaySamples: number;
  noiseSuppression: boolean;
  echoSuppression: boolean;
  /** Fraction of the echo estimate's power left in the canceller's output (10^(−ERLE/10)); set by the chain. */
  echoLeak = 0.1;
  private readonly hop: number;
  private readonly win: number;
  private readonly fft: RealFft;
  private readonly window: Float64Array;
  private readonly inHist: Float64Array;
  private readonly echoHist: Float64Array;
  private readonly ola: Float64Array;
  private readonly buf: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly ere: Float64Array;
  private readonly eim: Float64Array;
  private readonly power: Float64Array;
  private readonly prevClean: Float64Array;
  private readonly noise: MinimumStatisticsNoise;
  private readonly framer: BlockFramer;
  private noiseFloor: number;
  private readonly echoFloor: number;
  private gainSum = 0;
  private gainCount = 0;

  constructor(options: SpectralPostFilterOptions) {
    const rate = options.sampleRate;
    if (!Number.isInteger(rate) || rate % 100 !== 0 || rate < 4000 || rate > 48000) {
      throw new Error(`spectral post-filter: unsupported sample rate ${rate}`);
    }
    this.sampleRate = rate;
    this.noiseSuppression = options.noiseSuppression ?? true;
    this.echoSuppression = options.echoSuppression ?? true;
    this.noiseFloor = 10 ** ((options.noiseFloorDb ?? -12) / 20);
    this.echoFloor = 10 ** ((options.echoFloorDb ?? -30) / 20);
    this.hop = rate / 100;
    this.win = 2 * this.hop;
    this.delaySamples = this.hop;
    let n = 4;
    while (n < this.win) n *= 2;
    this.fft = new RealFft(n);
    this.window = new Float64Array(this.win);
    for (let i = 0; i < this.win; i++) this.window[i] = Math.sqrt(0.5 * (1 - Math.cos((2 * Math.PI * i) / this.win)));
    this.inHist = new Float64Array(this.win);
    this.echoHist = new Float64Array(this.win);
    this.ola = new Float64Array(this.win);
    this.buf = new Float64Array(n);
    const k = this.fft.bins;
    this.re = new Float64Array(k);
    this.im = new Float64Array(k);
    this.ere = new Float64Array(k);
    this.eim = new Float64Array(k);
    this.power = new Float64Array(k);
    this.prevClean = new Float64Array(k);
    // Minimum search over 8 × 19 hops ≈ 1.5 s.
    this.noise = new MinimumStatisticsNoise(k, 19, 8);
    this.framer = new BlockFramer(this.hop, (x, echo, out) => this.processHop(x, echo, out));
  }

  process(near: Int16Array): Int16Array {
    return floatToInt16(this.processFloat(int16ToFloat(near)));
  }

  /** Float version; `echo` is the canceller's echo estimate aligned with `near` (omit when there is none). */
  processFloat(near: Float64Array, echo?: Float64Array): Float64Array {
    return this.framer.process(near, echo);
  }

  /** Changes the most noise is attenuated, dB (≤ 0), without losing the noise estimate. */
  setNoiseFloorDb(db: number): void {
    if (!(db <= 0)) throw new Error(`spectral post-filter: noise floor must be ≤ 0 dB, got ${db}`);
    this.noiseFloor = 10 ** (db / 20);
  }

  /** Mean gain applied since the last call (linear, 0..1), for statistics. */
  takeMeanGain(): number {
    const g = this.gainCount ? this.gainSum / this.gainCount : 1;
    this.gainSum = 0;
    this.gainCount = 0;
    return g;
  }

  /** The current noise estimate per bin, as power of the windowed FFT (tests). */
  noiseSpectrum(): Float64Array {
    return this.noise.noise;
  }

  private processHop(x: Float64Array, echo: Float64Array | undefined, out: Float64Array): void {
    const H = this.hop;
    const L = this.win;
    this.inHist.copyWithin(0, H);
    this.inHist.set(x, H);
    this.echoHist.copyWithin(0, H);
    if (echo) this.echoHist.set(echo, H);
    else this.echoHist.fill(0, H);

    const buf = this.buf;
    buf.fill(0);
    for (let i = 0; i < L; i++) buf[i] = this.inHist[i] * this.window[i];
    this.fft.forward(buf, this.re, this.im);
    const K = this.fft.bins;
    const power = this.power;
    for (let k = 0; k < K; k++) power[k] = this.re[k] * this.re[k] + this.im[k] * this.im[k];

    const useEcho = this.echoSuppression && echo !== undefined;
    if (useEcho) {
      buf.fill(0);
      for (let i = 0; i < L; i++) buf[i] = this.echoHist[i] * this.window[i];
      this.fft.forward(buf, this.ere, this.eim);
    }
    // The noise estimate keeps learning even while suppression is off, so switching it on mid-call works at once.
    this.noise.update(power);
    const noise = this.noise.noise;
    const leak = this.echoLeak;
    let gsum = 0;
    for (let k = 0; k < K; k++) {
      const nPow = this.noiseSuppression ? noise[k] : 0;
      const ePow = useEcho ? leak * (this.ere[k] * this.ere[k] + this.eim[k] * this.eim[k]) : 0;
      const lambda = nPow + ePow;
      let g = 1;
      if (lambda > 1e-20) {
        const gamma = power[k] / lambda;
        const xi = DD_ALPHA * (this.prevClean[k] / lambda) + (1 - DD_ALPHA) * Math.max(gamma - 1, 0);
        g = xi / (1 + xi);
        const floor = Math.sqrt((nPow * this.noiseFloor * this.noiseFloor + ePow * this.echoFloor * this.echoFloor) / lambda);
        if (g < floor) g = floor;
      }
      this.prevClean[k] = g * g * power[k];
      this.re[k] *= g;
      this.im[k] *= g;
      gsum += g;
    }
    this.gainSum += gsum / K;
    this.gainCount++;
    this.fft.inverse(this.re, this.im, buf);
    // Overlap-add with the synthesis window; the first hop of the accumulator is complete.
    for (let i = 0; i < L; i++) this.ola[i] += buf[i] * this.window[i];
    out.set(this.ola.subarray(0, H));
    this.ola.copyWithin(0, H);
    this.ola.fill(0, L - H);
  }
}
