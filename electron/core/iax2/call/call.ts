// One IAX2 call as the user sees it: the CallHandle (engine-api.ts) over one transport Dialog.
// Outgoing: NEW → (CALLTOKEN, done by the Dialog) → AUTHREQ/AUTHREP → ACCEPT → CONTROL … (spec §5.2, RFC 5456 §6.2).
// Incoming: the CallManager ACCEPTs and rings; this object then answers, rejects or hangs up (spec §5.3).
// In call: DTMF, TEXT, hold (QUELCH/UNQUELCH), blind transfer, PING/PONG, LAGRQ/LAGRP, voice both ways (spec §2, §5.7, §8.1).
import type { CancelTimer } from '../../ports.js';
import type { CodecName } from '../../media/codec.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import type {
  AccountConfig, CallDirection, CallEndInfo, CallEvents, CallHandle, CallState, CallStats, ReceptionReport,
  UserFacingError,
} from '../engine-api.js';
import { answerChallenge } from '../auth.js';
import { ENCRYPT_AES128, deriveAesKey } from '../crypto/aes-frame.js';
import { codecFromAccept, codecOfVoiceBit } from '../codec-negotiation.js';
import { userErrors } from '../errors.js';
import type { CallHost } from '../transport/call-host.js';
import type { Dialog, DialogCloseReason, ReceivedVoice } from '../transport/dialog.js';
import { IeReader, IeWriter } from '../wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame, type RawIe } from '../wire/types.js';
import { CallStateMachine } from './call-state-machine.js';
import { bitIndexOfCodec } from './codec-wire-table.js';
import { DTMF_GAP_MS, DTMF_TONE_MS, digitOfSubclass, dtmfChar } from './dtmf.js';
import { Q850, errorForCause, errorForControl, errorForReject, errorForUnbridgedCall } from './hangup-causes.js';
import { ieText } from './new-ies.js';
import { ArrivalTimestamps } from './arrival-timestamps.js';
import { ReceiveStats, payloadDurationMs } from './receive-stats.js';
import { encodeReceptionReport } from './reception-report.js';

/** Our PING cadence in a call (spec §8.1, C-4: about every 20 s; Asterisk uses 21 s). */
export const PING_INTERVAL_MS = 20_000;
/**
 * The first PING goes out soon after ACCEPT so the call shows an RTT (and the transport an RTO base) within seconds;
 * against Asterisk the first RTT otherwise came 20 s into the call (Asterisk's own PING only arrives after 21 s).
 */
export const FIRST_PING_MS = 2_000;
/** How long to wait for the server's HANGUP after our TRANSFER before warning (spec P25). */
export const TRANSFER_NOTICE_MS = 5_000;

export interface CallInit {
  readonly id: string;
  readonly host: CallHost;
  readonly direction: CallDirection;
  readonly number: string;
  readonly remote: CallHandle['remote'];
  readonly accountId?: string;
  readonly account?: AccountConfig;
  /** Outgoing: the codecs offered in NEW, best first (ACCEPT must name one of them). */
  readonly offered: readonly CodecName[];
  readonly autoAnswerRequested?: boolean;
  readonly onEnded: (call: Call) => void;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export class Call extends TypedEmitter<CallEvents> implements CallHandle {
  readonly id: string;
  readonly accountId?: string;
  readonly direction: CallDirection;
  readonly number: string;
  readonly remote: CallHandle['remote'];
  readonly autoAnswerRequested: boolean;

  private readonly host: CallHost;
  private readonly account: AccountConfig | undefined;
  private readonly offered: readonly CodecName[];
  private readonly machine: CallStateMachine;
  private readonly onEndedCb: (call: Call) => void;
  private dialog: Dialog | undefined;
  private negotiated: CodecName | undefined;
  /** ACCEPT sent (incoming) or received (outgoing): from now on non-IAX frames may be sent (spec §4.6 end). */
  private accepted = false;
  /** Outgoing: the far end signalled RINGING at some point (decides "not answered" vs "refused", see onRemoteHangup). */
  private rang = false;
  /** Outgoing: Clock time of the server's ACCEPT; and whether any voice came from the far end. */
  private acceptedAt: number | undefined;
  private heardVoice = false;
  private reportSource: (() => ReceptionReport) | undefined;
  private endInfo: CallEndInfo | undefined;
  private pingTimer: CancelTimer | undefined;
  private transferTimer: CancelTimer | undefined;
  private dtmfTimer: CancelTimer | undefined;
  private readonly dtmfQueue: string[] = [];
  /** Incoming encrypted call waiting for the caller's AUTHREP (see startIncomingChallenged). */
  private challenged: { expectedMd5: string; acceptPayload: Uint8Array; answered: boolean } | undefined;
  private rttMs: number | undefined;
  private framesSent = 0;
  private readonly rx = new ReceiveStats();
  private readonly arrivalTs = new ArrivalTimestamps();
  private unknownVoiceWarned = false;
  private readonly dialogDone: Promise<void>;
  private resolveDialogDone!: () => void;

  constructor(init: CallInit) {
    super();
    this.id = init.id;
    if (init.accountId !== undefined) this.accountId = init.accountId;
    this.direction = init.direction;
    this.number = init.number;
    this.remote = init.remote;
    this.autoAnswerRequested = init.autoAnswerRequested ?? false;
    this.host = init.host;
    this.account = init.account;
    this.offered = init.offered;
    this.onEndedCb = init.onEnded;
    this.machine = new CallStateMachine({
      direction: init.direction,
      log: (m) => this.host.logger?.log('error', m, { call: this.id }),
    });
    this.dialogDone = new Promise((resolve) => { this.resolveDialogDone = resolve; });
  }

  get state(): CallState { return this.machine.state; }
  get codec(): CodecName | undefined { return this.negotiated; }
  /** Spec §7: the dialog encrypts (from our AUTHREP on). */
  get encrypted(): boolean { return this.dialog?.encrypted ?? false; }
  /** Resolves once the dialog is gone (our HANGUP acknowledged or given up), for shutdown. */
  get settled(): Promise<void> { return this.dialogDone; }

  // ---------------------------------------------------------------------------------------------------------------
  // Setup

  /** Outgoing: attach the freshly opened dialog and send NEW (the Dialog appends CALLTOKEN and resends it, spec §3.4). */
  startOutgoing(dialog: Dialog, newIes: readonly RawIe[]): void {
    this.attach(dialog);
    dialog.sendOpening(IaxSubclass.NEW, newIes);
  }

  /** Incoming: the manager has sent ACCEPT (codec chosen) and RINGING on this dialog. */
  startIncoming(dialog: Dialog, codec: CodecName): void {
    this.attach(dialog);
    this.negotiated = codec;
    this.accepted = true;
    this.startPings();
  }

  /**
   * Incoming, encrypted (spec §7.1, §5.3): the manager sent AUTHREQ with ENCRYPTION and switched the dialog to
   * encryption. The call rings meanwhile; ACCEPT (then RINGING, and ANSWER if the user already answered) follows
   * the caller's AUTHREP once its MD5_RESULT matches.
   */
  startIncomingChallenged(dialog: Dialog, codec: CodecName, expectedMd5: string, acceptPayload: Uint8Array): void {
    this.attach(dialog);
    this.negotiated = codec;
    this.challenged = { expectedMd5, acceptPayload, answered: false };
  }

  private onAuthRep(ies: IeReader): void {
    const pending = this.challenged;
    if (this.direction !== 'incoming' || !pending || this.accepted) return;
    this.challenged = undefined;
    const got = ies.string(IeType.MD5_RESULT)?.toLowerCase();
    if (got !== pending.expectedMd5) {
      // The caller does not hold our secret (or derived another key): refuse as Asterisk does (spec §5.5).
      this.host.warn('Incoming encrypted call refused: the caller\'s answer to our challenge was wrong (different password).');
      this.finish({ by: 'local', causeCode: Q850.NO_AUTHORITY, cause: 'No authority found',
        error: { code: 'auth-failed', message: 'The caller did not prove the account password; the encrypted call was refused.' } });
      this.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.REJECT,
        payload: causePayload(Q850.NO_AUTHORITY, 'No authority found') }, { final: true });
      return;
    }
    this.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.ACCEPT, payload: pending.acceptPayload });
    this.dialog?.sendReliable({ frameType: FrameType.CONTROL, subclass: ControlSubclass.RINGING });
    this.accepted = true;
    this.startPings();
    if (pending.answered) this.sendControl(ControlSubclass.ANSWER);
  }

  private attach(dialog: Dialog): void {
    this.dialog = dialog;
    dialog.on('frame', (f) => this.guard(() => this.onFrame(f)));
    dialog.on('voice', (v) => this.guard(() => this.onVoice(v)));
    dialog.on('closed', (reason) => this.guard(() => this.onDialogClosed(reason)));
    dialog.on('undecryptable', (n) => this.guard(() => this.onUndecryptable(n)));
  }

  /** Bad input never throws out of the engine; state-machine bugs do, under test (they rethrow here). */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof Error && err.name === 'IllegalCallTransitionError') throw err;
      this.host.logger?.log('error', 'call: error while handling a frame', { call: this.id, error: String(err) });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Receiving

  private onFrame(f: FullFrame): void {
    // After our HANGUP/REJECT (final) nothing more may be sent; the transport still ACKs what arrives.
    if (this.machine.ended) return;
    switch (f.frameType) {
      case FrameType.IAX: return this.onIax(f);
      case FrameType.CONTROL: return this.onControl(f.subclass);
      case FrameType.DTMF: return this.onDtmf(f.subclass, 'end');
      case FrameType.DTMF_BEGIN: return this.onDtmf(f.subclass, 'begin');
      case FrameType.TEXT: return this.onText(f.payload);
      case FrameType.CNG:
        // Comfort noise: silence for the jitter buffer (spec §2.1, §2.4); the subclass is the level in -dBov.
        this.emit('cng', { timestamp: f.timestamp, levelDbov: f.subclass >= 0 && f.subclass <= 127 ? f.subclass : 127 });
        return;
      default: return; // NULL, IMAGE, HTML, MODEM, VIDEO: ACKed by the transport, otherwise ignored
    }
  }

  private onIax(f: FullFrame): void {
    const parsed = IeReader.fromPayload(f.payload);
    const ies = parsed.ok ? parsed.value : new IeReader([]);
    if (!parsed.ok) this.host.logger?.log('warn', `call: undecodable IEs in IAX ${f.subclass}: ${parsed.error}`, { call: this.id });
    switch (f.subclass) {
      case IaxSubclass.AUTHREQ: return this.onAuthReq(ies);
      case IaxSubclass.AUTHREP: return this.onAuthRep(ies);
      case IaxSubclass.ACCEPT: return this.onAccept(ies);
      case IaxSubclass.HANGUP: return this.onRemoteHangup(ies);
      case IaxSubclass.REJECT: return this.onReject(ies, f.sourceCall === 1 && (!parsed.ok || ies.ies.length === 0));
      case IaxSubclass.PING:
        // Reply at once, echoing the timestamp exactly (spec §8.1, T-4); it doubles as the ACK. The RR IEs (46-51)
        // give Asterisk our receive statistics, as its own construct_rr() does (spec §2.2 PONG, MAY).
        this.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PONG, timestamp: f.timestamp,
          payload: this.receptionReport() });
        return;
      case IaxSubclass.LAGRQ:
        this.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.LAGRP, timestamp: f.timestamp });
        return;
      case IaxSubclass.PONG:
        // RTT = now − echoed timestamp (spec §2.2 PONG).
        if (this.dialog) this.rttMs = Math.max(0, this.dialog.elapsed() - f.timestamp);
        return;
      case IaxSubclass.TRANSFER: {
        // Server-driven redirect (Asterisk Transfer() app, spec §5.7): surfaced, not followed (MAY).
        const target = ies.string(IeType.CALLED_NUMBER);
        const context = ies.string(IeType.CALLED_CONTEXT);
        this.emit('notice', {
          kind: 'transfer-requested',
          message: `The server asked to transfer this call to ${target ?? '(no number)'}${context ? `@${context}` : ''}; not followed.`,
          ...(target !== undefined ? { target } : {}),
        });
        return;
      }
      case IaxSubclass.UNSUPPORT:
        this.emit('notice', { kind: 'unsupported', message: `The far end does not support IAX command ${ies.u8(IeType.IAX_UNKNOWN) ?? '?'}.` });
        return;
      default:
        return; // LAGRP, QUELCH/UNQUELCH (not sent to clients), DPREP, MWI …: ACKed by the transport
    }
  }

  private onAuthReq(ies: IeReader): void {
    if (this.direction !== 'outgoing' || this.machine.state !== 'dialing') return;
    // MD5 when offered; PASSWORD only if the account allows plaintext and MD5 is not offered (spec §5.1, A-1).
    const reply = answerChallenge(ies.u16(IeType.AUTHMETHODS) ?? 0, ies.bytes(IeType.CHALLENGE),
      this.account?.secret, this.account?.auth);
    if (!reply.ok) {
      // We cannot authenticate: abandon the call (spec §5.1 "Otherwise … hang up or abandon").
      this.finish({ by: 'local', error: userErrors.authMethod(this.serverText(), reply.reason) });
      this.sendHangup(Q850.NORMAL_CLEARING);
      return;
    }
    // Spec §7.1 step 3: ENCRYPTION in AUTHREQ means the server encrypts from now on (it only echoes what we offered).
    const agreed = ((ies.u16(IeType.ENCRYPTION) ?? 0) & ENCRYPT_AES128) !== 0;
    const challenge = ies.bytes(IeType.CHALLENGE);
    const mode = this.account?.encryption ?? 'off';
    if (!agreed && mode === 'required') {
      this.finish({ by: 'local', error: userErrors.encryptionRefused(this.serverText()) });
      this.sendHangup(Q850.NORMAL_CLEARING);
      return;
    }
    if (agreed) {
      const secret = this.account?.secret;
      if (secret === undefined || challenge === undefined || !this.dialog?.startEncryption) {
        this.finish({ by: 'local', error: userErrors.authMethod(this.serverText(), 'the server wants to encrypt, which needs the password and its challenge') });
        this.sendHangup(Q850.NORMAL_CLEARING);
        return;
      }
      // Spec §7.2, P13: K = MD5(challenge ‖ secret), switched on before the AUTHREP so that it leaves encrypted.
      this.dialog.startEncryption(deriveAesKey(challenge, secret));
    }
    // Sent synchronously: its iseqno acknowledges the AUTHREQ (spec §4.3, §7.3 "don't send a separate ACK").
    this.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREP, payload: encode([reply.ie]) });
  }

  private onAccept(ies: IeReader): void {
    if (this.direction !== 'outgoing' || this.machine.state !== 'dialing') return;
    if ((this.account?.encryption ?? 'off') === 'required' && !this.encrypted) {
      // ACCEPT straight after NEW: a user without a secret on the server, never encrypted (spec §7.1 step 3).
      this.finish({ by: 'local', error: userErrors.encryptionRefused(this.serverText()) });
      this.sendHangup(Q850.NORMAL_CLEARING);
      return;
    }
    const format2 = ies.versionedU64(IeType.FORMAT2);
    const format = ies.u32(IeType.FORMAT);
    const chosen = codecFromAccept({ ...(format2 !== undefined ? { format2 } : {}), ...(format !== undefined ? { format } : {}) }, this.offered);
    if (!chosen.ok) {
      this.finish({ by: 'local', causeCode: Q850.BEARER_CAPABILITY_NOT_AVAILABLE,
        error: { code: 'no-common-codec', message: `The server chose a codec we cannot use: ${chosen.reason}.` } });
      this.sendHangup(Q850.BEARER_CAPABILITY_NOT_AVAILABLE, 'Unable to negotiate codec');
      return;
    }
    // Nothing sent synchronously, so the transport ACKs the ACCEPT at once: the third leg Asterisk waits for
    // before starting the dialplan (spec §5.2 notes, P4, C-2).
    this.negotiated = chosen.codec;
    this.accepted = true;
    this.acceptedAt = this.host.clock.now();
    this.setState('proceeding', 'ACCEPT received');
    this.emit('codec', chosen.codec);
    this.startPings();
  }

  private onControl(subclass: number): void {
    const s = this.machine.state;
    const outgoingPreAnswer = this.direction === 'outgoing' && (s === 'proceeding' || s === 'ringing' || s === 'early-media');
    switch (subclass) {
      case ControlSubclass.RINGING:
        if (outgoingPreAnswer) { this.rang = true; this.setState('ringing', 'CONTROL RINGING'); }
        return;
      case ControlSubclass.PROGRESS:
        if (outgoingPreAnswer) this.setState('early-media', 'CONTROL PROGRESS');
        this.emit('stop-tones', null); // early media follows: stop local ringback (spec §2.3)
        return;
      case ControlSubclass.PROCEEDING:
        return; // informational (spec §2.3)
      case ControlSubclass.ANSWER:
        if (outgoingPreAnswer) {
          this.setState('up', 'CONTROL ANSWER');
          this.emit('stop-tones', null);
          this.dialog?.established?.(); // set-up over: the transport stops pulling with VNAK (spec §4.5)
        }
        return;
      case ControlSubclass.BUSY:
      case ControlSubclass.CONGESTION: {
        // Asterisk sets cause 17 / 34 (spec §2.3). Our side is done: release the leg ourselves.
        const error = (subclass === ControlSubclass.CONGESTION ? this.unbridgedError('congestion', { causeCode: Q850.NORMAL_CIRCUIT_CONGESTION }) : undefined)
          ?? errorForControl(subclass === ControlSubclass.BUSY ? 'busy' : 'congestion');
        this.finish({ by: 'remote', ...(error.causeCode !== undefined ? { causeCode: error.causeCode } : {}), error });
        this.sendHangup(Q850.NORMAL_CLEARING);
        return;
      }
      case ControlSubclass.STOP_INDICATIONS:
        this.emit('stop-tones', null); // 0xFF: MUST stop ringback/busy (spec P18)
        return;
      case ControlSubclass.HOLD: this.emit('remote-hold', true); return;
      case ControlSubclass.UNHOLD: this.emit('remote-hold', false); return;
      case ControlSubclass.HANGUP:
        // Rare CONTROL HANGUP (spec §2.3): treat as a hangup, and release the IAX leg properly.
        this.finish({ by: 'remote' });
        this.sendHangup(Q850.NORMAL_CLEARING);
        return;
      default:
        return; // RING, OFFHOOK, FLASH, WINK, OPTION, RADIO_*, VIDUPDATE, CONNECTED_LINE …: ignored after the ACK (C-5)
    }
  }

  private onDtmf(subclass: number, phase: 'begin' | 'end'): void {
    const digit = digitOfSubclass(subclass);
    // Both BEGIN+END and a legacy single END are accepted (spec §2.4, C-6); a lone END is a complete digit.
    if (digit) this.emit('dtmf', { digit, phase });
  }

  private onText(payload: Uint8Array): void {
    // UTF-8; Asterisk sends a trailing NUL (spec §2.1 TEXT).
    const nul = payload.indexOf(0);
    this.emit('text', utf8Decoder.decode(nul >= 0 ? payload.subarray(0, nul) : payload));
  }

  private onVoice(v: ReceivedVoice): void {
    if (this.machine.ended) return;
    const codec = codecOfVoiceBit(v.formatBit);
    if (!codec) {
      if (!this.unknownVoiceWarned) {
        this.unknownVoiceWarned = true;
        this.host.warn(`Call ${this.id}: the far end sends voice in format bit ${v.formatBit}, which we cannot decode.`);
      }
      return;
    }
    this.heardVoice = true;
    const duration = payloadDurationMs(codec, v.payload.length);
    // Supermini trunk entries come stamped with our arrival clock (spec §1.5); make that a media clock.
    const timestamp = v.arrivalTimestamp ? this.arrivalTs.stamp(v.timestamp, duration) : v.timestamp;
    if (!v.arrivalTimestamp && this.dialog) this.arrivalTs.noteSenderTimestamp(v.timestamp, this.dialog.elapsed(), duration);
    this.rx.record(this.host.clock.now(), timestamp, duration);
    const s = this.machine.state;
    if (this.direction === 'outgoing' && (s === 'proceeding' || s === 'ringing')) this.setState('early-media', 'voice before ANSWER');
    // The payload is a view into the datagram, which is never reused (ports.ts UdpSocketPort): no copy needed.
    this.emit('voice', { codec, timestamp, payload: v.payload });
  }

  private onRemoteHangup(ies: IeReader): void {
    const cause = ies.string(IeType.CAUSE);
    const causeCode = ies.u8(IeType.CAUSECODE);
    const rc = { ...(cause !== undefined ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}) };
    let error: UserFacingError | undefined = errorForCause(rc);
    if (!error && this.direction === 'incoming' && this.machine.state === 'ringing') {
      error = { code: 'cancelled', message: 'The caller hung up before the call was answered.', ...rc };
    }
    if (!error && this.direction === 'outgoing' && this.isBeforeAnswer()) error = this.unbridgedError('hangup', rc) ?? this.unansweredHangupError(rc);
    this.finish({ by: 'remote', ...rc, ...(error ? { error } : {}) });
    this.dialog?.close('remote'); // the transport still ACKs the HANGUP after we return (spec §4.8, C-7)
  }

  /**
   * An outgoing call that the far end hangs up before ANSWER with a normal or undefined cause (16, 0 or none). Asterisk
   * does this when Dial() times out (DIALSTATUS=NOANSWER: the caller's leg gets CAUSECODE 0) or when the dialplan ends
   * while ringing, so a call that was ringing counts as "not answered"; otherwise the server ended it unannounced.
   */
  private unansweredHangupError(rc: { readonly cause?: string; readonly causeCode?: number }): UserFacingError {
    const said = rc.cause ? ` (server said: "${rc.cause}")` : '';
    return this.rang
      ? { code: 'no-answer', message: `The call rang but was not answered${said}.`, ...rc }
      : { code: 'rejected', message: `The server ended the call before it was answered${said}.`, ...rc };
  }

  /** Outgoing: the server ended the call at once because it could not bridge the far leg (hangup-causes.ts). */
  private unbridgedError(how: 'hangup' | 'congestion', rc: { readonly cause?: string; readonly causeCode?: number }): UserFacingError | undefined {
    if (this.direction !== 'outgoing' || this.acceptedAt === undefined) return undefined;
    return errorForUnbridgedCall({
      how, codec: this.negotiated, rang: this.rang, heardVoice: this.heardVoice, msSinceAccept: this.host.clock.now() - this.acceptedAt,
    }, rc);
  }

  private isBeforeAnswer(): boolean {
    const s = this.machine.state;
    return s === 'dialing' || s === 'proceeding' || s === 'ringing' || s === 'early-media';
  }

  private onReject(ies: IeReader, apathetic: boolean): void {
    const cause = ies.string(IeType.CAUSE);
    const causeCode = ies.u8(IeType.CAUSECODE);
    const rc = { ...(cause !== undefined ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}) };
    this.finish({ by: 'remote', ...rc, error: errorForReject({ ...rc, apathetic }) });
    this.dialog?.close('remote');
  }

  /**
   * Spec §7.3, P13: the server's encrypted answers to our AUTHREP do not decrypt, so its key (its secret) differs
   * from ours; Asterisk cannot notice and would leave us waiting ~30 s. Two in a row (its REJECT and the
   * retransmission of it) end the setup with a clear error. After ACCEPT a stray one is just dropped.
   */
  private onUndecryptable(count: number): void {
    if (this.accepted || this.machine.ended || count < 2) return;
    this.finish({ by: 'local', error: userErrors.encryptionMismatch(this.serverText()) });
    this.dialog?.close('local');
  }

  private onDialogClosed(reason: DialogCloseReason): void {
    this.stopTimers();
    this.resolveDialogDone();
    if (this.machine.ended) return;
    if (reason === 'inval') {
      this.finish({ by: 'network', error: userErrors.invalidated(this.serverText()) });
    } else if (reason === 'max-retries') {
      const peer = this.dialog?.peer ?? { address: '?', port: 0 };
      const undecryptable = this.dialog?.undecryptable?.() ?? 0;
      this.finish({ by: 'network', error: !this.accepted && this.encrypted && undecryptable > 0
        ? userErrors.encryptionMismatch(this.serverText())
        : this.accepted
        ? { code: 'network', message: `The connection to ${this.serverText()} was lost (nothing acknowledged for about 30 s).` }
        : userErrors.noAnswer(this.serverText(), peer) });
    } else {
      this.finish({ by: reason === 'local' ? 'local' : 'remote' });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // User actions

  answer(): void {
    if (this.direction !== 'incoming' || this.machine.state !== 'ringing') return;
    // Still waiting for the caller's AUTHREP (encrypted incoming call): ANSWER follows our ACCEPT.
    if (this.challenged) this.challenged.answered = true;
    else this.sendControl(ControlSubclass.ANSWER);
    this.setState('up', 'user answered');
  }

  reject(reason: 'busy' | 'declined' = 'declined'): void {
    if (this.direction !== 'incoming' || this.machine.state !== 'ringing') {
      if (!this.machine.ended) this.hangup();
      return;
    }
    // Spec §5.3: REJECT with CAUSECODE 17 (busy) or 21 (call rejected); Asterisk maps 17 → BUSY in app_dial.
    const code = reason === 'busy' ? Q850.USER_BUSY : Q850.CALL_REJECTED;
    const text = reason === 'busy' ? 'Busy' : 'Call rejected';
    this.finish({ by: 'local', causeCode: code, cause: text });
    this.dialog?.sendReliable(
      { frameType: FrameType.IAX, subclass: IaxSubclass.REJECT, payload: causePayload(code, text) }, { final: true });
  }

  hangup(): void {
    if (this.machine.ended) return;
    if (this.direction === 'incoming' && this.machine.state === 'ringing') return this.reject('declined');
    if (!this.dialog) {
      // Still resolving the server name: nothing was sent.
      this.finish({ by: 'local', error: { code: 'cancelled', message: 'Call cancelled.' } });
      return;
    }
    if (this.dialog.remoteCall === 0) {
      // Token or first-NEW phase: the server has no call yet that a HANGUP could address.
      this.finish({ by: 'local', ...(this.accepted ? {} : { error: { code: 'cancelled', message: 'Call cancelled.' } }) });
      this.dialog.close('local');
      return;
    }
    this.finish({ by: 'local', causeCode: Q850.NORMAL_CLEARING,
      ...(this.accepted ? {} : { error: { code: 'cancelled', message: 'Call cancelled.' } }) });
    this.sendHangup(Q850.NORMAL_CLEARING);
  }

  sendDtmf(digits: string): void {
    if (!this.canSendMedia()) return;
    for (const key of digits) {
      const c = dtmfChar(key);
      if (c) this.dtmfQueue.push(c);
      else this.host.warn(`'${key}' is not a DTMF key (0-9, *, #, A-D); skipped.`);
    }
    if (!this.dtmfTimer) this.nextDtmf();
  }

  /** DTMF_BEGIN on "key-down", DTMF (end) DTMF_TONE_MS later, then a pause (spec §2.4, C-6). */
  private nextDtmf(): void {
    this.dtmfTimer = undefined;
    const digit = this.dtmfQueue.shift();
    if (digit === undefined || this.machine.ended || !this.dialog) return;
    const sub = digit.charCodeAt(0);
    this.dialog.sendReliable({ frameType: FrameType.DTMF_BEGIN, subclass: sub });
    this.dtmfTimer = this.host.clock.setTimer(DTMF_TONE_MS, () => {
      if (this.machine.ended || !this.dialog) return;
      this.dialog.sendReliable({ frameType: FrameType.DTMF, subclass: sub });
      this.dtmfTimer = this.host.clock.setTimer(DTMF_GAP_MS, () => this.nextDtmf());
    });
  }

  sendText(text: string): void {
    if (!this.canSendMedia()) return;
    // UTF-8 plus a trailing NUL, subclass 0 (spec §2.4); keep the datagram well under 1200 bytes (F-6).
    const bytes = utf8.encode(text.replace(/\0/g, ''));
    const body = bytes.length > 1000 ? bytes.subarray(0, 1000) : bytes;
    const payload = new Uint8Array(body.length + 1);
    payload.set(body);
    this.dialog?.sendReliable({ frameType: FrameType.TEXT, subclass: 0, payload });
  }

  /**
   * Hold = QUELCH with MUSICONHOLD; unhold = UNQUELCH (spec §5.7 method (b), as iaxclient does). Chosen over
   * CONTROL HOLD because Asterisk then both stops sending us voice (no bandwidth wasted, nothing to discard
   * locally) and queues HOLD so the bridged party hears music on hold. Only one method is ever used, so the bridge
   * never sees two HOLDs. QUELCH is honoured only once the call is up, which is the only state we allow it in.
   */
  hold(): void {
    if (this.machine.state !== 'up' || !this.dialog) return;
    this.dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.QUELCH,
      payload: new IeWriter().empty(IeType.MUSICONHOLD).finish() });
    this.setState('held', 'local hold');
  }

  unhold(): void {
    if (this.machine.state !== 'held' || !this.dialog) return;
    this.dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.UNQUELCH });
    this.setState('up', 'local unhold');
  }

  /** Blind transfer (spec §5.7): TRANSFER(CALLED_NUMBER); success shows up as the server hanging up our leg. */
  transfer(target: string): void {
    const s = this.machine.state;
    if ((s !== 'up' && s !== 'held') || !this.dialog || target.trim() === '') return;
    this.dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.TRANSFER,
      payload: new IeWriter().bytes(IeType.CALLED_NUMBER, ieText(target.trim())).finish() });
    this.transferTimer?.();
    this.transferTimer = this.host.clock.setTimer(TRANSFER_NOTICE_MS, () => {
      this.transferTimer = undefined;
      if (this.machine.ended) return;
      this.emit('notice', { kind: 'transfer-may-have-failed', target: target.trim(),
        message: `Transfer to ${target.trim()} may have failed: the server did not release the call within ${TRANSFER_NOTICE_MS / 1000} s.` });
    });
  }

  setReceptionReportSource(source: (() => ReceptionReport) | undefined): void { this.reportSource = source; }

  sendVoice(payload: Uint8Array, durationMs: number): void {
    if (this.machine.state === 'held' || !this.canSendMedia() || !this.negotiated || !this.dialog) return;
    // The Dialog sends the first frame (and any after a format change) as a full frame, minis otherwise (spec §4.6, T-2).
    this.dialog.sendVoice(bitIndexOfCodec(this.negotiated), payload, durationMs);
    this.framesSent++;
  }

  stats(): CallStats {
    const d = this.dialog?.stats();
    const rx = this.rx.snapshot();
    const rtt = this.rttMs ?? d?.rttMs;
    return {
      ...(rtt !== undefined ? { rttMs: rtt } : {}),
      ...(rx.jitterMs !== undefined ? { jitterMs: rx.jitterMs } : {}),
      framesReceived: rx.framesReceived,
      framesSent: this.framesSent,
      framesLost: rx.framesLost,
      lossPercent: rx.lossPercent,
      retransmissions: d?.retransmissions ?? 0,
    };
  }

  private receptionReport(): Uint8Array {
    let media: ReceptionReport = {};
    try { media = this.reportSource?.() ?? {}; } catch { media = {}; }
    return encodeReceptionReport(this.rx.snapshot(), media);
  }

  /** How the call ended, once it has. */
  get endedWith(): CallEndInfo | undefined { return this.endInfo; }

  /** A throwing listener (UI, CLI) must not break the call: log it instead of rethrowing (COMMON: never throw out). */
  protected override onListenerError(err: unknown, event: string): void {
    this.host.logger?.log('error', `call listener for '${event}' threw`, { call: this.id, error: String(err) });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Internals used by the manager

  /** End the call before any dialog exists (DNS failure, bad account, no codec). */
  failBeforeDialog(error: UserFacingError): void {
    this.resolveDialogDone();
    this.finish({ by: 'local', error });
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Non-IAX frames only after ACCEPT (spec §4.6 end); for incoming calls, once answered. */
  private canSendMedia(): boolean {
    if (this.machine.ended || !this.accepted || !this.dialog) return false;
    return this.direction === 'outgoing' || this.machine.state === 'up' || this.machine.state === 'held';
  }

  private serverText(): string {
    return this.account?.server ?? (this.dialog ? `${this.dialog.peer.address}:${this.dialog.peer.port}` : 'the server');
  }

  private sendControl(subclass: number): void {
    this.dialog?.sendReliable({ frameType: FrameType.CONTROL, subclass });
  }

  /** HANGUP with CAUSECODE, retransmitted until ACKed; the dialog then closes itself (spec §4.8, C-7). */
  private sendHangup(code: number, text?: string): void {
    if (!this.dialog || this.dialog.closed || this.dialog.remoteCall === 0) { this.dialog?.close('local'); return; }
    this.dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP, payload: causePayload(code, text) },
      { final: true });
  }

  private setState(to: CallState, why: string): void {
    if (this.machine.transition(to, why)) this.emit('state', to);
  }

  private startPings(): void {
    const tick = () => {
      this.pingTimer = undefined;
      if (this.machine.ended || !this.dialog || this.dialog.closed) return;
      this.dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.PING });
      this.pingTimer = this.host.clock.setTimer(PING_INTERVAL_MS, tick);
    };
    this.pingTimer = this.host.clock.setTimer(FIRST_PING_MS, tick);
  }

  private stopTimers(): void {
    this.pingTimer?.(); this.pingTimer = undefined;
    this.transferTimer?.(); this.transferTimer = undefined;
    this.dtmfTimer?.(); this.dtmfTimer = undefined;
    this.dtmfQueue.length = 0;
  }

  private finish(info: CallEndInfo): void {
    if (this.machine.ended) return;
    this.stopTimers();
    this.endInfo = info;
    if (!this.dialog) this.resolveDialogDone();
    this.machine.transition('ended', info.error?.code ?? info.by);
    this.emit('state', 'ended');
    this.emit('ended', info);
    this.onEndedCb(this);
  }
}

function encode(ies: readonly RawIe[]): Uint8Array {
  const w = new IeWriter();
  for (const ie of ies) w.bytes(ie.type, ie.data);
  return w.finish();
}

/** CAUSE (text, optional) + CAUSECODE (u8): spec §3.3 HANGUP / REJECT. */
function causePayload(code: number, text?: string): Uint8Array {
  const w = new IeWriter();
  if (text) w.string(IeType.CAUSE, text);
  return w.u8(IeType.CAUSECODE, code).finish();
}
