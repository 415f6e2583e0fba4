// The debug trace: one TraceEntry per datagram sent or received, and its text rendering in the layout of
// Asterisk's `iax2 set debug on` (chan_iax2 iax_showframe(): a "Tx-Frame Retry[...] -- OSeqno ..." line, a
// "Timestamp ... SCall ... DCall ... peer" line, then one "   NAME            : value" line per IE).
// Secrets never reach an entry: IE values come from ie-display.ts, which hides them.
import { formatInfoOfBit } from '../wire/formats.js';
import { MINI_HEADER_BYTES, decodeDatagram } from '../wire/frame-codec.js';
import { parseIes } from '../wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, type FullFrame } from '../wire/types.js';
import type { TraceEntry, TraceIe } from '../trace-types.js';
import { ieDisplayValue, ieLabel, ieName, printable } from './ie-display.js';

export interface TracePeer {
  readonly address: string;
  readonly port: number;
}

function enumName(e: Record<number, string | undefined>, v: number): string | undefined {
  const n = e[v];
  return typeof n === 'string' ? n : undefined;
}

/** Our name of a frame type ("IAX", "VOICE", "DTMF_BEGIN"), or its number. */
export function frameTypeName(type: number): string {
  return enumName(FrameType as unknown as Record<number, string>, type) ?? String(type);
}

/** Our name of a full frame's subclass, by frame type (DTMF digits as the digit, VOICE as the format name). */
export function subclassName(f: Pick<FullFrame, 'frameType' | 'subclass' | 'subclassBit'>): string {
  switch (f.frameType) {
    case FrameType.IAX:
      return enumName(IaxSubclass as unknown as Record<number, string>, f.subclass) ?? String(f.subclass);
    case FrameType.CONTROL:
      return enumName(ControlSubclass as unknown as Record<number, string>, f.subclass) ?? String(f.subclass);
    case FrameType.DTMF:
    case FrameType.DTMF_BEGIN:
      return f.subclass >= 0x20 && f.subclass < 0x7f ? String.fromCharCode(f.subclass) : String(f.subclass);
    case FrameType.VOICE:
    case FrameType.VIDEO:
      if (f.subclassBit !== undefined) return formatInfoOfBit(f.subclassBit)?.name ?? `bit${f.subclassBit}`;
      return String(f.subclass);
    default:
      return String(f.subclass);
  }
}

/** Decodes IEs for the trace: names, display values with secrets hidden. */
export function traceIesOf(payload: Uint8Array): { ies: TraceIe[]; error?: string } {
  const parsed = parseIes(payload);
  if (!parsed.ok) return { ies: [], error: parsed.error };
  return { ies: parsed.value.map((ie) => ({ type: ie.type, name: ieName(ie.type), value: ieDisplayValue(ie.type, ie.data) })) };
}

const utf8 = new TextDecoder('utf-8');

/** At most this many characters of a TEXT frame or control payload are shown. */
export const PAYLOAD_TEXT_SHOWN_CHARS = 120;

function shortText(data: Uint8Array): string {
  const nul = data.indexOf(0);
  const s = printable(utf8.decode(nul >= 0 ? data.subarray(0, nul) : data));
  return s.length > PAYLOAD_TEXT_SHOWN_CHARS ? `${s.slice(0, PAYLOAD_TEXT_SHOWN_CHARS)}… (${data.length} bytes)` : s;
}

/**
 * Asterisk's connected-line / redirecting TLV (spec §2.5): type byte, length byte, value. Shows the number (0),
 * name (1) and presentation (3); other elements are counted. Undefined if the TLVs do not fit the payload.
 */
function connectedLineText(data: Uint8Array): string | undefined {
  const parts: string[] = [];
  let other = 0;
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 2 || at + 2 + data[at + 1] > data.length) return undefined;
    const type = data[at];
    const value = data.subarray(at + 2, at + 2 + data[at + 1]);
    if (type === 0) parts.push(`number ${shortText(value)}`);
    else if (type === 1) parts.push(`name ${shortText(value)}`);
    else if (type === 3 && value.length === 1) parts.push(`presentation ${value[0]}`);
    else other++;
    at += 2 + value.length;
  }
  if (other) parts.push(`${other} more element${other === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/**
 * Readable payload lines of non-IAX full frames, as pseudo-IEs (type -1): the text of TEXT frames, the music
 * class of HOLD, the party of CONNECTED_LINE / REDIRECTING, the level of CNG. Media payloads are not shown.
 */
function payloadLinesOf(f: FullFrame): TraceIe[] {
  const p = f.payload;
  switch (f.frameType) {
    case FrameType.TEXT:
      return [{ type: -1, name: 'TEXT', value: shortText(p) }];
    case FrameType.CNG:
      return [{ type: -1, name: 'LEVEL', value: `-${f.subclass} dBov` }];
    case FrameType.CONTROL:
      if (p.length === 0) return [];
      if (f.subclass === ControlSubclass.HOLD) return [{ type: -1, name: 'MOH CLASS', value: shortText(p) }];
      if (f.subclass === ControlSubclass.CONNECTED_LINE || f.subclass === ControlSubclass.REDIRECTING) {
        const party = connectedLineText(p);
        return [{ type: -1, name: f.subclass === ControlSubclass.REDIRECTING ? 'REDIRECTING' : 'CONNECTED LINE', value: party ?? `${p.length} bytes (undecodable)` }];
      }
      return [{ type: -1, name: 'PAYLOAD', value: `${p.length} bytes` }];
    default:
      return [];
  }
}

/** Pseudo-IE on frames that were AES-128 encrypted on the wire (spec §7); the entry shows them decrypted. */
export const ENCRYPTED_MARK: TraceIe = { type: -1, name: 'ENCRYPTED', value: 'AES-128 (shown decrypted)' };
const NO_IES: readonly TraceIe[] = Object.freeze([]);

/**
 * Builds the trace entry of one datagram. `retry` marks our own retransmissions (tx); when omitted, the frame's R
 * bit is used. Malformed datagrams still produce an entry (kind "malformed", with the error).
 */
export function traceEntryFrom(
  direction: 'tx' | 'rx',
  raw: Uint8Array,
  peer: TracePeer,
  at: number,
  retry?: boolean,
  crypt?: 'decrypted' | 'undecryptable',
): TraceEntry {
  const base = { direction, at, peer: { address: peer.address, port: peer.port }, raw } as const;
  if (crypt === 'undecryptable') {
    return { ...base, retry: retry ?? false, kind: 'malformed', timestamp: 0, sourceCall: 0, ies: [], payloadBytes: raw.length,
      error: 'encrypted frame that does not decrypt with our key (dropped; does the server hold another password?)' };
  }
  // Spec §7: encrypted datagrams reach the trace decrypted; a pseudo-IE says they crossed the wire encrypted.
  const mark: readonly TraceIe[] = crypt === 'decrypted' ? [ENCRYPTED_MARK] : NO_IES;
  // Mini voice frames are most of a call's datagrams (50 a second each way): read their 4-byte header in place
  // rather than decoding the datagram into objects first (RFC 5456 §8.1.2: F bit clear, call number not 0).
  if (raw.length >= MINI_HEADER_BYTES && (raw[0] & 0x80) === 0 && (raw[0] | raw[1]) !== 0) {
    return {
      direction, at, peer: { address: peer.address, port: peer.port }, raw, retry: false, kind: 'mini',
      timestamp: (raw[2] << 8) | raw[3], sourceCall: (raw[0] << 8) | raw[1], ies: mark, payloadBytes: raw.length - MINI_HEADER_BYTES,
    };
  }
  const decoded = decodeDatagram(raw);
  if (!decoded.ok) {
    return { ...base, retry: retry ?? false, kind: 'malformed', timestamp: 0, sourceCall: 0, ies: [], payloadBytes: raw.length, error: decoded.error };
  }
  const d = decoded.value;
  switch (d.kind) {
    case 'full': {
      const ies = d.frameType === FrameType.IAX ? traceIesOf(d.payload) : { ies: payloadLinesOf(d) };
      return {
        ...base,
        retry: retry ?? d.retransmit,
        kind: 'full',
        oseqno: d.oseqno,
        iseqno: d.iseqno,
        frameType: frameTypeName(d.frameType),
        subclass: subclassName(d),
        timestamp: d.timestamp,
        sourceCall: d.sourceCall,
        destCall: d.destCall,
        ies: [...mark, ...ies.ies],
        payloadBytes: d.payload.length,
        ...(ies.error !== undefined ? { error: ies.error } : {}),
      };
    }
    case 'mini':
      return { ...base, retry: false, kind: 'mini', timestamp: d.timestamp16, sourceCall: d.sourceCall, ies: mark, payloadBytes: d.payload.length };
    case 'video':
      return { ...base, retry: false, kind: 'video', timestamp: d.timestamp15, sourceCall: d.sourceCall, ies: [], payloadBytes: d.payload.length };
    case 'trunk':
      return {
        ...base,
        retry: false,
        kind: 'trunk',
        timestamp: d.timestamp,
        sourceCall: 0,
        ies: d.entries.map((e, i) => ({
          type: -1,
          name: `ENTRY_${i + 1}`,
          value: `call ${e.sourceCall}${e.timestamp16 !== undefined ? ` ts ${e.timestamp16}` : ''}, ${e.payload.length} bytes`,
        })),
        payloadBytes: d.entries.reduce((n, e) => n + e.payload.length, 0),
      };
  }
}

// Asterisk's seven-character labels for the text form (iax_showframe() frame, command and control tables),
// so a trace reads like the server's own debug output beside it. Names not listed are padded as they are.
const TYPE_LABELS: Readonly<Record<string, string>> = { DTMF: 'DTMF_E', DTMF_BEGIN: 'DTMF_B' };
const IAX_LABELS: Readonly<Record<string, string>> = {
  UNSUPPORT: 'UNSPRTD', TRANSFER: 'TRANSFR', PROVISION: 'PROVISN', FWDOWNL: 'FWDWNLD', CALLTOKEN: 'CTOKEN',
};
const CONTROL_LABELS: Readonly<Record<string, string>> = {
  TAKEOFFHOOK: 'TKOFFHK', CONGESTION: 'CONGSTN', RADIO_KEY: 'RDKEY', RADIO_UNKEY: 'RDUNKEY', PROGRESS: 'PROGRES',
  PROCEEDING: 'PROCDNG', VIDUPDATE: 'VIDUPDT', SRCUPDATE: 'SRCUPDT', CONNECTED_LINE: 'CNLINE', REDIRECTING: 'REDIR',
  T38_PARAMETERS: 'T38PARM', SRCCHANGE: 'SRCCHG', INCOMPLETE: 'INCOMPL', STOP_INDICATIONS: 'STOPIND',
};

function label7(name: string | undefined, table: Readonly<Record<string, string>>): string {
  const n = name ?? '?';
  return (table[n] ?? n).padEnd(7);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** "127.0.0.1:4569" or "[::1]:4569", as Asterisk's ast_sockaddr_stringify() prints. */
export function peerText(peer: TracePeer): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/** Renders one entry as text lines joined by "\n" (no trailing newline). */
export function formatTraceText(e: TraceEntry): string {
  const dir = e.direction === 'tx' ? 'Tx' : 'Rx';
  const peer = peerText(e.peer);
  switch (e.kind) {
    case 'full': {
      const subTable = e.frameType === 'IAX' ? IAX_LABELS : e.frameType === 'CONTROL' ? CONTROL_LABELS : {};
      const lines = [
        `${dir}-Frame Retry[${e.retry ? 'Yes' : ' No'}] -- OSeqno: ${pad(e.oseqno ?? 0, 3)} ISeqno: ${pad(e.iseqno ?? 0, 3)} ` +
          `Type: ${label7(e.frameType, TYPE_LABELS)} Subclass: ${label7(e.subclass, subTable)}`,
        `   Timestamp: ${pad(e.timestamp, 5)}ms  SCall: ${pad(e.sourceCall, 5)}  DCall: ${pad(e.destCall ?? 0, 5)} ${peer}`,
      ];
      for (const ie of e.ies) {
        const name = ie.type >= 0 && ie.type <= 255 ? ieLabel(ie.type) : ie.name;
        lines.push(`   ${name.padEnd(15).slice(0, 15)} : ${ie.value}`);
      }
      if (e.error) lines.push(`   ! ${printable(e.error)}`);
      return lines.join('\n');
    }
    case 'mini':
      return `${dir}-Mini  -- SCall: ${pad(e.sourceCall, 5)}  Timestamp: ${pad(e.timestamp, 5)}ms  Bytes: ${e.payloadBytes} ${peer}`
        + (e.ies.some((ie) => ie.name === ENCRYPTED_MARK.name) ? '  (encrypted)' : '');
    case 'video':
      return `${dir}-Video -- SCall: ${pad(e.sourceCall, 5)}  Timestamp: ${pad(e.timestamp, 5)}ms  Bytes: ${e.payloadBytes} ${peer}`;
    case 'trunk': {
      const lines = [`${dir}-Trunk -- Timestamp: ${pad(e.timestamp, 5)}ms  Entries: ${e.ies.length}  Bytes: ${e.payloadBytes} ${peer}`];
      for (const ie of e.ies) lines.push(`   ${ie.name.padEnd(15).slice(0, 15)} : ${ie.value}`);
      return lines.join('\n');
    }
    case 'malformed':
      return `${dir}-Malformed -- ${e.payloadBytes} bytes ${peer}: ${printable(e.error ?? 'undecodable')}`;
  }
}
