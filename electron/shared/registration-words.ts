// Registration status in words: one word for pickers, a few for the status list, one line for all accounts (the
// window's top bar and the tray), the full sentence for the Accounts page (the engine's explanation of a failure,
// e.g. which password the server refused). Shared: the renderer and the Electron main process (tray) say it alike.
import type { AccountView, RegistrationView } from './api.js';

export function statusWord(status: string | undefined): string {
  switch (status) {
    case 'registered': return 'registered';
    case 'registering': return 'registering…';
    case 'unregistering': return 'unregistering…';
    case 'failed': return 'not registered';
    default: return 'not registering';
  }
}

/** Said of an account whose password did not survive a restart (it does not register until it is entered). */
export const PASSWORD_NEEDED = 'Enter the password to register: it was not kept when Redial last stopped.';

export function regSummary(r: RegistrationView | undefined, a: AccountView): string {
  if (!a.enabled) return 'disabled';
  if (!a.register) return 'calls only (not registering)';
  if (a.secretMissing) return PASSWORD_NEEDED;
  if (!r) return 'waiting…';
  if (r.status === 'failed' && r.error) return r.error.message;
  return statusWord(r.status);
}

const SHORT_FAILURES: Readonly<Record<string, string>> = {
  'auth-failed': 'wrong password', 'unknown-user': 'unknown user', 'no-answer': 'server not answering',
  dns: 'server not found', 'calltoken-required': 'needs call tokens', network: 'network error', rejected: 'refused',
};

/** A few words for the account picker, the status menu and the account list; the full explanation is on the Accounts page. */
export function regShort(r: RegistrationView | undefined, a: AccountView): string {
  if (!a.enabled) return 'disabled';
  if (!a.register) return 'calls only';
  if (a.secretMissing) return 'password needed';
  if (r?.status === 'failed') return (r.error && SHORT_FAILURES[r.error.code]) ?? 'not registered';
  return statusWord(r?.status ?? 'registering');
}

/** The registration state the top bar shows for all accounts at once: the worst wins. */
export type SummaryStatus = 'registered' | 'registering' | 'failed' | 'unregistered' | 'offline';

/**
 * One line for every account (the top bar has room for one): "Office: registered" with one registering account,
 * "2 of 3 registered" with several, "Calls only" when none registers; 'offline' while the engine is unreachable,
 * because then nothing it said before is known to be true any more.
 */
/**
 * `text` is the whole line; with a single registering account it is "`subject`: `state`", so a narrow place can
 * shorten the account's name and keep its state whole.
 */
export function registrationSummary(accounts: readonly AccountView[], regs: Readonly<Record<string, RegistrationView>>,
  engineReachable: boolean): { status: SummaryStatus; text: string; subject?: string; state?: string } {
  if (!engineReachable) return { status: 'offline', text: 'Engine offline' };
  const registering = accounts.filter((a) => a.enabled && a.register);
  if (registering.length === 0) {
    return { status: 'unregistered', text: accounts.some((a) => a.enabled) ? 'Calls only' : 'No account' };
  }
  const statusOf = (a: AccountView): RegistrationView['status'] => (a.secretMissing ? 'failed' : regs[a.id]?.status ?? 'registering');
  const worst: SummaryStatus = registering.some((a) => statusOf(a) === 'failed') ? 'failed'
    : registering.every((a) => statusOf(a) === 'registered') ? 'registered' : 'registering';
  if (registering.length === 1) {
    const a = registering[0];
    const subject = a.label || a.username;
    const state = regShort(regs[a.id], a);
    return { status: worst, text: `${subject}: ${state}`, subject, state };
  }
  const ok = registering.filter((a) => statusOf(a) === 'registered').length;
  return { status: worst, text: `${ok} of ${registering.length} registered` };
}
