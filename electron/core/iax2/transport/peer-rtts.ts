// The last round-trip estimate per peer, so a new dialog's first timers need not guess (retransmit-policy.ts).
import type { UdpEndpoint } from '../../ports.js';
import type { RttEstimate } from './retransmit-policy.js';

/** Peers remembered (the least recently measured goes first when full). */
const MAX_RTT_PEERS = 256;
/** An estimate older than this is not trusted for a new dialog (the path may have changed). */
const RTT_MEMORY_MS = 10 * 60_000;

const peerKey = (e: UdpEndpoint): string => `${e.address}|${e.port}`;

export class PeerRtts {
  private readonly rtts = new Map<string, { estimate: RttEstimate; at: number }>();

  constructor(private readonly now: () => number) {}

  of(peer: UdpEndpoint): RttEstimate | undefined {
    const known = this.rtts.get(peerKey(peer));
    return known && this.now() - known.at < RTT_MEMORY_MS ? known.estimate : undefined;
  }

  note(peer: UdpEndpoint, estimate: RttEstimate): void {
    const key = peerKey(peer);
    this.rtts.delete(key);
    this.rtts.set(key, { estimate, at: this.now() });
    if (this.rtts.size > MAX_RTT_PEERS) this.rtts.delete(this.rtts.keys().next().value ?? key);
  }
}
