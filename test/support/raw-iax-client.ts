// A hand-driven IAX2 client on a loopback socket, for tests that put exact frames in front of a real Asterisk and
// read what it answers (no reliability, no state: the test chooses every call number and sequence number).
import { decodeDatagram, encodeFullFrame, encodeMiniFrame } from '../../electron/core/iax2/wire/frame-codec.js';
import { encodeIes, IeReader } from '../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame, type RawIe } from '../../electron/core/iax2/wire/types.js';
import type { UdpEndpoint } from '../../electron/core/ports.js';
import { LoopbackUdpPort } from './scripted-peer-calls-net.js';
import { until } from './wait.js';

export interface RawFrame {
  readonly sourceCall: number;
  readonly destCall?: number;
  readonly subclass: number;
  readonly frameType?: number;
  readonly ies?: readonly RawIe[];
  readonly oseqno?: number;
  readonly iseqno?: number;
  readonly timestamp?: number;
  readonly retransmit?: boolean;
}

/** A RawFrame on the wire (defaults: dcallno 0, timestamp 1, sequence numbers 0, IAX, no IEs). */
export function encodeRawFrame(f: RawFrame): Uint8Array {
  return encodeFullFrame({
    sourceCall: f.sourceCall, destCall: f.destCall ?? 0, retransmit: f.retransmit ?? false, timestamp: f.timestamp ?? 1,
    oseqno: f.oseqno ?? 0, iseqno: f.iseqno ?? 0, frameType: f.frameType ?? FrameType.IAX, subclass: f.subclass,
    payload: encodeIes(f.ies ?? []),
  });
}

export class RawIaxClient {
  /** Every full frame received, in order. */
  readonly received: FullFrame[] = [];
  /** Mini (voice) frames received, by the sender's call number. */
  readonly minis = new Map<number, number>();

  private constructor(private readonly socket: LoopbackUdpPort, readonly server: UdpEndpoint) {
    socket.onDatagram((data) => {
      const d = decodeDatagram(data);
      if (d.ok && d.value.kind === 'full') this.received.push(d.value);
      if (d.ok && d.value.kind === 'mini') this.minis.set(d.value.sourceCall, (this.minis.get(d.value.sourceCall) ?? 0) + 1);
    });
  }

  static async open(server: UdpEndpoint): Promise<RawIaxClient> {
    return new RawIaxClient(await LoopbackUdpPort.bind(0), server);
  }

  get local(): UdpEndpoint { return this.socket.local; }

  send(f: RawFrame): void {
    this.socket.send(encodeRawFrame(f), this.server);
  }

  /** A mini (voice) frame from our call number `sourceCall`. */
  sendMini(sourceCall: number, timestamp: number, payload: Uint8Array): void {
    this.socket.send(encodeMiniFrame(sourceCall, timestamp & 0xffff, payload), this.server);
  }

  /** The first received full frame (from index `after` on) matching `pred`. */
  async next(what: string, pred: (f: FullFrame) => boolean, after = 0, timeoutMs = 5000): Promise<FullFrame> {
    let found: FullFrame | undefined;
    await until(what, () => (found = this.received.slice(after).find(pred)) !== undefined, timeoutMs);
    return found!;
  }

  /** The frames received so far for our call number `call` with this subclass. */
  frames(call: number, subclass: number, frameType: number = FrameType.IAX): FullFrame[] {
    return this.received.filter((f) => f.destCall === call && f.frameType === frameType && f.subclass === subclass);
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}

/** A frame's IE as bytes (e.g. the CALLTOKEN or CHALLENGE an Asterisk frame carries). */
export function ieOf(f: FullFrame, type: number): Uint8Array | undefined {
  const r = IeReader.fromPayload(f.payload);
  return r.ok ? r.value.bytes(type) : undefined;
}

export const isIax = (subclass: number) => (f: FullFrame): boolean => f.frameType === FrameType.IAX && f.subclass === subclass;

export { FrameType, IaxSubclass, IeType };
