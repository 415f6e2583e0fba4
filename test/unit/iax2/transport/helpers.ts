// Test helpers for the transport unit tests: an in-memory socket port (the socket is not what these tests test;
// the integration tests use real UDP on 127.0.0.1) and a seeded random source.
import type { RandomSource, UdpEndpoint, UdpSocketPort } from '../../../../electron/core/ports.js';
import { decodeDatagram, encodeFullFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import type { Datagram, FullFrame } from '../../../../electron/core/iax2/wire/types.js';

export class MemorySocket implements UdpSocketPort {
  readonly local: UdpEndpoint = { address: '127.0.0.1', port: 40000 };
  readonly sent: Array<{ data: Uint8Array; to: UdpEndpoint }> = [];
  private receiver: ((data: Uint8Array, from: UdpEndpoint) => void) | undefined;

  send(data: Uint8Array, to: UdpEndpoint): void {
    this.sent.push({ data: Uint8Array.from(data), to: { ...to } });
  }
  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void {
    this.receiver = receive;
  }
  async close(): Promise<void> {}

  deliver(data: Uint8Array, from: UdpEndpoint): void {
    this.receiver?.(data, from);
  }
  /** Decoded datagrams sent so far (optionally only those after index `from`). */
  decoded(from = 0): Array<{ d: Datagram; to: UdpEndpoint }> {
    return this.sent.slice(from).map((s) => {
      const r = decodeDatagram(s.data);
      if (!r.ok) throw new Error(`engine sent an undecodable datagram: ${r.error}`);
      return { d: r.value, to: s.to };
    });
  }
  fullFrames(from = 0): FullFrame[] {
    return this.decoded(from).map((x) => x.d).filter((d): d is FullFrame => d.kind === 'full');
  }
  clear(): void {
    this.sent.length = 0;
  }
}

/** mulberry32: small, seeded, good enough for call numbers in tests. */
export class SeededRandom implements RandomSource {
  constructor(private state: number) {}
  next(): number {
    let t = (this.state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
}

export function frame(f: Partial<Omit<FullFrame, 'kind'>> & Pick<FullFrame, 'sourceCall' | 'destCall' | 'frameType' | 'subclass'>): Uint8Array {
  return encodeFullFrame({
    retransmit: false, timestamp: 0, oseqno: 0, iseqno: 0, payload: new Uint8Array(0), ...f,
  });
}
