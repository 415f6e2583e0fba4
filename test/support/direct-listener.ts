// A direct-call listener (the engine accepting calls from anyone, as `redial listen` without a server does) on a
// loopback socket that counts every datagram and byte both ways, and a caller engine that places real direct calls
// to it. For the adversarial tests and the security bench (docs/security.md §7): what a flood costs, what it draws
// from us, and whether a real caller still gets through.
import type { CallHandle, CallTokenPolicy } from '../../electron/core/iax2/engine-api.js';
import { createIax2Engine, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { UdpEndpoint, UdpSocketPort } from '../../electron/core/ports.js';
import { CountingSocket } from './counting-socket.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from './scripted-peer-calls-net.js';

export interface DirectListener {
  readonly engine: Iax2EngineImpl;
  readonly socket: CountingSocket;
  readonly incoming: CallHandle[];
  readonly port: number;
  close(): Promise<void>;
}

/** The listener; `answer`: answer every call at once (auto-answer), else let it ring. */
export async function startDirectListener(options: { callTokens?: CallTokenPolicy; answer?: boolean; peerSilentMs?: number } = {}): Promise<DirectListener> {
  const socket = new CountingSocket(await LoopbackUdpPort.bind(0));
  const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0,
    ...(options.peerSilentMs !== undefined ? { peerSilentMs: options.peerSilentMs } : {}) });
  engine.setAcceptDirectCalls(true, ['ulaw'], options.callTokens ?? 'required');
  const incoming: CallHandle[] = [];
  engine.on('incoming', (c) => {
    incoming.push(c);
    if (options.answer) c.answer();
  });
  return {
    engine, socket, incoming, port: socket.local.port,
    async close() { await engine.shutdown(); await socket.close(); },
  };
}

export interface DirectCaller {
  readonly engine: Iax2EngineImpl;
  readonly endpoint: UdpEndpoint;
  /** Dials the listener and resolves with the set-up time (NEW to answered) in ms, or rejects after `timeoutMs`. */
  call(listenerPort: number, timeoutMs?: number): Promise<{ setupMs: number; call: CallHandle }>;
  /** The same towards any server (a PBX: with a user and secret). */
  callTo(target: { server: string; number: string; username?: string; secret?: string }, timeoutMs?: number): Promise<{ setupMs: number; call: CallHandle }>;
  /** The caller's machine goes away: its socket stops receiving and sending, without a HANGUP. */
  vanish(): void;
  close(): Promise<void>;
}

/** Our own engine as a direct caller (a real IAX2 stack: call tokens, retransmissions). */
export async function startDirectCaller(): Promise<DirectCaller> {
  const real = await LoopbackUdpPort.bind(0);
  let gone = false;
  const socket: UdpSocketPort = {
    local: real.local,
    send: (data, to) => { if (!gone) real.send(data, to); },
    onDatagram: (receive) => real.onDatagram((data, from) => { if (!gone) receive(data, from); }),
    close: () => real.close(),
  };
  const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
  const caller: DirectCaller = {
    vanish() { gone = true; },
    engine, endpoint: socket.local,
    call(listenerPort, timeoutMs = 10_000) {
      return caller.callTo({ server: `127.0.0.1:${listenerPort}`, number: '1001' }, timeoutMs);
    },
    async callTo(target, timeoutMs = 10_000) {
      const started = performance.now();
      const call = engine.dial({ account: { id: 'direct', server: target.server, username: target.username ?? 'caller', register: false,
        ...(target.secret !== undefined ? { secret: target.secret } : {}), callerIdName: 'Legitimate Caller', callerIdNumber: '6001' },
      number: target.number, codecs: ['ulaw'] });
      const setupMs = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => { off(); call.hangup(); reject(new Error(`not answered within ${timeoutMs} ms`)); }, timeoutMs);
        const off = call.on('state', (state) => {
          if (state !== 'up' && state !== 'ended') return;
          clearTimeout(timer);
          off();
          if (state === 'up') resolve(performance.now() - started);
          else reject(new Error('the call ended before it was answered'));
        });
      });
      return { setupMs, call };
    },
    async close() { await engine.shutdown(); await socket.close(); },
  };
  return caller;
}
