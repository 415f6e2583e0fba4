// Registration status in words: one word for pickers, a few for the top-bar chip, the full sentence for the
// Accounts page (the engine's explanation of a failure, e.g. which password the server refused).
import type { AccountView, RegistrationView } from '../../electron/shared/api.js';

export function statusWord(status: string | undefined): string {
  switch (status) {
    case 'registered': return 'registered';
    case 'registering': return 'registering…';
    case 'unregistering': return 'unregistering…';
    case 'failed': return 'not registered';
    default: return 'not registering';
  }
}

export function regSummary(r: RegistrationView | undefined, a: AccountView): string {
  if (!a.enabled) return 'disabled';
  if (!a.register) return 'calls only (not registering)';
  if (!r) return 'waiting…';
  if (r.status === 'failed' && r.error) return r.error.message;
  return statusWord(r.status);
}

const SHORT_FAILURES: Readonly<Record<string, string>> = {
  'auth-failed': 'wrong password', 'unknown-user': 'unknown user', 'no-answer': 'server not answering',
  dns: 'server not found', 'calltoken-required': 'needs call tokens', network: 'network error', rejected: 'refused',
};

/** A few words for the top-bar chip; the full explanation is in its tooltip and on the Accounts page. */
export function regShort(r: RegistrationView | undefined, a: AccountView): string {
  if (r?.status === 'failed' && a.enabled && a.register) return (r.error && SHORT_FAILURES[r.error.code]) ?? 'not registered';
  return regSummary(r, a);
}
