// Sequence-number rules (RFC 5456 §7; spec §4.2-§4.5; Asterisk iax2_send(), socket_process_helper()).
import { FrameType, IaxSubclass } from '../wire/types.js';

/** ACK, INVAL, VNAK, TXCNT, TXACC carry the current oseqno without consuming it, and are exempt from ordering. */
export function isUnsequenced(frameType: number, subclass: number): boolean {
  if (frameType !== FrameType.IAX) return false;
  return subclass === IaxSubclass.ACK || subclass === IaxSubclass.INVAL || subclass === IaxSubclass.VNAK
    || subclass === IaxSubclass.TXCNT || subclass === IaxSubclass.TXACC;
}

export type Arrival = 'in-order' | 'duplicate' | 'future';

/**
 * Where a received frame's oseqno sits against our iseqno (the next we expect), mod 256:
 * equal → in order; up to 127 behind → a duplicate we already have (re-ACK it); otherwise a frame from the
 * future, meaning something was lost (VNAK it). Asterisk uses the same 128 window.
 */
export function classifyArrival(expected: number, oseqno: number): Arrival {
  const behind = (expected - oseqno) & 0xff;
  if (behind === 0) return 'in-order';
  if (behind < 128) return 'duplicate';
  return 'future';
}

/** True when `seq` lies in [from, to) modulo 256: an implicit ACK by iseqno `to` covers it (spec §4.3, R-3). */
export function inSeqRange(seq: number, from: number, to: number): boolean {
  return ((seq - from) & 0xff) < ((to - from) & 0xff);
}
