// The peer's voice as one dialog receives it (spec §4.5, §4.7): the format its last full VOICE frame named, which
// mini frames and trunk entries inherit; their 16-bit timestamps un-wrapped against the full frames'; and the VNAK
// that asks for a lost first full voice frame.
import type { FullFrame, MiniFrame, TrunkEntry } from '../wire/types.js';
import type { ReceivedVoice } from './dialog.js';
import { IncomingTimestamps } from './timestamps.js';

/** Minimum gap between VNAKs for media that arrives before the peer's first full voice frame. */
const MISSING_FORMAT_VNAK_GAP_MS = 250;

export interface IncomingVoiceDeps {
  now(): number;
  /** The dialog's own clock (ms since it began), for supermini entries. */
  elapsed(): number;
  /** Asks the peer to resend what we have not acknowledged (a VNAK); false while it cannot be asked yet. */
  vnak(): boolean;
}

export class IncomingVoice {
  private readonly timestamps = new IncomingTimestamps();
  private formatBit: number | undefined;
  private lastMissingFormatVnak = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: IncomingVoiceDeps) {}

  /** A full frame's timestamp, used as-is and as the reference for un-wrapping (not an echo of ours: PONG, LAGRP). */
  noteFull(timestamp: number): void {
    this.timestamps.noteFull(timestamp);
  }

  /** A full VOICE frame: it sets the format. */
  full(f: FullFrame): ReceivedVoice {
    this.formatBit = f.subclassBit ?? Math.log2(Math.max(1, f.subclass));
    return { timestamp: f.timestamp, formatBit: this.formatBit, payload: f.payload, full: true };
  }

  /** Undefined before the first full voice frame (the frame is dropped, the peer asked for it: spec §4.5). */
  mini(m: MiniFrame): ReceivedVoice | undefined {
    if (this.formatBit === undefined) { this.missingFormat(); return undefined; }
    return { timestamp: this.timestamps.unwrap16(m.timestamp16), formatBit: this.formatBit, payload: m.payload, full: false };
  }

  trunk(e: TrunkEntry): ReceivedVoice | undefined {
    if (this.formatBit === undefined) { this.missingFormat(); return undefined; }
    if (e.timestamp16 !== undefined) {
      return { timestamp: this.timestamps.unwrap16(e.timestamp16), formatBit: this.formatBit, payload: e.payload, full: false };
    }
    // Supermini entries carry no timestamp: hand over the arrival time and say so; the call turns it into a media
    // clock from the payload durations (call/arrival-timestamps.ts). The trunk frame's own timestamp is no better:
    // Asterisk predicts it +trunkfreq per batch and snaps it ~160 ms forward whenever it drifts (calc_txpeerstamp()).
    return { timestamp: Math.floor(this.deps.elapsed()) >>> 0, formatBit: this.formatBit, payload: e.payload, full: false, arrivalTimestamp: true };
  }

  /**
   * Media before the peer's first full voice frame means that frame was lost (spec §4.5). Asterisk answers this case
   * with a VNAK (socket_process_helper(), "Received mini frame before first full voice frame"); we do the same, so
   * the peer resends its full voice frame at once instead of after its RTO (up to 2 s of silence at call start).
   * At most one per MISSING_FORMAT_VNAK_GAP_MS: every VNAK makes the peer resend everything pending.
   */
  private missingFormat(): void {
    const now = this.deps.now();
    if (now - this.lastMissingFormatVnak < MISSING_FORMAT_VNAK_GAP_MS) return;
    if (this.deps.vnak()) this.lastMissingFormatVnak = now;
  }
}
