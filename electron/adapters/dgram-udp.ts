// UdpBinder/UdpSocketPort over node:dgram. IAX2 uses one socket for everything (spec R-9, §8.3): bind 4569 by
// default and, when it is taken, an ephemeral port (kept for the life of the app) if the caller allows it.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { UdpBindOptions, UdpBinder, UdpEndpoint, UdpSocketPort } from '../core/ports.js';

export const IAX2_PORT = 4569;

class DgramSocketPort implements UdpSocketPort {
  private receiver: ((data: Uint8Array, from: UdpEndpoint) => void) | undefined;
  private closed = false;
  /** Datagrams handed to dgram whose send callback has not run yet (see close()). */
  private inFlight = 0;
  private drained: (() => void) | undefined;
  readonly local: UdpEndpoint;

  constructor(private readonly socket: Socket) {
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    socket.on('message', (msg, rinfo) => {
      const r = this.receiver;
      if (!r) return;
      try {
        r(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { address: rinfo.address, port: rinfo.port });
      } catch {
        // The engine never throws; if a receiver does, one bad datagram must not take the socket down.
      }
    });
    // ICMP port unreachable and the like arrive as 'error' on some platforms: not fatal for a UDP socket.
    socket.on('error', () => undefined);
  }

  send(data: Uint8Array, to: UdpEndpoint): void {
    if (this.closed) return;
    this.inFlight++;
    this.socket.send(data, to.port, to.address, () => {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    });
  }

  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void {
    this.receiver = receive;
  }

  /**
   * dgram sends asynchronously (even to an address literal it goes through a lookup step first), and a datagram
   * still queued when the socket closes is silently dropped. The last frames of a session matter (the HANGUP, the
   * ACK of a REGREL's REGACK), so close waits for sends in flight, 200 ms at most.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => { if (done) return; done = true; this.socket.close(() => resolve()); };
      if (this.inFlight === 0) { finish(); return; }
      this.drained = finish;
      setTimeout(finish, 200).unref();
    });
  }
}

function bindOnce(port: number, host: string | undefined): Promise<Socket> {
  const type = host !== undefined && isIPv6(host) ? 'udp6' : 'udp4';
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, reuseAddr: false });
    const onError = (err: Error): void => { socket.close(); reject(err); };
    socket.once('error', onError);
    socket.bind({ port, ...(host !== undefined ? { address: host } : {}), exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export class DgramUdpBinder implements UdpBinder {
  async bind(options: UdpBindOptions): Promise<UdpSocketPort> {
    try {
      return new DgramSocketPort(await bindOnce(options.port, options.host));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (options.port !== 0 && options.fallbackToEphemeral && (code === 'EADDRINUSE' || code === 'EACCES')) {
        return new DgramSocketPort(await bindOnce(0, options.host));
      }
      throw new Error(`cannot bind UDP port ${options.port}${options.host ? ` on ${options.host}` : ''}: ${(err as Error).message}`);
    }
  }
}

/** Convenience: bind with the defaults (4569, falling back to an ephemeral port). */
export function bindUdp(options: Partial<UdpBindOptions> = {}): Promise<UdpSocketPort> {
  return new DgramUdpBinder().bind({ port: options.port ?? IAX2_PORT, fallbackToEphemeral: options.fallbackToEphemeral ?? true,
    ...(options.host !== undefined ? { host: options.host } : {}) });
}
