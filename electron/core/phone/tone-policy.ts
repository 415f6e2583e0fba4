// Which local sound the phone plays (the sounds themselves are the PhoneMedia's): the ringtone while an incoming
// call waits for the user, ringback while an outgoing one rings at the far end, for a while after a call we placed
// failed the busy or congestion tone (spec §2.3: the far end's own indications stop ours), and the keys the user
// sends as DTMF.
import type { CancelTimer, Clock } from '../ports.js';
import type { CallHandle } from '../iax2/engine-api.js';
import type { PhoneMedia } from './media-port.js';

/** How long the busy / congestion tone plays after a failed call. */
export const FAILURE_TONE_MS = 3000;

/** What the policy needs to know of each live call. */
export interface TonedCall {
  readonly handle: Pick<CallHandle, 'direction' | 'state'>;
  readonly answeredAt?: number;
  /** Refused by Do Not Disturb: never rings. */
  readonly silenced: boolean;
}

export class TonePolicy {
  private failureTimer: CancelTimer | undefined;

  constructor(private readonly media: PhoneMedia, private readonly clock: Clock) {}

  /** The ringtone plays while an incoming call waits for the user. */
  updateRinging(calls: Iterable<TonedCall>): void {
    let ringing = false;
    for (const c of calls) {
      const s = c.handle.state;
      ringing ||= c.handle.direction === 'incoming' && c.answeredAt === undefined && !c.silenced
        && (s === 'ringing' || s === 'proceeding' || s === 'dialing');
    }
    this.media.setRinging(ringing);
  }

  /** Ringback plays while an outgoing call rings at the far end (it cuts a failure tone short). */
  updateTones(calls: Iterable<TonedCall>): void {
    let ringback = false;
    for (const c of calls) ringback ||= c.handle.direction === 'outgoing' && c.handle.state === 'ringing';
    if (ringback) {
      this.failureTimer?.();
      this.failureTimer = undefined;
      this.media.setTone('ringback');
    } else if (!this.failureTimer) {
      this.media.setTone(null);
    }
  }

  /** The user sent these keys as DTMF: the user hears them too, as a keypad does (each digit as it goes out). */
  keyed(digits: string): void { this.media.keyTones?.(digits); }

  /** The far end says its own tones or media follow (PROGRESS, stop indications): our ringback stops. */
  farEndTones(): void { this.media.setTone(null); }

  /** A call we placed ended busy or congested before it was answered: that tone, for FAILURE_TONE_MS. */
  failed(tone: 'busy' | 'congestion'): void {
    this.failureTimer?.();
    this.media.setTone(tone);
    this.failureTimer = this.clock.setTimer(FAILURE_TONE_MS, () => {
      this.failureTimer = undefined;
      this.media.setTone(null);
    });
  }

  stop(): void {
    this.failureTimer?.();
    this.failureTimer = undefined;
    this.media.setRinging(false);
    this.media.setTone(null);
  }
}
