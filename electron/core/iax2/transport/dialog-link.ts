// What a dialog (reliable-dialog.ts) needs from the transport that owns the socket and the dialog table, and what a
// closed dialog leaves behind for its tombstone.
import type { Clock, Logger, RandomSource, UdpEndpoint } from '../../ports.js';
import type { FrameCipher } from '../crypto/frame-cipher.js';
import type { DialogCloseReason } from './dialog.js';
import type { ReliableDialog } from './reliable-dialog.js';
import type { RetransmitPolicy, RttEstimate } from './retransmit-policy.js';

/** What a dialog needs from its transport. */
export interface DialogLink {
  readonly clock: Clock;
  readonly policy: RetransmitPolicy;
  readonly logger?: Logger;
  /** Padding bytes for encrypted frames (spec §7.4); node:crypto when absent. */
  readonly random?: RandomSource;
  /**
   * Puts bytes on the wire towards the dialog's peer (and into the trace). `clear`: the datagram before encryption,
   * given when `bytes` is encrypted, so the trace shows the frame (marked encrypted) rather than ciphertext.
   */
  send(bytes: Uint8Array, to: UdpEndpoint, retry: boolean, clear?: Uint8Array): void;
  /** The peer's call number became known (index the dialog by it). */
  remoteLocked(dialog: ReliableDialog): void;
  /**
   * The set-up restarts under a fresh call number: allocate it, index the dialog by it, and abandon the old one
   * (INVAL from it with dcallno 0, a tombstone, the usual quarantine). Undefined when no number is free.
   */
  renumber(dialog: ReliableDialog, abandoned: number): number | undefined;
  /** The round-trip estimate last measured with this peer (any dialog), to start from. */
  rttOf(peer: UdpEndpoint): RttEstimate | undefined;
  noteRtt(peer: UdpEndpoint, estimate: RttEstimate): void;
  /** The dialog closed: release the number, keep a tombstone. */
  closed(dialog: ReliableDialog, reason: DialogCloseReason): void;
  /** False while voice must not go to the peer (docs/security.md §7.4: it has not shown it receives us, or went silent). */
  mayCarryVoice?(dialog: ReliableDialog): boolean;
}

/** The last state a closed dialog needs to re-ACK late retransmissions (spec §4.3 "Final frames"). */
export interface DialogSnapshot {
  readonly localCall: number;
  readonly remoteCall: number;
  readonly peer: UdpEndpoint;
  readonly oseqno: number;
  readonly iseqno: number;
  /** An encrypted dialog's keys (spec §7): late retransmissions are decrypted and re-ACKed encrypted. */
  readonly cipher?: FrameCipher;
}
