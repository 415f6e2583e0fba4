import { describe, expect, it } from 'vitest';
import { distribution, percentile } from '../../../../electron/cli/load/distribution.js';
import { failureKey, formatProgress, formatSummary, summarize, type CallRecord } from '../../../../electron/cli/load/report.js';

describe('percentile (nearest rank)', () => {
  const v = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
  it('is one of the measured values', () => {
    expect(percentile(v, 50)).toBe(10);
    expect(percentile(v, 95)).toBe(19);
    expect(percentile(v, 99)).toBe(20);
    expect(percentile(v, 100)).toBe(20);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('of 1000 values: p99 is the 990th', () => {
    const w = Array.from({ length: 1000 }, (_, i) => i);
    expect(percentile(w, 99)).toBe(989);
    expect(percentile(w, 50)).toBe(499);
  });
});

describe('distribution', () => {
  it('leaves out calls without the figure and sorts the rest', () => {
    const d = distribution([30, undefined, 10, NaN, 20]);
    expect(d).toEqual({ count: 3, min: 10, p50: 20, p95: 30, p99: 30, max: 30, mean: 20 });
    expect(distribution([undefined])).toBeUndefined();
  });
});

const media = (o: Partial<NonNullable<CallRecord['media']>> = {}) => ({
  rttMs: 2, jitterMs: 1, framesSent: 500, framesReceived: 500, framesLost: 0, lateFrames: 0, concealedMs: 0, mediaMs: 10_000, ...o,
});

describe('summarize', () => {
  const records: CallRecord[] = [
    { index: 1, account: 'alice', startedMs: 0, ringingMs: 5, answeredMs: 12, media: media() },
    { index: 2, account: 'bob', startedMs: 100, answeredMs: 20, media: media({ framesReceived: 490, framesLost: 10, lateFrames: 5, concealedMs: 300, rttMs: 8 }) },
    { index: 3, account: 'alice', startedMs: 200, failure: { code: 'busy', causeCode: 17, cause: 'User busy', message: 'The line is busy.' } },
    { index: 4, account: 'bob', startedMs: 300, failure: { code: 'busy', causeCode: 17, cause: 'User busy', message: 'The line is busy.' } },
    { index: 5, account: 'alice', startedMs: 400, failure: { code: 'rejected', causeCode: 21, cause: 'Unauthenticated call limit reached', message: 'Rejected.' } },
  ];
  const s = summarize(records, { cpuPercent: 12, rssPeakBytes: 60 << 20, rssBaseBytes: 50 << 20, peakCalls: 2 }, 5_000);

  it('counts answers and failures, grouped by cause, most frequent first', () => {
    expect(s).toMatchObject({ attempted: 5, answered: 2, failed: 3, answerRatio: 0.4, wallSeconds: 5 });
    expect(s.failures).toEqual([
      { key: 'busy (17 User busy)', count: 2, message: 'The line is busy.' },
      { key: 'rejected (21 Unauthenticated call limit reached)', count: 1, message: 'Rejected.' },
    ]);
    expect(s.setupMs).toMatchObject({ count: 2, p50: 12, max: 20 });
    expect(s.ringingMs?.count).toBe(1);
  });

  it('computes per-call media percentages and totals over all calls', () => {
    expect(s.media.lossPercent).toMatchObject({ p50: 0, max: 2 });
    expect(s.media.latePercent?.max).toBeCloseTo((5 / 490) * 100, 6);
    expect(s.media.concealedPercent?.max).toBeCloseTo(3, 6);
    expect(s.media.totals).toMatchObject({ framesReceived: 990, framesLost: 10, lateFrames: 5, concealedMs: 300 });
    expect(s.media.totals.latePercent).toBeCloseTo((5 / 990) * 100, 6);
    expect(s.media.totals.concealedPercent).toBeCloseTo(1.5, 6);
    expect(s.media.rttMs).toMatchObject({ p50: 2, max: 8 });
  });

  it('divides CPU and the memory above the baseline by the peak number of calls', () => {
    expect(s.process.cpuPerCallPercent).toBe(6);
    expect(s.process.rssPerCallBytes).toBe(5 << 20);
  });

  it('prints a readable report', () => {
    const text = formatSummary(s);
    expect(text).toContain('Calls: 5 dialled, 2 answered (40.0 %), 3 failed, in 5.0 s');
    expect(text).toContain('      2  busy (17 User busy): The line is busy.');
    expect(text).toMatch(/dial → answer\s+p50 12 ms {2}p95 20 ms {2}p99 20 ms {2}max 20 ms {2}\(2 calls\)/);
    expect(text).toContain('CPU 12.0 % of one core (6.00 % per call at the peak of 2)');
    expect(text).toContain('5120 KiB per call above the 50.0 MiB before calls');
  });

  it('handles a run where nothing was dialled', () => {
    const empty = summarize([], { cpuPercent: 0, rssPeakBytes: 1, rssBaseBytes: 1, peakCalls: 0 }, 1000);
    expect(empty.answerRatio).toBeNaN();
    expect(formatSummary(empty)).toContain('0 dialled, 0 answered (–)');
  });
});

describe('failureKey and the progress line', () => {
  it('names the code and the server cause when there is one', () => {
    expect(failureKey({ code: 'no-answer', message: 'x' })).toBe('no-answer');
    expect(failureKey({ code: 'congestion', causeCode: 34, message: 'x' })).toBe('congestion (34)');
  });

  it('shows the three most frequent causes', () => {
    const line = formatProgress({
      elapsedSeconds: 12.2, up: 48, target: 50, dialled: 52, setupRate: 9.84, cpuPercent: 23.45, lossPercent: 0, latePercent: 0.126,
      failures: [{ key: 'busy (17)', count: 3, message: '' }, { key: 'a', count: 1, message: '' }, { key: 'b', count: 1, message: '' }, { key: 'c', count: 1, message: '' }],
    });
    expect(line).toBe('  12 s  up 48/50  dialled 52 (9.8/s)  failed 6 [busy (17) 3, a 1, b 1, …]  CPU 23.4 %  loss 0.00 %  late 0.13 %');
  });
});
