// Vocabulary of the adaptive jitter buffer. Everything is in milliseconds: IAX2 timestamps are ms
// (RFC 5456 §8.1.2), and settings in ms rather than packets are what users expect (softphone-anchors: baresip#869).

/** What the buffer holds: a voice payload of known duration, or a comfort-noise marker (IAX2 CNG, frame type 10). */
export type JitterFrame<T> =
  | { readonly kind: 'voice'; readonly durationMs: number; readonly data: T }
  | { readonly kind: 'cng'; /** Level in -dBov as carried by the CNG subclass (spec §2.4). */ readonly levelDbov: number };

export type PutOutcome =
  | 'queued'
  /** Arrived after its playout slot had passed (counted in `late`). */
  | 'late'
  /** Same timestamp already queued or just played (counted in `duplicates`). */
  | 'duplicate'
  /** Delay jumped by more than the resync threshold: held until it is clear whether the sender's timestamps moved. */
  | 'held'
  /** This frame confirmed a timestamp jump: the buffer re-based its timeline (counted in `resyncs`). */
  | 'resync'
  /** Not a usable frame (non-finite timestamp or duration). */
  | 'invalid';

/**
 * One playout decision. Every kind except `drop` tells the caller to produce `durationMs` of audio now and
 * then ask again (with `now` moved on by what it has produced).
 */
export type GetResult<T> =
  /** Play this frame. `timestamp` is the sender's timestamp it carried. */
  | { readonly kind: 'frame'; readonly data: T; readonly timestamp: number; readonly durationMs: number }
  /**
   * No frame for this slot: run the decoder's packet-loss concealment. `lost`: its frame is missing (a later one
   * is here); `wait`: nothing has arrived yet (the frame is late, lost, or the sender's clock is behind ours);
   * `grow`: deliberately adding delay; `gap`: timestamps off the frame grid.
   */
  | { readonly kind: 'interpolate'; readonly durationMs: number; readonly reason: 'lost' | 'wait' | 'grow' | 'gap' }
  /** The peer is silent (CNG, or no voice for a long time): play comfort noise. */
  | { readonly kind: 'silence'; readonly durationMs: number; readonly levelDbov?: number }
  /**
   * Nothing to play for this call; ask again at once. With `data`, an in-sequence frame was discarded to shrink the
   * delay (decode it and throw the PCM away to keep a stateful decoder in step); without, a missing slot was skipped.
   */
  | { readonly kind: 'drop'; readonly reason: 'shrink' | 'late'; readonly data?: T }
  /** Playout has not started (nothing received yet, or the first frame is still being held): play plain silence. */
  | { readonly kind: 'empty'; readonly durationMs: number };

export interface JitterSettings {
  /** Headroom above the measured jitter (Asterisk JB_TARGET_EXTRA, 40 ms there). */
  readonly targetExtraMs: number;
  /** Upper bound on the buffering delay above the minimum network delay (Asterisk max_jitterbuf). */
  readonly maxMs: number;
  /**
   * A frame later than the delay floor by more than 2 × jitter + this does not fit the stream (nor does one far
   * earlier than the recent frames, or one in a place already taken): it is held, and is either part of a timestamp
   * jump (resync) or an outlier that never touches the estimate. null trusts every timestamp.
   */
  readonly resyncThresholdMs: number | null;
  /** Consecutive frames off the stream, agreeing with each other, that confirm a timestamp jump (Asterisk: > 3). */
  readonly resyncAfterFrames: number;
  /** How many recent delays the estimate looks at (Asterisk JB_HISTORY_SZ = 500). */
  readonly historySize: number;
  /** Percentage of the highest (and lowest) delays ignored as outliers (Asterisk JB_HISTORY_DROPPCT = 3). */
  readonly outlierPercent: number;
  /** Grow at most this often unless the queue cannot cover the target (Asterisk JB_ADJUST_DELAY = 40). */
  readonly growIntervalMs: number;
  /** Shrink by dropping a frame at most this often while talking (Asterisk: 500). */
  readonly shrinkIntervalMs: number;
  /** Shrink by skipping a missing slot at most this often (Asterisk: 80). */
  readonly shrinkGapIntervalMs: number;
  /**
   * Shrink only when the delay minus one frame still exceeds the target by at least this much (Asterisk shrinks
   * when the delay exceeds the target by JB_TARGET_EXTRA)...
   */
  readonly shrinkHysteresisMs: number;
  /** ...and has done so continuously for this long (damps grow/shrink see-saws as the estimate wobbles). */
  readonly shrinkStableMs: number;
  /** After this many concealed slots in a row assume the peer went silent (Asterisk max_contig_interp, 10). */
  readonly maxContiguousInterpolations: number;
  /** Frame length assumed before any frame has been seen. */
  readonly defaultFrameMs: number;
  /** Sender timestamps may wander this much from the 20 ms grid and still count as the expected frame. */
  readonly timestampToleranceMs: number;
  /** Hard cap on queued frames (memory bound against a flood). */
  readonly maxFrames: number;
}

export interface JitterStats {
  /** Trimmed jitter estimate: delay at the top (100 - outlierPercent)% minus delay at the bottom outlierPercent%. */
  readonly jitterMs: number;
  /** Playout delay above the trimmed minimum network delay: what the buffer adds now (IAX2 RR_DELAY). */
  readonly currentDelayMs: number;
  /** Where the buffer is heading: jitter + target extra (clamped to maxMs). */
  readonly targetDelayMs: number;
  /** Audio waiting in the queue, ms. */
  readonly queuedMs: number;
  readonly framesIn: number;
  readonly framesPlayed: number;
  /** Slots concealed because their frame never came (frames that came later are moved to `late`). */
  readonly lost: number;
  readonly late: number;
  /** Frames thrown away to shrink the delay, because the queue overflowed, or as outliers. */
  readonly dropped: number;
  /** Frames whose timestamp did not fit the stream and did not start a new timeline (part of `dropped`). */
  readonly outliers: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly resyncs: number;
  /** Slots interpolated to grow the delay (also those concealed waiting for a sender that was behind). */
  readonly grown: number;
  /** Moving loss percentage (weight 499/500 as Asterisk's losspct), for IAX2 RR_LOSS. */
  readonly lossPercent: number;
  /** How fast the delay floor climbs: the sender's clock runs this many percent slower than ours (negative: faster). */
  readonly driftPercent: number;
  readonly silent: boolean;
}
