// The renderer's copy of the iax2 debug trace: the last CAPACITY frames in a ring buffer (bounded memory,
// however long the call), each with its display lines computed once. Views poll `version` on animation
// frames instead of re-rendering on every frame event, so 100 frames/s cannot flood Preact.

import type { TraceView } from '../../electron/shared/api.js';
import { RingBuffer } from '../lib/ring-buffer.js';
import { formatTraceLines } from '../lib/trace-format.js';

export const TRACE_CAPACITY = 5000;

export interface TraceRow {
  readonly entry: TraceView;
  /** The frame as Asterisk's `iax2 set debug on` prints it, one string per line. */
  readonly lines: readonly string[];
}

export function rowOf(entry: TraceView): TraceRow {
  const text = entry.text?.replace(/\s+$/, '');
  return { entry, lines: text ? text.split('\n') : formatTraceLines(entry) };
}

export class TraceLog {
  private readonly rows: RingBuffer<TraceRow>;
  private lastSeq = -1;
  /** Bumped on every change; views compare it to decide whether to re-render. */
  version = 0;

  constructor(capacity = TRACE_CAPACITY) {
    this.rows = new RingBuffer<TraceRow>(capacity);
  }

  get size(): number { return this.rows.size; }
  get capacity(): number { return this.rows.capacity; }
  /** Frames that fell out of the buffer since the last clear. */
  get dropped(): number { return this.rows.dropped; }

  push(entry: TraceView): void {
    // trace:subscribe returns recent frames that may overlap frames already streamed: keep each seq once.
    if (entry.seq <= this.lastSeq) return;
    this.lastSeq = entry.seq;
    this.rows.push(rowOf(entry));
    this.version++;
  }

  seed(entries: readonly TraceView[]): void {
    for (const e of [...entries].sort((a, b) => a.seq - b.seq)) this.push(e);
  }

  clear(): void {
    this.rows.clear();
    this.version++;
  }

  toArray(): TraceRow[] { return this.rows.toArray(); }
}
