// Voice goes only to a peer that has shown it receives us (it sent a frame carrying our call number: for an incoming
// call, its ACK of our ACCEPT or ANSWER) and that still answers (no reliable frame of ours has waited more than the
// silence limit for any frame from it). So a call set up from a spoofed address, or one whose caller vanished, does
// not stream audio at someone who never asked for it (docs/security.md §7.4).
import { isUnsequenced } from './sequencing.js';

/** Voice stops to a peer that has answered none of our frames for this long (default). */
export const PEER_SILENT_MS = 5_000;
const FULL_HEADER_BYTES = 12;

export class VoiceGate<D extends object> {
  /** Dialogs whose peer has sent us a frame carrying our call number: it knows both (docs/security.md §6). */
  private readonly knowsUs = new WeakSet<D>();
  /** Per dialog: since when a reliable frame of ours has waited for the peer to answer anything. */
  private readonly awaitingSince = new WeakMap<D, number>();
  private withheldCount = 0;

  constructor(private readonly now: () => number, private readonly silentMs: number = PEER_SILENT_MS) {}

  /** Frames withheld so far. */
  get withheld(): number { return this.withheldCount; }

  peerKnowsUs(d: D): boolean { return this.knowsUs.has(d); }

  /** The peer sent a frame carrying our call number: it receives us, and it answers. */
  heardFrom(d: D): void {
    this.knowsUs.add(d);
    this.awaitingSince.delete(d);
  }

  /**
   * A datagram we sent for `dialogOf`'s dialog: a reliable full frame (anything but ACK, INVAL, VNAK, TXCNT, TXACC,
   * which are never acknowledged: spec §4.3) starts the wait for the peer.
   */
  sent(datagram: Uint8Array, dialogOf: (localCall: number) => D | undefined): void {
    if (datagram.length < FULL_HEADER_BYTES || (datagram[0] & 0x80) === 0) return;
    if (isUnsequenced(datagram[10], datagram[11])) return;
    const d = dialogOf(((datagram[0] << 8) | datagram[1]) & 0x7fff);
    if (d && !this.awaitingSince.has(d)) this.awaitingSince.set(d, this.now());
  }

  /** Whether a voice frame may go to `d`'s peer now (a refusal is counted). */
  mayCarryVoice(d: D): boolean {
    const waiting = this.awaitingSince.get(d);
    const ok = this.knowsUs.has(d) && (waiting === undefined || this.now() - waiting <= this.silentMs);
    if (!ok) this.withheldCount++;
    return ok;
  }
}
