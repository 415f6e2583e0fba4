// The call state machine: which public CallState may follow which, per direction. SIP.js style: an illegal
// transition is a bug in the engine, so it throws under test and is logged (and refused) in production.
// Each rule cites the message flow it follows: RFC 5456 §6.2 (call leg management) and spec §5.2 / §5.3.
import type { CallDirection, CallState } from '../engine-api.js';

type Table = Readonly<Record<CallState, readonly CallState[]>>;

/**
 * Outgoing calls (spec §5.2 ladder; RFC 5456 §6.2.2-§6.2.4).
 * - dialing → proceeding: ACCEPT received (after the optional CALLTOKEN and AUTHREQ/AUTHREP rounds).
 * - dialing → ended: REJECT (incl. the apathetic one, spec §5.5), HANGUP, INVAL, retransmission timeout, local cancel.
 *   Asterisk holds CONTROL and voice back until ACCEPT (spec §4.6 end), so nothing else can leave `dialing`.
 * - proceeding → ringing (CONTROL RINGING), early-media (PROGRESS or voice before ANSWER), up (ANSWER).
 * - ringing ⇄ early-media: Asterisk may send PROGRESS after RINGING, or RINGING after PROGRESS (app_dial).
 * - up ⇄ held: our own hold/unhold (spec §5.7). Remote hold is an event, not a state.
 */
const OUTGOING: Table = {
  dialing: ['proceeding', 'ended'],
  proceeding: ['ringing', 'early-media', 'up', 'ended'],
  ringing: ['early-media', 'up', 'ended'],
  'early-media': ['ringing', 'up', 'ended'],
  up: ['held', 'ended'],
  held: ['up', 'ended'],
  ended: [],
};

/**
 * Incoming calls (spec §5.3; RFC 5456 §6.2.1). The handle is born `ringing`: the engine ACCEPTs the NEW and sends
 * CONTROL RINGING before it tells the user (C-3), or REJECTs without ever creating a handle (cause 58).
 * - ringing → up: the user answers (CONTROL ANSWER sent).
 * - ringing → ended: the user rejects (REJECT 17/21), or the caller cancels (HANGUP).
 * - up ⇄ held, → ended: as for outgoing calls.
 */
const INCOMING: Table = {
  dialing: [],
  proceeding: [],
  'early-media': [],
  ringing: ['up', 'ended'],
  up: ['held', 'ended'],
  held: ['up', 'ended'],
  ended: [],
};

export function initialState(direction: CallDirection): CallState {
  return direction === 'outgoing' ? 'dialing' : 'ringing';
}

export function isLegalTransition(direction: CallDirection, from: CallState, to: CallState): boolean {
  const table = direction === 'outgoing' ? OUTGOING : INCOMING;
  return table[from].includes(to);
}

export class IllegalCallTransitionError extends Error {
  constructor(readonly direction: CallDirection, readonly from: CallState, readonly to: CallState, why: string) {
    super(`illegal ${direction} call transition ${from} → ${to} (${why})`);
    this.name = 'IllegalCallTransitionError';
  }
}

export type IllegalTransitionPolicy = 'throw' | 'log';

export interface StateMachineOptions {
  readonly direction: CallDirection;
  /**
   * 'log' (the default: a user's call goes on, the bug is logged) or 'throw' (what the tests inject through the
   * engine's `illegalCallTransitions` option, so a bug fails them).
   */
  readonly onIllegal?: IllegalTransitionPolicy;
  readonly log?: (message: string) => void;
}

export class CallStateMachine {
  private current: CallState;
  private readonly policy: IllegalTransitionPolicy;

  constructor(private readonly options: StateMachineOptions) {
    this.current = initialState(options.direction);
    this.policy = options.onIllegal ?? 'log';
  }

  get state(): CallState { return this.current; }
  get ended(): boolean { return this.current === 'ended'; }

  /** Whether `to` may follow the current state (for callers that want to ignore, not assert). */
  can(to: CallState): boolean {
    return isLegalTransition(this.options.direction, this.current, to);
  }

  /**
   * Moves to `to`. Returns true when the state changed. A transition to the current state is a no-op (a duplicate
   * RINGING, say), not an error. Anything not in the table is a bug: throw under test, log and stay in production.
   */
  transition(to: CallState, why: string): boolean {
    if (to === this.current) return false;
    if (!this.can(to)) {
      const err = new IllegalCallTransitionError(this.options.direction, this.current, to, why);
      if (this.policy === 'throw') throw err;
      this.options.log?.(err.message);
      return false;
    }
    this.current = to;
    return true;
  }
}
