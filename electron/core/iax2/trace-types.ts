// One line of the debug trace: every frame sent or received, structured (for --json and the UI) and
// rendered as text the way Asterisk's `iax2 set debug on` prints it (electron/core/iax2/trace/format.ts).
// The shape is the API's TraceFrame (electron/shared/api.ts, the single definition) plus the raw datagram.
import type { TraceFrame, TraceIeView } from '../../shared/api.js';

/** Decoded value for display; secrets and MD5 results are replaced by a placeholder, never shown. */
export type TraceIe = TraceIeView;

export interface TraceEntry extends TraceFrame {
  /** The raw datagram, for pcap export. Only present on the engine side; stripped before it crosses to the UI. */
  readonly raw?: Uint8Array;
}
