// UdpBinder/UdpSocketPort over node:dgram. IAX2 uses one socket for everything (spec R-9, §8.3): bind 4569 by
// default and, when it is taken, an ephemeral port (kept for the life of the app) if the caller allows it.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { UdpBindOptions, UdpBinder, UdpEndpoint, UdpSocketPort } from '../core/ports.js';

/** Receive buffer asked for (the kernel caps it at net.core.rmem_max): room for a burst of a few hundred calls' frames. */
const RECEIVE_BUFFER_BYTES = 4 << 20;
/** How long close() waits for datagrams still queued in the socket (the HANGUP, the last ACKs). */
const CLOSE_DRAIN_MS = 200;

/**
 * Addresses reach the port already resolved (ports.ts UdpEndpoint), so the "lookup" dgram does before each send is
 * answered at once. dgram's own lookup goes through dns.lookup, which answers even an address literal on the next
 * tick: one deferred callback per datagram, 50 per second per call and direction.
 */
function resolvedAddress(address: string, _options: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4); // net.isIPv6 is a large regular expression
}

class DgramSocketPort implements UdpSocketPort {
  private receiver: ((data: Uint8Array, from: UdpEndpoint) => void) | undefined;
  private closed = false;
  readonly local: UdpEndpoint;

  constructor(private readonly socket: Socket) {
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    try { socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES); } catch { /* the system's default then */ }
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
    // No callback: a send that completes at once (the usual case) then costs no deferred call at all.
    this.socket.send(data, to.port, to.address);
  }

  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void {
    this.receiver = receive;
  }

  /**
   * A datagram still queued in the socket when it closes is silently dropped, and the last frames of a session
   * matter (the HANGUP, the ACK of a REGREL's REGACK): close waits until the send queue is empty, 200 ms at most.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      const deadline = Date.now() + CLOSE_DRAIN_MS;
      const attempt = (): void => {
        let queued = 0;
        try { queued = this.socket.getSendQueueCount(); } catch { queued = 0; }
        if (queued > 0 && Date.now() < deadline) { setTimeout(attempt, 5).unref(); return; }
        this.socket.close(() => resolve());
      };
      attempt();
    });
  }
}

function bindOnce(port: number, host: string | undefined): Promise<Socket> {
  const type = host !== undefined && isIPv6(host) ? 'udp6' : 'udp4';
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, reuseAddr: false, lookup: resolvedAddress });
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
