// Keeping a call's round trip known and the far end's questions answered (spec §8.1): our PING every 20 s (the
// first soon after ACCEPT), PONG to the far end's PING with its timestamp echoed and our reception report, LAGRP
// to LAGRQ, and the RTT from PONG.
import type { CancelTimer, Clock } from '../../ports.js';
import type { ReceptionReport } from '../engine-api.js';
import type { Dialog } from '../transport/dialog.js';
import { FrameType, IaxSubclass } from '../wire/types.js';
import type { ReceiveStats } from './receive-stats.js';
import { encodeReceptionReport } from './reception-report.js';

/** Our PING cadence in a call (spec §8.1, C-4: about every 20 s; Asterisk uses 21 s). */
export const PING_INTERVAL_MS = 20_000;
/**
 * The first PING goes out soon after ACCEPT so the call shows an RTT (and the transport an RTO base) within seconds;
 * against Asterisk the first RTT otherwise came 20 s into the call (Asterisk's own PING only arrives after 21 s).
 */
export const FIRST_PING_MS = 2_000;

export class CallPings {
  private timer: CancelTimer | undefined;
  private rtt: number | undefined;
  private reportSource: (() => ReceptionReport) | undefined;

  constructor(private readonly clock: Clock, private readonly dialog: () => Dialog | undefined,
    private readonly rx: ReceiveStats) {}

  /** RTT from our last PING's PONG (spec §2.2 PONG), if one came back. */
  get rttMs(): number | undefined { return this.rtt; }

  start(): void {
    const tick = (): void => {
      this.timer = undefined;
      const dialog = this.dialog();
      if (!dialog || dialog.closed) return;
      dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PING });
      this.timer = this.clock.setTimer(PING_INTERVAL_MS, tick);
    };
    this.timer = this.clock.setTimer(FIRST_PING_MS, tick);
  }

  stop(): void {
    this.timer?.();
    this.timer = undefined;
  }

  /** The media layer's view of reception (its jitter buffer) for our PONGs; undefined: the engine's own figures. */
  setReportSource(source: (() => ReceptionReport) | undefined): void { this.reportSource = source; }

  /** PING, PONG, LAGRQ: true when it was one of them. */
  onIax(subclass: number, timestamp: number): boolean {
    const dialog = this.dialog();
    switch (subclass) {
      case IaxSubclass.PING:
        // Reply at once, echoing the timestamp exactly (spec §8.1, T-4); it doubles as the ACK. The RR IEs (46-51)
        // give Asterisk our receive statistics, as its own construct_rr() does (spec §2.2 PONG, MAY).
        dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PONG, timestamp, payload: this.report() });
        return true;
      case IaxSubclass.LAGRQ:
        dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.LAGRP, timestamp });
        return true;
      case IaxSubclass.PONG:
        // RTT = now − echoed timestamp (spec §2.2 PONG).
        if (dialog) this.rtt = Math.max(0, dialog.elapsed() - timestamp);
        return true;
      default:
        return false;
    }
  }

  private report(): Uint8Array {
    let media: ReceptionReport = {};
    try { media = this.reportSource?.() ?? {}; } catch { media = {}; }
    return encodeReceptionReport(this.rx.snapshot(), media);
  }
}
