// Maps what the far end said when it ended or refused a call (CAUSECODE, a Q.850 value, plus the CAUSE text) to a
// UserFacingError. Spec §5.2 ("Hangup causes from the server"), §5.5 (the rejection table) and §3.4 (the
// apathetic REJECT that means "call token required").
import type { UserFacingError } from '../engine-api.js';
import type { CodecName } from '../../media/codec.js';

/** Q.850 cause values used by Asterisk chan_iax2 (spec §3.3 HANGUP/REJECT, §5.2, §5.5). */
export const Q850 = {
  /** AST_CAUSE_NOTDEFINED: Asterisk sends CAUSECODE 0 when the channel's cause was never set, e.g. on the caller's
   * leg after Dial() gave up with NOANSWER. It means "no cause", not an error of its own. */
  NOT_DEFINED: 0,
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  FACILITY_REJECTED: 29,
  NORMAL_CIRCUIT_CONGESTION: 34,
  SWITCH_CONGESTION: 42,
  SUBSCRIBER_ABSENT: 20,
  NO_AUTHORITY: 50, // Asterisk's "No authority found" (AST_CAUSE_FACILITY_NOT_SUBSCRIBED)
  BEARER_CAPABILITY_NOT_AVAILABLE: 58, // "Unable to negotiate codec"
} as const;

export interface RemoteCause {
  /** CAUSE IE text, if any. */
  readonly cause?: string;
  /** CAUSECODE IE value, if any. */
  readonly causeCode?: number;
}

function err(code: UserFacingError['code'], message: string, rc: RemoteCause): UserFacingError {
  return {
    code, message,
    ...(rc.cause !== undefined ? { cause: rc.cause } : {}),
    ...(rc.causeCode !== undefined ? { causeCode: rc.causeCode } : {}),
  };
}

function detail(rc: RemoteCause): string {
  return rc.cause ? ` (server said: "${rc.cause}")` : '';
}

/**
 * The error for a REJECT received on an outgoing call. `apathetic` = it came from source call number 1 and carried
 * no IEs: Asterisk's stateless refusal when the call token is missing, invalid or late, or the per-IP call number
 * limit is hit (spec §5.5, pitfall P1).
 */
export function errorForReject(rc: RemoteCause & { readonly apathetic?: boolean }): UserFacingError {
  if (rc.apathetic || (rc.cause === undefined && rc.causeCode === undefined)) {
    return err('calltoken-required',
      'The server refused the call before authentication: it requires call tokens and did not accept ours ' +
      '(token missing, expired or sent from another address), or its per-address call limit was reached.', rc);
  }
  return errorForCause(rc) ?? err('rejected', `The call was rejected${detail(rc)}.`, rc);
}

/**
 * The error for a cause that is not a normal end of call, or undefined when the cause means "normal clearing"
 * (16, or no cause at all on a HANGUP). Text causes are consulted when the code is absent (Asterisk sometimes
 * sends only CAUSE on REJECT, spec §3.3).
 */
export function errorForCause(rc: RemoteCause): UserFacingError | undefined {
  const code = rc.causeCode ?? causeCodeFromText(rc.cause);
  switch (code) {
    case undefined:
    case Q850.NOT_DEFINED:
    case Q850.NORMAL_CLEARING:
      return undefined;
    case Q850.USER_BUSY:
      return err('busy', 'The number is busy.', rc);
    case Q850.NORMAL_CIRCUIT_CONGESTION:
    case Q850.SWITCH_CONGESTION:
      return err('congestion', 'All circuits are busy (congestion); try again later.', rc);
    case Q850.NO_ROUTE_DESTINATION:
      return err('no-route', `The server has no such extension in this account's context${detail(rc)}.`, rc);
    case Q850.UNALLOCATED_NUMBER:
    case Q850.INVALID_NUMBER_FORMAT:
      return err('invalid-number', `The number is not valid on this server${detail(rc)}.`, rc);
    case Q850.NO_AUTHORITY:
      return err('auth-failed',
        'The server refused the call: wrong password, unknown user, the account may not make this call, or the ' +
        'server demands encryption (forceencryption=yes: turn encryption on for this account)' +
        `${rc.cause ? detail(rc) : ' ("No authority found")'}.`, rc);
    case Q850.BEARER_CAPABILITY_NOT_AVAILABLE:
      return err('no-common-codec',
        'The server and this phone share no codec: compare the allow=/disallow= lines of this account on the server ' +
        `with the codecs offered here${detail(rc)}.`, rc);
    case Q850.NO_USER_RESPONSE:
    case Q850.NO_ANSWER:
      return err('no-answer', `Nobody answered${detail(rc)}.`, rc);
    case Q850.SUBSCRIBER_ABSENT:
      // Asterisk's Dial() passes this on when the peer it should ring is not registered or unreachable
      // (iax2_request(): "Subscriber absent"): nothing rang.
      return err('no-answer', `The other party cannot be reached right now (not registered, or their phone is off or unreachable)${detail(rc)}.`, rc);
    case Q850.DESTINATION_OUT_OF_ORDER:
      return err('network', `The far end stopped responding (destination out of order)${detail(rc)}.`, rc);
    case Q850.CALL_REJECTED:
    case Q850.FACILITY_REJECTED:
      return err('rejected', `The call was rejected${detail(rc)}.`, rc);
    default:
      return err('rejected', `The call ended with cause ${code}${detail(rc)}.`, rc);
  }
}

/** Asterisk's fixed CAUSE texts (spec §5.5) for the rare frames that carry CAUSE without CAUSECODE. */
function causeCodeFromText(cause: string | undefined): number | undefined {
  if (!cause) return undefined;
  const c = cause.toLowerCase();
  if (c.includes('no authority')) return Q850.NO_AUTHORITY;
  if (c.includes('unable to negotiate codec')) return Q850.BEARER_CAPABILITY_NOT_AVAILABLE;
  if (c.includes('no such context') || c.includes('no such extension')) return Q850.NO_ROUTE_DESTINATION;
  if (c.includes('busy')) return Q850.USER_BUSY;
  if (c.includes('congest')) return Q850.NORMAL_CIRCUIT_CONGESTION;
  return undefined;
}

/** The error for a CONTROL BUSY / CONGESTION indication (spec §2.3: Asterisk sets cause 17 / 34). */
export function errorForControl(kind: 'busy' | 'congestion'): UserFacingError {
  return kind === 'busy'
    ? { code: 'busy', message: 'The number is busy.', causeCode: Q850.USER_BUSY }
    : { code: 'congestion', message: 'All circuits are busy (congestion); try again later.',
        causeCode: Q850.NORMAL_CIRCUIT_CONGESTION };
}

/**
 * Codecs a stock Asterisk 22 can only pass through: it ships translators for G.711, GSM, G.722 and signed linear,
 * but Opus needs codec_opus, a separate binary module most servers lack (res_format_attr_opus alone only parses it).
 */
const PASS_THROUGH_ONLY: ReadonlySet<CodecName> = new Set(['opus']);

/** An outgoing call's far leg fails within this long of ACCEPT when Dial() cannot even create it. */
export const FAR_LEG_FAILURE_MS = 1500;

/** What an outgoing call had seen when the server ended it (HANGUP, or CONTROL CONGESTION). */
export interface UnansweredEnd {
  readonly how: 'hangup' | 'congestion';
  readonly codec: CodecName | undefined;
  /** Time from the server's ACCEPT to its hangup or congestion. */
  readonly msSinceAccept: number;
  /** The far end rang (CONTROL RINGING). */
  readonly rang: boolean;
  /** A voice frame came from the server. */
  readonly heardVoice: boolean;
}

/**
 * The far leg could not be bridged to ours. Asterisk ACCEPTs our call in the codec we asked for before its dialplan
 * runs; Dial() then asks the far channel driver for that codec, and when the far end takes none it could convert to
 * (iax2_request: "Unable to create translator path"), no far channel is made and Dial() ends at once with
 * CHANUNAVAIL. The caller sees nothing of that: within milliseconds of ACCEPT, without any RINGING or audio, the
 * dialplan's end sends CONTROL CONGESTION (Asterisk's fall-through after CHANUNAVAIL) or HANGUP with cause 16 (an
 * explicit Hangup()). Measured against Asterisk 22 (test/interop/cli-incoming.test.ts): ACCEPT(opus) → HANGUP 16 in
 * 2 ms, or → CONGESTION in 1 ms. The same signals also follow a far end that is merely unavailable, so the codec is
 * named only when the call's codec is one Asterisk cannot convert; otherwise an immediate CONGESTION is said to be
 * what it is (the far end could not be connected), not "all circuits busy". Returns undefined when the end does not
 * look like that.
 */
export function errorForUnbridgedCall(end: UnansweredEnd, rc: RemoteCause = {}): UserFacingError | undefined {
  if (end.rang || end.heardVoice || end.msSinceAccept > FAR_LEG_FAILURE_MS) return undefined;
  if (end.codec === undefined || !PASS_THROUGH_ONLY.has(end.codec)) {
    return end.how === 'congestion'
      ? err('congestion', `The server could not connect the call: it signalled congestion ${Math.round(end.msSinceAccept)} ms ` +
        'after accepting it, before anything rang (Asterisk does this when Dial() finds the other party unavailable: ' +
        'not registered, unreachable, or no channel could be made).', rc)
      : undefined;
  }
  return err('no-common-codec',
    `The server accepted the call in ${end.codec === 'opus' ? 'Opus' : end.codec} but could not connect it to the ` +
    `other party: it ended the call ${Math.round(end.msSinceAccept)} ms later, before anything rang. Asterisk ` +
    'converts Opus only with codec_opus, which most servers lack, so it cannot bridge an Opus call to a party that ' +
    'does not take Opus: put µ-law, A-law or G.722 before Opus in the codec list. (A server also ends calls this ' +
    'way when the other party cannot be reached.)', rc);
}
