// The receiving half of one dialog (spec §4.2-§4.5, §4.8; RFC 5456 §7): the peer's sequence (our iseqno), what an
// arriving full frame acknowledges of ours (implicit ACK, R-3), duplicates re-ACKed and gaps VNAKed, the
// frames the dialog answers itself (voice ACKs, RTKEY, TXREJ/UNSUPPORT) and the ACK for everything delivered upward.
// ReliableDialog owns the sending half and composes this one, as it does the set-up (dialog-setup.ts); what this
// needs of it is ReceiveHost.
import type { Logger } from '../../ports.js';
import { IeReader } from '../wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame, type MiniFrame, type TrunkEntry } from '../wire/types.js';
import type { DialogCloseReason, DialogStats, OutgoingFrame, ReceivedVoice } from './dialog.js';
import type { DialogEncryption } from './dialog-encryption.js';
import type { DialogSetup } from './dialog-setup.js';
import type { IncomingVoice } from './incoming-voice.js';
import type { PendingFrame, SendWindow } from './send-window.js';
import { classifyArrival, isUnsequenced } from './sequencing.js';
import { ownAnswer } from './dialog-answers.js';

export type DialogCounters = { -readonly [K in Exclude<keyof DialogStats, 'rttMs'>]: number };

export interface ReceiveHost {
  readonly window: SendWindow;
  readonly setup: DialogSetup;
  readonly voiceIn: IncomingVoice;
  readonly encryption: DialogEncryption;
  /** The dialog's counters, shared (the receiving ones are counted here). */
  readonly counters: DialogCounters;
  readonly logger?: Logger;
  now(): number;
  elapsed(): number;
  closed(): boolean;
  localCall(): number;
  remoteCall(): number;
  /** Full frames we have put on the wire so far (each carries our iseqno, so each acknowledges). */
  sentCount(): number;
  finish(reason: DialogCloseReason): void;
  resend(p: PendingFrame): void;
  sendAck(timestamp: number): void;
  sendVnak(): void;
  sendReliable(frame: OutgoingFrame): void;
  /** Our next voice frame goes out full (the peer may have lost our format). */
  forgetVoiceFormat(): void;
  rttSample(ms: number): void;
  emitFrame(f: FullFrame): void;
  emitVoice(v: ReceivedVoice): void;
  /** Runs a listener's code so that its exception cannot break the dialog. */
  safe(fn: () => void): void;
}

export class DialogReceive {
  /** The next oseqno we expect from the peer (sent back as our iseqno). */
  private next = 0;

  constructor(private readonly host: ReceiveHost) {}

  get iseqno(): number { return this.next; }

  /** A fresh sequence: the outgoing set-up restarted with a new opening frame. */
  reset(): void { this.next = 0; }

  /**
   * A full frame for this dialog (already matched by the transport). `deliver` replaces the 'frame' event for the
   * frame that opens an incoming dialog (the NEW goes to the call manager directly).
   */
  full(f: FullFrame, deliver?: (f: FullFrame) => void): void {
    const h = this.host;
    if (h.closed()) return;
    if (f.sourceCall === 1) { this.apathetic(f); return; }
    const isIax = f.frameType === FrameType.IAX;
    // Our final frame (HANGUP, REJECT) acknowledged by this frame: ACK the frame itself if it needs it, deliver
    // nothing more, and close (spec §4.8). The close comes after the ACK so the tombstone remembers it.
    const finalAcked = !(isIax && f.subclass === IaxSubclass.INVAL) && this.implicitAck(f);
    if (isUnsequenced(f.frameType, f.subclass)) {
      if (f.subclass === IaxSubclass.INVAL) h.finish('inval');
      else if (f.subclass === IaxSubclass.VNAK && !finalAcked) {
        this.retransmitFrom(f.iseqno);
        // Spec §4.5, P7: Asterisk also VNAKs every mini frame that arrives before it knows our voice format (our
        // first full voice frame was lost, or it lost the call's format). Retransmission only recovers frames still
        // pending, so the next voice frame goes out full as well. Costs one extra full frame per (rare) VNAK.
        h.forgetVoiceFormat();
      }
      if (finalAcked) h.finish('local');
      return;
    }
    switch (classifyArrival(this.next, f.oseqno)) {
      case 'duplicate':
        // already processed; re-ACK with that frame's timestamp ("Acking anyway").
        h.counters.duplicatesReceived++;
        h.sendAck(f.timestamp);
        if (finalAcked) h.finish('local');
        return;
      case 'future':
        // a gap; Asterisk does not buffer either (iax2_vnak()).
        if (finalAcked) { h.finish('local'); return; }
        h.sendVnak();
        return;
      case 'in-order':
        break;
    }
    if (finalAcked) {
      this.next = (this.next + 1) & 0xff;
      h.sendAck(f.timestamp);
      h.finish('local');
      return;
    }
    this.next = (this.next + 1) & 0xff;
    h.counters.fullFramesReceived++;
    h.setup.heard();
    const echoes = isIax && (f.subclass === IaxSubclass.PONG || f.subclass === IaxSubclass.LAGRP);
    if (echoes) h.rttSample(h.elapsed() - f.timestamp);
    else h.voiceIn.noteFull(f.timestamp);

    if (f.frameType === FrameType.VOICE) {
      const voice = h.voiceIn.full(f);
      h.counters.voiceFramesReceived++;
      h.sendAck(f.timestamp);
      h.emitVoice(voice);
      return;
    }
    if (isIax && f.subclass === IaxSubclass.RTKEY && h.encryption.cipher !== undefined) {
      // E-4 (spec §7.5): the peer encrypts under the new key from now on; only our decrypt key changes.
      const reader = IeReader.fromPayload(f.payload);
      const key = reader.ok ? reader.value.bytes(IeType.CHALLENGE) : undefined;
      if (!h.encryption.rotate(key, h.now())) {
        h.logger?.log('warn', 'RTKEY without a 16-byte key ignored', { call: h.localCall() });
      }
      h.sendAck(f.timestamp);
      return;
    }
    const answer = ownAnswer(f); // TXREJ to TXREQ, UNSUPPORT to an unknown subclass (dialog-answers.ts)
    if (answer) { h.sendReliable(answer); return; }
    const before = h.sentCount();
    h.safe(() => (deliver ? deliver(f) : h.emitFrame(f)));
    // Spec §4.3: a synchronous response already carries the new iseqno; otherwise ACK explicitly — also when the
    // listener just closed the dialog on a final frame (ACK first, then destroy).
    if (h.sentCount() === before) h.sendAck(f.timestamp);
  }

  mini(m: MiniFrame): void {
    if (!this.host.closed()) this.deliverVoice(this.host.voiceIn.mini(m));
  }

  trunkEntry(e: TrunkEntry): void {
    if (!this.host.closed()) this.deliverVoice(this.host.voiceIn.trunk(e));
  }

  private deliverVoice(voice: ReceivedVoice | undefined): void {
    if (!voice) return;
    this.host.counters.voiceFramesReceived++;
    this.host.emitVoice(voice);
  }

  /** Stateless replies from the server's pseudo call number 1, matched by dcallno (spec §4.1). */
  private apathetic(f: FullFrame): void {
    const h = this.host;
    const isIax = f.frameType === FrameType.IAX;
    if (isIax && f.subclass === IaxSubclass.CALLTOKEN) { h.setup.onCallToken(f); return; }
    if (h.setup.refusedReusedToken(f)) return;
    // PONG to our POKE, stateless REJECT/REGREJ: they answer our oseqno 0 (iseqno 1). Never ACKed.
    if (h.remoteCall() === 0 && this.implicitAck(f)) { h.finish('local'); return; }
    if (isIax && f.subclass === IaxSubclass.PONG) h.rttSample(h.elapsed() - f.timestamp);
    h.safe(() => h.emitFrame(f));
  }

  /** the peer's iseqno acknowledges every frame we sent before it. True when our final frame was among them. */
  private implicitAck(f: FullFrame): boolean {
    const h = this.host;
    const acked = h.window.acknowledge(f.iseqno);
    const isAck = f.frameType === FrameType.IAX && f.subclass === IaxSubclass.ACK;
    let closeAfter = false;
    for (const p of acked) {
      p.cancel?.();
      // Karn: only never-retransmitted frames whose echo we can see give an RTT sample.
      if (isAck && p.clockStamped && !p.retransmitted && f.timestamp === p.timestamp) h.rttSample(h.elapsed() - p.timestamp);
      h.safe(() => p.options.onAck?.());
      if (p.options.final) closeAfter = true;
    }
    return closeAfter;
  }

  /** Spec §4.5: resend every unacknowledged frame from the VNAK's iseqno on. */
  private retransmitFrom(from: number): void {
    for (const p of this.host.window.from(from)) if (p.mode !== 'tokenised') this.host.resend(p);
  }
}
