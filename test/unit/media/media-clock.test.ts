import { describe, expect, it } from 'vitest';
import { MAX_CATCH_UP, MediaClock, type MediaTick } from '../../../electron/core/media/media-clock.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('MediaClock', () => {
  it('services every member once per 20 ms tick, from one timer', () => {
    const clock = new FakeClock(0);
    const mc = new MediaClock(clock);
    const seen: string[] = [];
    mc.add((t) => seen.push(`a${t.index}`));
    mc.add((t) => seen.push(`b${t.index}`));
    expect(clock.pending()).toBe(1);
    clock.advance(0);
    clock.advance(40);
    expect(seen).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect(clock.pending()).toBe(1);
  });

  it('runs only while it has members, and starts afresh after', () => {
    const clock = new FakeClock(0);
    const mc = new MediaClock(clock);
    const ticks: number[] = [];
    const off = mc.add((t) => ticks.push(t.index));
    clock.advance(20);
    off();
    expect(clock.pending()).toBe(0);
    clock.advance(1000);
    expect(ticks).toEqual([0, 1]);
    mc.add((t) => ticks.push(t.index));
    clock.advance(0);
    expect(ticks).toEqual([0, 1, 0]);
  });

  it('lets members join and leave during a tick without running twice or stopping', () => {
    const clock = new FakeClock(0);
    const mc = new MediaClock(clock);
    const seen: string[] = [];
    let offB: (() => void) | undefined;
    const offA = mc.add((t) => {
      seen.push(`a${t.index}`);
      if (t.index === 0) offB = mc.add((u) => seen.push(`b${u.index}`));
      if (t.index === 1) { offA(); offB?.(); mc.add((u) => seen.push(`c${u.index}`)); }
    });
    clock.advance(60);
    expect(seen).toEqual(['a0', 'a1', 'b1', 'c2', 'c3']); // b joined during tick 0 (from tick 1); a and b left during tick 1
    expect(clock.pending()).toBe(1);
  });

  it('replays a short stall and skips a long one, counting both', () => {
    // A clock whose timer fires only when told, at whatever time the test sets: a blocked event loop.
    let now = 0;
    let pending: (() => void) | undefined;
    const late = { now: () => now, wallTime: () => new Date(0), setTimer: (_ms: number, fire: () => void) => { pending = fire; return () => { pending = undefined; }; } };
    const fire = (at: number): void => { now = at; const f = pending; pending = undefined; f?.(); };
    const mc = new MediaClock(late);
    const ticks: MediaTick[] = [];
    mc.add((t) => ticks.push(t));
    fire(0);
    fire(70); // ticks 1, 2 and 3 are overdue
    expect(ticks.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(ticks[1]).toMatchObject({ dueMs: 20, nowMs: 70 });
    expect(mc.stats()).toMatchObject({ ticks: 4, skipped: 0, maxLateMs: 50, lateOverPeriod: 2 });
    fire(80 + 20 * 20); // a 400 ms stall: 21 ticks overdue, only the last MAX_CATCH_UP run
    expect(mc.stats().skipped).toBe(21 - MAX_CATCH_UP);
    expect(ticks.length).toBe(4 + MAX_CATCH_UP);
    expect(ticks.at(-1)).toMatchObject({ index: 24, dueMs: 480 });
    expect(mc.recentLateness().length).toBe(ticks.length);
  });

  it('keeps going when a member throws, and reports it', () => {
    const clock = new FakeClock(0);
    const mc = new MediaClock(clock);
    const errors: unknown[] = [];
    mc.reportErrors((e) => errors.push(e));
    let n = 0;
    mc.add(() => { throw new Error('bad call'); });
    mc.add(() => { n++; });
    clock.advance(40);
    expect(n).toBe(3);
    expect(errors).toHaveLength(3);
  });
});
