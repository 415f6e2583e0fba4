// The debug trace kept by the phone, whether or not a console is open: bounded rings of the engine's TraceEntry
// objects (raw bytes included, for pcap export) and their conversion to the UI's TraceView (raw bytes stripped, text
// added). Signalling and voice have separate rings: after a minute of a call one shared ring held only voice and
// PINGs, so the set-up (NEW, ACCEPT, the codec) was gone from the console and from the pcap, where Wireshark then
// guesses the voice frames' codec wrongly.
import type { TraceEntry } from '../iax2/trace-types.js';
import { isVoiceFrame, type TraceView } from '../../shared/api.js';

export type TraceFormatter = (entry: TraceEntry) => string;

export interface BufferedTrace {
  readonly seq: number;
  /** Wall-clock ms when it was recorded. */
  readonly wallAt: number;
  readonly entry: TraceEntry;
}

/** Voice frames kept: 20 s of one call, both directions (the signalling ring's size is a setting). */
export const VOICE_TRACE_CAPACITY = 2000;
/** Voice frames kept by a phone of many calls (PhoneServiceDeps.independentCalls): the last few of each direction. */
export const BULK_VOICE_TRACE_CAPACITY = 100;

/** One bounded ring, trimmed in batches so a busy call does not shift the array on every frame. */
class Ring {
  items: BufferedTrace[] = [];
  constructor(public capacity: number) {}
  push(item: BufferedTrace): void {
    this.items.push(item);
    if (this.items.length > this.capacity * 1.25) this.items = this.items.slice(-this.capacity);
  }
  /** The newest `limit` (default: all it holds). */
  newest(limit = this.capacity): BufferedTrace[] {
    return this.items.slice(-Math.min(limit, this.capacity));
  }
}

export class TraceBuffer {
  private readonly signalling: Ring;
  private readonly voice: Ring;
  private nextSeq = 1;

  constructor(capacity: number, voiceCapacity = VOICE_TRACE_CAPACITY) {
    this.signalling = new Ring(Math.max(1, capacity));
    this.voice = new Ring(Math.max(1, voiceCapacity));
  }

  /** The signalling ring's size (settings.debug.traceBufferSize). */
  setCapacity(capacity: number): void {
    this.signalling.capacity = Math.max(1, capacity);
    this.signalling.items = this.signalling.newest();
  }

  add(entry: TraceEntry, wallAt: number): BufferedTrace {
    const item = { seq: this.nextSeq++, wallAt, entry };
    (isVoiceFrame(entry) ? this.voice : this.signalling).push(item);
    return item;
  }

  /** The newest `limit` frames of both rings, oldest first (default: everything held). */
  recent(limit?: number): BufferedTrace[] {
    const all = mergeBySeq(this.signalling.newest(), this.voice.newest());
    return limit !== undefined && limit < all.length ? all.slice(-limit) : all;
  }

  /** What a console that opens now starts with: the newest signalling frames and a little of the voice. */
  opening(signalling: number, voice: number): BufferedTrace[] {
    return mergeBySeq(this.signalling.newest(signalling), this.voice.newest(voice));
  }

  clear(): void { this.signalling.items = []; this.voice.items = []; }
}

function mergeBySeq(a: readonly BufferedTrace[], b: readonly BufferedTrace[]): BufferedTrace[] {
  const out: BufferedTrace[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) out.push(a[i].seq < b[j].seq ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
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
