// Waveform packet loss concealment shared by the sample codecs (G.711, GSM, G.722, slin). The idea is the one of
// ITU-T G.711 Appendix I: repeat the last pitch period of good audio, attenuate it, and blend at the joins. Our own,
// simpler form: one pitch period is repeated with a seamless wrap, held at full level for 10 ms, faded linearly to
// silence by 60 ms, and the first good frame after a loss is cross-faded in from the concealment signal.

const HISTORY_MS = 40;
const MIN_PITCH_MS = 2.5; // 400 Hz
const MAX_PITCH_MS = 15; // ~67 Hz
const MATCH_WINDOW_MS = 10;
const HOLD_MS = 10;
const FADE_END_MS = 60;
const RECOVERY_XFADE_MS = 4;

export class WaveformPlc {
  private readonly history: Float32Array;
  private historyFill = 0;
  private readonly holdSamples: number;
  private readonly fadeEnd: number;
  private readonly recoveryXfade: number;
  /** Samples concealed since the last good frame (0 = not concealing). */
  private lost = 0;
  private period: Float32Array = new Float32Array(0);
  private position = 0;
  /** Step between the last good sample and the repeated period's predecessor, ramped out over `rampLength`. */
  private startOffset = 0;
  private rampLength = 1;

  constructor(readonly sampleRate: number) {
    this.history = new Float32Array(Math.round((sampleRate * HISTORY_MS) / 1000));
    this.holdSamples = Math.round((sampleRate * HOLD_MS) / 1000);
    this.fadeEnd = Math.round((sampleRate * FADE_END_MS) / 1000);
    this.recoveryXfade = Math.round((sampleRate * RECOVERY_XFADE_MS) / 1000);
  }

  /**
   * Feed good decoded audio through the PLC. After a loss the start of `pcm` is cross-faded from the concealment
   * signal so the join does not click; the (possibly modified) audio is returned, `pcm` itself is not changed.
   */
  good(pcm: Int16Array): Int16Array {
    let out = pcm;
    if (this.lost > 0) {
      out = new Int16Array(pcm);
      const n = Math.min(this.recoveryXfade, pcm.length);
      for (let i = 0; i < n; i++) {
        const w = (i + 1) / (n + 1);
        const plc = this.nextConcealed();
        out[i] = clamp16(Math.round(w * pcm[i] + (1 - w) * plc));
      }
      this.lost = 0;
    }
    this.remember(out);
    return out;
  }

  /** `samples` of concealment continuing the last good audio (silence after 60 ms of loss). */
  conceal(samples: number): Int16Array {
    if (!Number.isInteger(samples) || samples < 0) throw new Error(`conceal: bad sample count ${samples}`);
    if (this.lost === 0) this.startConcealment();
    const out = new Int16Array(samples);
    for (let i = 0; i < samples; i++) out[i] = clamp16(Math.round(this.nextConcealed()));
    return out;
  }

  /** Forget all history (a new call or a codec change). */
  reset(): void {
    this.history.fill(0);
    this.historyFill = 0;
    this.lost = 0;
    this.period = new Float32Array(0);
    this.position = 0;
  }

  private nextConcealed(): number {
    const k = this.lost++;
    if (this.period.length === 0 || k >= this.fadeEnd) return 0;
    const gain = k < this.holdSamples ? 1 : 1 - (k - this.holdSamples) / (this.fadeEnd - this.holdSamples);
    let v = this.period[this.position];
    if (k < this.rampLength) v += this.startOffset * (1 - k / this.rampLength);
    this.position = (this.position + 1) % this.period.length;
    return v * gain;
  }

  private remember(pcm: Int16Array): void {
    const h = this.history;
    if (pcm.length >= h.length) {
      for (let i = 0; i < h.length; i++) h[i] = pcm[pcm.length - h.length + i];
    } else {
      h.copyWithin(0, pcm.length);
      for (let i = 0; i < pcm.length; i++) h[h.length - pcm.length + i] = pcm[i];
    }
    this.historyFill = Math.min(h.length, this.historyFill + pcm.length);
  }

  private startConcealment(): void {
    this.position = 0;
    const h = this.history;
    const minLag = Math.round((this.sampleRate * MIN_PITCH_MS) / 1000);
    const maxLag = Math.min(Math.round((this.sampleRate * MAX_PITCH_MS) / 1000), this.historyFill >> 1);
    if (maxLag < minLag) {
      this.period = new Float32Array(0);
      return;
    }
    const lag = this.estimatePitch(minLag, maxLag);
    // One period ending at the last good sample. Its tail is blended towards the samples one period earlier, whose
    // natural successor is the period's first sample, so the repetition wraps without a step.
    const end = h.length;
    const period = new Float32Array(lag);
    for (let i = 0; i < lag; i++) period[i] = h[end - lag + i];
    const blend = Math.min(lag >> 2, end - lag);
    for (let j = 0; j < blend; j++) {
      const w = (j + 1) / (blend + 1);
      const idx = lag - blend + j;
      period[idx] = (1 - w) * h[end - blend + j] + w * h[end - lag - blend + j];
    }
    this.period = period;
    // The repetition starts with h[end − lag], whose natural predecessor is h[end − lag − 1], not h[end − 1]: add
    // their difference and ramp it out over a quarter period, so the first concealed step is a natural one.
    this.startOffset = h[end - 1] - h[end - lag - 1];
    this.rampLength = Math.max(1, lag >> 2);
  }

  /** The lag in [minLag, maxLag] with the best normalised correlation between the newest window and its past. */
  private estimatePitch(minLag: number, maxLag: number): number {
    const h = this.history;
    const end = h.length;
    const win = Math.min(Math.round((this.sampleRate * MATCH_WINDOW_MS) / 1000), this.historyFill - maxLag);
    let bestLag = maxLag;
    let best = -Infinity;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let xy = 0;
      let yy = 0;
      for (let i = end - win; i < end; i++) {
        const y = h[i - lag];
        xy += h[i] * y;
        yy += y * y;
      }
      const score = yy > 0 ? xy / Math.sqrt(yy) : 0;
      if (score > best * 1.0001) {
        best = score;
        bestLag = lag;
      }
    }
    return bestLag;
  }
}

export function clamp16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}
