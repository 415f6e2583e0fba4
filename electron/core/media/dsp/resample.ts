// Streaming rational resampler: polyphase FIR with a Kaiser-windowed sinc prototype. Converts between any two
// rates whose ratio reduces to L/M with a modest L (8k↔16k↔48k, 44.1k↔48k, 44.1k↔16k, ...). It keeps its state
// across calls, so 20 ms frames can be fed one at a time with no seams; the output length of each call is exactly
// the number of output samples whose input is available (an integer per 20 ms frame for all the rates above).
//
// Design: the prototype low-pass runs at L·inRate with its transition band centred on half the lower of the two
// rates and 15 % of that rate wide (passband flat to 0.425·lowerRate, e.g. 3.4 kHz for 8 kHz, stopband from
// 0.575·lowerRate so that nothing aliases into the passband), with 65 dB of stopband attenuation.

export interface ResamplerOptions {
  /** Stopband attenuation in dB (default 65). */
  readonly attenuationDb?: number;
  /** Transition width as a fraction of the lower rate (default 0.15). */
  readonly transition?: number;
}

export class Resampler {
  readonly up: number;
  readonly down: number;
  /** Taps per polyphase branch. */
  readonly tapsPerPhase: number;
  /** Group delay of the filter, in output samples. */
  readonly delayOutputSamples: number;
  private readonly phases: Float32Array[];
  private history: Float32Array;
  /** Position of the next output on the L·inRate grid, relative to history[0]. */
  private t: number;

  constructor(readonly inRate: number, readonly outRate: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new Error(`resampler rates must be positive integers, got ${inRate} → ${outRate}`);
    }
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    if (this.up > 1000 || this.down > 1000) {
      throw new Error(`resampler ratio ${outRate}/${inRate} reduces to ${this.up}/${this.down}: too many phases`);
    }
    const attenuation = options.attenuationDb ?? 65;
    const transition = options.transition ?? 0.15;
    const lower = Math.min(inRate, outRate);
    const protoRate = inRate * this.up;
    const cutoff = lower / 2 / protoRate; // cycles per prototype sample
    const deltaOmega = (2 * Math.PI * transition * lower) / protoRate;
    const n = Math.ceil((attenuation - 7.95) / (2.285 * deltaOmega)) + 1;
    const k = Math.max(2, Math.ceil(n / this.up));
    this.tapsPerPhase = k;
    const total = k * this.up;
    const beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7) : 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21);
    const centre = (total - 1) / 2;
    const proto = new Float64Array(total);
    let sum = 0;
    const i0Beta = besselI0(beta);
    for (let i = 0; i < total; i++) {
      const x = i - centre;
      const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
      const r = (2 * i) / (total - 1) - 1;
      const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
      proto[i] = sinc * w;
      sum += proto[i];
    }
    // Unity DC gain per output sample: each polyphase branch sums to ~1, the whole prototype to L.
    const scale = this.up / sum;
    this.phases = [];
    for (let p = 0; p < this.up; p++) {
      const branch = new Float32Array(k);
      for (let j = 0; j < k; j++) branch[j] = proto[p + j * this.up] * scale;
      this.phases.push(branch);
    }
    this.delayOutputSamples = this.up === 1 && this.down === 1 ? 0 : centre / this.down;
    this.history = new Float32Array(k - 1);
    this.t = (k - 1) * this.up;
  }

  /** Number of output samples the next process() call will return for `inputSamples` new input samples. */
  outputLength(inputSamples: number): number {
    if (this.up === 1 && this.down === 1) return inputSamples;
    const end = (this.history.length + inputSamples) * this.up; // first grid point not yet computable
    return Math.max(0, Math.ceil((end - this.t) / this.down));
  }

  process(input: Int16Array): Int16Array {
    if (this.up === 1 && this.down === 1) return input.slice(); // same rate: no filtering, no delay
    const k = this.tapsPerPhase;
    const buf = new Float32Array(this.history.length + input.length);
    buf.set(this.history, 0);
    for (let i = 0; i < input.length; i++) buf[this.history.length + i] = input[i];
    const out = new Int16Array(this.outputLength(input.length));
    const up = this.up;
    let t = this.t;
    for (let o = 0; o < out.length; o++, t += this.down) {
      const base = Math.floor(t / up); // newest input sample used
      const h = this.phases[t - base * up];
      let acc = 0;
      for (let j = 0; j < k; j++) acc += h[j] * buf[base - j];
      const v = Math.round(acc);
      out[o] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    const consumed = buf.length - (k - 1);
    this.history = buf.slice(consumed);
    this.t = t - consumed * up;
    return out;
  }

  reset(): void {
    this.history = new Float32Array(this.tapsPerPhase - 1);
    this.t = (this.tapsPerPhase - 1) * this.up;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}
