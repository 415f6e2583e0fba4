// The contract's calls (electron/shared/api.ts): a live call as the UI sees it, how it ended, its statistics, and
// the call history.

import type { CodecName, ErrorView } from './api.js';

export type CallDirection = 'outgoing' | 'incoming';
export type CallState = 'dialing' | 'proceeding' | 'ringing' | 'early-media' | 'up' | 'held' | 'ended';

export interface CallView {
  readonly id: string;
  readonly accountId?: string;
  readonly direction: CallDirection;
  /** The number we dialled, or the number that called us. */
  readonly number: string;
  readonly remoteName?: string;
  readonly remoteNumber?: string;
  /**
   * A direct call (no account, no server): the other party's address, "host:port" or "[v6]:port" — where we called,
   * or where the call came from. Absent for calls through an account.
   */
  readonly remoteAddress?: string;
  /** The echo test: a call to the echo peer built into the phone, which sends every voice frame back. */
  readonly echoTest?: boolean;
  readonly state: CallState;
  readonly codec?: CodecName;
  /** We put it on hold. */
  readonly held: boolean;
  /** The far end put us on hold. */
  readonly remoteHeld: boolean;
  readonly muted: boolean;
  readonly recording: boolean;
  /** Wall-clock ms since the epoch. */
  readonly startedAt: number;
  readonly answeredAt?: number;
  /** Incoming NEW carried AUTOANSWER (intercom). */
  readonly autoAnswerRequested: boolean;
  /**
   * The call's frames are AES-128 encrypted (spec §7). May turn true after the first view (when the server's
   * AUTHREQ agrees, before ACCEPT); a 'call:updated' follows. Never turns false again.
   */
  readonly encrypted: boolean;
}

export interface CallEndView {
  readonly by: 'local' | 'remote' | 'network';
  readonly cause?: string;
  readonly causeCode?: number;
  readonly error?: ErrorView;
}

export interface CallStatsView {
  readonly rttMs?: number;
  /** Network jitter: how much the arrival of voice frames varies, measured by the engine from their timestamps. */
  readonly jitterMs?: number;
  readonly framesReceived: number;
  readonly framesSent: number;
  readonly framesLost: number;
  readonly lossPercent: number;
  readonly retransmissions: number;
  /**
   * The jitter buffer's view, present once the call has audio: its current delay, its own jitter estimate (what it
   * sizes itself by), frames that came too late to play, frames it dropped, and the milliseconds it concealed.
   */
  readonly bufferDelayMs?: number;
  readonly jitterBufferMs?: number;
  readonly lateFrames?: number;
  readonly droppedFrames?: number;
  readonly concealedMs?: number;
}

/** 'transferred': answered, then handed on by us (blind or attended transfer; the other leg of an attended one too). */
export type CallOutcome = 'answered' | 'missed' | 'rejected' | 'busy' | 'failed' | 'cancelled' | 'transferred';
export const CALL_OUTCOMES: readonly CallOutcome[] = ['answered', 'missed', 'rejected', 'busy', 'failed', 'cancelled', 'transferred'];

export interface HistoryEntry {
  readonly id: string;
  readonly accountId?: string;
  readonly direction: CallDirection;
  /** The other party's number: whom we called, or the caller's number ("" when a caller sent none). */
  readonly number: string;
  readonly remoteName?: string;
  /** A direct call (no account): the other party's address, as in CallView; calling back goes there directly. */
  readonly remoteAddress?: string;
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt: number;
  readonly durationSeconds: number;
  readonly outcome: CallOutcome;
  readonly cause?: string;
  readonly codec?: CodecName;
  /** Why the phone ended it on its own: 'dnd' = refused busy because Do Not Disturb was on (outcome 'missed'). */
  readonly reason?: 'dnd';
  /** Outcome 'transferred': the number the call was handed to. */
  readonly transferredTo?: string;
  /** The call was AES-128 encrypted (spec §7); absent when it was not. */
  readonly encrypted?: boolean;
}
