import { describe, expect, it } from 'vitest';
import { ReceiveStats } from '../../../../electron/core/iax2/call/receive-stats.js';

describe('receive statistics', () => {
  it('jitter follows the RFC 3550 estimator (J += (|D| − J) / 16)', () => {
    const s = new ReceiveStats();
    const arrivals = [1000, 1020, 1045, 1060, 1080];
    const stamps = [0, 20, 40, 60, 80];
    arrivals.forEach((a, i) => s.record(a, stamps[i]!, 20));
    // D = 0, +5, −5, 0 → J: 0, 0.3125, 0.6055, 0.5676
    let j = 0;
    for (const d of [5, 5, 0]) j += (Math.abs(d) - j) / 16;
    expect(s.snapshot().jitterMs).toBeCloseTo(j, 6);
    expect(s.snapshot().framesLost).toBe(0);
  });
  it('counts frames missing from timestamp gaps and reordered arrivals', () => {
    const s = new ReceiveStats();
    for (const ts of [0, 20, 100, 80, 120]) s.record(ts, ts, 20);
    const snap = s.snapshot();
    expect(snap.framesReceived).toBe(5);
    expect(snap.framesLost).toBe(2); // 40, 60, 80 looked missing when 100 arrived; 80 then came late
    expect(snap.outOfOrder).toBe(1);
    expect(snap.lossPercent).toBeCloseTo(100 * 2 / 7, 6);
  });
});

describe('receive statistics: pauses are not loss (Asterisk interop)', () => {
  it('a gap of a second or more (hold/QUELCH, silent dialplan) counts nothing lost; shorter gaps still do', () => {
    // Seen against Asterisk 22: 4 s on hold, then voice resumes with timestamps 4 s later → was 200 "lost" frames.
    const s = new ReceiveStats();
    let ts = 0;
    for (let i = 0; i < 50; i++, ts += 20) s.record(ts, ts, 20);
    ts += 4000; // the far end sent nothing for 4 s
    for (let i = 0; i < 50; i++, ts += 20) s.record(ts, ts, 20);
    expect(s.snapshot().framesLost).toBe(0);
    expect(s.snapshot().framesReceived).toBe(100);
    ts += 200; // a 200 ms hole in a running stream is loss: 10 frames (the one that arrives ends the gap)
    s.record(ts, ts, 20);
    expect(s.snapshot().framesLost).toBe(10);
  });
});
