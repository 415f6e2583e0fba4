// Dialog timestamps (spec §4.6 sending, §4.7 receiving; RFC 5456 §8.1; Asterisk calc_timestamp(),
// unwrap_timestamp()). Milliseconds from the dialog's epoch on a monotonic clock, 32 bits.

/** Asterisk's MAX_TIMESTAMP_SKEW: beyond it a prediction snaps back to the clock. */
export const MAX_TIMESTAMP_SKEW_MS = 160;
/** The ±50 000 ms window used to un-wrap 16-bit mini-frame timestamps (spec §4.7, T-3). */
export const UNWRAP_WINDOW_MS = 50_000;

const U32 = 0x1_0000_0000;
const high16 = (ts: number): number => Math.floor(ts / 0x10000);

/** What we stamp on frames we send in one dialog. */
export class OutgoingTimestamps {
  private lastSent = -1;
  private nextVoice: number | undefined;

  constructor(private readonly elapsed: () => number) {}

  /** Dialog clock, whole ms, 32-bit. */
  now(): number {
    return Math.floor(this.elapsed()) % U32;
  }

  /** IAX frames: the clock, but strictly after the last timestamp sent (Asterisk: last + 3). */
  forIax(): number {
    let ts = this.now();
    if (this.lastSent >= 0 && ts <= this.lastSent) ts = this.lastSent + 3;
    return this.commit(ts);
  }

  /**
   * CONTROL, DTMF, TEXT: within 160 ms of the last timestamp sent they follow it (last + 3), so they stay in order
   * with the voice stream; otherwise the clock.
   */
  forControl(): number {
    let ts = this.now();
    if (this.lastSent >= 0 && Math.abs(ts - this.lastSent) <= MAX_TIMESTAMP_SKEW_MS) ts = this.lastSent + 3;
    else if (ts <= this.lastSent) ts = this.lastSent + 3;
    return this.commit(ts);
  }

  /**
   * Voice: predicted from the previous voice timestamp plus the frame duration; when the prediction drifts more
   * than 160 ms from the clock (start, or talk resuming after silence) it snaps to the clock rounded up to a
   * multiple of the frame duration (spec §4.6, T-1).
   */
  forVoice(durationMs: number): number {
    const clock = this.now();
    const step = Math.max(1, Math.round(durationMs));
    let ts: number;
    if (this.nextVoice === undefined || Math.abs(this.nextVoice - clock) > MAX_TIMESTAMP_SKEW_MS) {
      ts = Math.ceil(clock / step) * step;
      if (this.nextVoice !== undefined && ts < this.nextVoice) ts = this.nextVoice;
    } else {
      ts = this.nextVoice;
    }
    this.nextVoice = ts + step;
    return this.commit(ts, true);
  }

  /** The highest timestamp sent so far (-1 before the first). */
  last(): number {
    return this.lastSent;
  }

  private commit(ts: number, voice = false): number {
    const v = ts % U32;
    if (!voice || v > this.lastSent) this.lastSent = Math.max(this.lastSent, v);
    return v;
  }
}

/** True when a full voice frame is needed because the upper 16 timestamp bits moved (spec §4.6 rule 3, T-2). */
export function voiceNeedsFullFrame(ts: number, lastFullVoiceTs: number | undefined): boolean {
  return lastFullVoiceTs === undefined || high16(ts) !== high16(lastFullVoiceTs);
}

/**
 * How far one mini frame or trunk entry may move the un-wrapping reference forward on its own (spec §4.7). Mini
 * frames carry no sequence number and anyone on the path can inject one (docs/stack-notes.md §5.5): a garbage 16-bit
 * timestamp up to 50 s ahead would otherwise become the reference, and a second one could move it into the next
 * 65 536 ms epoch, so every later frame would be un-wrapped a whole epoch off. A bigger step (talk resuming after a
 * silence, a burst of loss) moves it once the next frame confirms it.
 */
export const MAX_MINI_STEP_MS = 1_000;

/** Reconstructs the peer's 32-bit timestamps (spec §4.7). */
export class IncomingTimestamps {
  private last: number | undefined;
  /** A mini timestamp beyond MAX_MINI_STEP_MS ahead of `last`, waiting for a frame that confirms it. */
  private jump: number | undefined;

  /** A full frame's timestamp is used as-is; ACK, PONG and LAGRP carry OUR timestamps back and are not noted. */
  noteFull(ts: number): void {
    if (this.last === undefined || ts > this.last) this.last = ts;
    this.jump = undefined;
  }

  /** 16-bit mini or trunk-entry timestamp → 32-bit, with the ±50 000 ms wrap heuristics (Asterisk unwrap_timestamp()). */
  unwrap16(ts16: number): number {
    const last = this.last ?? 0;
    let ts = high16(last) * 0x10000 + (ts16 & 0xffff);
    if (ts < last - UNWRAP_WINDOW_MS) ts += 0x10000;
    else if (ts > last + UNWRAP_WINDOW_MS && ts >= 0x10000) ts -= 0x10000;
    ts %= U32;
    this.advance(ts);
    return ts;
  }

  lastSeen(): number | undefined {
    return this.last;
  }

  /** Moves the reference to `ts` when it is at most MAX_MINI_STEP_MS ahead, or confirms an earlier bigger jump. */
  private advance(ts: number): void {
    if (this.last === undefined) { this.last = ts; return; }
    if (ts <= this.last) return;
    const confirmed = this.jump !== undefined && ts >= this.jump && ts - this.jump <= MAX_MINI_STEP_MS;
    if (ts - this.last <= MAX_MINI_STEP_MS || confirmed) {
      this.last = ts;
      this.jump = undefined;
    } else {
      this.jump = ts;
    }
  }
}
