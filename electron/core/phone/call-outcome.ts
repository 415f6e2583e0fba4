// How a call ended, in the history's words (electron/shared/api.ts CallOutcome), and its history entry: pure
// functions of what the live-call supervisor (live-calls.ts) knew about the call and how the engine said it ended.
import type { CallEndInfo, CallHandle } from '../iax2/engine-api.js';
import type { CallOutcome, HistoryEntry } from '../../shared/api.js';
import { callView, type CallViewSource } from './api-views.js';
import { displayHistoryEntry } from './call-history.js';

/**
 * Why we ended a call, when we did. 'dnd': refused busy by Do Not Disturb; 'transfer': the consulted leg of an
 * attended transfer, hung up once the held call was handed over.
 */
export type LocalEnd = 'hangup' | 'reject' | 'ring-timeout' | 'dnd' | 'transfer';

/** What the outcome depends on beyond the end itself. */
export interface EndedCall extends CallViewSource {
  readonly localEnd?: LocalEnd;
  /** We sent TRANSFER on this call (to `target`); `failed`: the server kept our leg (spec P25). */
  readonly transfer?: { readonly target: string; readonly failed: boolean };
}

export function callOutcome(c: EndedCall, info: CallEndInfo): CallOutcome {
  if (c.localEnd === 'transfer') return 'transferred';
  // After our TRANSFER, the server hanging up our leg is the sign the transfer went through (spec §5.7).
  if (c.transfer && !c.transfer.failed && c.answeredAt !== undefined && info.by === 'remote' && c.localEnd === undefined) {
    return 'transferred';
  }
  if (c.answeredAt !== undefined) return 'answered';
  if (c.handle.direction === 'incoming') return c.localEnd === 'reject' ? 'rejected' : 'missed';
  if (c.localEnd) return 'cancelled';
  if (info.error?.code === 'busy') return 'busy';
  if (info.error?.code === 'cancelled') return 'cancelled';
  return 'failed';
}

/** The history entry of a call that ended at `endedAt` (wall-clock ms), network text escaped once. */
export function historyEntryOf(c: EndedCall, info: CallEndInfo, outcome: CallOutcome, endedAt: number): HistoryEntry {
  const view = callView(c);
  const handedOver = outcome === 'transferred' && c.transfer !== undefined;
  return displayHistoryEntry({
    id: c.handle.id, direction: c.handle.direction, number: otherParty(c.handle),
    startedAt: c.startedAt, endedAt, outcome,
    durationSeconds: c.answeredAt !== undefined ? Math.max(0, Math.round((endedAt - c.answeredAt) / 1000)) : 0,
    ...(view.accountId !== undefined ? { accountId: view.accountId } : {}),
    ...(view.remoteAddress !== undefined ? { remoteAddress: view.remoteAddress } : {}),
    ...(c.handle.remote.name ? { remoteName: c.handle.remote.name } : {}),
    ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
    ...(c.localEnd === 'dnd' ? { cause: 'Do not disturb', reason: 'dnd' as const } : info.cause ? { cause: info.cause } : {}),
    ...(c.handle.codec ? { codec: c.handle.codec } : {}),
    ...(handedOver && c.transfer ? { transferredTo: c.transfer.target } : {}),
    ...(c.handle.encrypted === true ? { encrypted: true } : {}),
  });
}

/**
 * The number of the other party, for history and file names: whom we called, or who called us. An incoming
 * call's own number is the extension it was sent to ("s" from Asterisk, "100" on a direct call), which is no use
 * for calling back, so a caller without caller ID has no number ("").
 */
export function otherParty(call: Pick<CallHandle, 'direction' | 'number' | 'remote'>): string {
  return call.direction === 'incoming' ? call.remote.number || '' : call.number || call.remote.number || '';
}
