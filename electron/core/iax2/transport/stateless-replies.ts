// What the transport says without a dialog (spec §4.1, §8.2): INVAL for frames to call numbers we do not know
// the re-ACK of a late retransmission to a closed dialog (its tombstone), and the stateless replies to POKE,
// PING and LAGRQ (N-1) — each only to a source we have business with (docs/security.md §7).
import type { UdpEndpoint } from '../../ports.js';
import { encodeFullFrame } from '../wire/frame-codec.js';
import { FrameType, IaxSubclass, type FullFrame } from '../wire/types.js';
import type { DialogSnapshot } from './dialog-link.js';
import { classifyArrival } from './sequencing.js';

const EMPTY = new Uint8Array(0);

/** INVAL is never sent in answer to these (R-7; Asterisk raw_hangup() callers). */
export function isInvalExempt(f: FullFrame): boolean {
  return f.frameType === FrameType.IAX && (f.subclass === IaxSubclass.ACK || f.subclass === IaxSubclass.INVAL
    || f.subclass === IaxSubclass.TXCNT || f.subclass === IaxSubclass.TXACC);
}

/** An IAX frame outside any dialog: timestamps and sequence numbers as given, nothing remembered. */
export function statelessFrame(source: number, dest: number, timestamp: number, oseqno: number, iseqno: number, subclass: number,
  payload: Uint8Array = EMPTY): Uint8Array {
  return encodeFullFrame({
    sourceCall: source, destCall: dest & 0x7fff, retransmit: false, timestamp: timestamp >>> 0, oseqno, iseqno,
    frameType: FrameType.IAX, subclass, payload,
  });
}

export interface StatelessDeps {
  /** Puts a datagram on the wire (and in the trace); `clear` when `bytes` is encrypted. */
  send(bytes: Uint8Array, to: UdpEndpoint, retry?: boolean, clear?: Uint8Array): void;
  /** A transient call number, quarantined at once (undefined when none is free). */
  transientNumber(): number | undefined;
  /** A source we have business with: a server of ours, a verified direct caller, a live dialog's or a tombstone's peer. */
  known(from: UdpEndpoint): boolean;
}

export class StatelessReplies {
  constructor(private readonly deps: StatelessDeps) {}

  /** a full frame addressed to a call number we do not know gets INVAL, except ACK/INVAL/TXCNT/TXACC. */
  unknownDialog(f: FullFrame, from: UdpEndpoint): void {
    // Call numbers 0 and 1 are never ours: never speak as them.
    if (f.sourceCall < 2 || f.destCall < 2 || isInvalExempt(f)) return;
    if (!this.deps.known(from)) return;
    this.inval(from, f.destCall, f.sourceCall);
  }

  /** Re-ACK a retransmission of a frame the closed dialog had already processed; INVAL anything new. */
  tombstone(t: DialogSnapshot, f: FullFrame, from: UdpEndpoint): void {
    if (isInvalExempt(f) || (f.frameType === FrameType.IAX && f.subclass === IaxSubclass.VNAK)) return;
    if (classifyArrival(t.iseqno, f.oseqno) === 'duplicate') {
      const ack = statelessFrame(t.localCall, t.remoteCall || f.sourceCall, f.timestamp, t.oseqno, t.iseqno, IaxSubclass.ACK);
      // The dialog was encrypted: so is the re-ACK (spec §7.3); INVAL below stays clear (spec §4.1).
      if (t.cipher) this.deps.send(t.cipher.seal(ack), from, false, ack);
      else this.deps.send(ack, from);
      return;
    }
    this.inval(from, t.localCall, f.sourceCall);
  }

  /** N-1: PONG to POKE and PING, LAGRP to LAGRQ, from a fresh call number, timestamp echoed (spec §8.2). */
  answer(f: FullFrame, from: UdpEndpoint, subclass: number): void {
    if (this.deps.known(from)) this.apathetic(f, from, subclass);
  }

  /**
   * A reply that opens nothing: with a payload from the pseudo call number 1, as Asterisk's send_apathetic_reply()
   * (CALLTOKEN, REJECT); otherwise from a transient number. oseqno 0, iseqno one past the frame's.
   */
  apathetic(f: FullFrame, from: UdpEndpoint, subclass: number, payload?: Uint8Array): void {
    if (payload !== undefined) {
      this.deps.send(statelessFrame(1, f.sourceCall, f.timestamp, 0, (f.oseqno + 1) & 0xff, subclass, payload), from);
      return;
    }
    const n = this.deps.transientNumber();
    if (n === undefined) return; // the ACK that may follow meets a quarantined number and is ignored
    this.deps.send(statelessFrame(n, f.sourceCall, f.timestamp, 0, (f.oseqno + 1) & 0xff, subclass), from);
  }

  /** INVAL: our number, theirs, timestamp 0, sequence numbers 0, never encrypted (spec §4.1). */
  inval(to: UdpEndpoint, ours: number, theirs: number): void {
    if (ours < 2 || theirs < 2) return; // 0 is "unknown" and 1 is Asterisk's stateless source: nobody to tell
    this.deps.send(statelessFrame(ours, theirs, 0, 0, 0, IaxSubclass.INVAL), to);
  }
}
