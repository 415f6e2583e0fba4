// The set-up of a call made to us, from the caller's NEW until the user answers or refuses it (spec §5.3, RFC 5456
// §6.2.1). The NEW is judged before the user hears anything: undecodable, a version we do not speak, no codec in
// common, or clear when the account requires encryption → REJECT, and no call for the user. Otherwise ACCEPT with
// one codec (spec §6.5, C-3) and RINGING, or, when the account wants AES-128 and the caller offers it, first an
// AUTHREQ challenge: the caller's AUTHREP (encrypted under MD5(challenge ‖ secret)) must prove the secret before
// ACCEPT and RINGING follow (spec §7.1, §5.3 "MAY challenge"). ACCEPT and RINGING are sent here and nowhere else.
// The user's answer is ANSWER (after our ACCEPT, if that still waits for the AUTHREP); a refusal is REJECT 17/21.
import type { CodecName } from '../../media/codec.js';
import { md5Response } from '../auth.js';
import { acceptFormats, chooseIncomingCodec } from '../codec-negotiation.js';
import { ENCRYPT_AES128, deriveAesKey } from '../crypto/aes-frame.js';
import type { AccountConfig, UserFacingError } from '../engine-api.js';
import type { CallHost } from '../transport/call-host.js';
import type { Dialog } from '../transport/dialog.js';
import { IeReader, IeWriter } from '../wire/ies.js';
import { AuthMethod, ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../wire/types.js';
import type { CallLeg, CallSetup } from './call-leg.js';
import { Q850, type RemoteCause } from './hangup-causes.js';
import { parseIncomingNew, type IncomingNewInfo } from './new-ies.js';

/** A NEW we will take: who calls, the codec we chose, and the challenge when we encrypt. */
export interface IncomingOffer {
  readonly info: IncomingNewInfo;
  /** The codecs we could take (ours), for the call's record. */
  readonly ours: readonly CodecName[];
  readonly codec: CodecName;
  /** Set when the caller must answer our AES-128 challenge before ACCEPT. */
  readonly challenge?: { readonly bytes: Uint8Array; readonly secret: string };
}

/**
 * Judges a NEW (spec §5.3): the offer to ring the user with, or undefined after a REJECT (with a warning for the
 * user where it helps). `ours`: the codecs we may take, best first.
 */
export function judgeIncomingNew(host: CallHost, dialog: Dialog, newFrame: FullFrame, account: AccountConfig | undefined,
  ours: readonly CodecName[]): IncomingOffer | undefined {
  const parsed = IeReader.fromPayload(newFrame.payload);
  if (!parsed.ok) {
    host.warn(`Incoming call from ${dialog.peer.address}:${dialog.peer.port} refused: undecodable NEW (${parsed.error}).`);
    rejectWith(dialog, 'Undecodable NEW', 111 /* protocol error, unspecified */);
    return undefined;
  }
  const info = parseIncomingNew(parsed.value.ies);
  if (info.version !== undefined && info.version > 2) {
    rejectWith(dialog, `Unsupported IAX version ${info.version}`, 111);
    return undefined;
  }
  const choice = chooseIncomingCodec(info.codecs, ours);
  if (!choice.ok) {
    // Spec §5.3: no overlap → REJECT "Unable to negotiate codec" 58, and no handle for the user.
    host.warn(`Incoming call from ${info.callingNumber ?? 'unknown'} refused: no common codec.`);
    rejectWith(dialog, choice.cause, choice.causeCode);
    return undefined;
  }
  // Spec §7.1 for incoming calls: Asterisk's NEW carries ENCRYPTION when our peer entry has encryption=yes.
  const mode = account?.encryption ?? 'off';
  const offersAes = ((parsed.value.u16(IeType.ENCRYPTION) ?? 0) & ENCRYPT_AES128) !== 0;
  const secret = account?.secret;
  const encrypt = mode !== 'off' && offersAes && secret !== undefined && dialog.startEncryption !== undefined;
  if (mode === 'required' && !encrypt) {
    host.warn(`Incoming call from ${info.callingNumber ?? 'unknown'} refused: it is not encrypted and this account requires encryption.`);
    rejectWith(dialog, 'Encryption required', 58 /* bearer capability not available */);
    return undefined;
  }
  return {
    info, ours, codec: choice.codec,
    ...(encrypt && secret !== undefined
      ? { challenge: { bytes: new TextEncoder().encode(String(host.random.int(100_000_000, 999_999_999))), secret } } : {}),
  };
}

export class IncomingSetup implements CallSetup {
  /** Waiting for the caller's AUTHREP (an encrypted call): what it must prove, and whether the user answered meanwhile. */
  private challenged: { readonly expectedMd5: string; answered: boolean } | undefined;
  private readonly acceptPayload: Uint8Array;

  constructor(private readonly leg: CallLeg, private readonly offer: IncomingOffer) {
    const f = acceptFormats(offer.codec);
    // ACCEPT carries exactly one codec in FORMAT and FORMAT2 (spec §6.5, C-3).
    this.acceptPayload = new IeWriter().u32(IeType.FORMAT, f.format32).versionedU64(IeType.FORMAT2, f.format64).finish();
  }

  /** On the new dialog: ACCEPT and RINGING, or the AES-128 challenge first. */
  start(dialog: Dialog): void {
    const challenge = this.offer.challenge;
    if (!challenge) {
      // ACCEPT first (its iseqno ACKs the NEW), then RINGING so the caller hears ringback (spec §5.3).
      this.acceptAndRing();
      return;
    }
    const w = new IeWriter().u16(IeType.AUTHMETHODS, AuthMethod.MD5).bytes(IeType.CHALLENGE, challenge.bytes)
      .u16(IeType.ENCRYPTION, ENCRYPT_AES128);
    if (this.leg.account?.username) w.string(IeType.USERNAME, this.leg.account.username);
    // The AUTHREQ (and its retransmissions) go in clear; from now on everything else is encrypted (spec §7.3).
    dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREQ, payload: w.finish() });
    dialog.startEncryption?.(deriveAesKey(challenge.bytes, challenge.secret));
    this.challenged = { expectedMd5: md5Response(challenge.bytes, challenge.secret), answered: false };
  }

  onIax(subclass: number, ies: IeReader): boolean {
    if (subclass !== IaxSubclass.AUTHREP) return false;
    const pending = this.challenged;
    if (!pending || this.leg.accepted) return true;
    this.challenged = undefined;
    if (ies.string(IeType.MD5_RESULT)?.toLowerCase() !== pending.expectedMd5) {
      // The caller does not hold our secret (or derived another key): refuse as Asterisk does (spec §5.5).
      this.leg.host.warn('Incoming encrypted call refused: the caller\'s answer to our challenge was wrong (different password).');
      this.leg.finish({ by: 'local', causeCode: Q850.NO_AUTHORITY, cause: 'No authority found',
        error: { code: 'auth-failed', message: 'The caller did not prove the account password; the encrypted call was refused.' } });
      this.leg.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.REJECT,
        payload: causePayload(Q850.NO_AUTHORITY, 'No authority found') }, { final: true });
      return true;
    }
    this.acceptAndRing();
    if (pending.answered) this.leg.sendControl(ControlSubclass.ANSWER);
    return true;
  }

  onControl(): boolean { return false; }
  onVoice(): void { /* the caller's voice before our answer is just played */ }

  remoteEndError(rc: RemoteCause, how: 'hangup' | 'congestion'): UserFacingError | undefined {
    if (how !== 'hangup' || this.leg.state !== 'ringing') return undefined;
    return { code: 'cancelled', message: 'The caller hung up before the call was answered.', ...rc };
  }

  /** The user answers: ANSWER now, or right after our ACCEPT if the caller's AUTHREP is still awaited. */
  answer(): void {
    if (this.leg.state !== 'ringing') return;
    if (this.challenged) this.challenged.answered = true;
    else this.leg.sendControl(ControlSubclass.ANSWER);
    this.leg.setState('up', 'user answered');
  }

  /** The user refuses a ringing call: REJECT with CAUSECODE 17 (busy) or 21 (call rejected); Asterisk maps 17 → BUSY. */
  reject(reason: 'busy' | 'declined'): void {
    const code = reason === 'busy' ? Q850.USER_BUSY : Q850.CALL_REJECTED;
    const text = reason === 'busy' ? 'Busy' : 'Call rejected';
    this.leg.finish({ by: 'local', causeCode: code, cause: text });
    this.leg.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.REJECT, payload: causePayload(code, text) }, { final: true });
  }

  private acceptAndRing(): void {
    this.leg.dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.ACCEPT, payload: this.acceptPayload });
    this.leg.dialog?.sendReliable({ frameType: FrameType.CONTROL, subclass: ControlSubclass.RINGING });
    this.leg.accept(this.offer.codec);
  }
}

/** CAUSE (text, optional) + CAUSECODE (u8): spec §3.3 HANGUP / REJECT. */
export function causePayload(code: number, text?: string): Uint8Array {
  const w = new IeWriter();
  if (text) w.string(IeType.CAUSE, text);
  return w.u8(IeType.CAUSECODE, code).finish();
}

function rejectWith(dialog: Dialog, cause: string, code: number): void {
  dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.REJECT, payload: causePayload(code, cause) }, { final: true });
}
