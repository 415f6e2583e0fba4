// One line of the debug trace: every frame sent or received, structured (for --json and the UI) and
// rendered as text the way Asterisk's `iax2 set debug on` prints it (electron/core/iax2/trace/format.ts).

export interface TraceIe {
  readonly type: number;
  readonly name: string;
  /** Decoded value for display; secrets and MD5 results are replaced by a placeholder, never shown. */
  readonly value: string;
}

export interface TraceEntry {
  readonly direction: 'tx' | 'rx';
  /** Clock ms when it was sent or received. */
  readonly at: number;
  readonly retry: boolean;
  readonly peer: { readonly address: string; readonly port: number };
  readonly kind: 'full' | 'mini' | 'video' | 'trunk' | 'malformed';
  readonly oseqno?: number;
  readonly iseqno?: number;
  readonly frameType?: string;
  readonly subclass?: string;
  readonly timestamp: number;
  readonly sourceCall: number;
  readonly destCall?: number;
  readonly ies: readonly TraceIe[];
  readonly payloadBytes: number;
  /** The raw datagram, for pcap export. Only present on the engine side; stripped before it crosses to the UI. */
  readonly raw?: Uint8Array;
  readonly error?: string;
}
