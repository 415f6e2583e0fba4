// The Dialog implementation: sequencing, ACKs, retransmission, VNAK, the call-token set-up and timestamps for one
// call-number pair (spec §3.4, §4.2-§4.7; RFC 5456 §7). The transport (iax-transport.ts) demultiplexes datagrams
// to it and owns the socket; this class never sees addresses other than its own peer.
//
// Set-up (docs/decisions.md D-29): Asterisk opens a new server dialog for *every* NEW, REGREQ or
// REGREL that carries a valid call token (__find_callno() with NEW_ALLOW_CALLTOKEN_VALIDATED), and matches a frame
// whose dcallno it does not know — and every mini frame — on our source call number alone (match() without the
// dcallno check). Two server dialogs for one of our numbers therefore misroute our voice and let a stale frame
// (an INVAL above all) land on the live one. So a tokenised opening frame is sent exactly once per call number:
// when it goes unanswered, the dialog takes a fresh number and sends it again from there (restart()), and the old
// number is abandoned, so whatever Asterisk opened for it can only ever hear from, and be INVALed by, that number.
import type { CancelTimer, UdpEndpoint } from '../../ports.js';
import type { DialogLink, DialogSnapshot } from './dialog-link.js';
import { DialogEncryption } from './dialog-encryption.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import { encodeFullFrame, encodeMiniFrame } from '../wire/frame-codec.js';
import { encodeIes, IeReader } from '../wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame, type MiniFrame, type RawIe, type TrunkEntry } from '../wire/types.js';
import type {
  Dialog, DialogCloseReason, DialogEvents, DialogStats, OutgoingFrame, SendOptions,
} from './dialog.js';
import { addRttSample, initialRto, nextRto, type RetransmitPolicy, type RttEstimate } from './retransmit-policy.js';
import { classifyArrival, isUnsequenced } from './sequencing.js';
import { SendWindow, type PendingFrame, type PendingMode } from './send-window.js';
import { IncomingTimestamps, OutgoingTimestamps, voiceNeedsFullFrame } from './timestamps.js';

interface Opening {
  readonly subclass: number;
  readonly ies: readonly RawIe[];
  readonly options: SendOptions;
  readonly startedAt: number;
  /** The server's call token and when it came; reused by restarts while it is young (TOKEN_REUSE_MS). */
  token?: { readonly bytes: Uint8Array; readonly at: number };
  /** The token in the frame now pending was fetched for this attempt (not reused from an earlier one). */
  tokenFresh: boolean;
  /** Restarts so far (each under a new call number). */
  restarts: number;
}

const EMPTY = new Uint8Array(0);
/**
 * Asterisk accepts a token while (now − its issue second) < calltokenexpiration, 10 s by default
 * (handle_call_token()): at least 9 s after it was issued. A restart reuses it for 8 s — no CALLTOKEN round trip —
 * and fetches a new one if the server refuses it anyway (a shorter calltokenexpiration).
 */
export const TOKEN_REUSE_MS = 8_000;
/**
 * Set-up pull (spec §4.5): Asterisk resends at once every frame still unacknowledged when it gets a VNAK
 * (vnak_retransmit()), while its own first retransmission waits 2 s (__attempt_transmit()). Once its first
 * retransmission is due anyway, pulling adds nothing: stop when the interval reaches this.
 */
const PULL_MAX_INTERVAL_MS = 2_000;
/** A second server dialog for our number is told INVAL at most this often (a duplicate of its frame must not
 *  draw a second INVAL, which Asterisk would route to our live dialog once the first one destroyed the stray). */
const STRAY_INVAL_GAP_MS = 1_000;
const KNOWN_IAX_SUBCLASS_MAX = IaxSubclass.CALLTOKEN;
/** Minimum gap between VNAKs for media that arrives before the peer's first full voice frame. */
const MISSING_FORMAT_VNAK_GAP_MS = 250;

export class ReliableDialog extends TypedEmitter<DialogEvents> implements Dialog {
  private local: number;
  private remote = 0;
  private currentPeer: UdpEndpoint;
  private isClosed = false;
  private iseqno = 0;
  private readonly window = new SendWindow();
  private opening: Opening | undefined;
  private finalQueued = false;
  /** Full frames put on the wire (each carries our iseqno, so each acknowledges what we received). */
  private sentCount = 0;
  private readonly epoch: number;
  private readonly outTs: OutgoingTimestamps;
  private readonly inTs = new IncomingTimestamps();
  private sendFormatBit: number | undefined;
  private lastFullVoiceTs: number | undefined;
  private recvFormatBit: number | undefined;
  private rtt: RttEstimate | undefined;
  private lastMissingFormatVnak = -Infinity;
  /** Outgoing set-up not yet declared done (see {@link established}): pull with VNAK when the server goes quiet. */
  private settingUp = false;
  private pullTimer: CancelTimer | undefined;
  private pullInterval = 0;
  /** Server call numbers of stray dialogs we INVALed, and when. */
  private readonly straysTold = new Map<number, number>();
  /** Set once encryption starts (spec §7.3: from our AUTHREP on, in both directions); never switched off. */
  private readonly encryption: DialogEncryption;
  private counters = {
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
    return { localCall: this.local, remoteCall: this.remote, peer: this.currentPeer, oseqno: this.window.oseqno, iseqno: this.iseqno,
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
    if (this.opening) this.settingUp = true;
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
    if (this.isClosed || this.opening) return;
    try {
      // Checked once with the largest token there could be, so that no copy sent later can fail to encode.
      encodeIes([...ies, { type: IeType.CALLTOKEN, data: new Uint8Array(255) }]);
    } catch (err) {
      // An IE over 255 bytes (a caller's bug): nothing can be sent, so the dialog ends at once instead of hanging.
      this.link.logger?.log('error', 'opening frame cannot be encoded', { subclass, error: String(err) });
      this.safe(() => options.onFail?.());
      this.finish('local');
      return;
    }
    this.opening = { subclass, ies: [...ies], options, startedAt: this.link.clock.now(), tokenFresh: false, restarts: 0 };
    this.sendOpeningFrame(undefined);
  }

  /**
   * Spec §3.4: K-1, the opening frame with an empty CALLTOKEN IE (last), as a probe; or, with a token, the
   * tokenised copy, sent once from this call number (see the file comment). Both are oseqno 0 of a fresh sequence.
   */
  private sendOpeningFrame(token: Uint8Array | undefined): void {
    const opening = this.opening;
    if (!opening) return;
    this.window.reset();
    this.finalQueued = false;
    this.iseqno = 0;
    const payload = encodeIes([...opening.ies, { type: IeType.CALLTOKEN, data: token ?? EMPTY }]);
    this.queue(FrameType.IAX, opening.subclass, undefined, payload, this.outTs.forIax(), opening.options,
      token ? 'tokenised' : 'probe');
  }

  /**
   * The tokenised opening went unanswered, or the server refused a reused token: start over from a fresh call
   * number (the transport abandons the old one), with the token while it is young, else with a new probe.
   */
  private restart(): void {
    const opening = this.opening;
    if (!opening || this.isClosed || this.remote !== 0) return;
    const now = this.link.clock.now();
    if (now - opening.startedAt >= this.link.policy.giveUpMs) { this.giveUp(opening.options); return; }
    const next = this.link.renumber(this, this.local);
    if (next === undefined) { this.giveUp(opening.options); return; }
    this.local = next;
    opening.restarts++;
    const token = opening.token && now - opening.token.at < TOKEN_REUSE_MS ? opening.token.bytes : undefined;
    opening.tokenFresh = false;
    this.sendOpeningFrame(token);
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
    this.settingUp = false;
    this.pullTimer?.();
    this.pullTimer = undefined;
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
        iseqno: this.iseqno, frameType, subclass, ...(subclassBit !== undefined ? { subclassBit } : {}), payload });
    } catch (err) {
      this.link.logger?.log('error', 'refused to send a frame that cannot be encoded', { frameType, subclass, error: String(err) });
      return;
    }
    if (options.final) this.finalQueued = true;
    const p: PendingFrame = {
      oseqno: this.window.oseqno, frameType, subclass, ...(subclassBit !== undefined ? { subclassBit } : {}),
      // An opening frame's deadline is the set-up's, across restarts.
      payload, timestamp, mode, firstSentAt: mode !== 'normal' && this.opening ? this.opening.startedAt : this.link.clock.now(),
      clockStamped, options, clear: !this.encrypted, retransmitted: false,
      rto: this.firstRto(mode),
    };
    this.window.add(p);
    this.counters.fullFramesSent++;
    this.transmit(p, false);
    this.arm(p);
  }

  /**
   * The first timeout of a frame. A tokenised opening's timeout is the restart timeout: it grows with each restart
   * (restartBackoff), so a server that is merely slow is given longer each time.
   */
  private firstRto(mode: PendingMode): number {
    const rto = initialRto(this.link.policy, this.rtt);
    if (mode !== 'tokenised' || !this.opening) return rto;
    return nextRto(this.link.policy, rto, this.link.policy.restartBackoff ** this.opening.restarts);
  }

  private transmit(p: PendingFrame, retry: boolean): void {
    if (retry) { p.retransmitted = true; this.counters.retransmissions++; }
    this.sentCount++;
    // retransmissions carry the R bit and our *current* iseqno.
    const bytes = encodeFullFrame({
      sourceCall: this.local, destCall: this.remote, retransmit: retry, timestamp: p.timestamp,
      oseqno: p.oseqno, iseqno: this.iseqno, frameType: p.frameType, subclass: p.subclass,
      ...(p.subclassBit !== undefined ? { subclassBit: p.subclassBit } : {}), payload: p.payload,
    });
    this.put(bytes, retry, p.clear);
  }

  /** The last wait ends exactly when the frame (or the set-up) has been outstanding for giveUpMs. */
  private arm(p: PendingFrame): void {
    p.cancel?.();
    const left = p.firstSentAt + this.link.policy.giveUpMs - this.link.clock.now();
    p.cancel = this.link.clock.setTimer(Math.max(0, Math.min(p.rto, left)), () => this.onRetransmitTimer(p));
  }

  private onRetransmitTimer(p: PendingFrame): void {
    p.cancel = undefined;
    if (this.isClosed || !this.window.has(p)) return;
    if (p.mode === 'tokenised') { this.restart(); return; }
    if (this.link.clock.now() - p.firstSentAt >= this.link.policy.giveUpMs) {
      // Spec §4.4: give up; a final frame ends the dialog silently, anything else is a failure.
      this.window.take((q) => q === p);
      this.giveUp(p.options);
      return;
    }
    // A probe's copies each carry their own timestamp, so the CALLTOKEN's echo says which one it answers. Like a
    // restart, a probe answers loss and costs the server nothing (handle_call_token() keeps no state): it backs off
    // gently.
    if (p.mode === 'probe') p.timestamp = this.outTs.forIax();
    this.transmit(p, true);
    p.rto = nextRto(this.link.policy, p.rto, p.mode === 'probe' ? this.link.policy.restartBackoff : this.link.policy.backoff);
    this.arm(p);
  }

  /** Unsequenced frames (ACK, VNAK, INVAL): current oseqno, not consumed, never retransmitted. */
  private sendUnsequenced(subclass: number, timestamp: number): void {
    const bytes = encodeFullFrame({
      sourceCall: this.localCall, destCall: this.remote, retransmit: false, timestamp: timestamp >>> 0,
      oseqno: this.window.oseqno, iseqno: this.iseqno, frameType: FrameType.IAX, subclass, payload: EMPTY,
    });
    this.put(bytes, false);
  }

  /** explicit ACK, echoing the acknowledged frame's timestamp. Also used after close (final frames). */
  private sendAck(timestamp: number): void {
    this.sendUnsequenced(IaxSubclass.ACK, timestamp);
  }

  // ------------------------------------------------------------------------------------------
  // Receiving

  /**
   * A full frame for this dialog (already matched by the transport). `deliver` replaces the 'frame' event for the
   * frame that opens an incoming dialog (the NEW goes to the call manager directly).
   */
  receiveFull(f: FullFrame, deliver?: (f: FullFrame) => void): void {
    if (this.isClosed) return;
    if (f.sourceCall === 1) { this.receiveApathetic(f); return; }
    const isIax = f.frameType === FrameType.IAX;
    // Our final frame (HANGUP, REJECT) acknowledged by this frame: ACK the frame itself if it needs it, deliver
    // nothing more, and close (spec §4.8). The close comes after the ACK so the tombstone remembers it.
    const finalAcked = !(isIax && f.subclass === IaxSubclass.INVAL) && this.implicitAck(f);
    if (isUnsequenced(f.frameType, f.subclass)) {
      if (f.subclass === IaxSubclass.INVAL) this.finish('inval');
      else if (f.subclass === IaxSubclass.VNAK && !finalAcked) {
        this.retransmitFrom(f.iseqno);
        // Spec §4.5, P7: Asterisk also VNAKs every mini frame that arrives before it knows our voice format (our
        // first full voice frame was lost, or it lost the call's format). Retransmission only recovers frames still
        // pending, so the next voice frame goes out full as well. Costs one extra full frame per (rare) VNAK.
        this.sendFormatBit = undefined;
      }
      if (finalAcked) this.finish('local');
      return;
    }
    switch (classifyArrival(this.iseqno, f.oseqno)) {
      case 'duplicate':
        // already processed; re-ACK with that frame's timestamp ("Acking anyway").
        this.counters.duplicatesReceived++;
        this.sendAck(f.timestamp);
        if (finalAcked) this.finish('local');
        return;
      case 'future':
        // a gap; Asterisk does not buffer either (iax2_vnak()).
        if (finalAcked) { this.finish('local'); return; }
        this.counters.vnaksSent++;
        this.sendUnsequenced(IaxSubclass.VNAK, this.outTs.forIax());
        return;
      case 'in-order':
        break;
    }
    if (finalAcked) {
      this.iseqno = (this.iseqno + 1) & 0xff;
      this.sendAck(f.timestamp);
      this.finish('local');
      return;
    }
    this.iseqno = (this.iseqno + 1) & 0xff;
    this.counters.fullFramesReceived++;
    if (this.settingUp) this.armPull(true);
    const echoes = isIax && (f.subclass === IaxSubclass.PONG || f.subclass === IaxSubclass.LAGRP);
    if (echoes) this.rttSample(this.elapsed() - f.timestamp);
    else this.inTs.noteFull(f.timestamp);

    if (f.frameType === FrameType.VOICE) {
      this.recvFormatBit = f.subclassBit ?? Math.log2(Math.max(1, f.subclass));
      this.counters.voiceFramesReceived++;
      this.sendAck(f.timestamp);
      this.emit('voice', { timestamp: f.timestamp, formatBit: this.recvFormatBit, payload: f.payload, full: true });
      return;
    }
    if (isIax && f.subclass === IaxSubclass.RTKEY && this.encrypted) {
      // E-4 (spec §7.5): the peer encrypts under the new key from now on; only our decrypt key changes.
      const reader = IeReader.fromPayload(f.payload);
      const key = reader.ok ? reader.value.bytes(IeType.CHALLENGE) : undefined;
      if (!this.encryption.rotate(key, this.link.clock.now())) {
        this.link.logger?.log('warn', 'RTKEY without a 16-byte key ignored', { call: this.localCall });
      }
      this.sendAck(f.timestamp);
      return;
    }
    if (isIax && f.subclass === IaxSubclass.TXREQ) {
      // Asterisk 22 never path-optimises (spec §2.2); refusing is always safe.
      this.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.TXREJ });
      return;
    }
    if (isIax && (f.subclass < 1 || f.subclass > KNOWN_IAX_SUBCLASS_MAX)) {
      // Spec §2.2 #33: UNSUPPORT carrying the unknown subclass byte in IAX_UNKNOWN.
      const byte = f.subclass < 0 ? 0xff : f.subclassBit !== undefined ? 0x80 | f.subclassBit : f.subclass & 0xff;
      this.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.UNSUPPORT,
        payload: encodeIes([{ type: IeType.IAX_UNKNOWN, data: Uint8Array.of(byte) }]) });
      return;
    }
    const before = this.sentCount;
    this.safe(() => (deliver ? deliver(f) : this.emit('frame', f)));
    // Spec §4.3: a synchronous response already carries the new iseqno; otherwise ACK explicitly — also when the
    // listener just closed the dialog on a final frame (ACK first, then destroy).
    if (this.sentCount === before) this.sendAck(f.timestamp);
  }

  receiveMini(m: MiniFrame): void {
    if (this.isClosed) return;
    if (this.recvFormatBit === undefined) { this.vnakMissingFormat(); return; } // no format yet: drop (spec §4.5)
    this.counters.voiceFramesReceived++;
    this.emit('voice', { timestamp: this.inTs.unwrap16(m.timestamp16), formatBit: this.recvFormatBit, payload: m.payload, full: false });
  }

  receiveTrunkEntry(e: TrunkEntry): void {
    if (this.isClosed) return;
    if (this.recvFormatBit === undefined) { this.vnakMissingFormat(); return; }
    this.counters.voiceFramesReceived++;
    if (e.timestamp16 !== undefined) {
      this.emit('voice', { timestamp: this.inTs.unwrap16(e.timestamp16), formatBit: this.recvFormatBit, payload: e.payload, full: false });
      return;
    }
    // Supermini entries carry no timestamp: hand over the arrival time and say so; the call turns it into a media
    // clock from the payload durations (call/arrival-timestamps.ts). The trunk frame's own timestamp is no better:
    // Asterisk predicts it +trunkfreq per batch and snaps it ~160 ms forward whenever it drifts (calc_txpeerstamp()).
    this.emit('voice', { timestamp: Math.floor(this.elapsed()) >>> 0, formatBit: this.recvFormatBit, payload: e.payload,
      full: false, arrivalTimestamp: true });
  }

  /**
   * Media before the peer's first full voice frame means that frame was lost (spec §4.5). Asterisk answers this case
   * with a VNAK (socket_process_helper(), "Received mini frame before first full voice frame"); we do the same, so
   * the peer resends its full voice frame at once instead of after its RTO (up to 2 s of silence at call start).
   * At most one per MISSING_FORMAT_VNAK_GAP_MS: every VNAK makes the peer resend everything pending.
   */
  private vnakMissingFormat(): void {
    const now = this.link.clock.now();
    if (this.remote === 0 || now - this.lastMissingFormatVnak < MISSING_FORMAT_VNAK_GAP_MS) return;
    this.lastMissingFormatVnak = now;
    this.counters.vnaksSent++;
    this.sendUnsequenced(IaxSubclass.VNAK, this.outTs.forIax());
  }

  /**
   * Set-up pull (spec §4.5): when the server has been quiet for an RTO during an outgoing set-up, a VNAK carrying
   * our iseqno makes Asterisk resend at once whatever it sent that we have not acknowledged (its ACCEPT, ANSWER or
   * REGACK lost on the way), instead of after its own 2 s. Each quiet period pulls at RTO, 2 RTO, 4 RTO … up to
   * PULL_MAX_INTERVAL_MS; any frame from the server starts the schedule again.
   */
  private armPull(reset: boolean): void {
    this.pullTimer?.();
    this.pullTimer = undefined;
    this.pullInterval = reset ? initialRto(this.link.policy, this.rtt) : this.pullInterval * this.link.policy.backoff;
    if (this.pullInterval > PULL_MAX_INTERVAL_MS) return;
    this.pullTimer = this.link.clock.setTimer(this.pullInterval, () => {
      this.pullTimer = undefined;
      if (!this.settingUp || this.isClosed) return;
      this.counters.vnaksSent++;
      this.sendUnsequenced(IaxSubclass.VNAK, this.outTs.forIax());
      this.armPull(false);
    });
  }

  /**
   * A second server dialog answered our call number (R-8, spec §3.4; a NEW duplicated on the way). It is told INVAL,
   * but at most once per STRAY_INVAL_GAP_MS: Asterisk routes an INVAL whose dcallno it no longer knows to our live
   * dialog (match() without dcallno), so a second INVAL drawn by a duplicate of the stray's frame would kill it.
   */
  shouldInvalStray(serverCall: number): boolean {
    const now = this.link.clock.now();
    const last = this.straysTold.get(serverCall);
    if (last !== undefined && now - last < STRAY_INVAL_GAP_MS) return false;
    // Bounded against a peer that invents numbers: entries past the gap no longer matter.
    if (this.straysTold.size >= 64) for (const [n, at] of this.straysTold) if (now - at >= STRAY_INVAL_GAP_MS) this.straysTold.delete(n);
    this.straysTold.set(serverCall, now);
    return true;
  }

  /** Stateless replies from the server's pseudo call number 1, matched by dcallno (spec §4.1). */
  private receiveApathetic(f: FullFrame): void {
    const isIax = f.frameType === FrameType.IAX;
    if (isIax && f.subclass === IaxSubclass.CALLTOKEN) { this.onCallToken(f); return; }
    const opening = this.opening;
    if (opening && this.remote === 0 && !opening.tokenFresh && this.window.some((p) => p.mode === 'tokenised')
        && isIax && (f.subclass === IaxSubclass.REJECT || f.subclass === IaxSubclass.REGREJ) && f.payload.length === 0) {
      // A stateless refusal of a token we reused: it may have expired (a calltokenexpiration below our reuse
      // window). Fetch a fresh one before taking the refusal for an answer.
      opening.token = undefined;
      this.restart();
      return;
    }
    // PONG to our POKE, stateless REJECT/REGREJ: they answer our oseqno 0 (iseqno 1). Never ACKed.
    if (this.remote === 0 && this.implicitAck(f)) { this.finish('local'); return; }
    if (isIax && f.subclass === IaxSubclass.PONG) this.rttSample(this.elapsed() - f.timestamp);
    this.safe(() => this.emit('frame', f));
  }

  /**
   * Spec §3.4 K-2: the server's token, in answer to our probe. Its timestamp echoes the probe copy it answers (each
   * copy has its own), so it is an exact RTT sample — the first one a set-up gets. Rebuild the opening frame with
   * the token and send it, once, from this number. Not ACKed. A CALLTOKEN for a probe we already replaced (the
   * answer to an earlier copy, or a duplicate) changes nothing: the tokenised frame is never sent twice.
   */
  private onCallToken(f: FullFrame): void {
    const opening = this.opening;
    const probe = this.window.some((p) => p.mode === 'probe');
    if (!opening || this.remote !== 0 || !probe) return;
    const reader = IeReader.fromPayload(f.payload);
    const token = reader.ok ? reader.value.bytes(IeType.CALLTOKEN) : undefined;
    if (!token || token.length === 0) return;
    this.rttSample(this.elapsed() - f.timestamp);
    opening.token = { bytes: Uint8Array.from(token), at: this.link.clock.now() };
    opening.tokenFresh = true;
    this.sendOpeningFrame(opening.token.bytes);
  }

  /** the peer's iseqno acknowledges every frame we sent before it. True when our final frame was among them. */
  private implicitAck(f: FullFrame): boolean {
    const acked = this.window.acknowledge(f.iseqno);
    const isAck = f.frameType === FrameType.IAX && f.subclass === IaxSubclass.ACK;
    let closeAfter = false;
    for (const p of acked) {
      p.cancel?.();
      // Karn: only never-retransmitted frames whose echo we can see give an RTT sample.
      if (isAck && p.clockStamped && !p.retransmitted && f.timestamp === p.timestamp) this.rttSample(this.elapsed() - p.timestamp);
      this.safe(() => p.options.onAck?.());
      if (p.options.final) closeAfter = true;
    }
    return closeAfter;
  }

  /** Spec §4.5: resend every unacknowledged frame from the VNAK's iseqno on. */
  private retransmitFrom(from: number): void {
    for (const p of this.window.from(from)) if (p.mode !== 'tokenised') this.transmit(p, true);
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
