// Media clock for supermini trunk voice (no sender timestamps), found against Asterisk 22 with a trunk=yes peer.
import { describe, expect, it } from 'vitest';
import { ARRIVAL_SKEW_MS, ArrivalTimestamps } from '../../../../electron/core/iax2/call/arrival-timestamps.js';

describe('ArrivalTimestamps', () => {
  it('jittered arrivals become an even 20 ms clock on the sender timeline of the last full frame', () => {
    const a = new ArrivalTimestamps();
    a.noteSenderTimestamp(60, 1990, 20); // full VOICE ts 60 arrived at our 1990
    const arrivals = [2010, 2039, 2050, 2079, 2090, 2101, 2130];
    const ts = arrivals.map((t) => a.stamp(t, 20));
    ts.forEach((t, i) => expect(Math.abs(t - (80 + 20 * i))).toBeLessThanOrEqual(2)); // arrivals were up to ±9 ms off
  });

  it('follows a sender that runs 2.5 % slow without jumps (no fake loss)', () => {
    // Seen with Asterisk Echo on a trunk: frames every 20.5 ms. A hard snap at the skew limit made 4-frame jumps.
    const a = new ArrivalTimestamps();
    const ts: number[] = [];
    for (let i = 0; i < 1000; i++) ts.push(a.stamp(Math.round(1000 + 20.5 * i), 20));
    const steps = ts.slice(1).map((t, i) => t - ts[i]!);
    expect(Math.max(...steps)).toBeLessThanOrEqual(22);
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(19);
    expect(Math.abs(ts.at(-1)! - Math.round(1000 + 20.5 * 999))).toBeLessThan(20); // still on the arrival clock
  });

  it('snaps back to the arrival clock after a pause or a stall, and follows payload durations', () => {
    const a = new ArrivalTimestamps();
    expect(a.stamp(1000, 20)).toBe(1000);
    expect(a.stamp(1020, 20)).toBe(1020);
    expect(a.stamp(4020, 20)).toBe(4020); // 3 s of nothing (hold): not 1040
    expect(a.stamp(4040, 40)).toBe(4040); // 40 ms GSM pair
    expect(a.stamp(4080, 20)).toBe(4080);
    const far = 4100 + ARRIVAL_SKEW_MS + 1;
    expect(a.stamp(far, 20)).toBe(far);
  });
});
