// A UdpSocketPort that counts what crosses it: datagrams and bytes received, and sent per peer endpoint. For the
// tests and benches that measure what a flood or a fuzz run costs the engine and draws from it (docs/security.md §7).
import type { UdpEndpoint, UdpSocketPort } from '../../electron/core/ports.js';

/** Datagrams and bytes, received and sent, per peer endpoint ("address:port"). */
export class CountingSocket implements UdpSocketPort {
  rxPackets = 0;
  rxBytes = 0;
  readonly txTo = new Map<string, { packets: number; bytes: number }>();

  constructor(private readonly inner: UdpSocketPort) {}

  get local(): UdpEndpoint { return this.inner.local; }

  send(data: Uint8Array, to: UdpEndpoint): void {
    const key = `${to.address}:${to.port}`;
    const c = this.txTo.get(key) ?? { packets: 0, bytes: 0 };
    c.packets++;
    c.bytes += data.length;
    this.txTo.set(key, c);
    this.inner.send(data, to);
  }

  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void {
    this.inner.onDatagram((data, from) => {
      this.rxPackets++;
      this.rxBytes += data.length;
      receive(data, from);
    });
  }

  /** Packets and bytes sent to everyone except `excluded` endpoints. */
  sentExcept(excluded: readonly UdpEndpoint[]): { packets: number; bytes: number } {
    const skip = new Set(excluded.map((e) => `${e.address}:${e.port}`));
    let packets = 0;
    let bytes = 0;
    for (const [k, c] of this.txTo) if (!skip.has(k)) { packets += c.packets; bytes += c.bytes; }
    return { packets, bytes };
  }

  close(): Promise<void> { return this.inner.close(); }
}
