// Geigel double-talk detector: near-end speech is declared when the microphone's peak exceeds `threshold` times the
// largest far-end sample of the last echo-tail span — echo alone cannot be that loud if the acoustic path loses at
// least 1/threshold (6 dB for 0.5). A hangover keeps the decision for a while after the last detection so that the
// adaptive filter does not learn from the tail of a near-end word.

export class GeigelDetector {
  private readonly blockPeaks: Float64Array;
  private head = 0;
  private hang = 0;

  /**
   * @param spanBlocks blocks of far-end history to compare with (the echo tail)
   * @param threshold near/far peak ratio above which double talk is declared (0.5 = 6 dB of echo loss)
   * @param hangoverBlocks blocks the decision is held after the last detection
   */
  constructor(spanBlocks: number, readonly threshold: number, private readonly hangoverBlocks: number) {
    this.blockPeaks = new Float64Array(Math.max(1, spanBlocks));
  }

  /** Feeds one block of near and far samples; returns true while double talk is declared. */
  update(near: Float64Array, far: Float64Array): boolean {
    let farPeak = 0;
    for (let i = 0; i < far.length; i++) farPeak = Math.max(farPeak, Math.abs(far[i]));
    this.blockPeaks[this.head] = farPeak;
    this.head = (this.head + 1) % this.blockPeaks.length;
    let span = 0;
    for (let i = 0; i < this.blockPeaks.length; i++) span = Math.max(span, this.blockPeaks[i]);
    let nearPeak = 0;
    for (let i = 0; i < near.length; i++) nearPeak = Math.max(nearPeak, Math.abs(near[i]));
    if (nearPeak > this.threshold * span) this.hang = this.hangoverBlocks;
    else if (this.hang > 0) this.hang--;
    return this.hang > 0;
  }

  get active(): boolean {
    return this.hang > 0;
  }
}
