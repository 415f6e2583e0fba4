// Comfort noise for gaps: when the peer is silent (IAX2 CNG, spec §2.4) or concealment has run out, a soft noise
// at the level of the far end's background sounds less like a dropped call than dead silence (RFC 3389 §1).
// The noise is white noise through a one-pole low-pass (a gentle high-frequency roll-off, closer to room noise);
// its RMS is set analytically, so the level is exact on average.
import { fromDbfs, rmsDbfs } from './levels.js';

/** Comfort noise is never louder than this, whatever the CNG frame or the tracker says. */
export const COMFORT_NOISE_MAX_DBFS = -40;
/** Level used before any background has been measured. */
export const COMFORT_NOISE_DEFAULT_DBFS = -70;

const POLE = 0.5;
// Uniform noise in [-1, 1) has RMS 1/√3; the one-pole low-pass y = a·y + (1 − a)·x scales the power by (1 − a)/(1 + a).
const SHAPED_RMS = Math.sqrt(1 / 3) * Math.sqrt((1 - POLE) / (1 + POLE));

export class ComfortNoise {
  private state: number;
  private y = 0;

  constructor(seed = 0x9e3779b9) {
    this.state = seed >>> 0 || 1;
  }

  /** `samples` of noise with an RMS of `levelDbfs` (capped at COMFORT_NOISE_MAX_DBFS). */
  generate(samples: number, levelDbfs: number): Int16Array {
    const out = new Int16Array(samples);
    const scale = fromDbfs(Math.min(levelDbfs, COMFORT_NOISE_MAX_DBFS)) / SHAPED_RMS;
    for (let i = 0; i < samples; i++) {
      this.y = POLE * this.y + (1 - POLE) * this.white();
      out[i] = Math.max(-32768, Math.min(32767, Math.round(this.y * scale)));
    }
    return out;
  }

  /** xorshift32 mapped to [-1, 1). */
  private white(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2147483648 - 1;
  }
}

/**
 * Background level of the received audio: the quietest 20 ms frame over the last `windowFrames` frames ("minimum
 * statistics"), which during speech is the pauses between words. Clamped to a range that sounds like a line.
 */
export class NoiseFloorTracker {
  private readonly levels: number[] = [];

  constructor(private readonly windowFrames = 100) {}

  update(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.levels.push(rmsDbfs(pcm));
    if (this.levels.length > this.windowFrames) this.levels.shift();
  }

  levelDbfs(): number {
    if (this.levels.length === 0) return COMFORT_NOISE_DEFAULT_DBFS;
    return Math.max(-90, Math.min(COMFORT_NOISE_MAX_DBFS, Math.min(...this.levels)));
  }
}
