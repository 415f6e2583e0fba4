// Room in the dialog table for direct callers (docs/security.md §7): how many half-open incoming dialogs one address
// may hold, the entries kept back for our own calls, and which unverified dialog gives way when either is full. Kept
// apart from the transport, which only asks before it opens a direct caller's dialog and says when one closes.
import type { Logger, UdpEndpoint } from '../../ports.js';

/** Table entries kept for our own calls, registrations and pokes: direct callers cannot take them. */
const RESERVED_DIALOGS = 64;
/** Incoming dialogs whose caller has not answered yet, per caller address. */
export const MAX_HALF_OPEN_PER_ADDRESS = 64;

/** What the room needs to know of a dialog. */
export interface RoomDialog {
  readonly direction: 'outgoing' | 'incoming';
  readonly peer: UdpEndpoint;
  close(reason: 'local'): void;
}

export interface RoomTable<D extends RoomDialog> {
  /** The transport's live dialogs by our call number. */
  readonly dialogs: ReadonlyMap<number, D>;
  readonly maxDialogs: number;
  /** The caller has answered us from our call number (voice-gate.ts): no longer half-open. */
  peerKnowsUs(d: D): boolean;
  readonly logger?: Logger;
}

export class IncomingRoom<D extends RoomDialog> {
  /** Incoming dialogs of direct callers that did not prove their address (no token), oldest first. */
  private readonly unverified = new Set<D>();

  constructor(private readonly table: RoomTable<D>) {}

  /**
   * Room for one more incoming dialog of a direct caller: at most {@link MAX_HALF_OPEN_PER_ADDRESS} per address whose
   * caller has not answered yet, and the last {@link RESERVED_DIALOGS} of the table kept for our own calls and
   * registrations. When either is full, the oldest unverified half-open dialog goes first (closed without a word: its
   * "caller" may be anyone).
   */
  makeRoom(from: UdpEndpoint): boolean {
    const { dialogs, maxDialogs, logger } = this.table;
    const halfOpenHere = [...dialogs.values()].filter((d) => d.direction === 'incoming' && !this.table.peerKnowsUs(d)
      && d.peer.address === from.address);
    const tableFull = dialogs.size >= maxDialogs - RESERVED_DIALOGS;
    if (!tableFull && halfOpenHere.length < MAX_HALF_OPEN_PER_ADDRESS) return true;
    const victims = tableFull ? [...this.unverified] : halfOpenHere.filter((d) => this.unverified.has(d));
    const victim = victims.find((d) => !this.table.peerKnowsUs(d));
    if (!victim) return false;
    logger?.log('info', 'closed an unverified half-open call to make room', { from: `${victim.peer.address}:${victim.peer.port}` });
    victim.close('local');
    return true;
  }

  /** A dialog opened for a caller that did not prove its address: the first to give way. */
  admittedUnverified(d: D): void { this.unverified.add(d); }

  /** The dialog closed. */
  forget(d: D): void { this.unverified.delete(d); }
}
