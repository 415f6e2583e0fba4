// The jitter buffer's running counters, reported by stats() (JitterStats): what arrived, played, was lost, late,
// dropped or held out, and the smoothed loss rate: the figures our PONGs' reception report IEs carry (spec §3.2).
// Kept apart from the decisions that bump them (stack-notes §5.1); a reset of the stream keeps them.

export class JitterCounters {
  framesIn = 0;
  framesPlayed = 0;
  lost = 0;
  late = 0;
  dropped = 0;
  outliers = 0;
  duplicates = 0;
  outOfOrder = 0;
  resyncs = 0;
  grown = 0;
  /** Loss over roughly the last 500 slots, smoothed (the rate a reception report carries). */
  lossPercent = 0;

  /** One playout slot: played (false) or concealed as lost (true). */
  noteLoss(lost: boolean): void {
    this.lossPercent = ((lost ? 100 : 0) + 499 * this.lossPercent) / 500;
  }

  /** Frames that did not fit the stream and were let go (stack-notes §5.5): outliers, and dropped. */
  countOutliers(n: number): void {
    this.outliers += n;
    this.dropped += n;
  }
}
