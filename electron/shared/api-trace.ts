// The contract's debug trace (electron/shared/api.ts): frames as Asterisk's `iax2 set debug on` shows them.

/** Name of the pseudo-IE (type -1) the engine puts on frames that crossed the wire AES-128 encrypted (spec §7). */
export const ENCRYPTED_IE_NAME = 'ENCRYPTED';

export interface TraceIeView {
  /** The IE type (0–255), or -1 for the engine's pseudo-IE 'ENCRYPTED' on frames that were AES-128 encrypted on
   * the wire (the entry shows them decrypted). */
  readonly type: number;
  readonly name: string;
  /** Secrets and MD5 results are already replaced by a placeholder by the engine. */
  readonly value: string;
}

/**
 * One frame of the debug trace as the engine describes it, the single definition of that shape: the core's
 * TraceEntry (electron/core/iax2/trace-types.ts) adds the raw datagram, the UI's TraceView adds a sequence
 * number and the rendered text, and the renderer's formatter (renderer/lib/trace-format.ts) reads just this.
 */
export interface TraceFrame {
  readonly direction: 'tx' | 'rx';
  /** When it was sent or received, ms: the engine's Clock in the core; wall-clock ms since the epoch in a TraceView. */
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
  readonly ies: readonly TraceIeView[];
  readonly payloadBytes: number;
  readonly error?: string;
}

/**
 * Voice (mini, video and trunk frames) as opposed to signalling (full frames): a call sends about a hundred voice
 * frames a second, so the phone and the console keep them apart and a call's voice never pushes its set-up out.
 */
export function isVoiceFrame(frame: Pick<TraceFrame, 'kind'>): boolean {
  return frame.kind === 'mini' || frame.kind === 'video' || frame.kind === 'trunk';
}

/** One frame of the debug trace as the UI gets it: no raw bytes (those stay in the engine for pcap export). */
export interface TraceView extends TraceFrame {
  /** Monotonic sequence number of the entry, for de-duplication and ordering. */
  readonly seq: number;
  /** The entry rendered like Asterisk's `iax2 set debug on`. */
  readonly text: string;
}
