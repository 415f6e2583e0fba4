// The frames one dialog has sent and the peer has not yet acknowledged (spec §4.2-§4.5; RFC 5456 §7): our outgoing
// sequence number, the window the peer's iseqno acknowledges implicitly, and the frames a VNAK asks for again.
// Timers and the wire stay with the dialog (reliable-dialog.ts); this only keeps the books.
import type { CancelTimer } from '../../ports.js';
import type { SendOptions } from './dialog.js';
import { inSeqRange } from './sequencing.js';

/**
 * How a pending frame's timer works: 'normal' retransmits; 'probe' (an opening frame with an empty CALLTOKEN IE,
 * which Asterisk answers statelessly) retransmits with a fresh timestamp, so the echo in the CALLTOKEN times exactly
 * the copy it answers; 'tokenised' (an opening frame carrying a token) is never retransmitted: its timer restarts
 * the set-up under a new call number.
 */
export type PendingMode = 'normal' | 'probe' | 'tokenised';

export interface PendingFrame {
  readonly oseqno: number;
  readonly frameType: number;
  readonly subclass: number;
  readonly subclassBit?: number;
  readonly payload: Uint8Array;
  timestamp: number;
  readonly mode: PendingMode;
  readonly firstSentAt: number;
  /**
   * The timestamp is our clock at the moment of sending, so its ACK measures the round trip. Not so for a PONG or
   * LAGRP (they echo the peer's timestamp: against Asterisk the ACK of our LAGRP gave a 600 ms "RTT" on loopback)
   * nor for voice (predicted timestamps, spec §4.6).
   */
  readonly clockStamped: boolean;
  readonly options: SendOptions;
  /** Queued before encryption started (our AUTHREQ to an encrypting caller): retransmitted in clear, as Asterisk does. */
  readonly clear: boolean;
  retransmitted: boolean;
  rto: number;
  cancel?: CancelTimer;
}

export class SendWindow {
  /** The oseqno the next sequenced frame gets (also carried, unconsumed, by ACK, VNAK and INVAL: R-2). */
  oseqno = 0;
  /** oseqno of the oldest frame not yet acknowledged (the implicit-ACK window starts here). */
  private ackBase = 0;
  private frames: PendingFrame[] = [];

  /** A frame just sent with the current oseqno, which it consumes. */
  add(p: PendingFrame): void {
    if (this.frames.length === 0) this.ackBase = this.oseqno;
    this.oseqno = (this.oseqno + 1) & 0xff;
    this.frames.push(p);
  }

  has(p: PendingFrame): boolean { return this.frames.includes(p); }
  some(pred: (p: PendingFrame) => boolean): boolean { return this.frames.some(pred); }

  /** Removes and returns the frames `pred` selects (their timers are the caller's to cancel). */
  take(pred: (p: PendingFrame) => boolean): PendingFrame[] {
    const taken = this.frames.filter(pred);
    this.frames = this.frames.filter((p) => !taken.includes(p));
    return taken;
  }

  /**
   * the peer's iseqno acknowledges every frame we sent before it. Removes and returns those; none when it
   * acknowledges nothing new, or more than we sent (bogus).
   */
  acknowledge(iseqno: number): PendingFrame[] {
    if (this.frames.length === 0) return [];
    const outstanding = (this.oseqno - this.ackBase) & 0xff;
    const covered = (iseqno - this.ackBase) & 0xff;
    if (covered === 0 || covered > outstanding) return [];
    const acked = this.take((p) => inSeqRange(p.oseqno, this.ackBase, iseqno));
    this.ackBase = iseqno;
    return acked;
  }

  /** Spec §4.5: the unacknowledged frames from a VNAK's iseqno on, oldest first. */
  from(seq: number): PendingFrame[] {
    return this.frames.filter((p) => inSeqRange(p.oseqno, seq, this.oseqno));
  }

  /** Cancels every timer and forgets the frames; the numbering stays (a closed dialog's tombstone re-ACKs with it). */
  clear(): void {
    for (const p of this.frames) p.cancel?.();
    this.frames = [];
  }

  /** clear(), and a fresh sequence from 0 (a new opening frame). */
  reset(): void {
    this.clear();
    this.oseqno = 0;
    this.ackBase = 0;
  }
}
