// The LoadRunner's calls placed through the phone's contract (electron/shared/api.ts), like any other client:
// call:dial with the next account (or directly to a peer), call:updated for ringing and answer, call:ended with
// the far end's cause and the call's final figures, call:hangup to end one. Per call, BulkPhoneMedia's figures add
// how long it had media (the base of the concealed percentage).
import type { CallStatsView, CallView, EventPayload, RedialApi, RequestPayload } from '../../shared/api.js';
import { rawText } from '../../shared/display-text.js';
import { CallEvents } from '../call-script.js';
import type { BulkCallMedia } from '../../core/phone/bulk-phone-media.js';
import type { LoadCall, LoadCallEvents, LoadDialer } from './load-runner.js';
import type { CallFailure, CallMediaFigures } from './report.js';

export type DialTarget =
  | { readonly kind: 'accounts'; readonly accounts: readonly { readonly id: string; readonly user: string }[] }
  | { readonly kind: 'direct'; readonly server: string };

/** Where call `index` goes: the call:dial request, and how the report names its account. */
export interface DialRoute {
  readonly request: RequestPayload<'call:dial'>;
  readonly label: string;
}

/** The same number for every call, through the accounts in turn, or directly to one peer. */
export function cycleRoutes(target: DialTarget, number: string): (index: number) => DialRoute {
  return (index) => {
    if (target.kind === 'direct') return { request: { number, direct: { server: target.server } }, label: target.server };
    const a = target.accounts[(index - 1) % target.accounts.length];
    return { request: { number, accountId: a.id }, label: a.user };
  };
}

interface Tracked {
  readonly events: LoadCallEvents;
  rang: boolean;
  answered: boolean;
}

export class PhoneLoadDialer implements LoadDialer {
  private readonly events: CallEvents;

  constructor(
    private readonly api: RedialApi,
    private readonly route: (index: number) => DialRoute,
    private readonly media: (callId: string) => BulkCallMedia | undefined,
    /** The call's record is made: its media can be forgotten. */
    private readonly forget: (callId: string) => void = () => undefined,
    events?: CallEvents,
  ) {
    this.events = events ?? new CallEvents(api);
  }

  accountOf(index: number): string {
    return this.route(index).label;
  }

  dial(index: number, events: LoadCallEvents): LoadCall {
    let callId: string | undefined;
    let hangupWanted = false;
    this.api.request('call:dial', this.route(index).request).then((view) => {
      events.placed?.(view.id);
      callId = view.id;
      const t: Tracked = { events, rang: false, answered: false };
      this.events.attach(view.id, {
        updated: (v) => this.updated(t, v),
        ended: (e) => { this.events.detach(view.id); this.ended(t, view.id, e); },
        dtmf: (d) => events.dtmf?.(d),
        text: (x) => events.text?.(rawText(x)), // the phone's views escape network text for display
      });
      this.updated(t, view);
      if (hangupWanted) this.hangupCall(view.id);
    }, (err: unknown) => {
      const e = err as { code?: unknown; message?: unknown };
      events.ended({ by: 'local', failure: { code: typeof e.code === 'string' ? e.code : 'internal', message: String(e.message ?? err) } });
    });
    return {
      hangup: () => { if (callId === undefined) hangupWanted = true; else this.hangupCall(callId); },
      stats: () => (callId === undefined ? undefined : this.figures(callId, undefined)),
    };
  }

  private hangupCall(callId: string): void {
    void this.api.request('call:hangup', { callId }).catch(() => undefined); // already ended: its call:ended says so
  }

  private updated(t: Tracked, view: CallView): void {
    if ((view.state === 'ringing' || view.state === 'early-media') && !t.rang) { t.rang = true; t.events.ringing(); }
    if (view.state === 'up' && !t.answered) { t.answered = true; t.events.answered(); }
  }

  private ended(t: Tracked, callId: string, e: EventPayload<'call:ended'>): void {
    const { end } = e;
    const causeCode = end.causeCode ?? end.error?.causeCode;
    const cause = end.cause ?? end.error?.cause;
    const failure: CallFailure | undefined = end.error
      ? { code: end.error.code, message: end.error.message, ...(causeCode !== undefined ? { causeCode } : {}), ...(cause !== undefined ? { cause } : {}) }
      : causeCode !== undefined || cause !== undefined
        ? { code: 'hangup', message: `${end.by === 'remote' ? 'the far end' : 'the call'} ended${cause !== undefined ? ` (${cause})` : ''}`,
            ...(causeCode !== undefined ? { causeCode } : {}), ...(cause !== undefined ? { cause } : {}) }
        : undefined;
    const media = this.figures(callId, e.stats);
    this.forget(callId);
    t.events.ended({ by: end.by, ...(failure ? { failure } : {}), ...(media ? { media } : {}) });
  }

  private figures(callId: string, stats: CallStatsView | undefined): CallMediaFigures | undefined {
    const m = this.media(callId)?.stats();
    if (!m && !stats) return undefined;
    const rtt = stats?.rttMs;
    const jitter = stats?.jitterMs;
    return {
      ...(rtt !== undefined ? { rttMs: rtt } : {}),
      ...(jitter !== undefined ? { jitterMs: jitter } : {}),
      framesSent: stats?.framesSent ?? m?.framesSent ?? 0,
      framesReceived: stats?.framesReceived ?? m?.framesReceived ?? 0,
      framesLost: stats?.framesLost ?? m?.jitter.lost ?? 0,
      lateFrames: stats?.lateFrames ?? m?.lateFrames ?? 0,
      concealedMs: stats?.concealedMs ?? m?.concealedMs ?? 0,
      mediaMs: m?.mediaMs ?? 0,
    };
  }

}
