// The Dialog implementation: sequencing, ACKs, retransmission, VNAK, the call-token set-up and timestamps for one
// call-number pair (spec §3.4, §4.2-§4.7; RFC 5456 §7). The transport (iax-transport.ts) demultiplexes datagrams
// to it and owns the socket; this class never sees addresses other than its own peer. Its parts: the outgoing set-up
// (dialog-setup.ts: call token, restarts, pull), the unacknowledged frames and their timers (send-window.ts), the
// peer's voice (incoming-voice.ts), encryption (dialog-encryption.ts), our timestamps (timestamps.ts) and the
// stray-INVAL gate (stray-invals.ts), the receiving half with its sequence and ACKs (dialog-receive.ts); this class
// sends and composes them.
import type { UdpEndpoint } from '../../ports.js';
import type { DialogLink, DialogSnapshot } from './dialog-link.js';
import { DialogEncryption } from './dialog-encryption.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import { encodeFullFrame, encodeMiniFrame } from '../wire/frame-codec.js';
import { FrameType, IaxSubclass, type FullFrame, type MiniFrame, type RawIe, type TrunkEntry } from '../wire/types.js';
import type {
  Dialog, DialogCloseReason, DialogEvents, DialogStats, OutgoingFrame, SendOptions,
} from './dialog.js';
import { addRttSample, type RttEstimate } from './retransmit-policy.js';
import { DialogSetup, type SetupHost } from './dialog-setup.js';
import { Retransmitter, SendWindow, type PendingFrame, type PendingMode } from './send-window.js';
import { OutgoingTimestamps, voiceNeedsFullFrame } from './timestamps.js';
import { IncomingVoice } from './incoming-voice.js';
import { StrayInvals } from './stray-invals.js';
import { DialogReceive, type DialogCounters } from './dialog-receive.js';

const EMPTY = new Uint8Array(0);

export class ReliableDialog extends TypedEmitter<DialogEvents> implements Dialog {
  private local: number;
  private remote = 0;
  private currentPeer: UdpEndpoint;
  private isClosed = false;
  private readonly window = new SendWindow();
  private readonly timers: Retransmitter;
  private readonly setup: DialogSetup;
  private finalQueued = false;
  /** Full frames put on the wire (each carries our iseqno, so each acknowledges what we received). */
  private sentCount = 0;
  private readonly epoch: number;
  private readonly outTs: OutgoingTimestamps;
  private readonly voiceIn: IncomingVoice;
  private sendFormatBit: number | undefined;
  private lastFullVoiceTs: number | undefined;
  private rtt: RttEstimate | undefined;
  private readonly strays = new StrayInvals();
  /** Set once encryption starts (spec §7.3: from our AUTHREP on, in both directions); never switched off. */
  private readonly encryption: DialogEncryption;
  private readonly receive: DialogReceive;
  private readonly counters: DialogCounters = {
    fullFramesSent: 0, fullFramesReceived: 0, voiceFramesSent: 0, voiceFramesReceived: 0,
    retransmissions: 0, duplicatesReceived: 0, vnaksSent: 0,
  };

  constructor(
    localCall: number,
    peer: UdpEndpoint,
    readonly direction: 'outgoing' | 'incoming',
    private readonly link: DialogLink,
    private readonly alternateAddresses: readonly string[] = [],
  ) {
    super();
    this.local = localCall;
    this.currentPeer = peer;
    this.epoch = link.clock.now();
    this.outTs = new OutgoingTimestamps(() => this.elapsed());
    this.rtt = link.rttOf(peer);
    this.encryption = new DialogEncryption(link.random, link.logger);
    this.setup = new DialogSetup(this.setupHost());
    this.timers = new Retransmitter(this.window, {
      clock: link.clock, policy: link.policy,
      rtt: () => this.rtt,
      closed: () => this.isClosed,
      resend: (p) => this.transmit(p, true),
      iaxTimestamp: () => this.outTs.forIax(),
      restartSetup: () => this.setup.restart(),
      restarts: () => this.setup.restarts,
      giveUp: (options) => this.giveUp(options),
    });
    this.voiceIn = new IncomingVoice({
      now: () => link.clock.now(),
      elapsed: () => this.elapsed(),
      vnak: () => {
        if (this.remote === 0) return false;
        this.sendVnak();
        return true;
      },
    });
    this.receive = new DialogReceive({
      window: this.window, setup: this.setup, voiceIn: this.voiceIn, encryption: this.encryption, counters: this.counters,
      logger: link.logger,
      now: () => link.clock.now(),
      elapsed: () => this.elapsed(),
      closed: () => this.isClosed,
      localCall: () => this.localCall,
      remoteCall: () => this.remote,
      sentCount: () => this.sentCount,
      finish: (reason) => this.finish(reason),
      resend: (p) => this.transmit(p, true),
      sendAck: (timestamp) => this.sendAck(timestamp),
      sendVnak: () => this.sendVnak(),
      sendReliable: (frame) => this.sendReliable(frame),
      forgetVoiceFormat: () => { this.sendFormatBit = undefined; },
      rttSample: (ms) => this.rttSample(ms),
      emitFrame: (f) => this.emit('frame', f),
      emitVoice: (v) => this.emit('voice', v),
      safe: (fn) => this.safe(fn),
    });
  }

  /** Our call number; an outgoing dialog takes a new one each time its set-up restarts (never after the peer's is known). */
  get localCall(): number { return this.local; }
  get remoteCall(): number { return this.remote; }
  get peer(): UdpEndpoint { return this.currentPeer; }
  get closed(): boolean { return this.isClosed; }

  elapsed(): number {
    return this.link.clock.now() - this.epoch;
  }

  stats(): DialogStats {
    return { ...(this.rtt !== undefined ? { rttMs: Math.round(this.rtt.srtt) } : {}), ...this.counters };
  }

  snapshot(): DialogSnapshot {
    return { localCall: this.local, remoteCall: this.remote, peer: this.currentPeer, oseqno: this.window.oseqno, iseqno: this.receive.iseqno,
      ...(this.encryption.cipher ? { cipher: this.encryption.cipher } : {}) };
  }

  /** Frames from `from` belong to us: our peer, or (until the peer's number is known) another address of the server. */
  accepts(from: UdpEndpoint): boolean {
    if (from.address === this.currentPeer.address && from.port === this.currentPeer.port) return true;
    return this.remote === 0 && from.port === this.currentPeer.port && this.alternateAddresses.includes(from.address);
  }

  /** Lock onto the peer's call number and, for a server reply from another of its addresses, that address (P16). */
  lockRemote(remoteCall: number, from: UdpEndpoint): void {
    if (this.remote !== 0 || this.isClosed) return;
    this.remote = remoteCall;
    // The server answered our opening frame: it is no longer resent (a probe) nor a reason to restart (tokenised),
    // even if this reply does not acknowledge it; from now on the set-up only pulls (spec §4.5).
    const opening = this.window.take((p) => p.mode !== 'normal');
    for (const p of opening) { p.cancel?.(); this.safe(() => p.options.onAck?.()); }
    this.setup.answered();
    if (from.address !== this.currentPeer.address || from.port !== this.currentPeer.port) {
      this.link.logger?.log('warn', 'server answered from another address of its name; following it', {
        expected: `${this.currentPeer.address}:${this.currentPeer.port}`, got: `${from.address}:${from.port}`,
      });
      this.currentPeer = { address: from.address, port: from.port };
    }
    this.link.remoteLocked(this);
  }

  // ------------------------------------------------------------------------------------------
  // Encryption (spec §7)

  get encrypted(): boolean { return this.encryption.cipher !== undefined; }

  /**
   * From now on every datagram of this dialog is sent AES-128 encrypted under `key` and received ones are decrypted
   * (spec §7.3). Call it before sending the first encrypted frame (our AUTHREP). A second call is ignored.
   */
  startEncryption(key: Uint8Array): void {
    if (!this.isClosed) this.encryption.start(key);
  }

  /**
   * The clear datagram of an encrypted one addressed to this dialog, or undefined when no key decrypts it to a
   * plausible frame (the transport may still accept it as a clear INVAL or AUTHREQ retransmission).
   */
  unseal(wire: Uint8Array): Uint8Array | undefined {
    return this.encryption.open(wire, this.link.clock.now());
  }

  /** The transport dropped a datagram of this encrypted dialog that neither decrypted nor was a clear INVAL/AUTHREQ. */
  dropUndecryptable(bytes: number): void {
    const failures = this.encryption.dropped(this.localCall, bytes);
    this.safe(() => this.emit('undecryptable', failures));
  }

  /** Frames that arrived on this encrypted dialog and did not decrypt (spec §7.3: a key mismatch shows up so). */
  undecryptable(): number {
    return this.encryption.undecryptable;
  }

  /** Every datagram of this dialog leaves here: sealed once encryption is on (retransmissions re-sealed, spec §7.4). */
  private put(clear: Uint8Array, retry: boolean, inClear = false): void {
    if (!this.encrypted || inClear) { this.link.send(clear, this.currentPeer, retry); return; }
    this.link.send(this.encryption.seal(clear), this.currentPeer, retry, clear);
  }

  // ------------------------------------------------------------------------------------------
  // Sending

  sendOpening(subclass: number, ies: readonly RawIe[], options: SendOptions = {}): void {
    if (!this.isClosed) this.setup.begin(subclass, ies, options);
  }

  /** What the set-up drives: the opening frame as oseqno 0 of a fresh sequence, new call numbers, the end. */
  private setupHost(): SetupHost {
    return {
      link: this.link,
      closed: () => this.isClosed,
      remoteCall: () => this.remote,
      rtt: () => this.rtt,
      sendFirst: (subclass, payload, options, mode) => {
        this.window.reset();
        this.finalQueued = false;
        this.receive.reset();
        this.queue(FrameType.IAX, subclass, undefined, payload, this.outTs.forIax(), options, mode);
      },
      renumber: () => {
        const next = this.link.renumber(this, this.local);
        if (next === undefined) return false;
        this.local = next;
        return true;
      },
      giveUp: (options) => this.giveUp(options),
      refuse: (options) => { this.safe(() => options.onFail?.()); this.finish('local'); },
      pending: (mode) => this.window.some((p) => p.mode === mode),
      rttSample: (ms) => this.rttSample(ms),
      elapsed: () => this.elapsed(),
      sendVnak: () => this.sendVnak(),
    };
  }

  /** Spec §4.4: nothing more to try. `onFail`, then close as a failure (a final frame's dialog just ends). */
  private giveUp(options: SendOptions): void {
    this.safe(() => options.onFail?.());
    this.finish(options.final ? 'local' : 'max-retries');
  }

  /**
   * The outgoing set-up is over (the call is answered): stop pulling the server's frames with VNAK. A registration
   * never calls it: its dialog ends with REGACK.
   */
  established(): void {
    this.setup.established();
  }

  sendReliable(frame: OutgoingFrame, options: SendOptions = {}): void {
    if (this.isClosed) return;
    const ts = frame.timestamp ?? (frame.frameType === FrameType.IAX ? this.outTs.forIax() : this.outTs.forControl());
    this.queue(frame.frameType, frame.subclass, undefined, frame.payload ?? EMPTY, ts >>> 0, options, 'normal',
      frame.timestamp === undefined);
  }

  sendVoice(formatBit: number, payload: Uint8Array, durationMs: number): void {
    if (this.isClosed || this.finalQueued) return;
    const ts = this.outTs.forVoice(durationMs);
    if (this.link.mayCarryVoice?.(this) === false) {
      this.sendFormatBit = undefined; // the first voice frame that goes out again is a full one (T-2)
      return;
    }
    this.counters.voiceFramesSent++;
    // T-2: a full frame first, on a format change, and when the upper 16 timestamp bits move.
    if (formatBit !== this.sendFormatBit || voiceNeedsFullFrame(ts, this.lastFullVoiceTs)) {
      this.sendFormatBit = formatBit;
      this.lastFullVoiceTs = ts;
      this.queue(FrameType.VOICE, 2 ** formatBit, formatBit, payload, ts, {}, 'normal', false);
      return;
    }
    // A mini frame carries no iseqno, so it does not count as an acknowledgement (sentCount untouched).
    this.put(encodeMiniFrame(this.local, ts & 0xffff, payload), false);
  }

  close(reason: 'local' | 'remote' = 'local'): void {
    this.finish(reason);
  }

  private queue(frameType: number, subclass: number, subclassBit: number | undefined, payload: Uint8Array,
                timestamp: number, options: SendOptions, mode: PendingMode, clockStamped = true): void {
    if (this.finalQueued) return;
    try {
      // Encode once up front: a frame that cannot be encoded (a caller's bug) must not consume a sequence number.
      encodeFullFrame({ sourceCall: this.local, destCall: this.remote, retransmit: false, timestamp, oseqno: this.window.oseqno,
        iseqno: this.receive.iseqno, frameType, subclass, ...(subclassBit !== undefined ? { subclassBit } : {}), payload });
    } catch (err) {
      this.link.logger?.log('error', 'refused to send a frame that cannot be encoded', { frameType, subclass, error: String(err) });
      return;
    }
    if (options.final) this.finalQueued = true;
    const p: PendingFrame = {
      oseqno: this.window.oseqno, frameType, subclass, ...(subclassBit !== undefined ? { subclassBit } : {}),
      // An opening frame's deadline is the set-up's, across restarts.
      payload, timestamp, mode, firstSentAt: mode !== 'normal' ? this.setup.startedAt ?? this.link.clock.now() : this.link.clock.now(),
      clockStamped, options, clear: !this.encrypted, retransmitted: false,
      rto: this.timers.firstRto(mode),
    };
    this.window.add(p);
    this.counters.fullFramesSent++;
    this.transmit(p, false);
    this.timers.arm(p);
  }

  private transmit(p: PendingFrame, retry: boolean): void {
    if (retry) { p.retransmitted = true; this.counters.retransmissions++; }
    this.sentCount++;
    // retransmissions carry the R bit and our *current* iseqno.
    const bytes = encodeFullFrame({
      sourceCall: this.local, destCall: this.remote, retransmit: retry, timestamp: p.timestamp,
      oseqno: p.oseqno, iseqno: this.receive.iseqno, frameType: p.frameType, subclass: p.subclass,
      ...(p.subclassBit !== undefined ? { subclassBit: p.subclassBit } : {}), payload: p.payload,
    });
    this.put(bytes, retry, p.clear);
  }

  /** Unsequenced frames (ACK, VNAK, INVAL): current oseqno, not consumed, never retransmitted. */
  private sendUnsequenced(subclass: number, timestamp: number): void {
    const bytes = encodeFullFrame({
      sourceCall: this.localCall, destCall: this.remote, retransmit: false, timestamp: timestamp >>> 0,
      oseqno: this.window.oseqno, iseqno: this.receive.iseqno, frameType: FrameType.IAX, subclass, payload: EMPTY,
    });
    this.put(bytes, false);
  }

  /** explicit ACK, echoing the acknowledged frame's timestamp. Also used after close (final frames). */
  private sendAck(timestamp: number): void {
    this.sendUnsequenced(IaxSubclass.ACK, timestamp);
  }

  /** Spec §4.5: asks the peer to resend everything from our iseqno on. */
  private sendVnak(): void {
    this.counters.vnaksSent++;
    this.sendUnsequenced(IaxSubclass.VNAK, this.outTs.forIax());
  }

  // ------------------------------------------------------------------------------------------
  // Receiving

  /**
   * A full frame for this dialog (already matched by the transport). `deliver` replaces the 'frame' event for the
   * frame that opens an incoming dialog (the NEW goes to the call manager directly).
   */
  receiveFull(f: FullFrame, deliver?: (f: FullFrame) => void): void { this.receive.full(f, deliver); }

  receiveMini(m: MiniFrame): void { this.receive.mini(m); }

  receiveTrunkEntry(e: TrunkEntry): void { this.receive.trunkEntry(e); }

  /** whether a second server dialog for our number may be told INVAL now (stray-invals.ts). */
  shouldInvalStray(serverCall: number): boolean {
    return this.strays.mayTell(serverCall, this.link.clock.now());
  }

  private rttSample(ms: number): void {
    if (!(ms >= 0 && ms < 60_000)) return;
    this.rtt = addRttSample(this.rtt, ms);
    this.link.noteRtt(this.currentPeer, this.rtt);
  }

  private finish(reason: DialogCloseReason): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.window.clear();
    this.established();
    this.link.closed(this, reason);
    this.safe(() => this.emit('closed', reason));
  }

  private safe(fn: () => void): void {
    try { fn(); } catch (err) { this.onListenerError(err, 'dialog'); }
  }

  protected override onListenerError(err: unknown, event: string): void {
    // A bug above us must not kill the protocol engine (COMMON: never throw out of the engine).
    this.link.logger?.log('error', `dialog listener for '${event}' threw`, { error: String(err) });
  }
}
