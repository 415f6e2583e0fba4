// The reception report carried in our PONGs: RR_JITTER, RR_LOSS (loss percent << 24 | lost count), RR_PKTS,
// RR_DELAY, RR_DROPPED, RR_OOO (spec §2.2 PONG and §3.2 IEs 46-51; Asterisk fills the same from its jitter buffer in
// construct_rr() and shows them in `iax2 show netstats`).
import type { ReceptionReport } from '../engine-api.js';
import { IeWriter } from '../wire/ies.js';
import { IeType } from '../wire/types.js';
import type { ReceiveStatsSnapshot } from './receive-stats.js';

const u32 = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) ? Math.max(0, Math.min(0xffff_ffff, Math.round(v))) : 0);

/** The media layer's figures win; the engine's own estimates fill the rest; delay and drops default to 0. */
export function encodeReceptionReport(own: ReceiveStatsSnapshot, media: ReceptionReport): Uint8Array {
  const pct = Math.min(100, u32(media.lossPercent ?? own.lossPercent));
  const lost = Math.min(u32(media.framesLost ?? own.framesLost), 0xff_ffff);
  return new IeWriter()
    .u32(IeType.RR_JITTER, u32(media.jitterMs ?? own.jitterMs))
    .u32(IeType.RR_LOSS, ((pct << 24) >>> 0) + lost)
    .u32(IeType.RR_PKTS, u32(media.framesReceived ?? own.framesReceived))
    .u16(IeType.RR_DELAY, Math.min(0xffff, u32(media.delayMs)))
    .u32(IeType.RR_DROPPED, u32(media.dropped))
    .u32(IeType.RR_OOO, u32(media.outOfOrder ?? own.outOfOrder))
    .finish();
}
