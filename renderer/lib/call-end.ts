// How a call ended, in words, for the card that stays on screen a few seconds after it ends.
import type { CallEndView, CallView, HistoryEntry } from '../../electron/shared/api.js';

/** A call that just ended, kept on screen for a few seconds so the user sees why (busy, declined, hung up). */
export interface EndedCall {
  readonly call: CallView;
  readonly end: CallEndView;
  readonly history: HistoryEntry;
  /** Wall-clock ms when it ended. */
  readonly at: number;
}

const OUTCOME_WORDS: Record<EndedCall['history']['outcome'], string> = {
  answered: 'Call ended', missed: 'Missed', rejected: 'Declined', busy: 'Busy', failed: 'Call failed', cancelled: 'Cancelled',
  transferred: 'Transferred',
};

/** A failed call's headline by the engine's error code, when it says more than "Call failed". */
const ERROR_WORDS: Readonly<Record<string, string>> = {
  busy: 'Busy', congestion: 'Congestion', 'no-route': 'No such number', 'invalid-number': 'No such number',
  'no-answer': 'No answer', 'no-common-codec': 'No common codec', 'auth-failed': 'Not allowed', network: 'Connection lost',
};

/** Why the call ended, in words: the engine's explanation when there is one, else who hung up. */
export function endReason(e: EndedCall): string {
  if (e.history.reason === 'dnd') return 'Refused as busy: Do Not Disturb is on.';
  if (e.history.outcome === 'transferred') {
    return e.history.transferredTo ? `Handed over to ${e.history.transferredTo}.` : 'You left the call after putting the held caller through.';
  }
  // A call that rang here and was not answered is a missed call, whatever cause the caller's side gave for giving up
  // (Asterisk's Dial() timing out sends "no answer", 19): its error words are written for the one who called.
  if (missedHere(e)) {
    return e.end.by === 'local' ? 'Not answered: the phone stopped ringing.' : 'The caller hung up before you answered.';
  }
  if (e.end.error) return e.end.error.message;
  const answered = e.history.outcome === 'answered';
  if (e.end.by === 'network') return 'The connection to the server was lost.';
  if (e.end.by === 'local') {
    if (e.history.outcome === 'rejected') return 'You declined the call.';
    return answered ? 'You hung up.' : 'You cancelled the call.';
  }
  return answered ? 'The other side hung up.' : 'The other side ended the call.';
}

/** The card's headline: the error's kind when it has one ("Busy", "No such number"), else the outcome. */
export function endHeadline(e: EndedCall): string {
  if (missedHere(e)) return OUTCOME_WORDS.missed;
  return (e.end.error && ERROR_WORDS[e.end.error.code]) ?? OUTCOME_WORDS[e.history.outcome];
}

/** An incoming call that ended unanswered (and not declined): the user missed it. */
export function missedHere(e: Pick<EndedCall, 'call' | 'history'>): boolean {
  return e.call.direction === 'incoming' && e.history.outcome === 'missed';
}
