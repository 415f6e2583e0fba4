// The public face of the IAX2 engine: what the phone service, the CLI and the tests drive.
// The engine is pure (ports only); electron/core/iax2/engine.ts implements these interfaces.
import type { CodecName } from '../media/codec.js';
import type { ComfortNoise, ReceptionReport, VoiceFrame } from '../media/call-media-types.js';
import type { TraceEntry } from './trace-types.js';

/** Direct callers without call-token support: refused ('required', Asterisk's requirecalltoken=yes) or let in. */
export type CallTokenPolicy = 'required' | 'optional';

export type AuthMethodName = 'md5' | 'plaintext' | 'rsa';

export interface AccountConfig {
  readonly id: string;
  /** "host", "host:port", "[v6]:port". Port 4569 by default. */
  readonly server: string;
  readonly username: string;
  /** Plaintext secret, only ever used to compute MD5 results (or sent as PASSWORD when plaintext is allowed). */
  readonly secret?: string;
  /** Allowed methods in our order of preference; plaintext is used only if listed here (default ['md5']). */
  readonly auth?: readonly AuthMethodName[];
  /** Requested registration refresh in seconds (default 60; the server's REGACK value wins). */
  readonly refreshSeconds?: number;
  readonly callerIdName?: string;
  readonly callerIdNumber?: string;
  /** Codec preference, best first (default ['ulaw', 'alaw']). */
  readonly codecs?: readonly CodecName[];
  /** Register with the server (default true). */
  readonly register?: boolean;
  /**
   * AES-128 call encryption (spec §7): 'off' (default) offers nothing; 'on' offers it and encrypts when the server
   * agrees (AUTHREQ carries ENCRYPTION), else the call stays clear; 'required' hangs up when the server does not
   * agree. Needs the secret (the key is MD5(challenge ‖ secret)).
   */
  readonly encryption?: EncryptionMode;
}

export type EncryptionMode = 'off' | 'on' | 'required';

/** A failure phrased for the user, with the machine-readable code used by --json and exit codes. */
export interface UserFacingError {
  readonly code:
    | 'auth-failed' | 'unknown-user' | 'calltoken-required' | 'no-common-codec' | 'no-answer' | 'dns'
    | 'rejected' | 'busy' | 'congestion' | 'no-route' | 'invalid-number' | 'network' | 'cancelled' | 'internal';
  readonly message: string;
  readonly cause?: string;
  readonly causeCode?: number;
}

export type RegistrationStatus = 'unregistered' | 'registering' | 'registered' | 'failed' | 'unregistering';

export interface RegistrationState {
  readonly accountId: string;
  readonly status: RegistrationStatus;
  readonly server: string;
  readonly refreshSeconds?: number;
  /** Our address as the server sees it (REGACK APPARENT_ADDR). */
  readonly apparentAddress?: { readonly address: string; readonly port: number };
  readonly messages?: { readonly old: number; readonly new: number };
  readonly error?: UserFacingError;
  /** When the next attempt is due (after failure: back-off), in Clock ms. */
  readonly nextAttemptAt?: number;
}

export type CallDirection = 'outgoing' | 'incoming';
export type CallState =
  | 'dialing'        // NEW sent, waiting (token / auth)
  | 'proceeding'     // ACCEPTed, no ringing yet
  | 'ringing'        // outgoing: far end rings; incoming: we ring the user
  | 'early-media'    // PROGRESS / voice before ANSWER
  | 'up'
  | 'held'
  | 'ended';

export interface CallStats {
  readonly rttMs?: number;
  readonly jitterMs?: number;
  readonly framesReceived: number;
  readonly framesSent: number;
  readonly framesLost: number;
  readonly lossPercent: number;
  readonly retransmissions: number;
}

export interface CallEndInfo {
  readonly cause?: string;
  readonly causeCode?: number;
  /** Who ended it. */
  readonly by: 'local' | 'remote' | 'network';
  readonly error?: UserFacingError;
}

/** A received voice payload (the media layer's own type: core/media does not depend on the engine). */
export type VoiceFrameIn = VoiceFrame;

/** Something the user should know about during a call that is neither a state change nor its end. */
export interface CallNotice {
  /**
   * - 'transfer-may-have-failed': we sent TRANSFER and the server did not hang up our leg within ~5 s (spec P25).
   * - 'transfer-requested': the server asked us to go elsewhere (TRANSFER to us, spec §5.7 MAY); not followed.
   * - 'unsupported': the peer answered one of our frames with UNSUPPORT.
   */
  readonly kind: 'transfer-may-have-failed' | 'transfer-requested' | 'unsupported';
  readonly message: string;
  readonly target?: string;
}

/** The media layer's reception figures for the RR IEs of our PONGs (spec §2.2 PONG, IEs 46-51). */
export type { ReceptionReport };

export type CallEvents = {
  state: CallState;
  voice: VoiceFrameIn;
  dtmf: { digit: string; phase: 'begin' | 'end' };
  text: string;
  codec: CodecName;
  /** CONTROL 0xFF: stop local ringback/busy tones (spec P18). */
  'stop-tones': null;
  'remote-hold': boolean;
  /** A CNG (comfort noise) frame: silence at this level in -dBov (spec §2.4); timestamp as for voice. */
  cng: ComfortNoise;
  notice: CallNotice;
  ended: CallEndInfo;
};

export interface CallHandle {
  readonly id: string;
  readonly accountId?: string;
  readonly direction: CallDirection;
  readonly number: string;
  /** Caller ID of the other party; for incoming calls also the address the NEW came from ("host:port", "[v6]:port"). */
  readonly remote: { readonly number?: string; readonly name?: string; readonly address?: string };
  readonly state: CallState;
  /** The negotiated codec (set from ACCEPT, or chosen by us for incoming calls). */
  readonly codec?: CodecName;
  /** Incoming NEW carried AUTOANSWER (spec C-9). */
  readonly autoAnswerRequested: boolean;
  /** True once the call's frames are AES-128 encrypted (spec §7; set before ACCEPT arrives). */
  readonly encrypted?: boolean;

  answer(): void;
  reject(reason?: 'busy' | 'declined'): void;
  hangup(): void;
  sendDtmf(digits: string): void;
  sendText(text: string): void;
  hold(): void;
  unhold(): void;
  transfer(target: string): void;
  /**
   * Let the media layer supply the reception report sent in our PONGs (undefined: engine estimates only).
   * Optional so test doubles of CallHandle need not implement it: call as `call.setReceptionReportSource?.(…)`.
   */
  setReceptionReportSource?(source: (() => ReceptionReport) | undefined): void;
  /** One encoded frame in the negotiated codec; `durationMs` drives the predicted timestamps (spec §4.6). */
  sendVoice(payload: Uint8Array, durationMs: number): void;
  stats(): CallStats;
  on<K extends keyof CallEvents>(event: K, listener: (payload: CallEvents[K]) => void): () => void;
}

export interface DialOptions {
  /** Place the call through this registered account (server, credentials, codecs). */
  readonly accountId?: string;
  /** Or directly: a one-off account (used by `redial call` without a saved account). */
  readonly account?: AccountConfig;
  readonly number: string;
  readonly codecs?: readonly CodecName[];
}

export type EngineEvents = {
  registration: RegistrationState;
  incoming: CallHandle;
  trace: TraceEntry;
  warning: string;
};

export interface Iax2Engine {
  readonly localPort: number;
  setAccounts(accounts: readonly AccountConfig[]): void;
  registrations(): RegistrationState[];
  /** Re-register now (user's "check now", or after a network change; spec N-3). */
  reregister(accountId?: string): void;
  dial(options: DialOptions): CallHandle;
  calls(): CallHandle[];
  /**
   * Listen for direct calls from any address (no server), as `redial listen --port` does, offering `codecs`
   * (default µ-law, A-law) to them. A direct caller must pass the call-token round trip first (docs/security.md §7);
   * `callTokens: 'optional'` also lets in callers that cannot do tokens (libiax2: iaxmodem), unverified.
   */
  setAcceptDirectCalls(accept: boolean, codecs?: readonly CodecName[], callTokens?: CallTokenPolicy): void;
  on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): () => void;
  /** Hang up calls, REGREL every registration (spec A-5), then stop timers. The socket belongs to the caller. */
  shutdown(): Promise<void>;
}
