// Supervises one call for the CLI: prints its events, sends the scripted DTMF/text once it is answered,
// hangs up after --hangup-after, gives up after --answer-timeout, runs its audio, and turns the way it
// ended into an exit code.
import type { CallHandle, CallStats } from '../core/iax2/engine-api.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from './exit-codes.js';
import type { CliOutput } from './output.js';

/** What the call's audio adds to the `stats` event: the jitter buffer's view of what we receive. */
export interface CallAudioStats {
  readonly bufferDelayMs: number;
  readonly jitterBufferMs: number;
  readonly lateFrames: number;
  readonly droppedFrames: number;
  readonly concealedMs: number;
}

/** Audio attached to a call while it has media; stop() resolves when recordings are flushed. */
export interface CallAudio {
  stats?(): CallAudioStats;
  stop(): Promise<{ readonly recordings?: readonly { readonly path: string; readonly seconds: number }[] }>;
}

export interface SuperviseOptions {
  readonly out: CliOutput;
  readonly dtmf?: string;
  readonly dtmfDelaySeconds?: number;
  readonly text?: string;
  readonly hangupAfterSeconds?: number;
  /** Outgoing only: hang up if not answered in time. */
  readonly answerTimeoutSeconds?: number;
  readonly statsEverySeconds?: number;
  /** Starts the call's audio once it has media (early media or answered). */
  readonly startAudio: (call: CallHandle) => Promise<CallAudio> | CallAudio;
}

export function superviseCall(call: CallHandle, o: SuperviseOptions): Promise<ExitCodeValue> {
  const { out } = o;
  const timers: NodeJS.Timeout[] = [];
  let answeredAt: number | undefined;
  let audio: Promise<CallAudio> | undefined;
  let audioNow: CallAudio | undefined;
  let lastState = call.state;
  const later = (seconds: number, fn: () => void): void => { timers.push(setTimeout(fn, seconds * 1000)); };
  const startAudio = (): void => {
    audio ??= Promise.resolve(o.startAudio(call)).then((a) => { audioNow = a; return a; }, (err: unknown) => {
      out.emit({ event: 'notice', message: `audio could not start: ${err instanceof Error ? err.message : String(err)}` });
      return { stop: async () => ({}) };
    });
  };

  return new Promise<ExitCodeValue>((resolve) => {
    let timedOut = false;
    if (o.answerTimeoutSeconds !== undefined && o.answerTimeoutSeconds > 0 && call.direction === 'outgoing') {
      later(o.answerTimeoutSeconds, () => {
        if (answeredAt === undefined && call.state !== 'ended') {
          out.emit({ event: 'notice', message: `no answer after ${o.answerTimeoutSeconds} s; hanging up` });
          timedOut = true;
          call.hangup();
        }
      });
    }
    call.on('state', (state) => {
      if (state === lastState) return;
      lastState = state;
      if (state === 'ringing') out.emit({ event: 'ringing', callId: call.id });
      else if (state === 'up' && answeredAt === undefined) {
        answeredAt = performance.now();
        out.emit({ event: 'answered', callId: call.id, ...(call.codec ? { codec: call.codec } : {}), encrypted: call.encrypted === true });
        startAudio();
        if (o.dtmf) scheduleDtmf(o.dtmf);
        if (o.text !== undefined) { call.sendText(o.text); out.emit({ event: 'text', callId: call.id, text: o.text, direction: 'tx' }); }
        if (o.hangupAfterSeconds !== undefined) later(o.hangupAfterSeconds, () => call.hangup());
      } else if (state === 'early-media') {
        out.emit({ event: 'state', callId: call.id, state });
        startAudio();
      } else if (state !== 'ended') out.emit({ event: 'state', callId: call.id, state });
    });
    call.on('codec', (codec) => out.emit({ event: 'codec', callId: call.id, codec }));
    call.on('dtmf', (d) => { if (d.phase === 'end') out.emit({ event: 'dtmf', callId: call.id, digit: d.digit, direction: 'rx' }); });
    call.on('text', (text) => out.emit({ event: 'text', callId: call.id, text, direction: 'rx' }));
    call.on('notice', (n) => out.emit({ event: 'notice', message: n.message }));
    if (o.statsEverySeconds) {
      const iv = setInterval(() => {
        if (answeredAt !== undefined && call.state !== 'ended') out.emit(statsEvent(call.id, call.stats(), audioNow?.stats?.()));
      }, o.statsEverySeconds * 1000);
      timers.push(iv);
    }
    call.on('ended', (info) => {
      for (const t of timers) clearTimeout(t);
      const durationSeconds = answeredAt === undefined ? undefined : Math.round((performance.now() - answeredAt) / 100) / 10;
      const finish = async (): Promise<void> => {
        const audioStats = audioNow?.stats?.();
        const result = audio ? await (await audio).stop() : {};
        for (const r of result.recordings ?? []) out.emit({ event: 'recording', callId: call.id, file: r.path, seconds: r.seconds });
        if (answeredAt !== undefined) out.emit(statsEvent(call.id, call.stats(), audioStats));
        out.emit({
          event: 'hangup', callId: call.id, by: info.by,
          ...(info.cause !== undefined ? { cause: info.cause } : {}),
          ...(info.causeCode !== undefined ? { causeCode: info.causeCode } : {}),
          ...(info.error ? { code: info.error.code, message: info.error.message } : {}),
          ...(durationSeconds !== undefined ? { durationSeconds } : {}),
        });
        resolve(exitFor(answeredAt !== undefined, timedOut, info.causeCode, info.error));
      };
      void finish();
    });

    function scheduleDtmf(digits: string): void {
      // ',' is a one-second pause between groups (as in dial strings); digits go 250 ms apart so a dialplan's
      // Read() sees each one.
      let at = o.dtmfDelaySeconds ?? 1;
      for (const d of digits) {
        if (d === ',') { at += 1; continue; }
        later(at, () => {
          if (call.state === 'ended') return;
          call.sendDtmf(d);
          out.emit({ event: 'dtmf', callId: call.id, digit: d, direction: 'tx' });
        });
        at += 0.25;
      }
    }
  });
}

function exitFor(
  answered: boolean, timedOut: boolean, causeCode: number | undefined, error: { code: Parameters<typeof exitCodeFor>[0]['code']; message: string } | undefined,
): ExitCodeValue {
  if (answered) return ExitCode.OK;
  if (timedOut) return ExitCode.TIMEOUT;
  if (error) return exitCodeFor(error);
  if (causeCode === 17) return ExitCode.BUSY;
  if (causeCode === 34 || causeCode === 42) return ExitCode.CONGESTION;
  return ExitCode.REJECTED;
}

function statsEvent(callId: string, s: CallStats, a: CallAudioStats | undefined): { event: 'stats'; callId: string; [k: string]: unknown } {
  const r1 = (v: number): number => Math.round(v * 10) / 10;
  return {
    event: 'stats', callId,
    ...(a ? { bufferDelayMs: r1(a.bufferDelayMs), jitterBufferMs: r1(a.jitterBufferMs), lateFrames: a.lateFrames,
      droppedFrames: a.droppedFrames, concealedMs: Math.round(a.concealedMs) } : {}),
    ...(s.rttMs !== undefined ? { rttMs: Math.round(s.rttMs) } : {}),
    ...(s.jitterMs !== undefined ? { jitterMs: Math.round(s.jitterMs * 10) / 10 } : {}),
    framesSent: s.framesSent, framesReceived: s.framesReceived, framesLost: s.framesLost,
    lossPercent: Math.round(s.lossPercent * 10) / 10, retransmissions: s.retransmissions,
  };
}
