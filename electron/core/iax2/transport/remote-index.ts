// Dialogs by the far end's address, port and call number (spec §4.1: how mini frames, trunk entries and frames
// without our call number find their dialog). Looked up for every received voice frame, so the key is built
// without allocating: a map per address, inside it port × 2^15 + call number (31 bits, a small integer).
import type { UdpEndpoint } from '../../ports.js';

const key = (port: number, call: number): number => port * 0x8000 + (call & 0x7fff);

export class RemoteIndex<D> {
  private readonly byAddress = new Map<string, Map<number, D>>();

  get(from: UdpEndpoint, call: number): D | undefined {
    return this.byAddress.get(from.address)?.get(key(from.port, call));
  }

  set(from: UdpEndpoint, call: number, value: D): void {
    let m = this.byAddress.get(from.address);
    if (!m) { m = new Map(); this.byAddress.set(from.address, m); }
    m.set(key(from.port, call), value);
  }

  /** Removes the entry only if it is still `value` (a newer dialog may have taken the key). */
  delete(from: UdpEndpoint, call: number, value: D): void {
    const m = this.byAddress.get(from.address);
    if (!m || m.get(key(from.port, call)) !== value) return;
    m.delete(key(from.port, call));
    if (m.size === 0) this.byAddress.delete(from.address);
  }
}
