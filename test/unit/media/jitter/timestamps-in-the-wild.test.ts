// AdaptiveJitterBuffer against the timestamps real peers and paths produce (stack-notes §5.5): Asterisk's relayed
// timestamps that fall behind real time with every frame lost before it, sender clocks that run slow or fast,
// garbage timestamps injected into the stream, and timelines that step. Seeded traces on a simulated clock.
import { describe, expect, it } from 'vitest';
import { AdaptiveJitterBuffer, DEFAULT_JITTER_SETTINGS, type JitterStats } from '../../../../electron/core/media/jitter/index.js';
import { simulatePlayout } from '../../../bench/playout-sim.js';
import { generateTrace, type NetTrace, type NetTraceSpec } from '../../../support/net-traces.js';
import { drive, played, stream, type Arrival } from './jitter-driver.js';

interface Run {
  readonly jb: AdaptiveJitterBuffer<number>;
  /** Late loss: frames that arrived but were not played, % of frames sent. */
  readonly latePercent: number;
  readonly meanAddedDelayMs: number;
  /** The buffer's own stats after every pull. */
  readonly samples: readonly { readonly t: number; readonly s: JitterStats }[];
}

function run(trace: NetTrace): Run {
  const jb = new AdaptiveJitterBuffer<number>();
  const samples: { t: number; s: JitterStats }[] = [];
  const r = simulatePlayout(jb, trace, { onPull: (t) => samples.push({ t, s: jb.stats() }) });
  return { jb, latePercent: (100 * r.bufferLost) / r.sent, meanAddedDelayMs: r.meanAddedDelayMs, samples };
}

const trace = (spec: Omit<NetTraceSpec, 'name'>): NetTrace => generateTrace({ name: 'test', ...spec });
const between = (r: Run, fromMs: number, toMs: number) => r.samples.filter((x) => x.t >= fromMs && x.t < toMs).map((x) => x.s);
const max = (xs: readonly number[]) => Math.max(...xs);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('a sender whose clock runs slow: Asterisk relaying a lossy leg', () => {
  // Asterisk stamps what it relays with the predicted timestamp (calc_timestamp()): 10 % lost upstream of it makes
  // its timestamps run 10 % slow. Plus 10 % lost on the way to us, as through a lossy link both ways.
  for (const seed of [21, 22, 23]) {
    it(`10 % loss each way, no jitter (seed ${seed}): follows the slow clock, adds ≤ 60 ms, under 1 % late`, () => {
      const r = run(trace({ seed, durationS: 20, lossPercent: 10, relay: { upstreamLossPercent: 10 } }));
      expect(r.latePercent).toBeLessThan(1);
      expect(r.meanAddedDelayMs).toBeLessThanOrEqual(60);
      // What the buffer reports (RR_DELAY, the CLI's bufferDelayMs) stays low the whole call, and it saw the drift.
      expect(max(between(r, 1000, 20_000).map((s) => s.currentDelayMs))).toBeLessThanOrEqual(60);
      const end = r.jb.stats();
      expect(end.driftPercent).toBeGreaterThan(7);
      expect(end.driftPercent).toBeLessThan(14);
      expect(end.resyncs).toBe(0);
    });
  }

  it('a path that turns lossy mid-call (with a little jitter of its own): from 2 s after, adds ≤ 60 ms', () => {
    for (const seed of [61, 62, 63]) {
      const r = run(trace({ seed, durationS: 14, lossPercent: 10, lossFromS: 3, jitterMs: 8, relay: { upstreamLossPercent: 10, upstreamJitterMs: 12 } }));
      expect(r.latePercent).toBeLessThan(1);
      expect(mean(between(r, 5000, 14_000).map((s) => s.currentDelayMs))).toBeLessThanOrEqual(60);
    }
  });

  it('30 ms jitter and 10 % loss each way: adds ≤ 120 ms, under 1 % late', () => {
    for (const seed of [31, 32, 33]) {
      const r = run(trace({ seed, durationS: 20, jitterMs: 30, lossPercent: 10, relay: { upstreamLossPercent: 10, upstreamJitterMs: 30 } }));
      expect(r.latePercent).toBeLessThan(1);
      expect(r.meanAddedDelayMs).toBeLessThanOrEqual(120);
      expect(max(between(r, 2000, 20_000).map((s) => s.currentDelayMs))).toBeLessThanOrEqual(DEFAULT_JITTER_SETTINGS.maxMs);
    }
  });
});

describe('sender clocks that run steadily slow or fast', () => {
  /** 20 ms frames sent every `periodMs` of our time, 50 ms + a seeded 0-20 ms of jitter on the way. */
  function clock(periodMs: number, count: number): Arrival[] {
    let x = 7;
    const jitter = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 20;
    return Array.from({ length: count }, (_, i) => ({ seq: i, ts: 20 * i, at: periodMs * i + 50 + jitter() }));
  }

  it('5 % slow: conceals the missing 5 % where it falls and keeps the delay, nothing late', () => {
    const jb = new AdaptiveJitterBuffer<number>();
    const delays: number[] = [];
    const { decisions } = drive(jb, clock(21, 1500), 33_000, 20, 0, true, 20, (t) => { if (t > 5000) delays.push(jb.stats().currentDelayMs); });
    expect(played(decisions).length).toBe(1500);
    const s = jb.stats();
    expect(s.late).toBe(0);
    expect(s.driftPercent).toBeGreaterThan(4);
    expect(s.driftPercent).toBeLessThan(6);
    expect(max(delays)).toBeLessThan(s.jitterMs + DEFAULT_JITTER_SETTINGS.targetExtraMs + 40);
  });

  it('2 % fast: sheds the surplus as it builds up, nothing late', () => {
    const jb = new AdaptiveJitterBuffer<number>();
    const delays: number[] = [];
    const { decisions } = drive(jb, clock(19.6, 1500), 31_000, 20, 0, true, 20, (t) => { if (t > 5000) delays.push(jb.stats().currentDelayMs); });
    const s = jb.stats();
    expect(s.late).toBe(0);
    expect(played(decisions).length + s.dropped).toBe(1500);
    expect(max(delays)).toBeLessThan(s.jitterMs + DEFAULT_JITTER_SETTINGS.targetExtraMs + 60);
  });
});

describe('garbage timestamps injected into the stream', () => {
  // A mini frame has no sequence number: anyone on the path can inject one. A random 16-bit timestamp unwraps to
  // anywhere within ±32.8 s of the stream's.
  for (const burst of [false, true]) {
    it(`100 frames ${burst ? 'all at once' : 'one between each two real ones'}: delay and estimate unharmed, never above maxMs`, () => {
      const spec = { seed: 41, durationS: 20, jitterMs: 20 };
      const clean = run(trace(spec));
      const r = run(trace({ ...spec, outliers: { atS: 8, count: 100, burst } }));
      const before = between(r, 6000, 8000);
      const after = between(r, 12_000, 20_000);
      expect(max(r.samples.map((x) => x.s.currentDelayMs))).toBeLessThanOrEqual(DEFAULT_JITTER_SETTINGS.maxMs);
      // Back to the delay it had before within 2 s of the injection (which ends by 10 s): as without the garbage.
      expect(max(after.map((s) => s.currentDelayMs))).toBeLessThanOrEqual(max(before.map((s) => s.currentDelayMs)) + 20);
      expect(max(after.map((s) => s.jitterMs))).toBeLessThanOrEqual(max(before.map((s) => s.jitterMs)) + 5);
      expect(r.latePercent).toBeLessThan(clean.latePercent + 0.5);
      const s = r.jb.stats();
      expect(s.resyncs).toBe(0);
      expect(s.outliers).toBeGreaterThanOrEqual(95);
    });
  }

  it('timestamps off by up to ±1 s (inside the resync threshold) do not inflate the estimate either', () => {
    const spec = { seed: 42, durationS: 20, jitterMs: 20 };
    const clean = run(trace(spec));
    const r = run(trace({ ...spec, outliers: { atS: 8, count: 100, spreadMs: 1000 } }));
    expect(r.meanAddedDelayMs).toBeLessThan(clean.meanAddedDelayMs + 10);
    expect(r.latePercent).toBeLessThan(clean.latePercent + 0.5);
    expect(max(between(r, 8000, 20_000).map((s) => s.jitterMs))).toBeLessThanOrEqual(max(between(clean, 8000, 20_000).map((s) => s.jitterMs)) + 10);
  });
});

describe('sustained steps of the sender timeline', () => {
  // The sender's timestamps move by `stepMs` from frame 150 on: forward by whole frames as Asterisk snaps its clock
  // after a burst of loss, backward by an odd amount (a transfer, a restart), or far. All but the last are inside
  // the old 1 s resync threshold. (A backward step by whole frames repeats timestamps just played: duplicates.)
  for (const stepMs of [300, -310, 2000]) {
    it(`${stepMs > 0 ? '+' : ''}${stepMs} ms: resyncs within a few frames and plays on at the same delay`, () => {
      const jb = new AdaptiveJitterBuffer<number>();
      const arrivals = stream(400, () => 50).map((a, i) => (i >= 150 ? { ...a, ts: a.ts + stepMs } : a));
      const delays: number[] = [];
      const { decisions } = drive(jb, arrivals, 8400, 20, 0, true, 20, (t) => { if (t > 3100) delays.push(jb.stats().currentDelayMs); });
      const p = played(decisions).map((x) => x.seq);
      const s = jb.stats();
      expect(s.resyncs).toBe(1);
      // The frames held while the step was being confirmed may come out late; everything after plays, in order.
      expect(p.slice(0, 150)).toEqual([...Array(150).keys()]);
      expect(p.slice(-246)).toEqual([...Array(246).keys()].map((i) => 154 + i));
      expect(s.late + s.lost).toBeLessThanOrEqual(4);
      expect(max(delays)).toBeLessThanOrEqual(s.targetDelayMs + 20);
    });
  }
});

describe('a caller whose thread stalls', () => {
  it('frames read late after a 300 ms stall of the pulling thread are played, not taken for network jitter', () => {
    const jb = new AdaptiveJitterBuffer<number>();
    const arrivals = stream(300, () => 50);
    const stall = { from: 2000, to: 2300 };
    let next = 0;
    let fifo = 0;
    const played: number[] = [];
    for (let t = 0; t < 6400; t += 20) {
      if (t > stall.from && t < stall.to) continue; // neither reads the socket nor pulls
      for (; next < arrivals.length && arrivals[next].at <= t; next++) {
        jb.put({ kind: 'voice', durationMs: 20, data: arrivals[next].seq }, arrivals[next].ts, t);
      }
      // After the stall the device catches up, pulling the 15 periods it missed at once.
      for (let pull = t === stall.to ? 15 : 1; pull > 0; pull--) {
        for (let guard = 0; fifo < 20 && guard < 50; guard++) {
          const r = jb.get(t, fifo);
          if (r.kind === 'frame') played.push(r.data);
          if (r.kind !== 'drop') fifo += r.durationMs;
        }
        fifo -= 20;
      }
    }
    const s = jb.stats();
    expect(s.jitterMs).toBe(0);
    expect(s.late).toBe(0);
    expect(played).toEqual([...Array(300).keys()]);
  });
});

describe('a call whose first frames are read through a stall of our own thread', () => {
  // The echo test on a busy first launch: the call's first 600 ms of voice sat in the socket while our thread was
  // busy, and are read at once with nothing measured yet (a stalled read says nothing about the network). The
  // sender's clock is 7 s behind ours (delay = now - ts is any offset): the buffer must not start from a floor of 0.
  it('plays the fresh frames at the usual delay instead of taking every frame for late until the sender catches up', () => {
    const jb = new AdaptiveJitterBuffer<number>();
    const OFFSET = 7200; // local time - sender timestamp of a frame on time
    const stallEnd = 1000;
    const played: { seq: number; at: number }[] = [];
    let fifo = 0;
    let seq = 0;
    for (let t = 0; t < 4000; t += 20) {
      if (t > 300 && t < stallEnd) continue; // neither reads the socket nor pulls
      // Frames sent from t = 400 on, on time; those sent during the stall are all read when it ends.
      for (; 400 + seq * 20 <= t; seq++) jb.put({ kind: 'voice', durationMs: 20, data: seq }, 400 + seq * 20 - OFFSET, t);
      for (let guard = 0; fifo < 20 && guard < 50; guard++) {
        const r = jb.get(t, fifo);
        if (r.kind === 'frame') played.push({ seq: r.data, at: t + fifo });
        if (r.kind !== 'drop') fifo += r.durationMs;
      }
      fifo -= 20;
    }
    // The voice plays within a few frames of the stall's end, at the usual small delay, and goes on playing.
    expect(played[0].at).toBeLessThan(stallEnd + 100);
    const fresh = played.filter((p) => p.at > stallEnd + 200);
    expect(fresh.length).toBeGreaterThan(130);
    expect(Math.max(...fresh.map((p) => p.at - (400 + p.seq * 20)))).toBeLessThanOrEqual(60);
    expect(jb.stats().late).toBeLessThanOrEqual(35); // only the frames that were already stale when read
  });
});

describe('maxMs bounds the delay whatever the path does', () => {
  it('a 1.5 s delay spike with maxMs 300: the delay above the floor never exceeds 300 ms', () => {
    const jb = new AdaptiveJitterBuffer<number>({ maxMs: 300 });
    const t = trace({ seed: 51, durationS: 20, jitterMs: 30, spike: { atS: 6, durationS: 4, extraMs: 1500 } });
    let worst = 0;
    simulatePlayout(jb, t, { onPull: () => { worst = Math.max(worst, jb.stats().currentDelayMs); } });
    expect(worst).toBeGreaterThan(100);
    expect(worst).toBeLessThanOrEqual(300);
  });
});
