// Renders one trace entry as the lines Asterisk prints with `iax2 set debug on` (its parser's frame dumper):
//
//   Tx-Frame Retry[ No] -- OSeqno: 000 ISeqno: 000 Type: IAX     Subclass: NEW
//      Timestamp: 00003ms  SCall: 00001  DCall: 00000 [127.0.0.1:4569]
//      VERSION         : 2
//
// so a user can put our pane next to the server's console and read both the same way. Only the layout is
// imitated; the values come from the engine's structured TraceEntry. Mini/meta frames are not printed by
// Asterisk at all; we give them one compact line so voice flow is visible when the user asks for it.

import { ENCRYPTED_IE_NAME, type TraceFrame } from '../../electron/shared/api.js';

const pad = (n: number | undefined, width: number): string =>
  n === undefined ? '?'.repeat(width) : String(Math.max(0, Math.trunc(n))).padStart(width, '0');

export function peerText(peer: TraceFrame['peer']): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

export function formatTraceLines(e: TraceFrame): string[] {
  const dir = e.direction === 'tx' ? 'Tx' : 'Rx';
  const peer = `[${peerText(e.peer)}]`;
  if (e.kind === 'malformed') {
    return [`${dir}-Malformed ${e.payloadBytes} bytes ${peer}${e.error ? ` -- ${e.error}` : ''}`];
  }
  if (e.kind !== 'full') {
    const label = e.kind === 'mini' ? 'Mini ' : e.kind === 'video' ? 'Video' : 'Trunk';
    return [`${dir}-${label} Timestamp: ${pad(e.timestamp, 5)}ms  SCall: ${pad(e.sourceCall, 5)}  ${e.payloadBytes} bytes ${peer}`];
  }
  const type = (e.frameType ?? '?').padEnd(7);
  const lines = [
    `${dir}-Frame Retry[${e.retry ? 'Yes' : ' No'}] -- OSeqno: ${pad(e.oseqno, 3)} ISeqno: ${pad(e.iseqno, 3)} Type: ${type} Subclass: ${e.subclass ?? '?'}`,
    `   Timestamp: ${pad(e.timestamp, 5)}ms  SCall: ${pad(e.sourceCall, 5)}  DCall: ${pad(e.destCall, 5)} ${peer}`,
  ];
  for (const ie of e.ies) lines.push(`   ${ie.name.slice(0, 15).padEnd(15)} : ${ie.value}`);
  if (e.error) lines.push(`   !! ${e.error}`);
  return lines;
}

/** The frame crossed the wire AES-128 encrypted (the engine's 'ENCRYPTED' pseudo-IE, spec §7); it is shown decrypted. */
export function isEncryptedFrame(e: Pick<TraceFrame, 'ies'>): boolean {
  return e.ies.some((ie) => ie.name === ENCRYPTED_IE_NAME);
}

export interface TraceFilter {
  /** A call number: matches SCall or DCall. */
  readonly call?: number;
  /** Frame type name as the trace spells it ("IAX", "CONTROL", "VOICE", …) or "mini" for mini/meta frames. */
  readonly type?: string;
  /** Case-insensitive substring of the rendered text. */
  readonly text?: string;
  readonly direction?: 'tx' | 'rx';
}

export function matchesFilter(e: TraceFrame, f: TraceFilter, lines: () => string[]): boolean {
  if (f.direction && e.direction !== f.direction) return false;
  if (f.call !== undefined && e.sourceCall !== f.call && e.destCall !== f.call) return false;
  if (f.type) {
    if (f.type === 'mini') { if (e.kind === 'full') return false; }
    else if (e.kind !== 'full' || (e.frameType ?? '').toUpperCase() !== f.type.toUpperCase()) return false;
  }
  if (f.text) {
    const needle = f.text.toLowerCase();
    if (!lines().some((l) => l.toLowerCase().includes(needle))) return false;
  }
  return true;
}
