// Authentication answers (spec §5.1, A-1; RFC 5456 §6.1/§8.6.13; Asterisk authenticate(), register_verify()).
// The secret never leaves this module except as its MD5 result (or as PASSWORD when the account allows plaintext).
import { createHash } from 'node:crypto';
import type { AuthMethodName } from './engine-api.js';
import { AuthMethod, IeType, type RawIe } from './wire/types.js';

/** MD5_RESULT = lowercase hex of MD5(challenge bytes ‖ secret as UTF-8): no user, no realm, no separator. */
export function md5Response(challenge: Uint8Array, secret: string): string {
  return createHash('md5').update(challenge).update(Buffer.from(secret, 'utf8')).digest('hex');
}

export type AuthAnswer =
  | { readonly ok: true; readonly method: 'md5' | 'plaintext'; readonly ie: RawIe }
  | { readonly ok: false; readonly reason: string };

/**
 * Chooses how to answer a REGAUTH/AUTHREQ: MD5 when offered and allowed (default ['md5']); PASSWORD only when
 * the account lists 'plaintext' and MD5 is not offered (spec A-1). RSA is not implemented.
 */
export function answerChallenge(
  offered: number, challenge: Uint8Array | undefined, secret: string | undefined,
  allowed: readonly AuthMethodName[] = ['md5'],
): AuthAnswer {
  if (secret === undefined) return { ok: false, reason: 'the server asks for a password but none is configured' };
  const md5Offered = (offered & AuthMethod.MD5) !== 0;
  if (md5Offered && allowed.includes('md5') && challenge !== undefined) {
    return { ok: true, method: 'md5', ie: { type: IeType.MD5_RESULT, data: new TextEncoder().encode(md5Response(challenge, secret)) } };
  }
  if (!md5Offered && (offered & AuthMethod.PLAINTEXT) !== 0 && allowed.includes('plaintext')) {
    return { ok: true, method: 'plaintext', ie: { type: IeType.PASSWORD, data: new TextEncoder().encode(secret) } };
  }
  const names = [
    (offered & AuthMethod.PLAINTEXT) !== 0 ? 'plaintext' : undefined,
    md5Offered ? 'md5' : undefined,
    (offered & AuthMethod.RSA) !== 0 ? 'rsa' : undefined,
  ].filter((n) => n !== undefined);
  // Asterisk offers plaintext alone for auth=plaintext peers (spec §5.1), but ALSO for a user name it does not know
  // whenever the last peer it authenticated uses plaintext: registry_authrequest() and check_access() answer unknown
  // names with the last method seen, so as not to reveal which names exist. A typo in the user name must not lead
  // the user to send the password readable, so the hint names both causes, the user name first.
  const hint = names.length === 1 && names[0] === 'plaintext' && !allowed.includes('plaintext')
    ? ' (Asterisk asks this for an account set to auth=plaintext, and also for a user name it does not know: check ' +
      'the user name first; allow plaintext authentication for this account, e.g. --auth plaintext, only if it really ' +
      'uses it and only on a network you trust, since the password then crosses it readable)' : '';
  return {
    ok: false,
    reason: `the server offers ${names.length ? names.join(', ') : 'no method'}; this account allows ${allowed.join(', ') || 'none'}${hint}`,
  };
}
