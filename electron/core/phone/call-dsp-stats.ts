// What a call's speakerphone processing (echo canceller, noise suppressor, AGC: media/dsp/processing-chain.ts) is
// doing, as shown with the call's statistics.
import type { CallMedia } from '../media/call-media.js';
import type { ProcessingChain } from '../media/dsp/processing-chain.js';
import type { MediaConfig } from './media-port.js';

/** What the speakerphone processing of a call is doing (shown with the call's statistics). */
export interface CallDspStats {
  readonly echoCancellation: boolean;
  readonly noiseSuppression: boolean;
  readonly autoGain: boolean;
  /** Echo return loss enhancement of the canceller (smoothed), dB; absent with echo cancellation off. */
  readonly echoCancelledDb?: number;
  readonly echoConverged?: boolean;
  readonly doubleTalk?: boolean;
  /** Current AGC gain, dB; absent with automatic gain off. */
  readonly autoGainDb?: number;
  /**
   * How far the speaker's clock runs from the microphone's, as the echo canceller's reference follows it (ppm;
   * 0 = one clock, or not measured yet). Non-zero means two sound cards: worth showing when cancellation is poor.
   */
  readonly clockDriftPpm: number;
}

export function callDspStats(chain: ProcessingChain, media: CallMedia, switches: MediaConfig['dsp']): CallDspStats {
  const st = chain.stats();
  const { echoCancellation, noiseSuppression, autoGain } = switches;
  return {
    echoCancellation, noiseSuppression, autoGain,
    clockDriftPpm: round1((media.farReferenceStats().ratio - 1) * 1e6),
    ...(st.aec ? { echoCancelledDb: round1(st.aec.erleDb), echoConverged: st.aec.converged, doubleTalk: st.aec.doubleTalk } : {}),
    ...(st.agc ? { autoGainDb: round1(st.agc.gainDb) } : {}),
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
