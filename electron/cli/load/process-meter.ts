// What `redial load` says about its own process (CPU as % of one core, resident memory) and how it shows its live
// progress line: rewritten in place on a terminal, a line every few seconds otherwise, a `progress` event with --json.
import { formatProgress, type Progress } from './report.js';
import type { CliOutput } from '../output.js';
import { terminalSafeJson } from '../../shared/display-text.js';

export class ProcessMeter {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private firstCpu = this.lastCpu;
  private firstAt = this.lastAt;
  rssBase = process.memoryUsage().rss;
  rssPeak = this.rssBase;

  /** Starts the overall measurement (after set-up: accounts saved, socket open). */
  start(): void {
    this.firstCpu = this.lastCpu = process.cpuUsage();
    this.firstAt = this.lastAt = performance.now();
    this.rssBase = this.rssPeak = process.memoryUsage().rss;
  }

  sampleMemory(): void {
    this.rssPeak = Math.max(this.rssPeak, process.memoryUsage().rss);
  }

  /** CPU of the whole process (every thread) since the previous call, % of one core. */
  cpuPercentSinceLast(): number {
    const now = performance.now();
    const d = process.cpuUsage(this.lastCpu);
    const pct = ((d.user + d.system) / 1000 / Math.max(1, now - this.lastAt)) * 100;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return pct;
  }

  cpuPercentOverall(): number {
    this.sampleMemory();
    const d = process.cpuUsage(this.firstCpu);
    return ((d.user + d.system) / 1000 / Math.max(1, performance.now() - this.firstAt)) * 100;
  }
}

/** Seconds between progress lines when stderr is not a terminal (a log file, CI). */
const PLAIN_EVERY_S = 5;

export class ProgressPrinter {
  private readonly tty = process.stderr.isTTY === true;
  private lastPlain = -Infinity;
  private open = false;

  constructor(private readonly out: CliOutput, private readonly json: boolean) {}

  progress(p: Progress): void {
    if (this.json) {
      if (p.elapsedSeconds - this.lastPlain < PLAIN_EVERY_S) return;
      this.lastPlain = p.elapsedSeconds;
      this.out.raw(`${terminalSafeJson({ event: 'progress', t: Math.round(p.elapsedSeconds * 1000) / 1000, ...p })}\n`);
      return;
    }
    const line = formatProgress(p);
    if (this.tty) {
      process.stderr.write(`\r${line}\u001b[K`);
      this.open = true;
      return;
    }
    if (p.elapsedSeconds - this.lastPlain < PLAIN_EVERY_S) return;
    this.lastPlain = p.elapsedSeconds;
    process.stderr.write(`${line}\n`);
  }

  /** A message between progress lines. */
  note(text: string): void {
    this.done();
    process.stderr.write(`${text}\n`);
  }

  /** Ends the in-place line so what follows starts on its own line. */
  done(): void {
    if (this.open) process.stderr.write('\n');
    this.open = false;
  }
}
