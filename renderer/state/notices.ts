// The notice centre's rules: which notices are worth showing, how duplicates collapse, how many stay, and which fade.
// Pure functions of the store's state, so the store only applies them and schedules the fades.

import type { Notice } from '../../electron/shared/api.js';
import type { PhoneState } from './phone-state.js';

const MAX_NOTICES = 5;
/** Notices fade on their own unless they describe a problem that is still there (a failed registration). */
export const NOTICE_MS = { info: 6000, warning: 12000, error: 20000 } as const;

/** The notices with `n` added (newest last, at most MAX_NOTICES), or undefined when `n` is not to be shown. */
export function noticesWith(state: PhoneState, n: Notice): readonly Notice[] | undefined {
  // A registration failure is state, shown where state is (the top bar's summary, the account's Status): the same
  // words again as a notice would say it a third time.
  const reg = n.accountId !== undefined ? state.registrations[n.accountId] : undefined;
  if (reg?.status === 'failed' && reg.error?.code === n.code) return undefined;
  // The engine and the store may both report one event (a call's failure): keep one copy, the newest.
  const same = (x: Notice) => x.id === n.id || (x.message === n.message && x.callId === n.callId && x.accountId === n.accountId);
  return [...state.notices.filter((x) => !same(x)), n].slice(-MAX_NOTICES);
}

/** How long `n` stays before it fades; undefined when it stays until dismissed or its cause is gone. */
export function noticeFadeMs(n: Notice): number | undefined {
  // A failed registration stays until the account registers (or the user dismisses it); the rest fade.
  return n.accountId && n.level === 'error' ? undefined : NOTICE_MS[n.level];
}

/** Notices about a call or an account: their causes went with the engine when it stopped. */
export const aboutEngineState = (n: Notice): boolean => n.callId !== undefined || n.accountId !== undefined;
