// The seam between the engine (transport + registration) and the call state machine (electron/core/iax2/call/**).
// The engine owns the socket, the dialog table and the accounts; the call code owns CallHandles. The engine builds
// one CallManager through a CallManagerFactory and hands it what it needs through a CallHost.
import type { CodecName } from '../../media/codec.js';
import type { Clock, Logger, RandomSource, UdpEndpoint } from '../../ports.js';
import type { AccountConfig, CallHandle, DialOptions, UserFacingError } from '../engine-api.js';
import type { FullFrame } from '../wire/types.js';
import type { IllegalTransitionPolicy } from '../call/call-state-machine.js';
import type { Dialog } from './dialog.js';

export interface OpenDialogOptions {
  /** Other addresses of the same server (its resolved set): replies from them are accepted too (spec P16). */
  readonly alternateAddresses?: readonly string[];
}

/** A server name resolved for use; `error` is set (code 'dns') when resolution failed. */
export type ResolvedServer =
  | { readonly ok: true; readonly endpoints: readonly UdpEndpoint[] }
  | { readonly ok: false; readonly error: UserFacingError };

export interface CallHost {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger?: Logger;
  /** What an illegal call-state transition does (a bug in the call layer): the engine's option, default 'log'. */
  readonly illegalTransitions?: IllegalTransitionPolicy;
  /** A fresh outgoing dialog (new random call number) towards an already resolved address. */
  openDialog(peer: UdpEndpoint, options?: OpenDialogOptions): Dialog;
  /** "host", "host:port", "[v6]:port" → endpoints (port 4569 by default). Never rejects. */
  resolveServer(server: string): Promise<ResolvedServer>;
  /** A configured account by id. */
  account(id: string): AccountConfig | undefined;
  /** Surface a non-fatal problem to the user (engine 'warning' event). */
  warn(message: string): void;
}

export interface CallManager {
  /**
   * engine.dial() lands here. `account` is options.account, or the configured account named by options.accountId
   * (undefined if there is none: end the call at once with an 'internal' error rather than throwing).
   */
  dial(options: DialOptions, account: AccountConfig | undefined): CallHandle;
  /**
   * A NEW (dcallno 0) opened an incoming dialog. The engine has already checked C-10 (the source is a server we
   * register with, or direct calls are enabled), created the dialog (remote call number locked) and delivered
   * nothing else yet; the NEW itself is passed here, not on the dialog's 'frame' event. If the handler sends
   * nothing synchronously, the transport ACKs the NEW. Return the handle to have the engine emit 'incoming',
   * or undefined after rejecting/ignoring it (close the dialog or send REJECT yourself).
   * Retransmitted NEWs are handled by the transport (re-ACKed) and do not come here again.
   * Without an account (a direct call, or several accounts registered with the same server and nothing in the NEW
   * saying which one is called) `codecs` says what we may accept.
   */
  incoming(dialog: Dialog, newFrame: FullFrame, account: AccountConfig | undefined, codecs?: readonly CodecName[]): CallHandle | undefined;
  calls(): CallHandle[];
  /** Hang up every call; resolve when their HANGUPs are acknowledged or given up (shutdown waits at most ~3 s). */
  hangupAll(): Promise<void>;
}

export type CallManagerFactory = (host: CallHost) => CallManager;
