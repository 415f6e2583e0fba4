// CPU time and memory of other processes, read from /proc/<pid>/stat (Linux): the bench measures Asterisk and the
// `redial` processes from the outside, the same way for both, so their figures compare.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

export interface ProcSample {
  /** User + system CPU time of every thread of the process so far, ms. */
  readonly cpuMs: number;
  /** Time every thread of the process spent runnable but waiting for a CPU (run queue) so far, ms; 0 without schedstat. */
  readonly waitMs: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
}

/**
 * CPU time and rss (field 24 of proc(5) stat); undefined when the process is gone. CPU is the sum of every thread's
 * run time from /proc/<pid>/task/<tid>/schedstat (nanoseconds: an idle process uses a few ms a minute, below what
 * the clock ticks of utime + stime resolve), or utime + stime (fields 14 and 15) where schedstat is not available.
 */
export function procSample(pid: number): ProcSample | undefined {
  let text: string;
  try { text = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  // Field 2 (the command name) is in parentheses and may contain spaces: count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const threads = threadTimesMs(pid);
  return { cpuMs: threads?.run ?? (ticks * 1000) / CLOCK_TICKS, waitMs: threads?.wait ?? 0, rssBytes: Number(fields[21]) * PAGE_BYTES };
}

/** Run time and run-queue wait of every thread (schedstat: ns on a CPU, ns waiting for one, timeslices). */
function threadTimesMs(pid: number): { run: number; wait: number } | undefined {
  try {
    let run = 0;
    let wait = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const [r, w] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      run += Number(r);
      wait += Number(w);
    }
    return Number.isFinite(run) && Number.isFinite(wait) ? { run: run / 1e6, wait: wait / 1e6 } : undefined;
  } catch {
    return undefined;
  }
}

/** The direct children of a process (Linux ≥ 3.5, /proc/<pid>/task/<tid>/children of every thread). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try { tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/); } catch { return out; }
  for (const t of tasks) if (t !== '') out.push(Number(t));
  return out;
}

/** CPU ms used by a set of processes between two moments: call start() then, later, the returned function. */
export function cpuOver(pids: readonly number[]): () => { cpuMs: number; waitMs: number; rssBytes: number; gone: number } {
  const before = pids.map((p) => procSample(p));
  return () => {
    let cpuMs = 0;
    let waitMs = 0;
    let rssBytes = 0;
    let gone = 0;
    pids.forEach((p, i) => {
      const a = before[i];
      const b = procSample(p);
      if (!a || !b) { gone++; return; }
      cpuMs += b.cpuMs - a.cpuMs;
      waitMs += b.waitMs - a.waitMs;
      rssBytes += b.rssBytes;
    });
    return { cpuMs, waitMs, rssBytes, gone };
  };
}
