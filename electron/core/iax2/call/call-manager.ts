// The CallManager the engine drives (transport/call-host.ts): places outgoing calls, takes incoming NEWs, keeps
// the list of live calls, and hangs them all up at shutdown.
import type { CodecName } from '../../media/codec.js';
import type { AccountConfig, CallHandle, DialOptions } from '../engine-api.js';
import { acceptFormats, buildOffer, chooseIncomingCodec } from '../codec-negotiation.js';
import type { CallHost, CallManager, CallManagerFactory } from '../transport/call-host.js';
import type { Dialog } from '../transport/dialog.js';
import { IeReader, IeWriter } from '../wire/ies.js';
import { AuthMethod, ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../wire/types.js';
import { Call } from './call.js';
import { md5Response } from '../auth.js';
import { ENCRYPT_AES128, deriveAesKey } from '../crypto/aes-frame.js';
import { buildOutgoingNewIes, parseIncomingNew } from './new-ies.js';

/** The account's codecs, or the engine default (engine-api.ts AccountConfig.codecs). */
export const DEFAULT_CODECS: readonly CodecName[] = ['ulaw', 'alaw'];

/** How long shutdown waits for HANGUP acknowledgements (call-host.ts: "at most ~3 s"). */
const HANGUP_ALL_WAIT_MS = 3000;

/**
 * The codecs a call may use: the dial options' list, restricted to what the account lists (the engine only offers
 * codecs the account lists), in the options' order; without options, the account's list.
 */
export function codecsForCall(account: AccountConfig | undefined, requested: readonly CodecName[] | undefined): CodecName[] {
  const accountCodecs = account?.codecs && account.codecs.length > 0 ? account.codecs : DEFAULT_CODECS;
  if (!requested || requested.length === 0) return [...new Set(accountCodecs)];
  return [...new Set(requested.filter((c) => accountCodecs.includes(c)))];
}

class DefaultCallManager implements CallManager {
  private readonly live = new Map<string, Call>();
  /**
   * Calls that have ended but whose last frame (our HANGUP/REJECT) is not acknowledged yet. Shutdown waits for them
   * too: `redial call` hangs up on Ctrl-C and then shuts down, and closing the socket at once dropped the HANGUP, so
   * Asterisk kept the channel up (seen with 612 = Answer + Wait(30)) until its own timers expired.
   */
  private readonly settling = new Set<Call>();
  private counter = 0;

  constructor(private readonly host: CallHost) {}

  dial(options: DialOptions, account: AccountConfig | undefined): CallHandle {
    const codecs = codecsForCall(account, options.codecs);
    const call = new Call({
      id: this.nextId('out'),
      host: this.host,
      direction: 'outgoing',
      number: options.number,
      remote: { number: options.number },
      ...(account ? { accountId: account.id, account } : {}),
      offered: codecs,
      onEnded: (c) => this.onCallEnded(c),
    });
    this.live.set(call.id, call);
    // Failures are reported through the handle's 'ended' event: defer so the caller can attach listeners first.
    queueMicrotask(() => { void this.placeOutgoing(call, options, account, codecs); });
    return call;
  }

  private async placeOutgoing(call: Call, options: DialOptions, account: AccountConfig | undefined, codecs: CodecName[]): Promise<void> {
    if (!account) {
      call.failBeforeDialog({ code: 'internal', message: `No account${options.accountId ? ` '${options.accountId}'` : ''} to place the call with.` });
      return;
    }
    if (codecs.length === 0) {
      call.failBeforeDialog({ code: 'no-common-codec',
        message: `None of the requested codecs (${(options.codecs ?? []).join(', ')}) is enabled on account ${account.id}.` });
      return;
    }
    if (options.number.trim() === '') {
      call.failBeforeDialog({ code: 'invalid-number', message: 'No number to call.' });
      return;
    }
    const resolved = await this.host.resolveServer(account.server);
    if (call.state === 'ended') return; // hung up while resolving
    if (!resolved.ok) { call.failBeforeDialog(resolved.error); return; }
    const [first, ...others] = resolved.endpoints;
    if (!first) { call.failBeforeDialog({ code: 'dns', message: `${account.server} has no address.` }); return; }
    const dialog = this.host.openDialog(first, { alternateAddresses: others.map((e) => e.address) });
    const ies = buildOutgoingNewIes({
      calledNumber: options.number,
      offer: buildOffer(codecs),
      ...(account.callerIdNumber ? { callingNumber: account.callerIdNumber } : {}),
      ...(account.callerIdName ? { callingName: account.callerIdName } : {}),
      username: account.username,
      // Spec §7.1, P14: AES-128 without the key-rotate bit.
      ...((account.encryption ?? 'off') !== 'off' ? { encryption: ENCRYPT_AES128 } : {}),
    });
    call.startOutgoing(dialog, ies);
  }

  incoming(dialog: Dialog, newFrame: FullFrame, account: AccountConfig | undefined, codecs?: readonly CodecName[]): CallHandle | undefined {
    const parsed = IeReader.fromPayload(newFrame.payload);
    if (!parsed.ok) {
      this.host.warn(`Incoming call from ${dialog.peer.address}:${dialog.peer.port} refused: undecodable NEW (${parsed.error}).`);
      rejectWith(dialog, 'Undecodable NEW', 111 /* protocol error, unspecified */);
      return undefined;
    }
    const info = parseIncomingNew(parsed.value.ies);
    if (info.version !== undefined && info.version > 2) {
      rejectWith(dialog, `Unsupported IAX version ${info.version}`, 111);
      return undefined;
    }
    const ours = account || !codecs || codecs.length === 0 ? codecsForCall(account, undefined) : [...codecs];
    const choice = chooseIncomingCodec(info.codecs, ours);
    if (!choice.ok) {
      // Spec §5.3: no overlap → REJECT "Unable to negotiate codec" 58, and no handle for the user.
      this.host.warn(`Incoming call from ${info.callingNumber ?? 'unknown'} refused: no common codec.`);
      rejectWith(dialog, choice.cause, choice.causeCode);
      return undefined;
    }
    // Spec §7.1 for incoming calls: Asterisk's NEW carries ENCRYPTION when our peer entry has encryption=yes. If the
    // account wants encryption we challenge the caller (AUTHREQ with ENCRYPTION, spec §5.3 "MAY challenge"); its
    // AUTHREP, encrypted under MD5(challenge ‖ secret), proves the secret and starts encryption both ways.
    const mode = account?.encryption ?? 'off';
    const offersAes = ((parsed.value.u16(IeType.ENCRYPTION) ?? 0) & ENCRYPT_AES128) !== 0;
    const secret = account?.secret;
    const encrypt = mode !== 'off' && offersAes && secret !== undefined && dialog.startEncryption !== undefined;
    if (mode === 'required' && !encrypt) {
      this.host.warn(`Incoming call from ${info.callingNumber ?? 'unknown'} refused: it is not encrypted and this account requires encryption.`);
      rejectWith(dialog, 'Encryption required', 58 /* bearer capability not available */);
      return undefined;
    }
    const f = acceptFormats(choice.codec);
    const acceptPayload = new IeWriter().u32(IeType.FORMAT, f.format32).versionedU64(IeType.FORMAT2, f.format64).finish();
    let challenge: Uint8Array | undefined;
    if (encrypt) {
      challenge = new TextEncoder().encode(String(this.host.random.int(100_000_000, 999_999_999)));
      const w = new IeWriter().u16(IeType.AUTHMETHODS, AuthMethod.MD5).bytes(IeType.CHALLENGE, challenge)
        .u16(IeType.ENCRYPTION, ENCRYPT_AES128);
      if (account?.username) w.string(IeType.USERNAME, account.username);
      // The AUTHREQ (and its retransmissions) go in clear; from now on everything else is encrypted (spec §7.3).
      dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.AUTHREQ, payload: w.finish() });
      dialog.startEncryption!(deriveAesKey(challenge, secret!));
    } else {
      // ACCEPT first (its iseqno ACKs the NEW), carrying exactly one codec in FORMAT and FORMAT2 (spec §6.5, C-3),
      // then RINGING so the caller hears ringback (spec §5.3).
      dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.ACCEPT, payload: acceptPayload });
      dialog.sendReliable({ frameType: FrameType.CONTROL, subclass: ControlSubclass.RINGING });
    }
    const call = new Call({
      id: this.nextId('in'),
      host: this.host,
      direction: 'incoming',
      number: info.calledNumber,
      remote: {
        ...(info.callingNumber !== undefined ? { number: info.callingNumber } : {}),
        ...(info.callingName !== undefined ? { name: info.callingName } : {}),
        // Who to call back when the call came without a server (a direct call carries no usable number).
        address: dialog.peer.address.includes(':') ? `[${dialog.peer.address}]:${dialog.peer.port}` : `${dialog.peer.address}:${dialog.peer.port}`,
      },
      ...(account ? { accountId: account.id, account } : {}),
      offered: ours,
      autoAnswerRequested: info.autoAnswer,
      onEnded: (c) => this.onCallEnded(c),
    });
    if (challenge && secret !== undefined) call.startIncomingChallenged(dialog, choice.codec, md5Response(challenge, secret), acceptPayload);
    else call.startIncoming(dialog, choice.codec);
    this.live.set(call.id, call);
    return call;
  }

  calls(): CallHandle[] {
    return [...this.live.values()];
  }

  private onCallEnded(call: Call): void {
    this.live.delete(call.id);
    this.settling.add(call);
    void call.settled.then(() => this.settling.delete(call));
  }

  async hangupAll(): Promise<void> {
    const all = [...this.live.values()];
    for (const c of all) c.hangup();
    const settled = Promise.all([...all, ...this.settling].map((c) => c.settled)).then(() => undefined);
    await new Promise<void>((resolve) => {
      const cancel = this.host.clock.setTimer(HANGUP_ALL_WAIT_MS, resolve);
      void settled.then(() => { cancel(); resolve(); });
    });
  }

  private nextId(prefix: string): string {
    this.counter++;
    return `${prefix}-${this.counter}-${this.host.random.int(0x1000, 0xffff).toString(16)}`;
  }
}

function rejectWith(dialog: Dialog, cause: string, code: number): void {
  dialog.sendReliable({ frameType: FrameType.IAX, subclass: IaxSubclass.REJECT,
    payload: new IeWriter().string(IeType.CAUSE, cause).u8(IeType.CAUSECODE, code).finish() }, { final: true });
}

export const createCallManager: CallManagerFactory = (host) => new DefaultCallManager(host);
