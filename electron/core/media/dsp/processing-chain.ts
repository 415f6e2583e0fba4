// The capture-side processing chain plugged into CallMedia.setProcessor(): echo canceller → spectral post-filter
// (residual echo + noise suppression) → automatic gain control, each stage a user setting, all at the codec's rate
// on the codec's frames (20 ms). Samples stay in floating point between stages and are rounded once at the end.
// Settings can change mid-call (configure()): a stage that stays on keeps what it has learnt (echo path, noise).
import type { FrameProcessor } from '../call-media-types.js';
import { AutomaticGainControl, type AgcOptions, type AgcStats } from './agc.js';
import { EchoCanceller, type EchoCancellerOptions, type EchoCancellerStats } from './echo-canceller.js';
import { floatToInt16, int16ToFloat } from './pcm-float.js';
import { SpectralPostFilter } from './spectral-postfilter.js';

/** Noise suppression strength: the most stationary noise is attenuated (mild −12, moderate −18, strong −24 dB). */
export type NoiseSuppressionLevel = 'off' | 'mild' | 'moderate' | 'strong';

export const NOISE_FLOOR_DB: Record<Exclude<NoiseSuppressionLevel, 'off'>, number> = {
  mild: -12,
  moderate: -18,
  strong: -24,
};

export type AecSetting = boolean | (Omit<EchoCancellerOptions, 'sampleRate'> & { readonly residualEchoSuppression?: boolean });
export type AgcSetting = boolean | Omit<AgcOptions, 'sampleRate'>;

export interface ProcessingSettings {
  /** Codec rate (8000 or 16000; any multiple of 100 Hz from 4 to 48 kHz works). */
  readonly sampleRate: number;
  /** Echo cancellation (with residual echo suppression unless `residualEchoSuppression: false`). */
  readonly aec: AecSetting;
  /** true = 'mild'. */
  readonly ns: boolean | NoiseSuppressionLevel;
  readonly agc: AgcSetting;
}

/** The three switches of the UI (electron/shared/api.ts Settings['dsp'] has this shape). */
export interface DspSwitches {
  readonly echoCancellation: boolean;
  readonly noiseSuppression: boolean;
  readonly autoGain: boolean;
}

export interface ProcessingStats {
  readonly aec?: EchoCancellerStats;
  readonly agc?: AgcStats;
  /** Mean post-filter gain over the frames since the last stats() call, dB (0 when the post-filter is off). */
  readonly postFilterGainDb: number;
  /** Samples of delay the chain adds (the post-filter's 10 ms hop when it runs; 0 otherwise). */
  readonly delaySamples: number;
}

export interface ProcessingChain extends FrameProcessor {
  readonly settings: ProcessingSettings;
  /** Switches stages on or off mid-call (the sample rate cannot change: build a new chain for a new codec). */
  configure(settings: Omit<ProcessingSettings, 'sampleRate'>): void;
  stats(): ProcessingStats;
  /** Forget the learnt echo path (call after the user changes the speaker or microphone). */
  resetEchoPath(): void;
}

function nsLevel(ns: ProcessingSettings['ns']): NoiseSuppressionLevel {
  if (ns === true) return 'mild';
  if (ns === false) return 'off';
  if (ns === 'off' || ns in NOISE_FLOOR_DB) return ns;
  throw new Error(`processing chain: unknown noise suppression level ${String(ns)}`);
}

/** Chain settings for the UI's three switches at a codec rate (noise suppression 'mild', AGC to −20 dBFS). */
export function settingsFromSwitches(dsp: DspSwitches, sampleRate: number): ProcessingSettings {
  return { sampleRate, aec: dsp.echoCancellation, ns: dsp.noiseSuppression ? 'mild' : 'off', agc: dsp.autoGain };
}

class Chain implements ProcessingChain {
  settings: ProcessingSettings;
  private aec: EchoCanceller | undefined;
  private post: SpectralPostFilter | undefined;
  private agc: AutomaticGainControl | undefined;

  constructor(settings: ProcessingSettings) {
    const rate = settings.sampleRate;
    if (!Number.isInteger(rate) || rate % 100 !== 0 || rate < 4000 || rate > 48000) {
      throw new Error(`processing chain: unsupported sample rate ${rate}`);
    }
    this.settings = settings;
    this.configure(settings);
  }

  configure(next: Omit<ProcessingSettings, 'sampleRate'>): void {
    const sampleRate = this.settings.sampleRate;
    const level = nsLevel(next.ns);
    const aecOptions = next.aec === true ? {} : next.aec === false ? undefined : next.aec;
    const prev = this.settings.aec;
    if (!aecOptions) this.aec = undefined;
    else if (!this.aec || (typeof next.aec === 'object' && next.aec !== prev)) this.aec = new EchoCanceller({ ...aecOptions, sampleRate });
    const res = this.aec !== undefined && aecOptions?.residualEchoSuppression !== false;
    if (!res && level === 'off') this.post = undefined;
    else {
      this.post ??= new SpectralPostFilter({ sampleRate });
      this.post.echoSuppression = res;
      this.post.noiseSuppression = level !== 'off';
      if (level !== 'off') this.post.setNoiseFloorDb(NOISE_FLOOR_DB[level]);
    }
    if (next.agc === false) this.agc = undefined;
    else if (!this.agc || (typeof next.agc === 'object' && next.agc !== this.settings.agc)) {
      this.agc = new AutomaticGainControl({ ...(next.agc === true ? {} : next.agc), sampleRate });
    }
    this.settings = { ...next, sampleRate };
  }

  process(near: Int16Array, farReference?: Int16Array): Int16Array {
    const { aec, post, agc } = this;
    if (!aec && !post && !agc) return near;
    let x = int16ToFloat(near);
    let echo: Float64Array | undefined;
    if (aec) {
      echo = post ? new Float64Array(x.length) : undefined;
      x = aec.processFloat(x, farReference ? int16ToFloat(farReference) : undefined, echo);
    }
    const aecStats = aec?.stats();
    if (post) {
      // Residual echo ≈ echo estimate / ERLE, over-estimated by 3 dB (ERLE clamped to 6..40 dB).
      if (aecStats) post.echoLeak = 2 * 10 ** (-Math.max(6, Math.min(40, aecStats.erleDb)) / 10);
      x = post.processFloat(x, echo);
    }
    if (agc) {
      // While only the far end talks, the microphone hears echo: it must not steer the gain. Before the canceller has
      // converged it cannot tell echo from the near talker, so the gain holds whenever the far end is active.
      const echoOnly = aecStats !== undefined && aecStats.farActive && (!aecStats.doubleTalk || !aecStats.converged);
      x = agc.processFloat(x, !echoOnly);
    }
    return floatToInt16(x);
  }

  stats(): ProcessingStats {
    const g = this.post ? this.post.takeMeanGain() : 1;
    return {
      aec: this.aec?.stats(),
      agc: this.agc?.stats(),
      postFilterGainDb: 20 * Math.log10(Math.max(g, 1e-5)),
      delaySamples: (this.post ? this.post.delaySamples : 0) + (this.aec ? this.aec.delaySamples : 0),
    };
  }

  resetEchoPath(): void {
    this.aec?.reset();
  }
}

/** Builds the chain; with every stage off it returns frames unchanged (the same array). */
export function createProcessingChain(settings: ProcessingSettings): ProcessingChain {
  return new Chain(settings);
}
