// What the CLI prints: human lines by default, one JSON object per line with --json (a stable, documented shape:
// every event has "event" and "t", the seconds since the command started). Names, numbers, TEXT and causes come
// from the network: human lines are printed with every control character escaped, JSON with C1 and bidirectional
// controls written as \u escapes too (shared/display-text.ts), so a caller cannot drive the terminal.
import { displayText, terminalSafeJson } from '../shared/display-text.js';

export type CliEvent =
  | { event: 'started'; localPort: number }
  | { event: 'registering'; server: string; user: string }
  | { event: 'registered'; server: string; user: string; refresh?: number; apparentAddress?: string; messages?: { old: number; new: number } }
  | { event: 'registration-failed'; server: string; user: string; code: string; message: string }
  | { event: 'unregistered'; server: string; user: string }
  | { event: 'calling'; number: string; server: string }
  | { event: 'incoming'; callId: string; from?: string; fromName?: string; number: string; autoAnswer?: boolean }
  | { event: 'state'; callId: string; state: string }
  | { event: 'ringing'; callId: string }
  | { event: 'answered'; callId: string; codec?: string; encrypted?: boolean }
  | { event: 'codec'; callId: string; codec: string }
  | { event: 'dtmf'; callId: string; digit: string; direction: 'rx' | 'tx' }
  | { event: 'text'; callId: string; text: string; direction: 'rx' | 'tx' }
  | { event: 'stats'; callId: string; [k: string]: unknown }
  | { event: 'hangup'; callId: string; by: string; cause?: string; causeCode?: number; code?: string; message?: string; durationSeconds?: number }
  | { event: 'recording'; callId: string; file: string; seconds: number }
  | { event: 'notice'; message: string }
  | { event: 'error'; code: string; message: string };

export class CliOutput {
  private readonly start: number;
  constructor(
    private readonly json: boolean,
    private readonly out: { write(s: string): unknown } = process.stdout,
    private readonly err: { write(s: string): unknown } = process.stderr,
    now: () => number = () => performance.now(),
  ) {
    this.start = now();
    this.now = now;
  }
  private readonly now: () => number;

  emit(e: CliEvent): void {
    const t = Math.round(this.now() - this.start) / 1000;
    if (this.json) { this.out.write(terminalSafeJson({ ...e, t }) + '\n'); return; }
    this.out.write(displayText(humanLine(e)) + '\n');
  }

  /** Text for stdout as it is (listings). */
  raw(text: string): void { this.out.write(text); }

  /** Debug trace text (always stderr, so --json stdout stays machine-readable). */
  trace(text: string): void { this.err.write(text.endsWith('\n') ? text : text + '\n'); }

  /** Diagnostics for humans; with --json they go to stderr as well. */
  info(text: string): void { (this.json ? this.err : this.out).write(displayText(text) + '\n'); }
}

function humanLine(e: CliEvent): string {
  switch (e.event) {
    case 'started': return `Listening on UDP port ${e.localPort}`;
    case 'registering': return `Registering ${e.user} at ${e.server}…`;
    case 'registered': {
      const extra = [e.refresh !== undefined ? `refresh ${e.refresh} s` : '', e.apparentAddress ? `seen as ${e.apparentAddress}` : '',
        e.messages ? `voicemail ${e.messages.new} new / ${e.messages.old} old` : ''].filter(Boolean).join(', ');
      return `Registered ${e.user} at ${e.server}${extra ? ` (${extra})` : ''}`;
    }
    case 'registration-failed': return `Registration of ${e.user} at ${e.server} failed: ${e.message}`;
    case 'unregistered': return `Unregistered ${e.user} at ${e.server}`;
    case 'calling': return `Calling ${e.number} via ${e.server}…`;
    case 'incoming': return `Incoming call ${e.callId} from ${e.fromName ? `${e.fromName} ` : ''}${e.from ?? 'unknown'} to ${e.number}${e.autoAnswer ? ' (auto-answer requested)' : ''}`;
    case 'state': return `Call ${e.callId}: ${e.state}`;
    case 'ringing': return `Call ${e.callId}: ringing`;
    case 'answered': return `Call ${e.callId}: answered${e.codec ? ` (${e.codec}${e.encrypted ? ', encrypted AES-128' : ''})` : ''}`;
    case 'codec': return `Call ${e.callId}: codec ${e.codec}`;
    case 'dtmf': return `Call ${e.callId}: DTMF ${e.direction === 'rx' ? 'received' : 'sent'} '${e.digit}'`;
    case 'text': return `Call ${e.callId}: text ${e.direction === 'rx' ? 'received' : 'sent'}: ${e.text}`;
    case 'stats': {
      const { event: _e, callId, ...rest } = e;
      return `Call ${callId}: ${Object.entries(rest).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`;
    }
    case 'hangup': return `Call ${e.callId}: ended by ${e.by}${e.cause ? ` (${e.cause}${e.causeCode !== undefined ? `, cause ${e.causeCode}` : ''})` : e.causeCode !== undefined ? ` (cause ${e.causeCode})` : ''}${e.message ? `: ${e.message}` : ''}`;
    case 'recording': return `Call ${e.callId}: recorded ${e.seconds.toFixed(1)} s to ${e.file}`;
    case 'notice': return e.message;
    case 'error': return `Error: ${e.message}`;
  }
}
