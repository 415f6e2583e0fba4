// Measuring a soak: the heap after a full GC, RSS, open libuv handles/requests, and the least-squares slope of a
// series (bytes per call). Node exposes gc() only with --expose-gc; setting the flag at run time and fetching the
// function from a fresh context gives the same full, synchronous collection without restarting the process.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let cachedGc: (() => void) | undefined;

/** A full garbage collection (global.gc when present, otherwise one enabled at run time). */
export function fullGc(): void {
  if (!cachedGc) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) cachedGc = g;
    else {
      setFlagsFromString('--expose-gc');
      cachedGc = runInNewContext('gc') as () => void;
    }
  }
  // Two passes: the first can only queue finalizers/weak callbacks that free more on the second.
  cachedGc();
  cachedGc();
}

export interface MemorySample {
  /** Bytes of JS heap in use after a full GC. */
  readonly heapUsed: number;
  /** Bytes V8 has committed for the JS heap (used + free pages it keeps). */
  readonly heapTotal: number;
  /** Resident set size of the process, bytes. */
  readonly rss: number;
  /** ArrayBuffers and Buffers outside the JS heap, bytes. */
  readonly arrayBuffers: number;
  readonly external: number;
}

export async function sampleMemory(): Promise<MemorySample> {
  // Let pending I/O callbacks and timers of the last call run before collecting.
  await new Promise((r) => setImmediate(r));
  fullGc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, arrayBuffers: m.arrayBuffers, external: m.external };
}

/** Open handles and requests by kind (Timeout, UDPWRAP, …), from process.getActiveResourcesInfo(). */
export function activeResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

export function totalResources(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2; }
  return den === 0 ? 0 : num / den;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
