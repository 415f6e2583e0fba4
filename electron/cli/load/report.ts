// The figures of a load run (docs/scenarios.md "Load reports"): per-call records in, a summary out — set-up time
// percentiles, answer ratio, failures by cause, per-call RTT/jitter/loss/late/concealed percentiles, the process's
// CPU and memory — and the text forms of the summary and of the live progress line. Pure.
import { distribution, type Distribution } from './distribution.js';

export interface CallFailure {
  /** Machine-readable: the engine's error code ('busy', 'auth-failed', 'no-answer' …), 'ended-early', 'step-failed'. */
  readonly code: string;
  readonly causeCode?: number;
  readonly cause?: string;
  readonly message: string;
}

/** What one call's receive side measured (engine statistics and the jitter buffer). */
export interface CallMediaFigures {
  readonly rttMs?: number;
  readonly jitterMs?: number;
  readonly framesSent: number;
  readonly framesReceived: number;
  readonly framesLost: number;
  /** Frames the jitter buffer dropped for arriving after their playout time. */
  readonly lateFrames: number;
  /** Audio made up by concealment (lost or late frames), ms. */
  readonly concealedMs: number;
  /** How long the call had media, ms (the base of concealedPercent). */
  readonly mediaMs: number;
}

export interface CallRecord {
  /** 1-based, in dialling order. */
  readonly index: number;
  readonly account: string;
  /** When it was dialled, ms since the run started. */
  readonly startedMs: number;
  /** Dial → RINGING, ms. */
  readonly ringingMs?: number;
  /** Dial → ANSWER, ms: the set-up time. */
  readonly answeredMs?: number;
  /** Set when the call was not answered or did not end as planned. */
  readonly failure?: CallFailure;
  readonly media?: CallMediaFigures;
}

export interface ProcessFigures {
  /** CPU of the whole process over the run, % of one core. */
  readonly cpuPercent: number;
  /** Resident memory at the peak, and before the first call (the difference is what the calls cost). */
  readonly rssPeakBytes: number;
  readonly rssBaseBytes: number;
  /** Most calls up at the same time. */
  readonly peakCalls: number;
  /** How late the shared media clock's ticks ran (ms past due), when the run has one. */
  readonly tickLateMs?: Distribution;
}

export interface FailureCount {
  readonly key: string;
  readonly count: number;
  /** One example message, for the report. */
  readonly message: string;
}

export interface LoadSummary {
  readonly wallSeconds: number;
  readonly attempted: number;
  readonly answered: number;
  readonly failed: number;
  /** answered / attempted (0..1); NaN when nothing was attempted. */
  readonly answerRatio: number;
  readonly setupMs?: Distribution;
  readonly ringingMs?: Distribution;
  readonly failures: readonly FailureCount[];
  readonly media: {
    readonly rttMs?: Distribution;
    readonly jitterMs?: Distribution;
    readonly lossPercent?: Distribution;
    readonly latePercent?: Distribution;
    readonly concealedPercent?: Distribution;
    /** Over every call together. */
    readonly totals: { readonly framesSent: number; readonly framesReceived: number; readonly framesLost: number;
      readonly lateFrames: number; readonly latePercent: number; readonly concealedMs: number; readonly concealedPercent: number };
  };
  readonly process: ProcessFigures & { readonly cpuPerCallPercent?: number; readonly rssPerCallBytes?: number };
}

/** The key calls are grouped by in "failures by cause": what failed, and the server's cause when it gave one. */
export function failureKey(f: CallFailure): string {
  const cause = f.causeCode !== undefined || f.cause !== undefined
    ? ` (${[f.causeCode !== undefined ? String(f.causeCode) : undefined, f.cause].filter((x) => x !== undefined).join(' ')})` : '';
  return `${f.code}${cause}`;
}

const pct = (part: number, whole: number): number => (whole > 0 ? (part / whole) * 100 : 0);

export function summarize(records: readonly CallRecord[], proc: ProcessFigures, wallMs: number): LoadSummary {
  const answered = records.filter((r) => r.answeredMs !== undefined).length;
  const failed = records.filter((r) => r.failure !== undefined);
  const groups = new Map<string, { count: number; message: string }>();
  for (const r of failed) {
    const key = failureKey(r.failure!);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, message: r.failure!.message });
  }
  const failures = [...groups].map(([key, g]) => ({ key, ...g })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const media = records.map((r) => r.media).filter((m): m is CallMediaFigures => m !== undefined);
  const totals = media.reduce((t, m) => ({
    framesSent: t.framesSent + m.framesSent, framesReceived: t.framesReceived + m.framesReceived,
    framesLost: t.framesLost + m.framesLost, lateFrames: t.lateFrames + m.lateFrames,
    concealedMs: t.concealedMs + m.concealedMs, mediaMs: t.mediaMs + m.mediaMs,
  }), { framesSent: 0, framesReceived: 0, framesLost: 0, lateFrames: 0, concealedMs: 0, mediaMs: 0 });
  const extraRss = Math.max(0, proc.rssPeakBytes - proc.rssBaseBytes);
  return {
    wallSeconds: wallMs / 1000,
    attempted: records.length,
    answered,
    failed: failed.length,
    answerRatio: records.length > 0 ? answered / records.length : NaN,
    ...opt('setupMs', distribution(records.map((r) => r.answeredMs))),
    ...opt('ringingMs', distribution(records.map((r) => r.ringingMs))),
    failures,
    media: {
      ...opt('rttMs', distribution(media.map((m) => m.rttMs))),
      ...opt('jitterMs', distribution(media.map((m) => m.jitterMs))),
      ...opt('lossPercent', distribution(media.map((m) => pct(m.framesLost, m.framesLost + m.framesReceived)))),
      ...opt('latePercent', distribution(media.map((m) => pct(m.lateFrames, m.framesReceived)))),
      ...opt('concealedPercent', distribution(media.map((m) => pct(m.concealedMs, m.mediaMs)))),
      totals: {
        framesSent: totals.framesSent, framesReceived: totals.framesReceived, framesLost: totals.framesLost,
        lateFrames: totals.lateFrames, latePercent: pct(totals.lateFrames, totals.framesReceived),
        concealedMs: totals.concealedMs, concealedPercent: pct(totals.concealedMs, totals.mediaMs),
      },
    },
    process: {
      ...proc,
      ...(proc.peakCalls > 0 ? { cpuPerCallPercent: proc.cpuPercent / proc.peakCalls, rssPerCallBytes: extraRss / proc.peakCalls } : {}),
    },
  };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// ------------------------------------------------------------------------------------------------------------------
// Text

const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '–');
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '–');
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

function row(label: string, d: Distribution | undefined, unit: string, fmt = f1): string {
  if (!d) return `  ${label.padEnd(20)} –`;
  return `  ${label.padEnd(20)} p50 ${fmt(d.p50)}${unit}  p95 ${fmt(d.p95)}${unit}  p99 ${fmt(d.p99)}${unit}  max ${fmt(d.max)}${unit}  (${d.count} calls)`;
}

/** The final report, as printed after a run (without --json). */
export function formatSummary(s: LoadSummary): string {
  const lines: string[] = [];
  const ratio = Number.isFinite(s.answerRatio) ? `${(s.answerRatio * 100).toFixed(1)} %` : '–';
  lines.push(`Calls: ${s.attempted} dialled, ${s.answered} answered (${ratio}), ${s.failed} failed, in ${f1(s.wallSeconds)} s`);
  lines.push('Set-up:');
  lines.push(row('dial → answer', s.setupMs, ' ms', (v) => v.toFixed(0)));
  lines.push(row('dial → ringing', s.ringingMs, ' ms', (v) => v.toFixed(0)));
  if (s.failures.length > 0) {
    lines.push('Failures by cause:');
    for (const f of s.failures) lines.push(`  ${String(f.count).padStart(5)}  ${f.key}: ${f.message}`);
  }
  const m = s.media;
  lines.push('Media, per call:');
  lines.push(row('RTT', m.rttMs, ' ms', (v) => v.toFixed(0)));
  lines.push(row('jitter', m.jitterMs, ' ms'));
  lines.push(row('loss', m.lossPercent, ' %', f2));
  lines.push(row('late', m.latePercent, ' %', f2));
  lines.push(row('concealed', m.concealedPercent, ' %', f2));
  const t = m.totals;
  lines.push(`  all calls: ${t.framesSent} frames sent, ${t.framesReceived} received, ${t.framesLost} lost, `
    + `${t.lateFrames} late (${f2(t.latePercent)} %), ${(t.concealedMs / 1000).toFixed(1)} s concealed (${f2(t.concealedPercent)} %)`);
  const p = s.process;
  lines.push(`Process: CPU ${f1(p.cpuPercent)} % of one core${p.cpuPerCallPercent !== undefined ? ` (${f2(p.cpuPerCallPercent)} % per call at the peak of ${p.peakCalls})` : ''}, `
    + `RSS ${mib(p.rssPeakBytes)}${p.rssPerCallBytes !== undefined ? ` (${(p.rssPerCallBytes / 1024).toFixed(0)} KiB per call above the ${mib(p.rssBaseBytes)} before calls)` : ''}`);
  if (p.tickLateMs) lines.push(`  media clock: ticks late p50 ${f1(p.tickLateMs.p50)} ms, p99 ${f1(p.tickLateMs.p99)} ms, max ${f1(p.tickLateMs.max)} ms`);
  return lines.join('\n');
}

export interface Progress {
  readonly elapsedSeconds: number;
  readonly up: number;
  readonly target: number;
  readonly dialled: number;
  /** Calls dialled per second over the last few seconds. */
  readonly setupRate: number;
  readonly failures: readonly FailureCount[];
  readonly cpuPercent: number;
  readonly lossPercent: number;
  readonly latePercent: number;
}

/** The live progress line (rewritten in place on a terminal). */
export function formatProgress(p: Progress): string {
  const failed = p.failures.reduce((n, f) => n + f.count, 0);
  const causes = p.failures.slice(0, 3).map((f) => `${f.key} ${f.count}`).join(', ');
  return `${p.elapsedSeconds.toFixed(0).padStart(4)} s  up ${p.up}/${p.target}  dialled ${p.dialled} (${f1(p.setupRate)}/s)  `
    + `failed ${failed}${causes ? ` [${causes}${p.failures.length > 3 ? ', …' : ''}]` : ''}  CPU ${f1(p.cpuPercent)} %  `
    + `loss ${f2(p.lossPercent)} %  late ${f2(p.latePercent)} %`;
}
