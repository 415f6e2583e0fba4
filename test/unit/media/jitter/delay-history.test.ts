// DelayHistory: the jitter buffer's window of recent delays and its trimmed estimate (stack-notes §5.1).
import { describe, expect, it } from 'vitest';
import { DelayHistory } from '../../../../electron/core/media/jitter/delay-history.js';

describe('DelayHistory', () => {
  it('trims the top and bottom outlier percentage before measuring the spread', () => {
    const h = new DelayHistory(500, 3);
    for (let v = 1; v <= 100; v++) h.add(v);
    // 3 % of 100 = 3 values ignored at each end: min = 4th smallest, max = 4th largest.
    expect(h.estimate()).toEqual({ min: 4, jitter: 97 - 4, count: 100 });
  });

  it('forgets the oldest delays once full', () => {
    const h = new DelayHistory(10, 0);
    for (let v = 0; v < 10; v++) h.add(1000);
    for (let v = 0; v < 10; v++) h.add(50 + v);
    expect(h.estimate()).toEqual({ min: 50, jitter: 9, count: 10 });
  });

  it('one stray spike does not move the estimate', () => {
    const h = new DelayHistory(500, 3);
    for (let i = 0; i < 200; i++) h.add(40 + (i % 5));
    const before = h.estimate();
    h.add(900);
    expect(h.estimate().jitter).toBe(before.jitter);
    expect(before.jitter).toBe(4);
  });

  it('gives exactly what a sorted copy of the window gives, over random delays and wrap-arounds', () => {
    let x = 12345;
    const rnd = (): number => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x / 0x7fffffff; };
    for (const [capacity, pct] of [[500, 3], [7, 0], [50, 10]] as const) {
      const h = new DelayHistory(capacity, pct);
      const window: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const v = Math.round(rnd() * 200) + (i % 3 === 0 ? 0.5 : 0); // duplicates and fractions both occur
        h.add(v);
        window.push(v);
        if (window.length > capacity) window.shift();
        const sorted = [...window].sort((a, b) => a - b);
        const trim = Math.floor((sorted.length * pct) / 100);
        expect(h.estimate()).toEqual({ min: sorted[trim], jitter: sorted[sorted.length - 1 - trim] - sorted[trim], count: sorted.length });
      }
    }
  });

  it('ignores a delay that is not a number', () => {
    const h = new DelayHistory(10, 0);
    h.add(5);
    h.add(Number.NaN);
    expect(h.estimate()).toEqual({ min: 5, jitter: 0, count: 1 });
  });

  it('is empty after clear', () => {
    const h = new DelayHistory(10, 3);
    h.add(5);
    h.clear();
    expect(h.estimate()).toEqual({ min: 0, jitter: 0, count: 0 });
  });
});
