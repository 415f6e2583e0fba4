// What our PONGs report about the audio we receive (RR IEs 46-51, spec §2.2 and §3.2), taken from the call's jitter
// buffer the way Asterisk's construct_rr() takes them from its own: jitter, loss, frames, playout delay, frames the
// buffer dropped, and out-of-order frames. Asterisk shows them in `iax2 show netstats`.
import type { CallMediaStats, ReceptionReport } from './call-media-types.js';
import type { JitterStats } from './jitter/types.js';

export function receptionReportFrom(stats: CallMediaStats): ReceptionReport {
  return receptionReportFromJitter(stats.jitter);
}

/** The same from the jitter buffer's figures alone (media without a full CallMedia, e.g. bulk-phone-media.ts). */
export function receptionReportFromJitter(j: JitterStats): ReceptionReport {
  return {
    jitterMs: j.jitterMs,
    lossPercent: j.lossPercent,
    framesLost: j.lost,
    framesReceived: j.framesIn,
    delayMs: j.currentDelayMs,
    // Late frames are thrown away by the buffer too: both count as dropped for the far end.
    dropped: j.dropped + j.late,
    outOfOrder: j.outOfOrder,
  };
}
