// Noise power spectrum by minimum statistics (the idea of R. Martin, "Noise power spectral density estimation based on
// optimal smoothing and minimum statistics", IEEE TSAP 2001, much simplified): the smoothed periodogram of noisy
// speech falls to the noise level in the pauses between words, so its minimum over a window longer than a word
// (here about 1.5 s) tracks the noise even while speech is present. The minimum of a smoothed periodogram is biased
// low; a constant compensation factor corrects that. The window is split into sub-windows so the minimum can be
// updated with one comparison per bin per hop and can rise again within a sub-window after the noise gets louder.

/** Lower bound of the adaptive smoothing constant. */
const MIN_SMOOTHING = 0.5;

export class MinimumStatisticsNoise {
  /** Current noise power estimate per bin (same units as the powers fed in). */
  readonly noise: Float64Array;
  private readonly smoothed: Float64Array;
  private readonly subMins: Float64Array[];
  private readonly currentMin: Float64Array;
  private subIndex = 0;
  private hopInSub = 0;
  private hops = 0;

  /**
   * @param bins number of frequency bins
   * @param hopsPerSub hops per sub-window (U sub-windows of hopsPerSub hops make the search window)
   * @param subWindows number of sub-windows
   * @param smoothing largest first-order smoothing of the periodogram, used in noise-only bins (0.92 at a 10 ms hop ≈
   *   120 ms); it drops towards MIN_SMOOTHING as the bin rises above the noise estimate
   * @param bias compensation for the low bias of the minimum
   */
  constructor(readonly bins: number, private readonly hopsPerSub = 19, subWindows = 8, private readonly smoothing = 0.92,
    private readonly bias = 1.75) {
    this.noise = new Float64Array(bins);
    this.smoothed = new Float64Array(bins);
    this.subMins = Array.from({ length: subWindows }, () => new Float64Array(bins).fill(Infinity));
    this.currentMin = new Float64Array(bins).fill(Infinity);
  }

  /** Feeds one hop's periodogram |X(k)|². */
  update(power: Float64Array): void {
    const a = this.smoothing;
    const first = this.hops === 0;
    this.hops++;
    const sub = this.subMins[this.subIndex];
    for (let k = 0; k < this.bins; k++) {
      // Smoothing that adapts to the signal (Martin's "optimal smoothing"): heavy while the bin holds only noise, light
      // when it is well above the noise, so the smoothed power falls back to the noise level quickly after a word.
      const ratio = this.noise[k] > 0 ? this.smoothed[k] / this.noise[k] - 1 : 0;
      const ak = Math.max(MIN_SMOOTHING, a / (1 + ratio * ratio));
      const s = first ? power[k] : ak * this.smoothed[k] + (1 - ak) * power[k];
      this.smoothed[k] = s;
      if (s < this.currentMin[k]) this.currentMin[k] = s;
      if (s < sub[k]) sub[k] = s;
    }
    // Until the first window has filled, the running minimum over what we have is the best we know.
    let min = this.currentMin;
    if (++this.hopInSub >= this.hopsPerSub) {
      this.hopInSub = 0;
      this.subIndex = (this.subIndex + 1) % this.subMins.length;
      this.subMins[this.subIndex].fill(Infinity);
      // The window minimum = min over the sub-window minima.
      this.currentMin.fill(Infinity);
      for (const m of this.subMins) for (let k = 0; k < this.bins; k++) if (m[k] < this.currentMin[k]) this.currentMin[k] = m[k];
      min = this.currentMin;
    }
    for (let k = 0; k < this.bins; k++) this.noise[k] = this.bias * min[k];
  }
}
