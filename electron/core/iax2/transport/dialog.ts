// The Dialog: one IAX2 call-number pair (a call, a registration attempt, a poke) as the layers above the
// transport see it (spec §4). The transport owns sequencing, ACKs, retransmission, VNAK, INVAL and timestamps;
// the call state machine (electron/core/iax2/call/**) and the registrar only say *what* to send and react to
// what arrives, in order.
import type { UdpEndpoint } from '../../ports.js';
import type { FullFrame, RawIe } from '../wire/types.js';

/**
 * Why a dialog ended.
 *  - 'inval': the peer sent INVAL (it no longer knows the dialog; spec §4.8, R-7).
 *  - 'max-retries': a reliable frame went unacknowledged through every retransmission, or an outgoing set-up got no
 *    answer through every restart (spec §4.4, ≈32 s).
 *  - 'local': {@link Dialog.close} with 'local', or a `final` frame we sent was acknowledged (or gave up).
 *  - 'remote': the owner closed it after the peer's final frame (HANGUP, REJECT, REGACK, REGREJ).
 */
export type DialogCloseReason = 'inval' | 'max-retries' | 'local' | 'remote';

/** A full frame to send reliably. The transport fills in call numbers, sequence numbers and (usually) the timestamp. */
export interface OutgoingFrame {
  /** FrameType (IAX, CONTROL, DTMF, DTMF_BEGIN, TEXT, ...). VOICE goes through {@link Dialog.sendVoice}. */
  readonly frameType: number;
  /** Uncompressed subclass (IaxSubclass, ControlSubclass (-1 = 0xFF), the DTMF digit's char code, 0 for TEXT). */
  readonly subclass: number;
  /** IE block for IAX frames (encode with wire/ies.ts), raw bytes otherwise. Empty when absent. */
  readonly payload?: Uint8Array;
  /**
   * Force this timestamp instead of the spec §4.6 rule. Only for echoes (PONG to PING, LAGRP to LAGRQ: T-4).
   * ACKs are sent by the transport itself and need no help.
   */
  readonly timestamp?: number;
}

export interface SendOptions {
  /** The frame was acknowledged (explicit ACK, or implicitly by the peer's iseqno; spec §4.3). */
  readonly onAck?: () => void;
  /**
   * Every retransmission went unanswered (spec §4.4). Called just before the dialog closes with 'max-retries'.
   */
  readonly onFail?: () => void;
  /**
   * A final frame (our HANGUP, REJECT): once it is acknowledged, or retries run out, the dialog closes by itself
   * with reason 'local' (spec §4.8). Nothing else may be sent after it.
   */
  readonly final?: boolean;
}

/** Voice as it arrives, from a full VOICE frame, a mini frame or a trunk entry, in arrival order. */
export interface ReceivedVoice {
  /** Un-wrapped 32-bit sender timestamp in ms (spec §4.7). For supermini trunk entries: derived from arrival. */
  readonly timestamp: number;
  /** Format bit number (0-63, e.g. 2 = µ-law, 34 = Opus) of the last full VOICE frame from the peer. */
  readonly formatBit: number;
  readonly payload: Uint8Array;
  /** True when it came in a full VOICE frame (such frames are also delivered only once, in order). */
  readonly full: boolean;
  /** Supermini trunk entry (spec §1.5): `timestamp` is our arrival clock, not the sender's. */
  readonly arrivalTimestamp?: boolean;
}

export interface DialogStats {
  /** Smoothed RTT from ACKs of our frames and PONGs (ms), if measured. */
  readonly rttMs?: number;
  readonly fullFramesSent: number;
  readonly fullFramesReceived: number;
  readonly voiceFramesSent: number;
  readonly voiceFramesReceived: number;
  readonly retransmissions: number;
  readonly duplicatesReceived: number;
  readonly vnaksSent: number;
}

export type DialogEvents = {
  /**
   * A full frame from the peer, in order, exactly once, already acknowledged by the transport (see below).
   * Not delivered here: ACK, VNAK, INVAL (handled by the transport), VOICE (see 'voice'), TXREQ (answered with
   * TXREJ by the transport), IAX subclasses unknown to us (answered with UNSUPPORT).
   * Delivered here although they are not sequenced: apathetic replies addressed to us (sourceCall === 1:
   * stateless REJECT, REGREJ, PONG to our POKE). CALLTOKEN is never delivered: the transport resends
   * the opening frame itself (see {@link Dialog.sendOpening}).
   *
   * ACK rule (spec §4.3): if the listener sends a full frame synchronously (e.g. AUTHREP for AUTHREQ, REGREQ for
   * REGAUTH, PONG for PING), that frame's iseqno is the acknowledgement; otherwise the transport sends an explicit
   * ACK right after the listener returns, even when the listener closed the dialog (REGACK, HANGUP, REJECT).
   */
  frame: FullFrame;
  voice: ReceivedVoice;
  /**
   * On an encrypted dialog (spec §7): a datagram addressed to it did not decrypt to a plausible frame, nor was it a
   * clear INVAL/AUTHREQ; it was dropped. The payload is the running count. Before any frame decrypted, this means
   * the server holds another secret (its key differs: spec §7.3, P13).
   */
  undecryptable: number;
  /** Emitted once. After it, every method is a harmless no-op. */
  closed: DialogCloseReason;
};

export interface Dialog {
  /**
   * Our 15-bit call number (2-32767). An outgoing dialog may change it while its set-up restarts
   * (docs/decisions.md D-29); it is fixed once the peer's number is known.
   */
  readonly localCall: number;
  /** The peer's call number once known (locked on the first non-apathetic frame, R-8), else 0. */
  readonly remoteCall: number;
  /** Where the peer is (for an outgoing dialog, may move once to another address of the server's resolved set, P16). */
  readonly peer: UdpEndpoint;
  readonly direction: 'outgoing' | 'incoming';
  readonly closed: boolean;
  /** Current dialog clock: ms since this dialog's epoch (spec §4.6, T-1). */
  elapsed(): number;

  /**
   * The first frame of an outgoing dialog (NEW, REGREQ, REGREL) with the call-token dance (spec §3.4, K-1..K-3):
   * an empty CALLTOKEN IE is appended last; if the server answers CALLTOKEN, the same IEs are sent with the token
   * (counters reset, dcallno 0, fresh timestamp); a server that skips tokens is simply answered normally. The
   * tokenised copy is sent once per call number: unanswered, the set-up restarts from a fresh number
   * (docs/decisions.md D-29). `onAck`/`onFail`/`final` apply to whichever copy is answered.
   */
  sendOpening(subclass: number, ies: readonly RawIe[], options?: SendOptions): void;

  /**
   * An outgoing call's set-up is over (answered): the dialog stops pulling the server's unacknowledged frames with
   * VNAK (spec §4.5). Optional so that test doubles need not implement it.
   */
  established?(): void;

  /** Any other reliable full frame: stamped, queued for retransmission until ACKed (spec §4.2-§4.5). */
  sendReliable(frame: OutgoingFrame, options?: SendOptions): void;

  /**
   * One encoded voice frame of `durationMs`. The timestamp is predicted from the running sample count (spec §4.6);
   * a full VOICE frame is sent for the first frame, on format change and when the upper 16 timestamp bits change
   * (T-2); otherwise a mini frame. Full voice frames are reliable.
   */
  sendVoice(formatBit: number, payload: Uint8Array, durationMs: number): void;

  /** Close now (no message is sent; send HANGUP with `final: true` for a graceful end). A tombstone re-ACKs late retransmissions. */
  close(reason?: 'local' | 'remote'): void;

  stats(): DialogStats;

  /**
   * Spec §7.3: from now on every frame of this dialog is AES-128 encrypted under `key` = MD5(challenge ‖ secret),
   * both ways. Call before sending the AUTHREP. Optional so that test doubles need not implement it.
   */
  startEncryption?(key: Uint8Array): void;
  /** True once {@link startEncryption} ran. */
  readonly encrypted?: boolean;
  /** Received frames that did not decrypt to a plausible frame (a key mismatch: spec §7.3). */
  undecryptable?(): number;

  on<K extends keyof DialogEvents>(event: K, listener: (payload: DialogEvents[K]) => void): () => void;
}
