// The CallManager the engine drives (transport/call-host.ts): the registry of calls. It creates each call with its
// set-up owner (outgoing-setup.ts, incoming-setup.ts), keeps the live ones and those whose last frame is still on
// its way, and hangs them all up at shutdown.
import type { CodecName } from '../../media/codec.js';
import { DEFAULT_CODECS } from '../../../shared/api.js';
import type { AccountConfig, CallHandle, DialOptions } from '../engine-api.js';
import type { CallHost, CallManager, CallManagerFactory } from '../transport/call-host.js';
import type { Dialog } from '../transport/dialog.js';
import type { FullFrame } from '../wire/types.js';
import { Call } from './call.js';
import { IncomingSetup, judgeIncomingNew } from './incoming-setup.js';
import { OutgoingSetup } from './outgoing-setup.js';

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

class CallRegistry implements CallManager {
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
    const call = new Call({
      id: this.nextId('out'), host: this.host, direction: 'outgoing', number: options.number,
      remote: { number: options.number }, ...(account ? { accountId: account.id, account } : {}),
      onEnded: (c) => this.onCallEnded(c),
    });
    const setup = new OutgoingSetup(call, codecsForCall(account, options.codecs), (dialog) => call.attach(dialog));
    call.setUp(setup);
    this.live.set(call.id, call);
    // Failures are reported through the handle's 'ended' event: defer so the caller can attach listeners first.
    queueMicrotask(() => { void setup.start(options, account); });
    return call;
  }

  incoming(dialog: Dialog, newFrame: FullFrame, account: AccountConfig | undefined, codecs?: readonly CodecName[]): CallHandle | undefined {
    const ours = account || !codecs || codecs.length === 0 ? codecsForCall(account, undefined) : [...codecs];
    const offer = judgeIncomingNew(this.host, dialog, newFrame, account, ours);
    if (!offer) return undefined;
    const { info } = offer;
    const call = new Call({
      id: this.nextId('in'), host: this.host, direction: 'incoming', number: info.calledNumber,
      remote: {
        ...(info.callingNumber !== undefined ? { number: info.callingNumber } : {}),
        ...(info.callingName !== undefined ? { name: info.callingName } : {}),
        // Who to call back when the call came without a server (a direct call carries no usable number).
        address: dialog.peer.address.includes(':') ? `[${dialog.peer.address}]:${dialog.peer.port}` : `${dialog.peer.address}:${dialog.peer.port}`,
      },
      ...(account ? { accountId: account.id, account } : {}),
      codec: offer.codec, autoAnswerRequested: info.autoAnswer,
      onEnded: (c) => this.onCallEnded(c),
    });
    const setup = new IncomingSetup(call, offer);
    call.setUp(setup);
    call.attach(dialog);
    setup.start(dialog);
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

export const createCallManager: CallManagerFactory = (host) => new CallRegistry(host);
