// Attended transfer ("consult, then transfer", spec §5.7 option 1): which number the held call is handed to,
// and whether the two calls allow it at all.
//
// IAX2 has no Replaces-style primitive and Asterisk 22 compiled out the native transfer (TXREQ), so the only
// way is a blind TRANSFER on the held call's dialog naming the consulted party's number. Asterisk looks that
// number up in the held call's own dialplan context (ast_bridge_transfer_blind() with the dialog's context;
// CALLED_CONTEXT is ignored), so the number must be reachable through the same account: calls on different
// accounts or direct calls are refused rather than sent somewhere the server cannot route.
import type { CallHandle } from '../iax2/engine-api.js';
import { ApiError } from '../../shared/api.js';
import { isDialString } from '../../shared/api-guards.js';

type Leg = Pick<CallHandle, 'id' | 'accountId' | 'direction' | 'number' | 'remote' | 'state'>;

/**
 * The number to send in TRANSFER on `held`'s dialog so its party ends up talking to `to`'s party: the number we
 * dialled for an outgoing `to`, the caller's number for an incoming one. Throws an ApiError saying why not.
 */
export function attendedTransferTarget(held: Leg, to: Leg): string {
  if (held.id === to.id) throw new ApiError('invalid-request', 'a call cannot be transferred to itself');
  if (held.accountId === undefined || to.accountId === undefined || held.accountId !== to.accountId) {
    throw new ApiError('different-account',
      'both calls must go through the same account: the server looks the number up in the held call\'s context');
  }
  if (held.state !== 'up' && held.state !== 'held') throw new ApiError('invalid-state', 'only an answered call can be transferred');
  if (to.state !== 'up' && to.state !== 'held') {
    throw new ApiError('invalid-state', 'the call to transfer to has not been answered yet');
  }
  const number = (to.direction === 'incoming' ? to.remote.number : to.number || to.remote.number)?.trim() ?? '';
  if (number === '') {
    throw new ApiError('no-number', to.direction === 'incoming'
      ? 'the caller sent no number, so the server cannot be asked to call them'
      : 'the other call has no number to transfer to');
  }
  const shown = number.slice(0, 40);
  if (!isDialString(number)) throw new ApiError('no-number', `'${shown}' is not a number the server can dial`);
  return number;
}
