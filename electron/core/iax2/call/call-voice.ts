// A call's voice at the protocol level: received frames turned into the call's 'voice' events (codec from the
// format bit, un-wrapped and trunk-arrival timestamps, receive statistics: spec §4.7, §1.5), and the encoded frames
// the media layer gives us sent on the dialog (full or mini, spec §4.6), with the counters the call's stats show.
import type { CodecName } from '../../media/codec.js';
import { codecOfVoiceBit } from '../codec-negotiation.js';
import type { CallStats, VoiceFrameIn } from '../engine-api.js';
import type { Dialog, ReceivedVoice } from '../transport/dialog.js';
import { ArrivalTimestamps } from './arrival-timestamps.js';
import { formatBitOf } from '../wire/formats.js';
import { payloadDurationMs } from '../../media/codecs/payload-duration.js';
import { ReceiveStats } from './receive-stats.js';

export class CallVoice {
  readonly rx = new ReceiveStats();
  private readonly arrivalTs = new ArrivalTimestamps();
  private framesSent = 0;
  private unknownWarned = false;

  constructor(private readonly now: () => number, private readonly warn: (formatBit: number) => void) {}

  /** A received voice payload as the call's listeners get it, or undefined for a format we cannot decode. */
  receive(v: ReceivedVoice, dialog: Dialog | undefined): VoiceFrameIn | undefined {
    const codec = codecOfVoiceBit(v.formatBit);
    if (!codec) {
      if (!this.unknownWarned) { this.unknownWarned = true; this.warn(v.formatBit); }
      return undefined;
    }
    // A payload that is no whole number of frames is the media's to refuse; here it counts as one 20 ms frame.
    let duration: number;
    try { duration = payloadDurationMs(codec, v.payload); } catch { duration = 20; }
    // Supermini trunk entries come stamped with our arrival clock (spec §1.5); make that a media clock.
    const timestamp = v.arrivalTimestamp ? this.arrivalTs.stamp(v.timestamp, duration) : v.timestamp;
    if (!v.arrivalTimestamp && dialog) this.arrivalTs.noteSenderTimestamp(v.timestamp, dialog.elapsed(), duration);
    this.rx.record(this.now(), timestamp, duration);
    // The payload is a view into the datagram, which is never reused (ports.ts UdpSocketPort): no copy needed.
    return { codec, timestamp, payload: v.payload };
  }

  /** The Dialog sends the first frame (and any after a format change) as a full frame, minis otherwise (spec §4.6, T-2). */
  send(dialog: Dialog, codec: CodecName, payload: Uint8Array, durationMs: number): void {
    dialog.sendVoice(formatBitOf(codec), payload, durationMs);
    this.framesSent++;
  }

  stats(dialog: Dialog | undefined, rttMs: number | undefined): CallStats {
    const d = dialog?.stats();
    const rx = this.rx.snapshot();
    const rtt = rttMs ?? d?.rttMs;
    return {
      ...(rtt !== undefined ? { rttMs: rtt } : {}),
      ...(rx.jitterMs !== undefined ? { jitterMs: rx.jitterMs } : {}),
      framesReceived: rx.framesReceived,
      framesSent: this.framesSent,
      framesLost: rx.framesLost,
      lossPercent: rx.lossPercent,
      retransmissions: d?.retransmissions ?? 0,
    };
  }
}
