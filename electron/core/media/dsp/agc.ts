// Automatic gain control for the microphone: a slow digital gain that brings the talker's speech level to a target
// (−20 dBFS RMS by default, the levels.ts convention), then a peak limiter. Only frames judged to be near-end speech
// move the gain — an energy voice-activity gate above a tracked noise floor, and the caller can veto frames (the chain
// does while the echo canceller hears only the far end) — so silence, noise and residual echo never pump the gain up.
// The gain moves at most `riseDbPerSecond` up and `fallDbPerSecond` down, interpolated sample by sample.
import { floatToInt16, int16ToFloat } from './pcm-float.js';

export interface AgcOptions {
  readonly sampleRate: number;
  /** Speech level to reach, dBFS RMS (default −20). */
  readonly targetDbfs?: number;
  /** Gain limits, dB (defaults +30 / −20). */
  readonly maxGainDb?: number;
  readonly minGainDb?: number;
  /** Slew limits (defaults 6 dB/s up, 20 dB/s down). */
  readonly riseDbPerSecond?: number;
  readonly fallDbPerSecond?: number;
  /** Limiter ceiling, dBFS peak (default −1). */
  readonly limiterDbfs?: number;
}

export interface AgcStats {
  readonly gainDb: number;
  /** Estimated speech level before the gain, dBFS RMS (−100 before any speech). */
  readonly speechLevelDbfs: number;
  readonly noiseFloorDbfs: number;
  readonly speechFrames: number;
  /** Samples the limiter had to reduce. */
  readonly limitedSamples: number;
}

/** A frame counts as speech when it is this far above the noise floor … */
const VAD_MARGIN_DB = 9;
/** … and above this absolute level (dBFS RMS): quieter is never speech worth amplifying. */
const VAD_MIN_DBFS = -60;

function toDb(power: number): number {
  return power > 1e-10 ? 10 * Math.log10(power) : -100;
}

export class AutomaticGainControl {
  readonly sampleRate: number;
  private readonly target: number;
  private readonly maxGain: number;
  private readonly minGain: number;
  private readonly rise: number;
  private readonly fall: number;
  private readonly ceiling: number;
  private readonly release: number;
  private gainDb = 0;
  private gainLin = 1;
  private limiter = 1;
  private noiseDb = -100;
  private noiseInit = false;
  private speechPower = 0;
  private speechSeen = false;
  private speechFrames = 0;
  private limitedSamples = 0;

  constructor(options: AgcOptions) {
    this.sampleRate = options.sampleRate;
    this.target = options.targetDbfs ?? -20;
    this.maxGain = options.maxGainDb ?? 30;
    this.minGain = options.minGainDb ?? -20;
    this.rise = options.riseDbPerSecond ?? 6;
    this.fall = options.fallDbPerSecond ?? 20;
    this.ceiling = 10 ** ((options.limiterDbfs ?? -1) / 20);
    if (!(this.minGain <= 0 && this.maxGain >= 0 && this.rise > 0 && this.fall > 0)) {
      throw new Error('agc: gain limits must bracket 0 dB and slew rates must be positive');
    }
    // Limiter release: back to unity gain with a 50 ms time constant.
    this.release = 1 - Math.exp(-1 / (0.05 * this.sampleRate));
  }

  process(near: Int16Array): Int16Array {
    return floatToInt16(this.processFloat(int16ToFloat(near)));
  }

  /**
   * @param speechAllowed false vetoes this frame as near-end speech (e.g. only the far end is talking, so what the
   * microphone hears is echo): the gain holds.
   */
  processFloat(x: Float64Array, speechAllowed = true): Float64Array {
    const n = x.length;
    let p = 0;
    for (let i = 0; i < n; i++) p += x[i] * x[i];
    // levels.ts convention: 0 dBFS = full-scale square wave, i.e. RMS 1.0 here.
    const levelDb = toDb(n ? p / n : 0);
    const frameSeconds = n / this.sampleRate;

    // Noise floor: follows drops at once, rises slowly (3 dB/s) so speech does not lift it.
    if (!this.noiseInit) {
      this.noiseDb = levelDb;
      this.noiseInit = true;
    } else if (levelDb < this.noiseDb) this.noiseDb = levelDb;
    else this.noiseDb = Math.min(levelDb, this.noiseDb + 3 * frameSeconds);

    const isSpeech = speechAllowed && levelDb > VAD_MIN_DBFS && levelDb > this.noiseDb + VAD_MARGIN_DB;
    let wanted = this.gainDb;
    if (isSpeech) {
      this.speechFrames++;
      const power = n ? p / n : 0;
      // Speech level: power average over speech frames with a ≈ 1 s time constant (50 frames of 20 ms).
      const a = Math.exp(-frameSeconds / 1.0);
      this.speechPower = this.speechSeen ? a * this.speechPower + (1 - a) * power : power;
      this.speechSeen = true;
      wanted = Math.max(this.minGain, Math.min(this.maxGain, this.target - toDb(this.speechPower)));
    }
    const step = wanted > this.gainDb ? Math.min(wanted - this.gainDb, this.rise * frameSeconds)
      : -Math.min(this.gainDb - wanted, this.fall * frameSeconds);
    const startLin = this.gainLin;
    this.gainDb += step;
    const endLin = 10 ** (this.gainDb / 20);
    this.gainLin = endLin;

    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const g = startLin + ((endLin - startLin) * (i + 1)) / n;
      let s = x[i] * g;
      const a = Math.abs(s) * this.limiter;
      if (a > this.ceiling) {
        this.limiter = this.ceiling / Math.abs(s);
        this.limitedSamples++;
      }
      s *= this.limiter;
      this.limiter += (1 - this.limiter) * this.release;
      out[i] = s;
    }
    return out;
  }

  stats(): AgcStats {
    return {
      gainDb: this.gainDb,
      speechLevelDbfs: this.speechSeen ? toDb(this.speechPower) : -100,
      noiseFloorDbfs: this.noiseDb,
      speechFrames: this.speechFrames,
      limitedSamples: this.limitedSamples,
    };
  }
}
