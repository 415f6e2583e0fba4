// The frames one dialog has sent and the peer has not yet acknowledged (spec §4.2-§4.5; RFC 5456 §7): our outgoing
// sequence number, the window the peer's iseqno acknowledges implicitly, the frames a VNAK asks for again, and
// each frame's retransmission timer (spec §4.4). The wire stays with the dialog (reliable-dialog.ts).
import type { CancelTimer, Clock } from '../../ports.js';
import type { SendOptions } from './dialog.js';
import { initialRto, nextRto, type RetransmitPolicy, type RttEstimate } from './retransmit-policy.js';
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

/** What the retransmission timers do to a dialog. */
export interface RetransmitHost {
  readonly clock: Clock;
  readonly policy: RetransmitPolicy;
  rtt(): RttEstimate | undefined;
  closed(): boolean;
  /** Puts a pending frame on the wire again (R-6: with the R bit and our current iseqno). */
  resend(p: PendingFrame): void;
  /** A fresh timestamp for a probe's next copy. */
  iaxTimestamp(): number;
  /** A tokenised opening went unanswered: the set-up restarts under a new number. */
  restartSetup(): void;
  /** Restarts of the set-up so far (a tokenised frame waits longer after each). */
  restarts(): number;
  /** Spec §4.4: the frame was outstanding for giveUpMs; a final frame ends the dialog silently, else a failure. */
  giveUp(options: SendOptions): void;
}

/** The retransmission timers of a SendWindow's frames (spec §4.4). */
export class Retransmitter {
  constructor(private readonly window: SendWindow, private readonly host: RetransmitHost) {}

  /**
   * The first timeout of a frame. A tokenised opening's timeout is the restart timeout: it grows with each restart
   * (restartBackoff), so a server that is merely slow is given longer each time.
   */
  firstRto(mode: PendingMode): number {
    const { policy } = this.host;
    const rto = initialRto(policy, this.host.rtt());
    return mode === 'tokenised' ? nextRto(policy, rto, policy.restartBackoff ** this.host.restarts()) : rto;
  }

  /** The last wait ends exactly when the frame (or the set-up) has been outstanding for giveUpMs. */
  arm(p: PendingFrame): void {
    p.cancel?.();
    const left = p.firstSentAt + this.host.policy.giveUpMs - this.host.clock.now();
    p.cancel = this.host.clock.setTimer(Math.max(0, Math.min(p.rto, left)), () => this.expired(p));
  }

  private expired(p: PendingFrame): void {
    p.cancel = undefined;
    if (this.host.closed() || !this.window.has(p)) return;
    if (p.mode === 'tokenised') { this.host.restartSetup(); return; }
    const { policy } = this.host;
    if (this.host.clock.now() - p.firstSentAt >= policy.giveUpMs) {
      this.window.take((q) => q === p);
      this.host.giveUp(p.options);
      return;
    }
    // A probe's copies each carry their own timestamp, so the CALLTOKEN's echo says which one it answers. Like a
    // restart, a probe answers loss and costs the server nothing (handle_call_token() keeps no state): it backs off
    // gently.
    if (p.mode === 'probe') p.timestamp = this.host.iaxTimestamp();
    this.host.resend(p);
    p.rto = nextRto(policy, p.rto, p.mode === 'probe' ? policy.restartBackoff : policy.backoff);
    this.arm(p);
  }
}
