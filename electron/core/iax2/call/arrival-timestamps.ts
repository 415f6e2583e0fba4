// Media timestamps for voice that arrives without any (supermini trunk entries, spec §1.5 cmddata 0: Asterisk's
// default for `trunk=yes` peers, trunktimestamps=no). Each frame is placed one payload duration after the previous
// one, nudged 1/16 of the way towards the arrival clock so a sender running slightly slow or fast is followed
// smoothly (a hard snap every few seconds looked like lost frames); far from the arrival clock (a pause, a burst
// after a stall) it snaps back. The receive-side twin of Asterisk's voice prediction (calc_timestamp(), nextpred).
// Stamping each frame with its bare arrival time (the first version) turned scheduling jitter into timestamp gaps:
// a clean loopback echo through a trunk=yes peer reported 2.7-4.6 % loss and the jitter buffer saw ±10 ms noise.
// The arrival clock is shifted onto the sender's timeline seen in its last full VOICE frame (Asterisk sends one
// first, spec §4.6), so the stream does not jump when the trunk entries take over.

/** How far the prediction may run from the arrival clock before it snaps back (Asterisk's MAX_TIMESTAMP_SKEW is 160). */
export const ARRIVAL_SKEW_MS = 100;

export class ArrivalTimestamps {
  private next: number | undefined;
  /** Sender timestamp minus our arrival clock, from the last voice frame that carried a real timestamp. */
  private offset = 0;

  /** A voice frame with the sender's own timestamp (full VOICE, mini): aligns the arrival clock to its timeline. */
  noteSenderTimestamp(senderTs: number, arrivalMs: number, durationMs: number | undefined): void {
    this.offset = senderTs - arrivalMs;
    this.next = senderTs + (durationMs !== undefined && durationMs > 0 ? durationMs : 20);
  }

  /** `arrivalMs`: the dialog clock at arrival; `durationMs`: this frame's length (undefined: 20 ms). */
  stamp(arrivalMs: number, durationMs: number | undefined): number {
    const arrival = arrivalMs + this.offset;
    const predicted = this.next;
    const ts = predicted !== undefined && Math.abs(arrival - predicted) <= ARRIVAL_SKEW_MS
      ? Math.round(predicted + (arrival - predicted) / 16) : arrival;
    this.next = ts + (durationMs !== undefined && durationMs > 0 ? durationMs : 20);
    return Math.max(0, ts) >>> 0;
  }
}
