// What a call's phase owners (outgoing-setup.ts, incoming-setup.ts) and in-call features (in-call.ts and its
// parts) see of their call: the one Call (call.ts) owns the dialog, the state machine and the call's end; they
// say what to send and which state follows, and the state machine checks every transition (call-state-machine.ts).
import type { CodecName } from '../../media/codec.js';
import type { AccountConfig, CallDirection, CallEndInfo, CallEvents, CallState, UserFacingError } from '../engine-api.js';
import type { CallHost } from '../transport/call-host.js';
import type { Dialog } from '../transport/dialog.js';
import type { RemoteCause } from './hangup-causes.js';
import type { IeReader } from '../wire/ies.js';

export interface CallLeg {
  readonly id: string;
  readonly direction: CallDirection;
  readonly host: CallHost;
  readonly account: AccountConfig | undefined;
  readonly state: CallState;
  readonly ended: boolean;
  /** The dialog, once the call has one (an outgoing call resolves its server first). */
  readonly dialog: Dialog | undefined;
  /** ACCEPT sent (incoming) or received (outgoing): from now on non-IAX frames may be sent (spec §4.6 end). */
  readonly accepted: boolean;
  readonly codec: CodecName | undefined;
  /** The server as the user knows it (account) or the peer's address, for messages. */
  serverText(): string;
  /** Moves to `to` if the state machine allows it (an illegal transition is a bug: call-state-machine.ts). */
  setState(to: CallState, why: string): void;
  /** The codec is chosen (ACCEPT): `accepted` turns true, PINGs start. */
  accept(codec: CodecName): void;
  /** The call is over for the user (the dialog may still be sending our last frame). */
  finish(info: CallEndInfo): void;
  emit<K extends keyof CallEvents>(event: K, payload: CallEvents[K]): void;
  /** HANGUP with CAUSECODE, retransmitted until acknowledged; the dialog then closes itself (spec §4.8, C-7). */
  sendHangup(code: number, text?: string): void;
  sendControl(subclass: number): void;
}

/** The set-up of a call, outgoing or incoming: it sees the frames before the in-call features do. */
export interface CallSetup {
  /** An IAX frame of the set-up (AUTHREQ, AUTHREP, ACCEPT): true when it was this phase's. */
  onIax(subclass: number, ies: IeReader): boolean;
  /** A CONTROL frame of the set-up (RINGING, PROGRESS, ANSWER …): true when it was this phase's. */
  onControl(subclass: number): boolean;
  /** Voice arrived (early media, and the unbridged-call diagnosis). */
  onVoice(): void;
  /** What the far end meant by ending the call during set-up (HANGUP, CONGESTION), when the phase can tell. */
  remoteEndError(rc: RemoteCause, how: 'hangup' | 'congestion'): UserFacingError | undefined;
}
