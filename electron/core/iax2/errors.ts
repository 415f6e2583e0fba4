// Failures in words a user understands (UserFacingError, engine-api.ts), with the code used by --json and the
// CLI's exit codes. Each message says what happened and what to check; none contains a secret.
import type { UserFacingError } from './engine-api.js';

const where = (e: { address: string; port: number }): string =>
  e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;

export const userErrors = {
  /** REGREJ (or REJECT) after we answered REGAUTH/AUTHREQ: spec §5.5, P2. */
  authFailed(user: string, server: string, cause?: string, causeCode?: number): UserFacingError {
    return {
      code: 'auth-failed',
      message: `The server ${server} refused the password for user "${user}". Check the password and the user name (Asterisk challenges unknown users too), and that the account is type=peer or friend with host=dynamic.`,
      ...(cause !== undefined ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}),
    };
  },
  /** REGREJ without any REGAUTH first: the server does not know (or does not let register) that user. */
  unknownUser(user: string, server: string, cause?: string, causeCode?: number): UserFacingError {
    return {
      code: 'unknown-user',
      message: `The server ${server} does not accept registrations for user "${user}". Check the user name (the account must be type=peer or friend with host=dynamic).`,
      ...(cause !== undefined ? { cause } : {}), ...(causeCode !== undefined ? { causeCode } : {}),
    };
  },
  /** Stateless REJECT/REGREJ from call number 1 with no IEs (spec §5.5, P1). */
  callTokenRequired(server: string): UserFacingError {
    return {
      code: 'calltoken-required',
      message: `The server ${server} rejected the request without a reason: it requires call tokens that it did not accept (token expired or the address changed), or it hit its call-number limit. Try again; if it persists, check requirecalltoken / calltokenoptional on the server.`,
    };
  },
  /** Every retransmission unanswered (spec §4.4). */
  noAnswer(server: string, tried: { address: string; port: number }): UserFacingError {
    return {
      code: 'no-answer',
      message: `No answer from the server ${server} (tried ${where(tried)}). Check the address and port, and that UDP ${tried.port} is not blocked.`,
    };
  },
  dns(host: string, detail?: string): UserFacingError {
    return {
      code: 'dns',
      message: `Cannot find the server "${host}" (DNS lookup failed). Check the host name.`,
      ...(detail !== undefined ? { cause: detail } : {}),
    };
  },
  /** We cannot answer the server's challenge with what the account allows. */
  authMethod(server: string, reason: string): UserFacingError {
    return { code: 'auth-failed', message: `Cannot authenticate to ${server}: ${reason}.` };
  },
  /** INVAL: the server forgot the dialog (restart, or our address changed). */
  invalidated(server: string): UserFacingError {
    return { code: 'network', message: `The server ${server} no longer knows this session (it restarted, or our network address changed).` };
  },
  /** The account requires encryption and the server did not agree to it (spec §7.1 step 3). */
  encryptionRefused(server: string): UserFacingError {
    return {
      code: 'rejected',
      message: `The server ${server} did not agree to encrypt this call, and this account requires encryption. Set encryption=yes (or aes128) for the user in the server's iax.conf, or allow unencrypted calls for this account.`,
    };
  },
  /** Encrypted frames from the server never decrypted: its key differs from ours (spec §7.3, P13). */
  encryptionMismatch(server: string): UserFacingError {
    return {
      code: 'auth-failed',
      message: `The server ${server} answered with encrypted frames we cannot decrypt: it holds a different password for this user (the encryption key is derived from it). Check the password.`,
    };
  },
  internal(message: string): UserFacingError {
    return { code: 'internal', message };
  },
} as const;
