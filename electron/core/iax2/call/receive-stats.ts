// Per-call receive statistics: interarrival jitter (the RFC 3550 §6.4.1 estimator, in ms since IAX2 timestamps are
// ms) from arrival time versus the sender's timestamps, and loss from gaps in the timestamp sequence (mini frames
// carry no sequence number, spec §1.3, so a gap larger than one frame duration counts the missing frames).

/**
 * A timestamp gap at least this long is the sender pausing, not loss. Asterisk stops sending voice while we hold
 * (QUELCH), while a dialplan plays nothing (Read() without a prompt, Wait() after Answer()), and bridged callers
 * may use DTX; counting those seconds as lost frames reported 40 % loss on a clean loopback call after a 4 s hold.
 * Real loss bursts are far shorter; an outage this long shows up as a network failure instead.
 */
export const PAUSE_GAP_MS = 1000;

export interface ReceiveStatsSnapshot {
  readonly framesReceived: number;
  readonly framesLost: number;
  readonly lossPercent: number;
  readonly jitterMs?: number;
  /** Frames that arrived with a timestamp older than one already seen (reordered). */
  readonly outOfOrder: number;
}

export class ReceiveStats {
  private frames = 0;
  private lost = 0;
  private ooo = 0;
  private jitter: number | undefined;
  private lastArrival: number | undefined;
  private lastTimestamp: number | undefined;
  private lastDuration = 20;

  /** One voice frame: arrival time (local clock ms), sender timestamp (un-wrapped ms), and its duration if known. */
  record(arrivalMs: number, timestamp: number, durationMs: number | undefined): void {
    this.frames++;
    if (this.lastArrival !== undefined && this.lastTimestamp !== undefined) {
      const tsDelta = timestamp - this.lastTimestamp;
      const d = (arrivalMs - this.lastArrival) - tsDelta;
      this.jitter = this.jitter === undefined ? Math.abs(d) : this.jitter + (Math.abs(d) - this.jitter) / 16;
      // Frames missing between the two: the gap, in frame durations, minus the one we just got. A late (reordered)
      // frame has tsDelta ≤ 0 and gives one back; the estimate is deliberately simple.
      const step = this.lastDuration > 0 ? this.lastDuration : 20;
      if (tsDelta > step * 1.5 && tsDelta < PAUSE_GAP_MS) this.lost += Math.round(tsDelta / step) - 1;
    }
    if (this.lastTimestamp !== undefined && timestamp < this.lastTimestamp) {
      // Late, not lost: it was counted missing when the gap opened.
      this.ooo++;
      if (this.lost > 0) this.lost--;
    }
    if (this.lastTimestamp === undefined || timestamp > this.lastTimestamp) {
      this.lastArrival = arrivalMs;
      this.lastTimestamp = timestamp;
      if (durationMs !== undefined && durationMs > 0) this.lastDuration = durationMs;
    }
  }

  snapshot(): ReceiveStatsSnapshot {
    const expected = this.frames + this.lost;
    return {
      framesReceived: this.frames,
      framesLost: this.lost,
      lossPercent: expected > 0 ? (100 * this.lost) / expected : 0,
      outOfOrder: this.ooo,
      ...(this.jitter !== undefined ? { jitterMs: this.jitter } : {}),
    };
  }
}
