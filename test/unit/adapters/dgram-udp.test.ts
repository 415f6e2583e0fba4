// The dgram adapter: a taken preferred port falls back to an ephemeral one only when allowed; datagrams flow
// over real loopback UDP.
import { describe, expect, it } from 'vitest';
import { DgramUdpBinder } from '../../../electron/adapters/dgram-udp.js';
import type { UdpEndpoint } from '../../../electron/core/ports.js';
import { until } from '../../support/wait.js';

describe('DgramUdpBinder', () => {
  it('falls back to an ephemeral port when the preferred one is taken, or fails with the port named', async () => {
    const binder = new DgramUdpBinder();
    const first = await binder.bind({ port: 0, fallbackToEphemeral: false, host: '127.0.0.1' });
    const taken = first.local.port;
    const second = await binder.bind({ port: taken, fallbackToEphemeral: true, host: '127.0.0.1' });
    expect(second.local.port).not.toBe(taken);
    expect(second.local.port).toBeGreaterThan(0);
    await expect(binder.bind({ port: taken, fallbackToEphemeral: false, host: '127.0.0.1' })).rejects.toThrow(String(taken));

    const got = new Promise<{ data: Uint8Array; from: UdpEndpoint }>((resolve) => second.onDatagram((data, from) => resolve({ data, from })));
    first.send(Uint8Array.of(1, 2, 3, 4), second.local);
    const { data, from } = await got;
    expect([...data]).toEqual([1, 2, 3, 4]);
    expect(from).toEqual({ address: '127.0.0.1', port: taken });
    await first.close();
    await second.close();
    await second.close(); // harmless twice
  });

  it('delivers a datagram sent just before close (the last HANGUP or ACK of a session)', async () => {
    const binder = new DgramUdpBinder();
    const rx = await binder.bind({ port: 0, fallbackToEphemeral: false, host: '127.0.0.1' });
    const tx = await binder.bind({ port: 0, fallbackToEphemeral: false, host: '127.0.0.1' });
    const received: number[] = [];
    rx.onDatagram((data) => received.push(data[0] ?? -1));
    for (let i = 0; i < 5; i++) tx.send(Uint8Array.of(i), rx.local);
    await tx.close();
    await until('the queued datagrams arrive after close', () => received.length === 5, 2000);
    expect(received.sort()).toEqual([0, 1, 2, 3, 4]);
    await rx.close();
  });
});
