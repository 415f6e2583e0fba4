import { describe, expect, it } from 'vitest';
import { LoadRunner, type LoadCallEvents, type LoadDialer, type LoadPlan, type LoadResult } from '../../../../electron/cli/load/load-runner.js';
import { FakeClock } from '../../../support/fake-clock.js';

/** A dialer whose calls do what `behave` says, on the fake clock. */
class FakeDialer implements LoadDialer {
  readonly dialled: { index: number; at: number; events: LoadCallEvents; hungUp: boolean }[] = [];
  constructor(private readonly clock: FakeClock,
    private readonly behave: (index: number, e: LoadCallEvents, clock: FakeClock) => void = (_i, e, c) => {
      c.setTimer(10, () => e.ringing());
      c.setTimer(50, () => e.answered());
    }) {}
  accountOf(index: number): string { return index % 2 ? 'alice' : 'bob'; }
  dial(index: number, events: LoadCallEvents) {
    const d = { index, at: this.clock.now(), events, hungUp: false };
    this.dialled.push(d);
    this.behave(index, events, this.clock);
    return {
      hangup: () => {
        d.hungUp = true;
        // The HANGUP is acknowledged 5 ms later.
        this.clock.setTimer(5, () => events.ended({ by: 'local', media: { framesSent: 1, framesReceived: 1, framesLost: 0, lateFrames: 0, concealedMs: 0, mediaMs: 20 } }));
      },
    };
  }
}

function run(plan: Partial<LoadPlan>, behave?: ConstructorParameters<typeof FakeDialer>[1]) {
  const clock = new FakeClock(0);
  const dialer = new FakeDialer(clock, behave);
  const runner = new LoadRunner({ calls: 4, ratePerS: 2, durationS: 10, answerTimeoutS: 5, ...plan }, dialer, clock);
  let result: LoadResult | undefined;
  void runner.done.then((r) => { result = r; });
  runner.start();
  return { clock, dialer, runner, result: () => result };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('LoadRunner', () => {
  it('ramps up at the rate, holds the calls, and hangs them all up at the end of the run', async () => {
    const r = run({});
    r.clock.advance(3000);
    expect(r.dialer.dialled.map((d) => d.at)).toEqual([0, 500, 1000, 1500]);
    expect(r.runner.upNow).toBe(4);
    r.clock.advance(7000);
    expect(r.dialer.dialled.every((d) => d.hungUp)).toBe(true);
    r.clock.advance(10);
    await flush();
    const res = r.result()!;
    expect(res).toMatchObject({ stopReason: 'duration', peakCalls: 4, undrained: 0 });
    expect(res.records.map((c) => [c.index, c.account, c.ringingMs, c.answeredMs, c.failure])).toEqual([
      [1, 'alice', 10, 50, undefined], [2, 'bob', 10, 50, undefined], [3, 'alice', 10, 50, undefined], [4, 'bob', 10, 50, undefined],
    ]);
  });

  it('with hold-for, ends each call after it and replaces it, within the rate', async () => {
    const r = run({ calls: 2, ratePerS: 10, durationS: 3, holdForS: 1 });
    r.clock.advance(3010);
    await flush();
    const res = r.result()!;
    // Each call lives 50 ms + 1 s + 5 ms; two at a time over 3 s: 6 calls.
    expect(res.records.length).toBe(6);
    expect(res.records.every((c) => c.failure === undefined)).toBe(true);
    const gaps = r.dialer.dialled.slice(1).map((d, i) => d.at - r.dialer.dialled[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
  });

  it('counts refused calls by cause, replaces them, and stops past --max-failures', async () => {
    const r = run({ calls: 3, ratePerS: 5, maxFailures: 1 }, (i, e, c) => {
      if (i % 2 === 0) c.setTimer(20, () => e.ended({ by: 'remote', failure: { code: 'busy', causeCode: 17, message: 'The line is busy.' } }));
      else c.setTimer(30, () => e.answered());
    });
    r.clock.advance(5000);
    await flush();
    const res = r.result()!;
    expect(res.stopReason).toBe('max-failures');
    expect(res.thresholds.maxFailures).toEqual({ limit: 1, failed: 2, crossed: true });
    // Calls 2 and 4 were busy; 1 and 3 were up and hung up by the stop; 5 was never dialled.
    expect(res.records.map((c) => c.failure?.code)).toEqual([undefined, 'busy', undefined, 'busy']);
    expect(res.records[1].failure).toMatchObject({ causeCode: 17 });
  });

  it('hangs up a call not answered in time and counts it', async () => {
    const r = run({ calls: 1, answerTimeoutS: 2, durationS: 3 }, (_i, e, c) => { c.setTimer(10, () => e.ringing()); });
    r.clock.advance(3100);
    await flush();
    const first = r.result()!.records[0];
    expect(first.failure).toEqual({ code: 'no-answer', message: 'not answered within 2 s' });
    expect(first.ringingMs).toBe(10);
  });

  it('reports an answered call the far end ended early, and a slow set-up against --max-setup-ms', async () => {
    const r = run({ calls: 2, maxSetupMs: 100, durationS: 2 }, (i, e, c) => {
      c.setTimer(i === 1 ? 40 : 300, () => e.answered());
      if (i === 1) c.setTimer(500, () => e.ended({ by: 'remote', failure: { code: 'rejected', causeCode: 16, message: 'x' } }));
    });
    r.clock.advance(2100);
    await flush();
    const res = r.result()!;
    expect(res.records[0].failure).toMatchObject({ code: 'ended-early', causeCode: 16 });
    expect(res.thresholds.maxSetupMs).toEqual({ limit: 100, slowest: 300, slowCalls: expect.any(Number), crossed: true });
  });

  it('stop() (Ctrl-C) hangs up at once, and gives up on calls whose hangup is never acknowledged', async () => {
    const clock = new FakeClock(0);
    const dialer: LoadDialer = { accountOf: () => 'a', dial: (_i, e) => { clock.setTimer(10, () => e.answered()); return { hangup: () => undefined }; } };
    const runner = new LoadRunner({ calls: 2, ratePerS: 100, durationS: 60, answerTimeoutS: 5, drainS: 2 }, dialer, clock);
    let result: LoadResult | undefined;
    void runner.done.then((x) => { result = x; });
    runner.start();
    clock.advance(100);
    runner.stop('interrupted');
    clock.advance(1999);
    await flush();
    expect(result).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(result).toMatchObject({ stopReason: 'interrupted', undrained: 2 });
    expect(result!.records.map((c) => c.failure?.code)).toEqual(['not-ended', 'not-ended']);
  });

  it('with totalCalls, dials that many and ends when the last one has ended', async () => {
    const r = run({ calls: 2, ratePerS: 10, durationS: 60, totalCalls: 3 }, (_i, e, c) => {
      c.setTimer(30, () => e.answered());
      c.setTimer(1000, () => e.ended({ by: 'remote' }));
    });
    r.clock.advance(2000);
    await flush();
    const res = r.result()!;
    expect(res.stopReason).toBe('all-done');
    expect(res.records.map((c) => c.index)).toEqual([1, 2, 3]);
    // Two at a time: calls 1 and 2 at 0 and 100 ms, call 3 when call 1 ended at 1000 ms; it ended at 2000 ms.
    expect(r.dialer.dialled.map((d) => d.at)).toEqual([0, 100, 1000]);
    expect(res.wallMs).toBe(2000);
  });

  it('gives a progress line figure set', () => {
    const r = run({ calls: 4, ratePerS: 4 });
    r.clock.advance(2000);
    const p = r.runner.progress();
    expect(p).toMatchObject({ up: 4, target: 4, dialled: 4, elapsedSeconds: 2 });
    expect(p.setupRate).toBeCloseTo(2, 5);
  });
});
