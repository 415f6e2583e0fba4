// Exit codes of the `redial` command (documented in the README). Scripts and tests tell outcomes apart by them.
import type { UserFacingError } from '../core/iax2/engine-api.js';

export const ExitCode = {
  /** Registered (register --once), or a call was answered and ended normally. */
  OK: 0,
  /** The far end was busy (cause 17, CONTROL BUSY). */
  BUSY: 3,
  /** Congestion / all circuits busy (cause 34, CONTROL CONGESTION). */
  CONGESTION: 4,
  /** The call or registration was rejected for another reason (no route, declined, …). */
  REJECTED: 5,
  /** Wrong password or unknown user (REGREJ after REGAUTH, REJECT "No authority found"). */
  AUTH_FAILED: 6,
  /** No answer from the server (retransmissions exhausted) or the call was not answered in time. */
  TIMEOUT: 7,
  /** The server requires call tokens and refused us (should not happen with redial; kept for diagnosis). */
  CALLTOKEN_REQUIRED: 8,
  /** No codec in common with the server. */
  NO_COMMON_CODEC: 9,
  /** The server's name could not be resolved. */
  DNS_FAILURE: 10,
  /** Local network error (socket could not be bound, network unreachable). */
  NETWORK: 11,
  /** `redial load`: a --max-failures or --max-setup-ms threshold was crossed. */
  THRESHOLD: 12,
  /** `redial test`: a scenario step failed. */
  SCENARIO_FAILED: 13,
  /** Bad command line or input file. */
  USAGE: 64,
  /** A bug: an unexpected internal error. */
  INTERNAL: 70,
  /** Ended at once by a second Ctrl-C, without waiting for calls to end (128 + SIGINT, as shells report it). */
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps a failure (the engine's codes, as the contract's ErrorView carries them) to the exit code a script sees. */
export function exitCodeFor(error: { readonly code: string; readonly message?: string }): ExitCodeValue {
  switch (error.code as UserFacingError['code']) {
    case 'busy': return ExitCode.BUSY;
    case 'congestion': return ExitCode.CONGESTION;
    case 'auth-failed':
    case 'unknown-user': return ExitCode.AUTH_FAILED;
    case 'no-answer': return ExitCode.TIMEOUT;
    case 'calltoken-required': return ExitCode.CALLTOKEN_REQUIRED;
    case 'no-common-codec': return ExitCode.NO_COMMON_CODEC;
    case 'dns': return ExitCode.DNS_FAILURE;
    case 'network': return ExitCode.NETWORK;
    case 'internal': return ExitCode.INTERNAL;
    case 'rejected':
    case 'no-route':
    case 'invalid-number':
    case 'cancelled':
      return ExitCode.REJECTED;
  }
  return ExitCode.REJECTED;
}
