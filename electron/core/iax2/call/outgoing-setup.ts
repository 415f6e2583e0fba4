// The set-up of a call we place, from NEW until the far end answers (spec §5.2, RFC 5456 §6.2): the server's
// name resolved, a dialog opened, NEW sent (the dialog adds the call token, spec §3.4), AUTHREQ answered (MD5 or
// plaintext, and AES-128 switched on when the server agrees: spec §5.1, §7.1), ACCEPT checked (the codec, and that a
// required encryption happened), then RINGING / PROGRESS / early media / ANSWER. It also says what an end during
// set-up means (the server's congestion or hangup right after ACCEPT: a far leg it could not bridge).
import type { CodecName } from '../../media/codec.js';
import { answerChallenge } from '../auth.js';
import { buildOffer, codecFromAccept } from '../codec-negotiation.js';
import { ENCRYPT_AES128, deriveAesKey } from '../crypto/aes-frame.js';
import type { AccountConfig, DialOptions, UserFacingError } from '../engine-api.js';
import { userErrors } from '../errors.js';
import type { Dialog } from '../transport/dialog.js';
import { IeWriter, type IeReader } from '../wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../wire/types.js';
import type { CallLeg, CallSetup } from './call-leg.js';
import { Q850, errorForUnbridgedCall, type RemoteCause } from './hangup-causes.js';
import { buildOutgoingNewIes } from './new-ies.js';

export class OutgoingSetup implements CallSetup {
  /** The far end signalled RINGING at some point (decides "not answered" vs "refused" when it hangs up). */
  private rang = false;
  /** Clock time of the server's ACCEPT; and whether any voice came from the far end. */
  private acceptedAt: number | undefined;
  private heardVoice = false;

  /** `offered`: the codecs in NEW, best first (ACCEPT must name one of them). */
  constructor(private readonly leg: CallLeg, private readonly offered: readonly CodecName[],
    private readonly attach: (dialog: Dialog) => void) {}

  /**
   * Resolves the server, opens the dialog and sends NEW. Failures before a dialog exists end the call with the
   * reason (no account, no codec, no number, DNS); a hangup while resolving is simply honoured.
   */
  async start(options: DialOptions, account: AccountConfig | undefined): Promise<void> {
    const fail = (error: UserFacingError): void => this.leg.finish({ by: 'local', error });
    if (!account) return fail({ code: 'internal', message: `No account${options.accountId ? ` '${options.accountId}'` : ''} to place the call with.` });
    if (this.offered.length === 0) {
      return fail({ code: 'no-common-codec',
        message: `None of the requested codecs (${(options.codecs ?? []).join(', ')}) is enabled on account ${account.id}.` });
    }
    if (options.number.trim() === '') return fail({ code: 'invalid-number', message: 'No number to call.' });
    const resolved = await this.leg.host.resolveServer(account.server);
    if (this.leg.ended) return; // hung up while resolving
    if (!resolved.ok) return fail(resolved.error);
    const [first, ...others] = resolved.endpoints;
    if (!first) return fail({ code: 'dns', message: `${account.server} has no address.` });
    const dialog = this.leg.host.openDialog(first, { alternateAddresses: others.map((e) => e.address) });
    this.attach(dialog);
    dialog.sendOpening(IaxSubclass.NEW, buildOutgoingNewIes({
      calledNumber: options.number,
      offer: buildOffer(this.offered),
      ...(account.callerIdNumber ? { callingNumber: account.callerIdNumber } : {}),
      ...(account.callerIdName ? { callingName: account.callerIdName } : {}),
      username: account.username,
      // Spec §7.1, P14: AES-128 without the key-rotate bit.
      ...((account.encryption ?? 'off') !== 'off' ? { encryption: ENCRYPT_AES128 } : {}),
    }));
  }

  onIax(subclass: number, ies: IeReader): boolean {
    if (this.leg.state !== 'dialing') return false;
    if (subclass === IaxSubclass.AUTHREQ) { this.onAuthReq(ies); return true; }
    if (subclass === IaxSubclass.ACCEPT) { this.onAccept(ies); return true; }
    return false;
  }

  onControl(subclass: number): boolean {
    const s = this.leg.state;
    const preAnswer = s === 'proceeding' || s === 'ringing' || s === 'early-media';
    if (!preAnswer && s !== 'dialing') return false;
    switch (subclass) {
      case ControlSubclass.RINGING:
        if (preAnswer) { this.rang = true; this.leg.setState('ringing', 'CONTROL RINGING'); }
        return true;
      case ControlSubclass.PROGRESS:
        if (preAnswer) this.leg.setState('early-media', 'CONTROL PROGRESS');
        this.leg.emit('stop-tones', null); // early media follows: stop local ringback (spec §2.3)
        return true;
      case ControlSubclass.PROCEEDING:
        return true; // informational (spec §2.3)
      case ControlSubclass.ANSWER:
        if (preAnswer) {
          this.leg.setState('up', 'CONTROL ANSWER');
          this.leg.emit('stop-tones', null);
          this.leg.dialog?.established?.(); // set-up over: the transport stops pulling with VNAK (spec §4.5)
        }
        return true;
      default:
        return false;
    }
  }

  onVoice(): void {
    this.heardVoice = true;
    const s = this.leg.state;
    if (s === 'proceeding' || s === 'ringing') this.leg.setState('early-media', 'voice before ANSWER');
  }

  remoteEndError(rc: RemoteCause, how: 'hangup' | 'congestion'): UserFacingError | undefined {
    const s = this.leg.state;
    const beforeAnswer = s === 'dialing' || s === 'proceeding' || s === 'ringing' || s === 'early-media';
    if (how === 'congestion') return this.unbridgedError(how, rc);
    if (!beforeAnswer) return undefined;
    return this.unbridgedError(how, rc) ?? this.unansweredError(rc);
  }

  /**
   * The far end hangs up before ANSWER with a normal or undefined cause (16, 0 or none). Asterisk does this when
   * Dial() times out (DIALSTATUS=NOANSWER: the caller's leg gets CAUSECODE 0) or when the dialplan ends while
   * ringing, so a call that was ringing counts as "not answered"; otherwise the server ended it unannounced.
   */
  private unansweredError(rc: RemoteCause): UserFacingError {
    const said = rc.cause ? ` (server said: "${rc.cause}")` : '';
    return this.rang
      ? { code: 'no-answer', message: `The call rang but was not answered${said}.`, ...rc }
      : { code: 'rejected', message: `The server ended the call before it was answered${said}.`, ...rc };
  }

  /** The server ended the call at once because it could not bridge the far leg (hangup-causes.ts). */
  private unbridgedError(how: 'hangup' | 'congestion', rc: RemoteCause): UserFacingError | undefined {
    if (this.acceptedAt === undefined) return undefined;
    return errorForUnbridgedCall({
      how, codec: this.leg.codec, rang: this.rang, heardVoice: this.heardVoice, msSinceAccept: this.leg.host.clock.now() - this.acceptedAt,
    }, rc);
  }

  private abandon(error: UserFacingError, code: number = Q850.NORMAL_CLEARING, text?: string): void {
    this.leg.finish({ by: 'local', ...(code !== Q850.NORMAL_CLEARING ? { causeCode: code } : {}), error });
    this.leg.sendHangup(code, text);
  }

  private onAuthReq(ies: IeReader): void {
    const account = this.leg.account;
    const server = this.leg.serverText();
    // MD5 when offered; PASSWORD only if the account allows plaintext and MD5 is not offered (spec §5.1, A-1).
    const reply = answerChallenge(ies.u16(IeType.AUTHMETHODS) ?? 0, ies.bytes(IeType.CHALLENGE), account?.secret, account?.auth);
    // We cannot authenticate: abandon the call (spec §5.1 "Otherwise … hang up or abandon").
    if (!reply.ok) return this.abandon(userErrors.authMethod(server, reply.reason));
    // Spec §7.1 step 3: ENCRYPTION in AUTHREQ means the server encrypts from now on (it only echoes what we offered).
    const agreed = ((ies.u16(IeType.ENCRYPTION) ?? 0) & ENCRYPT_AES128) !== 0;
    const challenge = ies.bytes(IeType.CHALLENGE);
    if (!agreed && (account?.encryption ?? 'off') === 'required') return this.abandon(userErrors.encryptionRefused(server));
    const dialog = this.leg.dialog;
    if (agreed) {
      const secret = account?.secret;
      if (secret === undefined || challenge === undefined || !dialog?.startEncryption) {
        return this.abandon(userErrors.authMethod(server, 'the server wants to encrypt, which needs the password and its challenge'));
      }
      // Spec §7.2, P13: K = MD5(challenge ‖ secret), switched on before the AUTHREP so that it leaves encrypted.
      dialog.startEncryption(deriveAesKey(challenge, secret));
    }
    // Sent synchronously: its iseqno acknowledges the AUTHREQ (spec §4.3, §7.3 "don't send a separate ACK").
    dialog?.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREP, payload: new IeWriter().bytes(reply.ie.type, reply.ie.data).finish() });
  }

  private onAccept(ies: IeReader): void {
    if ((this.leg.account?.encryption ?? 'off') === 'required' && !(this.leg.dialog?.encrypted ?? false)) {
      // ACCEPT straight after NEW: a user without a secret on the server, never encrypted (spec §7.1 step 3).
      return this.abandon(userErrors.encryptionRefused(this.leg.serverText()));
    }
    const format2 = ies.versionedU64(IeType.FORMAT2);
    const format = ies.u32(IeType.FORMAT);
    const chosen = codecFromAccept({ ...(format2 !== undefined ? { format2 } : {}), ...(format !== undefined ? { format } : {}) }, this.offered);
    if (!chosen.ok) {
      return this.abandon({ code: 'no-common-codec', message: `The server chose a codec we cannot use: ${chosen.reason}.` },
        Q850.BEARER_CAPABILITY_NOT_AVAILABLE, 'Unable to negotiate codec');
    }
    // Nothing sent synchronously, so the transport ACKs the ACCEPT at once: the third leg Asterisk waits for
    // before starting the dialplan (spec §5.2 notes, P4, C-2).
    this.acceptedAt = this.leg.host.clock.now();
    this.leg.accept(chosen.codec);
    this.leg.setState('proceeding', 'ACCEPT received');
    this.leg.emit('codec', chosen.codec);
  }
}
