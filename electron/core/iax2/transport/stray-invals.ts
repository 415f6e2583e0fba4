// A second server dialog answered our call number (R-8, spec §3.4; a NEW duplicated on the way). It is told INVAL,
// but at most once per STRAY_INVAL_GAP_MS: Asterisk routes an INVAL whose dcallno it no longer knows to our live
// dialog (match() without dcallno), so a second INVAL drawn by a duplicate of the stray's frame would kill it.

/** A second server dialog for our number is told INVAL at most this often. */
const STRAY_INVAL_GAP_MS = 1_000;
/** Entries kept before the old ones are swept (a peer that invents numbers). */
const MAX_ENTRIES = 64;

export class StrayInvals {
  /** Server call numbers of stray dialogs we INVALed, and when. */
  private readonly told = new Map<number, number>();

  /** Whether the stray `serverCall` may be told INVAL now (noted as told if so). */
  mayTell(serverCall: number, now: number): boolean {
    const last = this.told.get(serverCall);
    if (last !== undefined && now - last < STRAY_INVAL_GAP_MS) return false;
    // Entries past the gap no longer matter.
    if (this.told.size >= MAX_ENTRIES) for (const [n, at] of this.told) if (now - at >= STRAY_INVAL_GAP_MS) this.told.delete(n);
    this.told.set(serverCall, now);
    return true;
  }
}
