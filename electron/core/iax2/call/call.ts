// One IAX2 call as the user sees it: the CallHandle (engine-api.ts) over one transport Dialog. The call owns its
// dialog, its state (call-state-machine.ts: every transition checked) and its end; its set-up has its own owner
// (outgoing-setup.ts for NEW → ANSWER, spec §5.2; incoming-setup.ts for NEW → ACCEPT → ANSWER, spec §5.3), its
// features theirs (in-call.ts: DTMF, TEXT, hold, transfer, PING; spec §2, §5.7, §8.1), its voice call-voice.ts.
// Every frame goes first to the set-up, then to the features; the ends (HANGUP, REJECT, BUSY, CONGESTION, the
// dialog closing) are the call's own, with the set-up saying what an end during set-up means.
import type { CodecName } from '../../media/codec.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import type {
  AccountConfig, CallDirection, CallEndInfo, CallEvents, CallHandle, CallState, CallStats, ReceptionReport,
} from '../engine-api.js';
import { userErrors } from '../errors.js';
import type { CallHost } from '../transport/call-host.js';
import type { Dialog, DialogCloseReason, ReceivedVoice } from '../transport/dialog.js';
import { IeReader } from '../wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../wire/types.js';
import type { CallLeg, CallSetup } from './call-leg.js';
import { CallStateMachine } from './call-state-machine.js';
import { CallVoice } from './call-voice.js';
import { Q850, errorForCause, errorForControl, errorForReject } from './hangup-causes.js';
import { InCall } from './in-call.js';
import { causePayload, IncomingSetup } from './incoming-setup.js';

export interface CallInit {
  readonly id: string;
  readonly host: CallHost;
  readonly direction: CallDirection;
  readonly number: string;
  readonly remote: CallHandle['remote'];
  readonly accountId?: string;
  readonly account?: AccountConfig;
  /** Incoming: the codec we chose from the caller's NEW (known before our ACCEPT). */
  readonly codec?: CodecName;
  readonly autoAnswerRequested?: boolean;
  readonly onEnded: (call: Call) => void;
}

export class Call extends TypedEmitter<CallEvents> implements CallHandle, CallLeg {
  readonly id: string;
  readonly accountId?: string;
  readonly direction: CallDirection;
  readonly number: string;
  readonly remote: CallHandle['remote'];
  readonly autoAnswerRequested: boolean;
  readonly host: CallHost;
  readonly account: AccountConfig | undefined;

  private readonly machine: CallStateMachine;
  private readonly onEndedCb: (call: Call) => void;
  private readonly voice: CallVoice;
  private readonly inCall: InCall;
  private setup: CallSetup | undefined;
  private current: Dialog | undefined;
  private negotiated: CodecName | undefined;
  private isAccepted = false;
  private endInfo: CallEndInfo | undefined;
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
    this.negotiated = init.codec;
    this.onEndedCb = init.onEnded;
    this.machine = new CallStateMachine({
      direction: init.direction,
      ...(init.host.illegalTransitions ? { onIllegal: init.host.illegalTransitions } : {}),
      log: (m) => this.host.logger?.log('error', m, { call: this.id }),
    });
    this.voice = new CallVoice(() => this.host.clock.now(),
      (bit) => this.host.warn(`Call ${this.id}: the far end sends voice in format bit ${bit}, which we cannot decode.`));
    this.inCall = new InCall(this, this.voice.rx);
    this.dialogDone = new Promise((resolve) => { this.resolveDialogDone = resolve; });
  }

  get state(): CallState { return this.machine.state; }
  get ended(): boolean { return this.machine.ended; }
  get codec(): CodecName | undefined { return this.negotiated; }
  get dialog(): Dialog | undefined { return this.current; }
  get accepted(): boolean { return this.isAccepted; }
  /** Spec §7: the dialog encrypts (from our AUTHREP on). */
  get encrypted(): boolean { return this.current?.encrypted ?? false; }
  /** Resolves once the dialog is gone (our HANGUP acknowledged or given up), for shutdown. */
  get settled(): Promise<void> { return this.dialogDone; }
  /** How the call ended, once it has. */
  get endedWith(): CallEndInfo | undefined { return this.endInfo; }

  // --------------------------------------------------------------------------------------------- set-up (manager)

  /** The set-up phase that owns this call until it is established. */
  setUp(setup: CallSetup): void { this.setup = setup; }

  /** Takes the dialog the set-up opened (outgoing) or was given (incoming). */
  attach(dialog: Dialog): void {
    this.current = dialog;
    dialog.on('frame', (f) => this.guard(() => this.onFrame(f)));
    dialog.on('voice', (v) => this.guard(() => this.onVoice(v)));
    dialog.on('closed', (reason) => this.guard(() => this.onDialogClosed(reason)));
    dialog.on('undecryptable', (n) => this.guard(() => this.onUndecryptable(n)));
  }

  // ------------------------------------------------------------------------------------------------ CallLeg

  serverText(): string {
    return this.account?.server ?? (this.current ? `${this.current.peer.address}:${this.current.peer.port}` : 'the server');
  }

  setState(to: CallState, why: string): void {
    if (this.machine.transition(to, why)) this.emit('state', to);
  }

  accept(codec: CodecName): void {
    this.negotiated = codec;
    this.isAccepted = true;
    this.inCall.started();
  }

  override emit<K extends keyof CallEvents>(event: K, payload: CallEvents[K]): void { super.emit(event, payload); }

  sendControl(subclass: number): void {
    this.current?.sendReliable({ frameType: FrameType.CONTROL, subclass });
  }

  sendHangup(code: number, text?: string): void {
    const d = this.current;
    if (!d || d.closed || d.remoteCall === 0) { d?.close('local'); return; }
    d.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.HANGUP, payload: causePayload(code, text) }, { final: true });
  }

  finish(info: CallEndInfo): void {
    if (this.machine.ended) return;
    this.inCall.stop();
    this.endInfo = info;
    if (!this.current) this.resolveDialogDone();
    this.machine.transition('ended', info.error?.code ?? info.by);
    this.emit('state', 'ended');
    this.emit('ended', info);
    this.onEndedCb(this);
  }

  // ----------------------------------------------------------------------------------------------- receiving

  /** Bad input never throws out of the engine; state-machine bugs do, when the policy says so (they rethrow here). */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof Error && err.name === 'IllegalCallTransitionError') throw err;
      this.host.logger?.log('error', 'call: error while handling a frame', { call: this.id, error: String(err) });
    }
  }

  private onFrame(f: FullFrame): void {
    // After our HANGUP/REJECT (final) nothing more may be sent; the transport still ACKs what arrives.
    if (this.machine.ended) return;
    if (f.frameType === FrameType.IAX) {
      const parsed = IeReader.fromPayload(f.payload);
      const ies = parsed.ok ? parsed.value : new IeReader([]);
      if (!parsed.ok) this.host.logger?.log('warn', `call: undecodable IEs in IAX ${f.subclass}: ${parsed.error}`, { call: this.id });
      if (f.subclass === IaxSubclass.HANGUP) return this.onRemoteHangup(ies);
      if (f.subclass === IaxSubclass.REJECT) return this.onReject(ies, f.sourceCall === 1 && (!parsed.ok || ies.ies.length === 0));
      if (!this.setup?.onIax(f.subclass, ies)) this.inCall.onIax(f, ies);
    } else if (f.frameType === FrameType.CONTROL) {
      if (!this.onControlEnd(f.subclass) && !this.setup?.onControl(f.subclass)) this.inCall.onControl(f.subclass);
    } else {
      this.inCall.onMedia(f);
    }
  }

  private onVoice(v: ReceivedVoice): void {
    if (this.machine.ended) return;
    const frame = this.voice.receive(v, this.current);
    if (!frame) return;
    this.setup?.onVoice();
    this.emit('voice', frame);
  }

  /** CONTROL frames that end the call: BUSY, CONGESTION (Asterisk sets cause 17 / 34: spec §2.3), HANGUP. */
  private onControlEnd(subclass: number): boolean {
    if (subclass === ControlSubclass.BUSY || subclass === ControlSubclass.CONGESTION) {
      const congestion = subclass === ControlSubclass.CONGESTION;
      const error = (congestion ? this.setup?.remoteEndError({ causeCode: Q850.NORMAL_CIRCUIT_CONGESTION }, 'congestion') : undefined)
        ?? errorForControl(congestion ? 'congestion' : 'busy');
      // Our side is done: release the leg ourselves.
      this.finish({ by: 'remote', ...(error.causeCode !== undefined ? { causeCode: error.causeCode } : {}), error });
      this.sendHangup(Q850.NORMAL_CLEARING);
      return true;
    }
    if (subclass === ControlSubclass.HANGUP) {
      // Rare CONTROL HANGUP (spec §2.3): treat as a hangup, and release the IAX leg properly.
      this.finish({ by: 'remote' });
      this.sendHangup(Q850.NORMAL_CLEARING);
      return true;
    }
    return false;
  }

  private onRemoteHangup(ies: IeReader): void {
    const cause = ies.string(IeType.CAUSE);
    const causeCode = ies.u8(IeType.CAUSECODE);
    const rc = { ...(cause !== undefined ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}) };
    const error = errorForCause(rc) ?? this.setup?.remoteEndError(rc, 'hangup');
    this.finish({ by: 'remote', ...rc, ...(error ? { error } : {}) });
    this.current?.close('remote'); // the transport still ACKs the HANGUP after we return (spec §4.8, C-7)
  }

  private onReject(ies: IeReader, apathetic: boolean): void {
    const cause = ies.string(IeType.CAUSE);
    const causeCode = ies.u8(IeType.CAUSECODE);
    const rc = { ...(cause !== undefined ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}) };
    this.finish({ by: 'remote', ...rc, error: errorForReject({ ...rc, apathetic }) });
    this.current?.close('remote');
  }

  /**
   * Spec §7.3, P13: the far end's encrypted frames do not decrypt before the call is accepted, so its key (its
   * secret) differs from ours; Asterisk cannot notice and would leave us waiting ~30 s. Two in a row (its REJECT and
   * the retransmission of it) end the set-up with a clear error. After ACCEPT a stray one is just dropped.
   */
  private onUndecryptable(count: number): void {
    if (this.isAccepted || this.machine.ended || count < 2) return;
    this.finish({ by: 'local', error: userErrors.encryptionMismatch(this.serverText()) });
    this.current?.close('local');
  }

  private onDialogClosed(reason: DialogCloseReason): void {
    this.inCall.stop();
    this.resolveDialogDone();
    if (this.machine.ended) return;
    if (reason === 'inval') {
      this.finish({ by: 'network', error: userErrors.invalidated(this.serverText()) });
    } else if (reason === 'max-retries') {
      const peer = this.current?.peer ?? { address: '?', port: 0 };
      const undecryptable = this.current?.undecryptable?.() ?? 0;
      this.finish({ by: 'network', error: !this.isAccepted && this.encrypted && undecryptable > 0
        ? userErrors.encryptionMismatch(this.serverText())
        : this.isAccepted
        ? { code: 'network', message: `The connection to ${this.serverText()} was lost (nothing acknowledged for about 30 s).` }
        : userErrors.noAnswer(this.serverText(), peer) });
    } else {
      this.finish({ by: reason === 'local' ? 'local' : 'remote' });
    }
  }

  // -------------------------------------------------------------------------------------------- user actions

  answer(): void {
    if (this.setup instanceof IncomingSetup) this.setup.answer();
  }

  reject(reason: 'busy' | 'declined' = 'declined'): void {
    if (this.setup instanceof IncomingSetup && this.machine.state === 'ringing') { this.setup.reject(reason); return; }
    if (!this.machine.ended) this.hangup();
  }

  hangup(): void {
    if (this.machine.ended) return;
    if (this.direction === 'incoming' && this.machine.state === 'ringing') return this.reject('declined');
    const cancelled = this.isAccepted ? {} : { error: { code: 'cancelled' as const, message: 'Call cancelled.' } };
    // Still resolving the server name: nothing was sent.
    if (!this.current) return this.finish({ by: 'local', ...cancelled });
    if (this.current.remoteCall === 0) {
      // Token or first-NEW phase: the server has no call yet that a HANGUP could address.
      this.finish({ by: 'local', ...cancelled });
      this.current.close('local');
      return;
    }
    this.finish({ by: 'local', causeCode: Q850.NORMAL_CLEARING, ...cancelled });
    this.sendHangup(Q850.NORMAL_CLEARING);
  }

  sendDtmf(digits: string): void { if (this.canSendMedia()) this.inCall.sendDtmf(digits); }
  sendText(text: string): void { if (this.canSendMedia()) this.inCall.sendText(text); }
  hold(): void { this.inCall.hold(); }
  unhold(): void { this.inCall.unhold(); }
  transfer(target: string): void { this.inCall.transfer(target); }
  setReceptionReportSource(source: (() => ReceptionReport) | undefined): void { this.inCall.setReportSource(source); }

  sendVoice(payload: Uint8Array, durationMs: number): void {
    if (this.machine.state === 'held' || !this.canSendMedia() || !this.negotiated || !this.current) return;
    this.voice.send(this.current, this.negotiated, payload, durationMs);
  }

  stats(): CallStats { return this.voice.stats(this.current, this.inCall.rttMs); }

  /** A throwing listener (UI, CLI) must not break the call: log it instead of rethrowing (COMMON: never throw out). */
  protected override onListenerError(err: unknown, event: string): void {
    this.host.logger?.log('error', `call listener for '${event}' threw`, { call: this.id, error: String(err) });
  }

  /** Non-IAX frames only after ACCEPT (spec §4.6 end); for incoming calls, once answered. */
  private canSendMedia(): boolean {
    if (this.machine.ended || !this.isAccepted || !this.current) return false;
    return this.direction === 'outgoing' || this.machine.state === 'up' || this.machine.state === 'held';
  }
}
