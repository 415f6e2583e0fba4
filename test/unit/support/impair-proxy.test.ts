// The impairment proxy applies the loss, duplication and reordering rates it is given (within statistical
// tolerance), counts truthfully, is reproducible for a seed, keeps its queues bounded, and works both ways.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { startImpairProxy, type ImpairProxy } from '../../support/impair-proxy.js';

const N = 3000;
/** ±3 percentage points: about 3 standard deviations of a proportion near 0.2 over 3000 draws. */
const TOLERANCE = 0.03;

const sockets: Socket[] = [];
const proxies: ImpairProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function udp(onMessage?: (seq: number, from: { address: string; port: number }, s: Socket) => void): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  if (onMessage) s.on('message', (m, r) => onMessage(m.readUInt32BE(0), { address: r.address, port: r.port }, s));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

function packet(seq: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32BE(seq, 0);
  return b;
}

/**
 * Waits until `settled()` holds: every datagram reached the proxy, none waits inside it, and all it sent have
 * arrived. Counting, not waiting for a quiet spell, so a slow machine cannot end the wait early.
 */
async function until(settled: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!settled()) {
    if (Date.now() - started > timeoutMs) throw new Error('the proxy did not settle');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The proxy got all `n` datagrams toward the server, holds none, and everything it sent there arrived. */
const settledToServer = (proxy: ImpairProxy, n: number, arrivals: readonly number[]) => (): boolean =>
  proxy.stats.toServer.received === n && proxy.pending() === 0 && arrivals.length === proxy.stats.toServer.sent;

/** Sends 0..n-1 in small paced bursts (loopback must not drop on its own), then waits for `settled`. */
async function sendAll(s: Socket, port: number, n: number, settled: () => boolean): Promise<void> {
  for (let i = 0; i < n; i++) {
    s.send(packet(i), port, '127.0.0.1');
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 1));
  }
  await until(settled);
}

interface Observed { unique: number; duplicates: number; late: number }
function observe(arrivals: number[]): Observed {
  const seen = new Set<number>();
  let duplicates = 0;
  let late = 0;
  let max = -1;
  for (const seq of arrivals) {
    if (seen.has(seq)) {
      duplicates++;
      continue;
    }
    seen.add(seq);
    if (seq < max) late++;
    max = Math.max(max, seq);
  }
  return { unique: seen.size, duplicates, late };
}

describe('impair proxy', () => {
  it('applies loss 20%, duplication 10%, reordering 10% toward the server, and counts truthfully', async () => {
    const arrivals: number[] = [];
    const server = await udp((seq) => { arrivals.push(seq); });
    const proxy = await startImpairProxy({ target: { address: '127.0.0.1', port: server.address().port }, lossRate: 0.2, duplicateRate: 0.1, reorderRate: 0.1, seed: 42 });
    proxies.push(proxy);
    const client = await udp();
    await sendAll(client, proxy.port, N, settledToServer(proxy, N, arrivals));

    const o = observe(arrivals);
    const st = proxy.stats.toServer;
    expect(st.received).toBe(N);
    // What arrived is exactly what the proxy says it let through.
    expect(N - o.unique).toBe(st.dropped);
    expect(o.duplicates).toBe(st.duplicated);
    expect(arrivals.length).toBe(st.sent);
    expect(st.overflowed).toBe(0);
    // And the rates are the configured ones.
    expect(Math.abs(st.dropped / N - 0.2)).toBeLessThan(TOLERANCE);
    expect(Math.abs(o.duplicates / o.unique - 0.1)).toBeLessThan(TOLERANCE);
    expect(Math.abs(o.late / o.unique - 0.1)).toBeLessThan(TOLERANCE);
    expect(o.late).toBe(st.reordered);
  });

  it('impairs replies on their way back to the client', async () => {
    const echoed: number[] = [];
    const server = await udp((seq, from, s) => { s.send(packet(seq), from.port, from.address); });
    const proxy = await startImpairProxy({
      target: { address: '127.0.0.1', port: server.address().port }, seed: 7,
      toServer: { lossRate: 0 }, toClient: { lossRate: 0.3, reorderRate: 0.05 },
    });
    proxies.push(proxy);
    const client = await udp((seq) => { echoed.push(seq); });
    const { toServer, toClient } = proxy.stats;
    await sendAll(client, proxy.port, N, () => toServer.received === N && proxy.pending() === 0
      && toClient.received === toServer.sent && echoed.length === toClient.sent);
    const o = observe(echoed);
    expect(proxy.stats.toServer.dropped).toBe(0);
    expect(proxy.stats.toClient.received).toBe(N);
    expect(N - o.unique).toBe(proxy.stats.toClient.dropped);
    expect(Math.abs((N - o.unique) / N - 0.3)).toBeLessThan(TOLERANCE);
    expect(Math.abs(o.late / o.unique - 0.05)).toBeLessThan(TOLERANCE);
  });

  it('is reproducible for a seed and differs for another', async () => {
    const run = async (seed: number): Promise<string> => {
      const arrivals: number[] = [];
      const server = await udp((seq) => { arrivals.push(seq); });
      const proxy = await startImpairProxy({ target: { address: '127.0.0.1', port: server.address().port }, lossRate: 0.2, duplicateRate: 0.1, reorderRate: 0.1, seed });
      proxies.push(proxy);
      const client = await udp();
      await sendAll(client, proxy.port, 500, settledToServer(proxy, 500, arrivals));
      return JSON.stringify(proxy.stats.toServer);
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('keeps its queue bounded under heavy jitter and delivers the rest', async () => {
    const arrivals: number[] = [];
    const server = await udp((seq) => { arrivals.push(seq); });
    const proxy = await startImpairProxy({ target: { address: '127.0.0.1', port: server.address().port }, jitterMs: 300, maxQueue: 20, seed: 3 });
    proxies.push(proxy);
    const client = await udp();
    for (let i = 0; i < 200; i++) client.send(packet(i), proxy.port, '127.0.0.1');
    await until(settledToServer(proxy, 200, arrivals));
    const st = proxy.stats.toServer;
    expect(st.received).toBe(200);
    expect(st.overflowed).toBeGreaterThan(0);
    expect(arrivals.length).toBe(st.received - st.overflowed);
  });

  it('lets a test force drops of chosen datagrams', async () => {
    const arrivals: number[] = [];
    const server = await udp((seq) => { arrivals.push(seq); });
    const proxy = await startImpairProxy({
      target: { address: '127.0.0.1', port: server.address().port },
      decide: (d) => (new DataView(d.buffer, d.byteOffset).getUint32(0) % 10 === 3 ? 'drop' : undefined),
    });
    proxies.push(proxy);
    const client = await udp();
    await sendAll(client, proxy.port, 100, settledToServer(proxy, 100, arrivals));
    expect(arrivals.filter((s) => s % 10 === 3)).toEqual([]);
    expect(arrivals).toHaveLength(90);
  });

  it('changes its rates at run time, and injects datagrams toward the client unimpaired', async () => {
    const echoed: number[] = [];
    const server = await udp((seq, from, s) => { s.send(packet(seq), from.port, from.address); });
    const proxy = await startImpairProxy({ target: { address: '127.0.0.1', port: server.address().port }, seed: 9 });
    proxies.push(proxy);
    const client = await udp((seq) => { echoed.push(seq); });
    const { toServer, toClient } = proxy.stats;
    const settled = (n: number) => () => toServer.received === n && proxy.pending() === 0
      && toClient.received === toServer.sent && echoed.length === toClient.sent;
    await sendAll(client, proxy.port, 500, settled(500));
    expect(toServer.dropped + toClient.dropped).toBe(0);
    proxy.setRates({ toServer: { lossRate: 0.5 }, toClient: { lossRate: 0.5 } });
    for (let i = 500; i < 500 + N; i++) {
      client.send(packet(i), proxy.port, '127.0.0.1');
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 1));
    }
    await until(settled(500 + N));
    // Both ways at 50 %: about a quarter of the second batch comes back.
    expect(Math.abs(echoed.length - 500 - N / 4) / N).toBeLessThan(TOLERANCE);
    proxy.inject('toClient', packet(99_999));
    await until(() => echoed.includes(99_999));
    expect(toClient.sent).toBe(echoed.length - 1);
  });

  it('refuses non-loopback targets and bad rates', async () => {
    await expect(startImpairProxy({ target: { address: '10.0.0.1', port: 4569 } })).rejects.toThrow(/loopback/);
    await expect(startImpairProxy({ target: { address: '127.0.0.1', port: 4569 }, lossRate: 1.5 })).rejects.toThrow(/outside 0-1/);
  });
});
