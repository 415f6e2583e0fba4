// The debug trace kept by the phone: a bounded ring of the engine's TraceEntry objects (raw bytes
// included, for pcap export) and their conversion to the UI's TraceView (raw bytes stripped, text added).
import type { TraceEntry } from '../iax2/trace-types.js';
import type { TraceView } from '../../shared/api.js';

export type TraceFormatter = (entry: TraceEntry) => string;

export interface BufferedTrace {
  readonly seq: number;
  /** Wall-clock ms when it was recorded. */
  readonly wallAt: number;
  readonly entry: TraceEntry;
}

export class TraceBuffer {
  private items: BufferedTrace[] = [];
  private nextSeq = 1;

  constructor(private capacity: number) {}

  setCapacity(capacity: number): void {
    this.capacity = Math.max(1, capacity);
    if (this.items.length > this.capacity) this.items = this.items.slice(-this.capacity);
  }

  add(entry: TraceEntry, wallAt: number): BufferedTrace {
    const item = { seq: this.nextSeq++, wallAt, entry };
    this.items.push(item);
    // Trim in batches so a busy call does not shift the array on every frame.
    if (this.items.length > this.capacity * 1.25) this.items = this.items.slice(-this.capacity);
    return item;
  }

  recent(limit?: number): BufferedTrace[] {
    const all = this.items.length > this.capacity ? this.items.slice(-this.capacity) : this.items;
    return limit !== undefined && limit < all.length ? all.slice(-limit) : all.slice();
  }

  clear(): void { this.items = []; }
}

/** A plain rendering used until/unless the engine's Asterisk-style formatter is supplied. */
export const basicTraceFormatter: TraceFormatter = (e) => {
  const head = `${e.direction === 'tx' ? 'Tx' : 'Rx'}-Frame Retry[${e.retry ? 'Yes' : ' No'}] -- ` +
    `OSeqno: ${pad3(e.oseqno)} ISeqno: ${pad3(e.iseqno)} Type: ${e.frameType ?? e.kind.toUpperCase()} ` +
    `Subclass: ${e.subclass ?? '-'}`;
  const lines = [head,
    `   Timestamp: ${String(e.timestamp).padStart(5, '0')}ms  SCall: ${String(e.sourceCall).padStart(5, '0')}  ` +
    `DCall: ${String(e.destCall ?? 0).padStart(5, '0')} [${e.peer.address}:${e.peer.port}]`];
  for (const ie of e.ies) lines.push(`   ${ie.name.padEnd(20)}: ${ie.value}`);
  if (e.error) lines.push(`   error: ${e.error}`);
  return lines.join('\n');
};

function pad3(n: number | undefined): string { return String(n ?? 0).padStart(3, '0'); }

/** The formatter's text, or a note saying it failed: a bad entry must not break the trace. */
export function safeFormat(format: TraceFormatter, e: TraceEntry): string {
  try { return format(e); } catch (err) { return `(trace formatting failed: ${err instanceof Error ? err.message : String(err)})`; }
}

export function toTraceView(item: BufferedTrace, format: TraceFormatter): TraceView {
  const e = item.entry;
  const text = safeFormat(format, e);
  return {
    seq: item.seq, direction: e.direction, at: item.wallAt, retry: e.retry,
    peer: { address: e.peer.address, port: e.peer.port }, kind: e.kind,
    ...(e.oseqno !== undefined ? { oseqno: e.oseqno } : {}),
    ...(e.iseqno !== undefined ? { iseqno: e.iseqno } : {}),
    ...(e.frameType !== undefined ? { frameType: e.frameType } : {}),
    ...(e.subclass !== undefined ? { subclass: e.subclass } : {}),
    timestamp: e.timestamp >>> 0, sourceCall: e.sourceCall,
    ...(e.destCall !== undefined ? { destCall: e.destCall } : {}),
    ies: e.ies.map((ie) => ({ type: ie.type, name: ie.name, value: ie.value })),
    payloadBytes: e.payloadBytes,
    ...(e.error !== undefined ? { error: e.error } : {}),
    text: text.length > 65536 ? text.slice(0, 65536) : text,
  };
}
