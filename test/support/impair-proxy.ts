// A loopback UDP impairment proxy for tests: sits between a client and a server (e.g. our engine and a scripted
// peer or iaxmodem) and applies seeded random loss, duplication, reordering and jitter in both directions.
// Each client address gets its own upstream socket, so the server sees one stable source per client (as a NAT
// would) and its replies find their way back. Queues are bounded; everything binds to 127.0.0.1 only.
import { createSocket, type Socket } from 'node:dgram';
import { seededRandom } from './seeded-random.js';

export interface UdpEndpoint {
  readonly address: string;
  readonly port: number;
}

export type ImpairDirection = 'toServer' | 'toClient';

export interface ImpairRates {
  /** Probability a datagram is dropped (0-1). */
  readonly lossRate?: number;
  /** Probability a (surviving) datagram is sent twice (0-1). */
  readonly duplicateRate?: number;
  /** Probability a datagram is held back and released right after the next one sent in its direction (0-1). */
  readonly reorderRate?: number;
  /** Each datagram is delayed by a uniform random 0..jitterMs ms (which can reorder too). */
  readonly jitterMs?: number;
}

export interface ImpairProxyOptions extends ImpairRates {
  /** Where client datagrams go (the server). Must be on loopback. */
  readonly target: UdpEndpoint;
  /** PRNG seed: the same seed and traffic give the same decisions. */
  readonly seed?: number;
  /** Overrides of the rates for one direction. */
  readonly toServer?: ImpairRates;
  readonly toClient?: ImpairRates;
  /** Max datagrams waiting (jitter or reorder) per direction; more are dropped and counted as overflow. */
  readonly maxQueue?: number;
  /** How long a held (reordered) datagram waits for a successor before it goes anyway. */
  readonly reorderHoldMs?: number;
  /** Listening port (0 = any). */
  readonly port?: number;
  /** Optional per-datagram override, for targeted tests: 'drop' forces a drop, 'pass' bypasses impairment. */
  readonly decide?: (data: Uint8Array, direction: ImpairDirection) => 'drop' | 'pass' | undefined;
}

export interface ImpairDirectionStats {
  received: number;
  /** Datagrams put on the wire, duplicates included. */
  sent: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  overflowed: number;
}

export interface ImpairStats {
  readonly toServer: ImpairDirectionStats;
  readonly toClient: ImpairDirectionStats;
}

export interface ImpairProxy {
  /** The proxy's client-facing endpoint: point the client here instead of at the server. */
  readonly address: string;
  readonly port: number;
  readonly stats: ImpairStats;
  /** Datagrams held back or delayed inside the proxy right now (both directions): 0 once it has settled. */
  pending(): number;
  /**
   * Changes the impairment from now on: the given directions' rates replace the current ones (omitted fields fall
   * back to 0). Lets a test set up a call on a clean path and then make it lossy.
   */
  setRates(rates: { readonly toServer?: ImpairRates; readonly toClient?: ImpairRates }): void;
  /**
   * Sends a datagram unimpaired as if it came from the other side: 'toClient' from the server's address to every
   * client, 'toServer' from every client's upstream socket to the server (e.g. frames injected on the path).
   */
  inject(direction: ImpairDirection, data: Uint8Array): void;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const MAX_CLIENTS = 64;

function emptyStats(): ImpairDirectionStats {
  return { received: 0, sent: 0, dropped: 0, duplicated: 0, reordered: 0, overflowed: 0 };
}

function checkRate(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${name} ${v} is outside 0-1`);
}

/** One impaired direction: decides and schedules each datagram, then hands it to `send`. */
class ImpairedLane {
  /** Datagrams held back for reordering; all go right after the next datagram that is sent normally. */
  private held: Uint8Array[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private queued = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly direction: ImpairDirection,
    private rates: Required<ImpairRates>,
    private readonly random: () => number,
    private readonly stats: ImpairDirectionStats,
    private readonly maxQueue: number,
    private readonly reorderHoldMs: number,
    private readonly decide: ImpairProxyOptions['decide'],
    private readonly send: (data: Uint8Array) => void,
  ) {}

  /** Datagrams waiting in this lane (jitter delay or reorder hold). */
  get waiting(): number { return this.queued; }

  setRates(rates: Required<ImpairRates>): void { this.rates = rates; }

  /** Sends at once, outside the statistics and the impairment. */
  inject(data: Uint8Array): void { this.send(data); }

  push(data: Uint8Array): void {
    this.stats.received++;
    const verdict = this.decide?.(data, this.direction);
    if (verdict === 'drop') {
      this.stats.dropped++;
      return;
    }
    if (verdict === 'pass') {
      this.emit(data);
      return;
    }
    // Draw every decision for every datagram so the sequence of draws does not depend on earlier outcomes.
    const lose = this.random() < this.rates.lossRate;
    const dup = this.random() < this.rates.duplicateRate;
    const reorder = this.random() < this.rates.reorderRate;
    const delay = this.rates.jitterMs > 0 ? this.random() * this.rates.jitterMs : 0;
    if (lose) {
      this.stats.dropped++;
      return;
    }
    const copies = dup ? 2 : 1;
    if (dup) this.stats.duplicated++;
    if (reorder) {
      this.stats.reordered++;
      for (let i = 0; i < copies; i++) this.hold(data);
      return;
    }
    for (let i = 0; i < copies; i++) this.schedule(data, delay);
  }

  private reserve(): boolean {
    if (this.queued >= this.maxQueue) {
      this.stats.overflowed++;
      return false;
    }
    this.queued++;
    return true;
  }

  private hold(data: Uint8Array): void {
    if (!this.reserve()) return;
    this.held.push(data);
    // A held datagram with no successor still goes after a while, so nothing is lost by holding.
    this.holdTimer ??= setTimeout(() => this.releaseHeld(), this.reorderHoldMs);
  }

  private schedule(data: Uint8Array, delay: number): void {
    if (delay <= 0) {
      this.emit(data);
      return;
    }
    if (!this.reserve()) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.queued--;
      this.emit(data);
    }, delay);
    this.timers.add(timer);
  }

  private emit(data: Uint8Array): void {
    this.stats.sent++;
    this.send(data);
    // Held datagrams go right after their successor: they arrive out of order.
    this.releaseHeld();
  }

  private releaseHeld(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const held = this.held;
    this.held = [];
    for (const d of held) {
      this.queued--;
      this.stats.sent++;
      this.send(d);
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.held = [];
  }
}

function bind(socket: Socket, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, LOOPBACK, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** Starts the proxy on 127.0.0.1. */
export async function startImpairProxy(options: ImpairProxyOptions): Promise<ImpairProxy> {
  if (options.target.address !== LOOPBACK && options.target.address !== 'localhost') {
    throw new Error(`impair proxy target must be on loopback, not ${options.target.address}`);
  }
  const rates = (over?: ImpairRates): Required<ImpairRates> => {
    const r = {
      lossRate: over?.lossRate ?? options.lossRate ?? 0,
      duplicateRate: over?.duplicateRate ?? options.duplicateRate ?? 0,
      reorderRate: over?.reorderRate ?? options.reorderRate ?? 0,
      jitterMs: over?.jitterMs ?? options.jitterMs ?? 0,
    };
    checkRate('lossRate', r.lossRate);
    checkRate('duplicateRate', r.duplicateRate);
    checkRate('reorderRate', r.reorderRate);
    if (!(r.jitterMs >= 0)) throw new Error(`jitterMs ${r.jitterMs} must be ≥ 0`);
    return r;
  };
  let toServerRates = rates(options.toServer);
  let toClientRates = rates(options.toClient);
  const random = seededRandom(options.seed ?? 1);
  const stats: ImpairStats = { toServer: emptyStats(), toClient: emptyStats() };
  const maxQueue = options.maxQueue ?? 1024;
  const holdMs = options.reorderHoldMs ?? 40;
  const target = { address: LOOPBACK, port: options.target.port };

  const front = createSocket('udp4');
  await bind(front, options.port ?? 0);
  const frontPort = front.address().port;

  interface Client {
    readonly upstream: Socket;
    readonly toServer: ImpairedLane;
    readonly toClient: ImpairedLane;
  }
  const clients = new Map<string, Client>();
  const pending = new Map<string, Promise<Client | undefined>>();
  let closed = false;

  async function clientFor(from: UdpEndpoint): Promise<Client | undefined> {
    const key = `${from.address}:${from.port}`;
    const known = clients.get(key);
    if (known) return known;
    const waiting = pending.get(key);
    if (waiting) return waiting;
    if (clients.size >= MAX_CLIENTS) return undefined;
    const creating = (async () => {
      const upstream = createSocket('udp4');
      await bind(upstream, 0);
      const client: Client = {
        upstream,
        toServer: new ImpairedLane('toServer', toServerRates, random, stats.toServer, maxQueue, holdMs, options.decide, (d) => {
          if (!closed) upstream.send(d, target.port, target.address);
        }),
        toClient: new ImpairedLane('toClient', toClientRates, random, stats.toClient, maxQueue, holdMs, options.decide, (d) => {
          if (!closed) front.send(d, from.port, from.address);
        }),
      };
      upstream.on('message', (msg, rinfo) => {
        // Only the server's replies go back; anything else reaching this socket is not ours to forward.
        if (rinfo.port === target.port) client.toClient.push(new Uint8Array(msg));
      });
      upstream.on('error', () => undefined);
      clients.set(key, client);
      pending.delete(key);
      return client;
    })();
    pending.set(key, creating);
    return creating;
  }

  // Datagrams from one client must keep their arrival order while its upstream socket is being bound.
  let chain: Promise<void> = Promise.resolve();
  front.on('message', (msg, rinfo) => {
    const data = new Uint8Array(msg);
    chain = chain.then(async () => {
      const c = await clientFor({ address: rinfo.address, port: rinfo.port });
      if (c && !closed) c.toServer.push(data);
    }).catch(() => undefined);
  });
  front.on('error', () => undefined);

  return {
    address: LOOPBACK,
    port: frontPort,
    stats,
    pending(): number {
      let n = 0;
      for (const c of clients.values()) n += c.toServer.waiting + c.toClient.waiting;
      return n;
    },
    setRates(next) {
      const zero: ImpairRates = { lossRate: 0, duplicateRate: 0, reorderRate: 0, jitterMs: 0 };
      if (next.toServer) toServerRates = rates({ ...zero, ...next.toServer });
      if (next.toClient) toClientRates = rates({ ...zero, ...next.toClient });
      for (const c of clients.values()) {
        c.toServer.setRates(toServerRates);
        c.toClient.setRates(toClientRates);
      }
    },
    inject(direction, data) {
      for (const c of clients.values()) c[direction].inject(data);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await chain;
      const closing: Array<Promise<void>> = [];
      for (const c of clients.values()) {
        c.toServer.close();
        c.toClient.close();
        closing.push(new Promise((r) => c.upstream.close(() => r())));
      }
      closing.push(new Promise((r) => front.close(() => r())));
      await Promise.all(closing);
    },
  };
}
