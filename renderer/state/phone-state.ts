// The shape of the renderer's snapshot of the phone and the pure steps that change it. Kept apart from the store
// (which talks to the engine and schedules the fades) so each rule about what the page shows after an event is a
// plain function of the old state: the store only decides when to apply it.

import type {
  AccountView, AppInfo, AudioDevicesView, CallStatsView, CallView, ContactView, DialRequest, Gains, HistoryEntry,
  LevelsView, Notice, RegistrationView, Settings,
} from '../../electron/shared/api.js';
import type { EndedCall } from '../lib/call-end.js';

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface PhoneState {
  readonly connection: ConnectionState;
  /** Why the engine is unreachable (connection 'lost'), for the banner. */
  readonly lostReason?: string;
  readonly info?: AppInfo;
  readonly accounts: readonly AccountView[];
  readonly registrations: Readonly<Record<string, RegistrationView>>;
  /** Live calls, oldest first. */
  readonly calls: readonly CallView[];
  /** Calls that ended in the last few seconds, newest first. */
  readonly ended: readonly EndedCall[];
  readonly stats: Readonly<Record<string, CallStatsView>>;
  /** DTMF digits the far end sent, per call. */
  readonly receivedDtmf: Readonly<Record<string, string>>;
  /** DTMF digits we sent, per call, whichever way they were entered (dial pad, the card's keypad, the keyboard). */
  readonly sentDtmf: Readonly<Record<string, string>>;
  /** Most recent first. */
  readonly history: readonly HistoryEntry[];
  /** Missed calls not seen yet (the phone counts them: the tray, the badges and this window agree). */
  readonly missed: number;
  /** The phone's address book, by name. */
  readonly contacts: readonly ContactView[];
  /** A test tone is playing on the speaker ('output') or the ring device ('ring'). */
  readonly testing?: 'ring' | 'output';
  readonly audio?: AudioDevicesView;
  readonly gains?: Gains;
  readonly settings?: Settings;
  readonly levels: LevelsView;
  /** Newest last; at most MAX_NOTICES (notices.ts). */
  readonly notices: readonly Notice[];
  readonly dialRequest?: DialRequest;
}

export const NO_LEVELS: LevelsView = { inputDbfs: null, outputDbfs: null };
/** DTMF digits kept per call for display (the newest). */
const DTMF_SHOWN = 32;
/** The whole history the phone keeps (CallHistory's bound), so the History page can search all of it. */
export const HISTORY_LIMIT = 1000;
/** Ended calls kept on screen at once. */
const ENDED_SHOWN = 3;
/** How long an ended call stays on screen: long enough to read the reason (and hear the busy tone). */
export const ENDED_CALL_MS = { local: 3000, other: 8000 } as const;

export const initialState: PhoneState = {
  connection: 'connecting', accounts: [], registrations: {}, calls: [], ended: [], stats: {}, receivedDtmf: {}, sentDtmf: {},
  history: [], missed: 0, contacts: [], levels: NO_LEVELS, notices: [],
};

/** The call replaced where it is, or added last (calls stay oldest first). */
export function withCall(calls: readonly CallView[], c: CallView): readonly CallView[] {
  return calls.some((x) => x.id === c.id) ? calls.map((x) => (x.id === c.id ? c : x)) : [...calls, c];
}

/** The listed calls, each replaced by what an event said about it since (events are newer than the list). */
export function mergeCalls(fromList: readonly CallView[], fromEvents: readonly CallView[]): CallView[] {
  const byId = new Map(fromList.map((c) => [c.id, c]));
  for (const c of fromEvents) byId.set(c.id, c);
  return [...byId.values()];
}

/** A call's digit string with `digits` appended, keeping the newest DTMF_SHOWN. */
export function withDigits(byCall: Readonly<Record<string, string>>, callId: string, digits: string): Record<string, string> {
  return { ...byCall, [callId]: ((byCall[callId] ?? '') + digits).slice(-DTMF_SHOWN) };
}

/** The call leaves the live list for the ended cards, its per-call state goes, its history entry comes first. */
export function afterCallEnded(state: PhoneState, ended: EndedCall): Partial<PhoneState> {
  const { call, history } = ended;
  const { [call.id]: _s, ...stats } = state.stats;
  const { [call.id]: _d, ...receivedDtmf } = state.receivedDtmf;
  const { [call.id]: _t, ...sentDtmf } = state.sentDtmf;
  return {
    calls: state.calls.filter((c) => c.id !== call.id),
    ended: [ended, ...state.ended.filter((e) => e.call.id !== call.id)].slice(0, ENDED_SHOWN),
    stats, receivedDtmf, sentDtmf,
    // The phone keeps no history of an echo test: neither does the page.
    history: call.echoTest ? state.history : [history, ...state.history.filter((h) => h.id !== history.id)].slice(0, HISTORY_LIMIT),
  };
}

/** How long the card of a call that ended this way stays: a local hang-up needs no reading. */
export function endedCardMs(ended: EndedCall): number {
  return ended.end.by === 'local' && !ended.end.error ? ENDED_CALL_MS.local : ENDED_CALL_MS.other;
}

/**
 * The engine is gone: whatever it said is stale. Its calls ended with it; registrations and levels are unknown until
 * it is back (the UI greys itself meanwhile).
 */
export function afterEngineLost(message: string): Partial<PhoneState> {
  return { connection: 'lost', lostReason: message, calls: [], registrations: {}, stats: {}, levels: NO_LEVELS, receivedDtmf: {}, sentDtmf: {} };
}
