// The renderer's copy of the iax2 debug trace: the last CAPACITY frames in ring buffers (bounded memory,
// however long the call), each with its display lines computed once. Signalling (full frames) and voice
// (mini/meta frames) have separate rings: a call sends 100 voice frames a second, which would otherwise push
// the REGREQ/NEW/ACCEPT the user opened the console to read out of the buffer within a minute. Views poll `version` on animation
// frames instead of re-rendering on every frame event, so 100 frames/s cannot flood Preact.

import { isVoiceFrame, type TraceView } from '../../electron/shared/api.js';
import { RingBuffer } from '../lib/ring-buffer.js';
import { formatTraceLines } from '../lib/trace-format.js';

export const TRACE_CAPACITY = 5000;
/** Voice frames kept: 20 s of a call's both directions. */
export const VOICE_TRACE_CAPACITY = 4000;

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
  private readonly voice: RingBuffer<TraceRow>;
  private lastSeq = -1;
  /** Bumped on every change; views compare it to decide whether to re-render. */
  version = 0;

  constructor(capacity = TRACE_CAPACITY, voiceCapacity = VOICE_TRACE_CAPACITY) {
    this.rows = new RingBuffer<TraceRow>(capacity);
    this.voice = new RingBuffer<TraceRow>(voiceCapacity);
  }

  get size(): number { return this.rows.size + this.voice.size; }
  /** Voice frames held (hidden unless the console's Voice box is ticked). */
  get voiceSize(): number { return this.voice.size; }
  get capacity(): number { return this.rows.capacity; }
  /** Signalling frames that fell out of the buffer since the last clear. */
  get dropped(): number { return this.rows.dropped; }

  push(entry: TraceView): void {
    // trace:subscribe returns recent frames that may overlap frames already streamed: keep each seq once.
    if (entry.seq <= this.lastSeq) return;
    this.lastSeq = entry.seq;
    (isVoiceFrame(entry) ? this.voice : this.rows).push(rowOf(entry));
    this.version++;
  }

  seed(entries: readonly TraceView[]): void {
    for (const e of [...entries].sort((a, b) => a.seq - b.seq)) this.push(e);
  }

  clear(): void {
    this.rows.clear();
    this.voice.clear();
    this.version++;
  }

  /** Every frame held, oldest first (the two rings merged by seq). */
  toArray(): TraceRow[] {
    const a = this.rows.toArray();
    if (this.voice.size === 0) return a;
    const b = this.voice.toArray();
    const out: TraceRow[] = new Array<TraceRow>(a.length + b.length);
    let i = 0, j = 0, k = 0;
    while (i < a.length && j < b.length) out[k++] = a[i].entry.seq < b[j].entry.seq ? a[i++] : b[j++];
    while (i < a.length) out[k++] = a[i++];
    while (j < b.length) out[k++] = b[j++];
    return out;
  }
}
