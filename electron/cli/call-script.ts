// One call as the `redial` command scripts it, through the contract like any client: prints the call's events,
// sends the scripted DTMF and text once it is answered, hangs up after --hangup-after, gives up after
// --answer-timeout, starts --record-both, and turns the way the call ended into an exit code. The call itself
// (set-up, audio, history) is the phone's. The phone's views carry network text escaped for display; the
// command prints the text itself (rawText), which its output escapes or JSON-encodes (output.ts).
import type { CallEndView, CallStatsView, CallView, EventPayload, RedialApi } from '../shared/api.js';
import { rawText } from '../shared/display-text.js';
import type { CliAudio } from './cli-audio.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from './exit-codes.js';
import type { CliOutput } from './output.js';

export interface CallScript {
  readonly out: CliOutput;
  readonly audio?: CliAudio;
  readonly dtmf?: string;
  readonly dtmfDelaySeconds?: number;
  readonly text?: string;
  readonly hangupAfterSeconds?: number;
  /** Outgoing only: hang up if not answered in time. */
  readonly answerTimeoutSeconds?: number;
  readonly statsEverySeconds?: number;
  /** Record both directions (call:record) once the call has audio. */
  readonly recordBoth?: boolean;
}

interface CallListener {
  updated(view: CallView): void;
  ended(e: EventPayload<'call:ended'>): void;
  dtmf(digit: string): void;
  text(text: string): void;
}

/**
 * The phone's call events, by call. A call can end before its script is attached (the phone reports some failures
 * at once): its events wait here until then.
 */
export class CallEvents {
  private readonly listeners = new Map<string, CallListener>();
  private readonly early = new Map<string, ((l: CallListener) => void)[]>();

  constructor(api: RedialApi) {
    api.on('call:updated', (v) => this.deliver(v.id, (l) => l.updated(v)));
    api.on('call:ended', (e) => this.deliver(e.call.id, (l) => l.ended(e)));
    api.on('call:dtmf', (d) => this.deliver(d.callId, (l) => l.dtmf(d.digit)));
    api.on('call:text', (t) => this.deliver(t.callId, (l) => l.text(t.text)));
  }

  attach(callId: string, listener: CallListener): void {
    this.listeners.set(callId, listener);
    for (const event of this.early.get(callId) ?? []) event(listener);
    this.early.delete(callId);
  }

  detach(callId: string): void { this.listeners.delete(callId); }

  private deliver(callId: string, event: (l: CallListener) => void): void {
    const l = this.listeners.get(callId);
    if (l) { event(l); return; }
    const queued = this.early.get(callId) ?? [];
    if (queued.length < 64) queued.push(event);
    this.early.set(callId, queued);
  }
}

export function runCallScript(api: RedialApi, events: CallEvents, first: CallView, o: CallScript): Promise<ExitCodeValue> {
  const { out } = o;
  const id = first.id;
  const timers: NodeJS.Timeout[] = [];
  let answeredAt: number | undefined;
  let lastState = first.state;
  let lastCodec = first.direction === 'incoming' ? first.codec : undefined;
  let recordRequested = false;
  let timedOut = false;
  const later = (seconds: number, fn: () => void): void => { timers.push(setTimeout(fn, seconds * 1000)); };
  /** A request the script makes; one the phone refuses becomes a notice, never the end of the command. */
  const ask = (what: Promise<unknown>): void => {
    what.catch((err: unknown) => out.emit({ event: 'notice', message: err instanceof Error ? err.message : String(err) }));
  };
  const hangup = (): void => ask(api.request('call:hangup', { callId: id }));

  const hasAudio = (): void => {
    if (!o.recordBoth || recordRequested) return;
    recordRequested = true;
    ask(api.request('call:record', { callId: id, recording: true }));
  };

  const scheduleDtmf = (digits: string): void => {
    // ',' is a one-second pause between groups (as in dial strings); digits go 250 ms apart so a dialplan's
    // Read() sees each one.
    let at = o.dtmfDelaySeconds ?? 1;
    for (const d of digits) {
      if (d === ',') { at += 1; continue; }
      later(at, () => {
        if (lastState === 'ended') return;
        ask(api.request('call:dtmf', { callId: id, digits: d }));
        out.emit({ event: 'dtmf', callId: id, digit: d, direction: 'tx' });
      });
      at += 0.25;
    }
  };

  return new Promise<ExitCodeValue>((resolve) => {
    if (o.answerTimeoutSeconds !== undefined && o.answerTimeoutSeconds > 0 && first.direction === 'outgoing') {
      later(o.answerTimeoutSeconds, () => {
        if (answeredAt !== undefined || lastState === 'ended') return;
        out.emit({ event: 'notice', message: `no answer after ${o.answerTimeoutSeconds} s; hanging up` });
        timedOut = true;
        hangup();
      });
    }
    if (o.statsEverySeconds) {
      timers.push(setInterval(() => {
        if (answeredAt === undefined || lastState === 'ended') return;
        void api.request('call:stats', { callId: id }).then((s) => out.emit(statsEvent(id, s)), () => undefined);
      }, o.statsEverySeconds * 1000));
    }

    events.attach(id, {
      updated(view) {
        const state = view.state;
        if (state !== lastState) {
          lastState = state;
          if (state === 'ringing') out.emit({ event: 'ringing', callId: id });
          else if (state === 'up' && answeredAt === undefined) {
            answeredAt = performance.now();
            out.emit({ event: 'answered', callId: id, ...(view.codec ? { codec: view.codec } : {}), encrypted: view.encrypted });
            hasAudio();
            if (o.dtmf) scheduleDtmf(o.dtmf);
            if (o.text !== undefined) {
              ask(api.request('call:text', { callId: id, text: o.text }));
              out.emit({ event: 'text', callId: id, text: o.text, direction: 'tx' });
            }
            if (o.hangupAfterSeconds !== undefined) later(o.hangupAfterSeconds, hangup);
          } else if (state === 'early-media') {
            out.emit({ event: 'state', callId: id, state });
            hasAudio();
          } else if (state !== 'ended') out.emit({ event: 'state', callId: id, state });
        }
        if (view.codec !== undefined && view.codec !== lastCodec) {
          lastCodec = view.codec;
          out.emit({ event: 'codec', callId: id, codec: view.codec });
        }
      },
      dtmf(digit) { out.emit({ event: 'dtmf', callId: id, digit, direction: 'rx' }); },
      text(text) { out.emit({ event: 'text', callId: id, text: rawText(text), direction: 'rx' }); },
      ended({ end, stats }) {
        lastState = 'ended';
        for (const t of timers) clearTimeout(t);
        events.detach(id);
        const durationSeconds = answeredAt === undefined ? undefined : Math.round((performance.now() - answeredAt) / 100) / 10;
        const finish = async (): Promise<void> => {
          // The phone closes the call's audio after telling us it ended: wait, so the recordings are complete.
          await o.audio?.audioClosed(id);
          for (const r of o.audio?.takeRecordings() ?? []) out.emit({ event: 'recording', callId: id, file: r.path, seconds: r.seconds });
          if (stats) out.emit(statsEvent(id, stats));
          out.emit({
            event: 'hangup', callId: id, by: end.by,
            ...(end.cause !== undefined ? { cause: rawText(end.cause) } : {}),
            ...(end.causeCode !== undefined ? { causeCode: end.causeCode } : {}),
            ...(end.error ? { code: end.error.code, message: rawText(end.error.message) } : {}),
            ...(durationSeconds !== undefined ? { durationSeconds } : {}),
          });
          resolve(exitFor(answeredAt !== undefined, timedOut, end));
        };
        void finish();
      },
    });
  });
}

function exitFor(answered: boolean, timedOut: boolean, end: CallEndView): ExitCodeValue {
  if (answered) return ExitCode.OK;
  if (timedOut) return ExitCode.TIMEOUT;
  if (end.error) return exitCodeFor(end.error);
  if (end.causeCode === 17) return ExitCode.BUSY;
  if (end.causeCode === 34 || end.causeCode === 42) return ExitCode.CONGESTION;
  return ExitCode.REJECTED;
}

/** The `stats` event: the jitter buffer's figures (once the call has audio), then the protocol's. */
function statsEvent(callId: string, s: CallStatsView): { event: 'stats'; callId: string; [k: string]: unknown } {
  const r1 = (v: number): number => Math.round(v * 10) / 10;
  return {
    event: 'stats', callId,
    ...(s.bufferDelayMs !== undefined ? {
      bufferDelayMs: r1(s.bufferDelayMs), jitterBufferMs: r1(s.jitterBufferMs ?? 0), lateFrames: s.lateFrames ?? 0,
      droppedFrames: s.droppedFrames ?? 0, concealedMs: Math.round(s.concealedMs ?? 0),
    } : {}),
    ...(s.rttMs !== undefined ? { rttMs: Math.round(s.rttMs) } : {}),
    ...(s.jitterMs !== undefined ? { jitterMs: r1(s.jitterMs) } : {}),
    framesSent: s.framesSent, framesReceived: s.framesReceived, framesLost: s.framesLost,
    lossPercent: r1(s.lossPercent), retransmissions: s.retransmissions,
  };
}
