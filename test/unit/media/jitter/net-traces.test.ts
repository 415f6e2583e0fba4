// The seeded network traces (test/support/net-traces.ts) that drive the jitter-buffer tests and benchmarks:
// their delay, loss and reordering match the specification.
import { describe, expect, it } from 'vitest';
import { generateTrace, rfc3550Jitter } from '../../../support/net-traces.js';

describe('net-traces', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = generateTrace({ name: 'a', seed: 7, durationS: 10, jitterMs: 40, lossPercent: 3 });
    const b = generateTrace({ name: 'b', seed: 7, durationS: 10, jitterMs: 40, lossPercent: 3 });
    const c = generateTrace({ name: 'c', seed: 8, durationS: 10, jitterMs: 40, lossPercent: 3 });
    expect(b.deliveries.map((d) => d.at)).toEqual(a.deliveries.map((d) => d.at));
    expect(c.deliveries.map((d) => d.at)).not.toEqual(a.deliveries.map((d) => d.at));
  });

  it('has the stated 99th-percentile delay variation and loss rate', () => {
    const t = generateTrace({ name: 't', seed: 3, durationS: 600, jitterMs: 40, lossPercent: 3, baseDelayMs: 20 });
    const queuing = t.packets.filter((p) => p.arrivals.length).map((p) => p.arrivals[0] - p.sentAt - 20).sort((x, y) => x - y);
    const p99 = queuing[Math.floor(queuing.length * 0.99)];
    expect(p99).toBeGreaterThan(37);
    expect(p99).toBeLessThan(43);
    const lost = t.packets.filter((p) => p.arrivals.length === 0).length / t.packets.length;
    expect(lost).toBeGreaterThan(0.027);
    expect(lost).toBeLessThan(0.033);
    expect(rfc3550Jitter(t)).toBeGreaterThan(5);
  });

  it('makes loss bursts with the requested mean length', () => {
    const t = generateTrace({ name: 'b', seed: 5, durationS: 600, lossPercent: 5, burstLength: 4 });
    let bursts = 0, lostCount = 0, prev = false;
    for (const p of t.packets) {
      const lost = p.arrivals.length === 0;
      if (lost) lostCount++;
      if (lost && !prev) bursts++;
      prev = lost;
    }
    expect(lostCount / bursts).toBeGreaterThan(3.4);
    expect(lostCount / bursts).toBeLessThan(4.6);
    expect(lostCount / t.packets.length).toBeGreaterThan(0.04);
    expect(lostCount / t.packets.length).toBeLessThan(0.06);
  });

  it('relayed by Asterisk: what was lost upstream leaves no gap, and the delay climbs by 20 ms per such loss', () => {
    const t = generateTrace({ name: 'r', seed: 4, durationS: 60, relay: { upstreamLossPercent: 10 } });
    // Contiguous 20 ms timestamps, with ~10 % fewer frames than the sender sent.
    t.packets.forEach((p, i) => expect(p.ts - t.packets[0].ts).toBe(20 * i));
    expect(t.packets.length).toBeGreaterThan(2600);
    expect(t.packets.length).toBeLessThan(2800);
    // Delay (arrival - timestamp) of the last frame minus the first: the frames that never came, 20 ms each.
    const first = t.packets[0];
    const last = t.packets[t.packets.length - 1];
    const climb = (last.arrivals[0] - last.ts) - (first.arrivals[0] - first.ts);
    expect(Math.abs(climb - 20 * (3000 - t.packets.length))).toBeLessThan(25);
  });

  it('loss only from lossFromS on; injected outliers only among the deliveries, marked', () => {
    const t = generateTrace({ name: 'o', seed: 5, durationS: 20, lossPercent: 20, lossFromS: 10, outliers: { atS: 5, count: 100 } });
    expect(t.packets.filter((p) => p.sentAt < 10_000 && p.arrivals.length === 0)).toEqual([]);
    expect(t.packets.filter((p) => p.sentAt >= 10_000 && p.arrivals.length === 0).length).toBeGreaterThan(70);
    const injected = t.deliveries.filter((d) => d.packet.injected);
    expect(injected).toHaveLength(100);
    expect(t.packets.some((p) => p.injected)).toBe(false);
    expect(injected.every((d) => d.at >= 5000 && d.packet.ts >= 0 && d.packet.ts < 0x10000)).toBe(true);
  });
});
