// Tombstones of closed dialogs (spec §4.3 "Final frames"): for a while after a dialog ends, a retransmission of
// the frame that ended it (HANGUP, REJECT, REGACK, REGREJ whose ACK was lost) is re-ACKed instead of drawing
// INVAL. Bounded in time (shorter than the 60 s call-number quarantine) and in number.
import type { UdpEndpoint } from '../../ports.js';
import type { DialogSnapshot } from './dialog-link.js';

export interface Tombstone extends DialogSnapshot {
  readonly expiresAt: number;
}

export class TombstoneTable {
  private readonly byLocal = new Map<number, Tombstone>();

  constructor(private readonly lifetimeMs: number, private readonly maxEntries: number) {}

  add(s: DialogSnapshot, now: number): void {
    this.byLocal.delete(s.localCall);
    this.byLocal.set(s.localCall, { ...s, expiresAt: now + this.lifetimeMs });
    // Oldest first (insertion order): evict beyond the bound.
    while (this.byLocal.size > this.maxEntries) {
      const oldest = this.byLocal.keys().next().value;
      if (oldest === undefined) break;
      this.byLocal.delete(oldest);
    }
  }

  /** The tombstone of our call number `localCall`, if it is alive and belongs to this peer and peer call number. */
  find(localCall: number, from: UdpEndpoint, remoteCall: number, now: number): Tombstone | undefined {
    const t = this.byLocal.get(localCall);
    if (!t) return undefined;
    if (t.expiresAt <= now) { this.byLocal.delete(localCall); return undefined; }
    if (t.peer.address !== from.address || t.peer.port !== from.port) return undefined;
    if (t.remoteCall !== 0 && t.remoteCall !== remoteCall) return undefined;
    return t;
  }

  /** A tombstone for frames that still carry dcallno 0 (a retransmitted NEW after we refused the call). */
  findByRemote(from: UdpEndpoint, remoteCall: number, now: number): Tombstone | undefined {
    for (const t of this.byLocal.values()) {
      if (t.remoteCall === remoteCall && t.peer.port === from.port && t.peer.address === from.address) {
        if (t.expiresAt <= now) { this.byLocal.delete(t.localCall); return undefined; }
        return t;
      }
    }
    return undefined;
  }

  hasPeer(from: UdpEndpoint, now: number): boolean {
    for (const t of this.byLocal.values()) {
      if (t.expiresAt > now && t.peer.port === from.port && t.peer.address === from.address) return true;
    }
    return false;
  }

  prune(now: number): void {
    for (const [k, t] of this.byLocal) if (t.expiresAt <= now) this.byLocal.delete(k);
  }

  get size(): number {
    return this.byLocal.size;
  }
}
