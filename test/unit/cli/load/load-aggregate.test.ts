import { describe, expect, it } from 'vitest';
import {
  defaultWorkers, failedSoFar, mergeFailures, mergeProgress, mergeResults, shardPlan, usefulWorkers, type ShardProgress,
} from '../../../../electron/cli/load/load-aggregate.js';
import { LoadRunner, type LoadCallEvents, type LoadDialer, type LoadResult } from '../../../../electron/cli/load/load-runner.js';
import { summarize, type CallRecord, type Progress } from '../../../../electron/cli/load/report.js';
import { FakeClock } from '../../../support/fake-clock.js';

describe('splitting a load run over worker threads', () => {
  it('shares out the calls as evenly as they divide and the rate in proportion; together they are the whole', () => {
    for (const [calls, workers] of [[500, 2], [501, 2], [7, 3], [10, 4], [1, 1]] as const) {
      const shares = Array.from({ length: workers }, (_, i) => shardPlan({ calls, ratePerS: 50 }, i, workers));
      expect(shares.reduce((n, s) => n + s.calls, 0)).toBe(calls);
      expect(shares.reduce((n, s) => n + s.ratePerS, 0)).toBeCloseTo(50, 9);
      expect(Math.max(...shares.map((s) => s.calls)) - Math.min(...shares.map((s) => s.calls))).toBeLessThanOrEqual(1);
    }
    expect(shardPlan({ calls: 501, ratePerS: 50, durationS: 40 }, 0, 2)).toEqual({ calls: 251, ratePerS: 50 * 251 / 501, durationS: 40 });
  });

  it('by default one thread per 100 calls, never more than the cores, never fewer than one; never more threads than calls', () => {
    expect(defaultWorkers(500, 2)).toBe(2);
    expect(defaultWorkers(20, 2)).toBe(1);
    expect(defaultWorkers(100, 8)).toBe(1);
    expect(defaultWorkers(101, 8)).toBe(2);
    expect(defaultWorkers(500, 8)).toBe(5);
    expect(defaultWorkers(500, 1)).toBe(1);
    expect(usefulWorkers(3, 8)).toBe(3);
    expect(usefulWorkers(500, 2)).toBe(2);
  });
});

const progress = (p: Partial<Progress>): Progress => ({
  elapsedSeconds: 10, up: 0, target: 0, dialled: 0, setupRate: 0, failures: [], cpuPercent: NaN, lossPercent: 0, latePercent: 0, ...p,
});

describe('merging the threads\' progress', () => {
  it('adds calls and rates, weighs late and loss by frames (not an average of percentages), merges failures by cause', () => {
    const shards: ShardProgress[] = [
      { progress: progress({ up: 240, dialled: 250, setupRate: 24, elapsedSeconds: 10.1, failures: [{ key: 'busy (17)', count: 2, message: 'busy' }] }),
        frames: { received: 1000, lost: 0, late: 10 } },
      { progress: progress({ up: 5, dialled: 6, setupRate: 1, elapsedSeconds: 9.9,
        failures: [{ key: 'busy (17)', count: 1, message: 'busy' }, { key: 'no-answer', count: 3, message: 'not answered' }] }),
        frames: { received: 100, lost: 100, late: 50 } },
    ];
    const m = mergeProgress(shards, 500, 87);
    expect(m).toMatchObject({ up: 245, target: 500, dialled: 256, setupRate: 25, elapsedSeconds: 10.1, cpuPercent: 87 });
    expect(m.latePercent).toBeCloseTo((60 / 1100) * 100, 9);
    expect(m.lossPercent).toBeCloseTo((100 / 1200) * 100, 9);
    expect(m.failures).toEqual([{ key: 'busy (17)', count: 3, message: 'busy' }, { key: 'no-answer', count: 3, message: 'not answered' }]);
    expect(failedSoFar(shards)).toBe(6);
    expect(mergeProgress([], 10, 0)).toMatchObject({ up: 0, target: 10, latePercent: 0, lossPercent: 0 });
  });

  it('orders merged failures by count', () => {
    expect(mergeFailures([{ key: 'a', count: 1, message: 'x' }, { key: 'b', count: 2, message: 'y' }, { key: 'a', count: 2, message: 'z' }]))
      .toEqual([{ key: 'a', count: 3, message: 'x' }, { key: 'b', count: 2, message: 'y' }]);
  });
});

/** Two calls a shard: answered after 50 ms, hung up at the end, with the media figures given. */
function runShard(calls: number, failFirst: boolean, late: number): Promise<LoadResult> {
  const clock = new FakeClock(0);
  const dialer: LoadDialer = {
    accountOf: () => 'alice',
    dial(index: number, events: LoadCallEvents) {
      if (failFirst && index === 1) {
        clock.setTimer(20, () => events.ended({ by: 'remote', failure: { code: 'busy', causeCode: 17, message: 'busy' } }));
        return { hangup: () => undefined };
      }
      clock.setTimer(50, () => events.answered());
      return { hangup: () => clock.setTimer(5, () => events.ended({ by: 'local', media: { framesSent: 100, framesReceived: 100, framesLost: 0, lateFrames: late, concealedMs: 0, mediaMs: 2000 } })) };
    },
  };
  const runner = new LoadRunner({ calls, ratePerS: 100, durationS: 2, answerTimeoutS: 5, totalCalls: calls + (failFirst ? 1 : 0) }, dialer, clock);
  runner.start();
  clock.advance(10_000);
  return runner.done;
}

describe('merging the threads\' results', () => {
  it('renumbers the calls uniquely in dialling order, adds peaks, recomputes thresholds over every call, keeps the stronger stop reason', async () => {
    const a = await runShard(2, true, 0);
    const b = await runShard(2, true, 10);
    expect(a.thresholds).toEqual({});
    const merged = mergeResults([a, { ...b, stopReason: 'max-failures' }], { maxFailures: 1, maxSetupMs: 40 });
    expect(merged.records.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(merged.stopReason).toBe('max-failures');
    expect(merged.peakCalls).toBe(a.peakCalls + b.peakCalls);
    // One failure per shard: neither alone is over a limit of 1, together they are.
    expect(merged.thresholds.maxFailures).toEqual({ limit: 1, failed: 2, crossed: true });
    expect(merged.thresholds.maxSetupMs).toMatchObject({ limit: 40, slowest: 50, slowCalls: 4, crossed: true });
    const s = summarize(merged.records, { cpuPercent: 1, rssPeakBytes: 0, rssBaseBytes: 0, peakCalls: merged.peakCalls }, merged.wallMs);
    expect(s).toMatchObject({ attempted: 6, answered: 4, failed: 2 });
    expect(s.failures).toEqual([{ key: 'busy (17)', count: 2, message: 'busy' }]);
    expect(s.media.totals).toMatchObject({ framesReceived: 400, lateFrames: 20, latePercent: 5 });
  });

  it('the interleaved numbering stays unique when the shards dialled different numbers of calls', () => {
    const rec = (index: number): CallRecord => ({ index, account: 'x', startedMs: 0 });
    const shard = (n: number): LoadResult => ({ records: Array.from({ length: n }, (_, i) => rec(i + 1)), wallMs: 1, stopReason: 'duration', peakCalls: n, undrained: 0, thresholds: {} });
    const merged = mergeResults([shard(3), shard(2), shard(2)], {});
    const idx = merged.records.map((r) => r.index);
    expect(new Set(idx).size).toBe(7);
    expect(idx).toEqual([...idx].sort((x, y) => x - y));
    expect(merged.stopReason).toBe('duration');
  });
});
