// The seeded network traces (test/support/net-traces.ts) that drive the jitter-buffer tests and benchmarks:
// their delay, loss and reordering match the specification.
import { describe, expect, it } from 'vitest';
import { generateTrace, rfc3550Jitter } from '../../support/net-traces.js';

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
});
