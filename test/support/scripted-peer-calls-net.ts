// Real-world ports for call integration tests: a loopback UDP socket (node:dgram, 127.0.0.1 only), the system
// clock, crypto randomness and a resolver that knows only numeric loopback addresses and "localhost".
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import type { CancelTimer, Clock, RandomSource, Resolver, UdpEndpoint, UdpSocketPort } from '../../electron/core/ports.js';

export class LoopbackUdpPort implements UdpSocketPort {
  private receiver: ((data: Uint8Array, from: UdpEndpoint) => void) | undefined;
  private constructor(private readonly socket: Socket, readonly local: UdpEndpoint) {
    socket.on('message', (msg, rinfo) => this.receiver?.(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }));
  }
  static async bind(port = 0): Promise<LoopbackUdpPort> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => { socket.off('error', reject); resolve(); });
    });
    const a = socket.address();
    return new LoopbackUdpPort(socket, { address: a.address, port: a.port });
  }
  send(data: Uint8Array, to: UdpEndpoint): void {
    if (to.address !== '127.0.0.1') throw new Error(`tests only send to 127.0.0.1, not ${to.address}`);
    this.socket.send(data, to.port, to.address);
  }
  onDatagram(receive: (data: Uint8Array, from: UdpEndpoint) => void): void { this.receiver = receive; }
  close(): Promise<void> { return new Promise((resolve) => this.socket.close(() => resolve())); }
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallTime: () => new Date(),
  setTimer(delayMs: number, fire: () => void): CancelTimer {
    const t = setTimeout(fire, Math.max(0, delayMs));
    return () => clearTimeout(t);
  },
};

export const cryptoRandom: RandomSource = {
  int: (min, max) => randomInt(min, max + 1),
  bytes: (n) => new Uint8Array(randomBytes(n)),
};

export const loopbackResolver: Resolver = {
  async resolve(host: string): Promise<string[]> {
    if (host === 'localhost' || host === '127.0.0.1') return ['127.0.0.1'];
    throw new Error(`cannot resolve ${host} (tests resolve only loopback)`);
  },
};
