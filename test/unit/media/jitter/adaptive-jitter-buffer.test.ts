// AdaptiveJitterBuffer (stack-notes §5.1): steady streams, loss, reordering, duplicates, late frames,
// timestamp jumps, silence, and how the delay grows and shrinks.
import { describe, expect, it } from 'vitest';
import { AdaptiveJitterBuffer, DEFAULT_JITTER_SETTINGS } from '../../../../electron/core/media/jitter/index.js';
import { drive, kinds, played, stream } from './jitter-driver.js';

const newJb = (s: ConstructorParameters<typeof AdaptiveJitterBuffer<number>>[0] = {}) => new AdaptiveJitterBuffer<number>(s);

describe('AdaptiveJitterBuffer: steady stream', () => {
  it('plays an in-order stream at min delay + target extra, every frame once and in order', () => {
    const jb = newJb();
    const { decisions } = drive(jb, stream(100, () => 50), 2200);
    const p = played(decisions);
    expect(p.map((x) => x.seq)).toEqual([...Array(100).keys()]);
    // First frame arrives at 50; target = 50 (min delay) + 0 (jitter) + 10 (extra) → starts at 60, then every 20 ms.
    p.forEach((x, i) => expect(x.at).toBe(60 + 20 * i));
    const s = jb.stats();
    expect(s).toMatchObject({ jitterMs: 0, currentDelayMs: 10, targetDelayMs: 10, lost: 0, late: 0, dropped: 0, grown: 0 });
    expect(s.framesIn).toBe(100);
    expect(s.framesPlayed).toBe(100);
  });

  it('says empty before anything arrived, and holds the first frame for the target extra', () => {
    const jb = newJb({ targetExtraMs: 40 });
    expect(jb.get(0)).toEqual({ kind: 'empty', durationMs: 20 });
    jb.put({ kind: 'voice', durationMs: 20, data: 0 }, 1000, 5);
    expect(jb.get(20).kind).toBe('empty');
    expect(jb.get(44).kind).toBe('empty');
    const r = jb.get(45);
    expect(r).toEqual({ kind: 'frame', data: 0, timestamp: 1000, durationMs: 20 });
  });

  it('measures the trimmed jitter and sets the target above it', () => {
    const jb = newJb();
    // Delays 50..86 in steps of 4, ten values each (100 frames): trimmed 3 % → min 50, max 86.
    const { decisions } = drive(jb, stream(100, (i) => 50 + (i % 10) * 4), 2400);
    const s = jb.stats();
    expect(s.jitterMs).toBe(36);
    expect(s.targetDelayMs).toBe(36 + DEFAULT_JITTER_SETTINGS.targetExtraMs);
    expect(s.late).toBe(0);
    expect(played(decisions).length).toBe(100);
    // It reached the target by growing (interpolating) early in the stream.
    expect(s.grown).toBeGreaterThan(0);
    // The delay moves in whole frames: it settles on the first 20 ms step at or above the target.
    expect(s.currentDelayMs).toBeGreaterThanOrEqual(s.targetDelayMs);
    expect(s.currentDelayMs).toBeLessThan(s.targetDelayMs + 20 + DEFAULT_JITTER_SETTINGS.shrinkHysteresisMs);
  });
});

describe('AdaptiveJitterBuffer: loss, reordering, duplicates, late frames', () => {
  it('conceals a lost frame in its slot and counts it lost', () => {
    const jb = newJb();
    const { decisions } = drive(jb, stream(20, (i) => (i === 5 ? null : 50)), 600);
    const k = kinds(decisions);
    const p = played(decisions);
    expect(p.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // Slot of frame 5 (local 60 + 100 = 160) is concealed while nothing has arrived; frame 6 then shows it lost and
    // plays in its own slot: the concealment was frame 5's, the delay did not change.
    const slot = decisions.find((d) => d.at === 160);
    expect(slot?.result).toEqual({ kind: 'interpolate', durationMs: 20, reason: 'wait' });
    expect(k.filter((x) => x.startsWith('interpolate')).length).toBe(1);
    expect(p.find((x) => x.seq === 6)?.at).toBe(180);
    expect(jb.stats()).toMatchObject({ lost: 1, late: 0, grown: 0 });
  });

  it('waits for a frame that has not arrived and plays it when it comes: the sender was behind, nothing lost', () => {
    const jb = newJb();
    // From frame 5 on everything takes 15 ms longer: frame 5 (due at 160) arrives at 165, before frame 6.
    const { decisions, puts } = drive(jb, stream(20, (i) => (i < 5 ? 50 : 65)), 600);
    const p = played(decisions);
    expect(p.map((x) => x.seq)).toEqual([...Array(20).keys()]);
    expect(decisions.find((d) => d.at === 160)?.result).toEqual({ kind: 'interpolate', durationMs: 20, reason: 'wait' });
    expect(p.find((x) => x.seq === 5)?.at).toBe(180);
    expect([...puts.values()].flat().every((o) => o === 'queued')).toBe(true);
    expect(jb.stats()).toMatchObject({ lost: 0, late: 0, grown: 1 });
  });

  it('puts reordered frames back in order', () => {
    const jb = newJb();
    // Frame 4 (at 80 + 36 = 116) overtakes frame 3 (at 60 + 58 = 118); both arrive before frame 3's slot at 120.
    const arrivals = stream(20, (i) => (i === 3 ? 58 : i === 4 ? 36 : 50));
    const { decisions } = drive(jb, arrivals, 600);
    expect(played(decisions).map((x) => x.seq)).toEqual([...Array(20).keys()]);
    expect(jb.stats()).toMatchObject({ outOfOrder: 1, lost: 0, late: 0 });
  });

  it('drops duplicates, whether the first copy is queued or already played', () => {
    const jb = newJb();
    const arrivals = stream(20, () => 50);
    arrivals.push({ seq: 2, ts: 40, at: 91 }); // while frame 2 is queued
    arrivals.push({ seq: 7, ts: 140, at: 400 }); // long after frame 7 played
    const { decisions, puts } = drive(jb, arrivals, 600);
    expect(played(decisions).map((x) => x.seq)).toEqual([...Array(20).keys()]);
    expect(puts.get(2)).toEqual(['queued', 'duplicate']);
    expect(puts.get(7)).toEqual(['queued', 'duplicate']);
    expect(jb.stats()).toMatchObject({ duplicates: 2, late: 0, lost: 0 });
  });

  it('counts a frame that misses its slot as late (not lost)', () => {
    const jb = newJb();
    // Everything 50 ms, frame 10 takes 90 ms: its slot is decided at 60 + 200 = 260, it arrives at 290.
    const { decisions, puts } = drive(jb, stream(40, (i) => (i === 10 ? 90 : 50)), 1200);
    expect(puts.get(10)).toEqual(['late']);
    // At 260 nothing has arrived (frame 11 comes at 270): conceal and wait; frame 11 then shows frame 10 missing.
    expect(decisions.find((d) => d.at === 260)?.result).toMatchObject({ kind: 'interpolate', reason: 'wait' });
    expect(played(decisions).map((x) => x.seq)).toEqual([...Array(40).keys()].filter((i) => i !== 10));
    expect(jb.stats()).toMatchObject({ late: 1, lost: 0 });
  });

  it('learns jitter that repeats and grows to cover it', () => {
    const jb = newJb();
    // Every tenth frame takes 90 ms instead of 50.
    const { decisions, puts } = drive(jb, stream(200, (i) => (i % 10 === 5 ? 90 : 50)), 4400);
    const late = [...puts.entries()].filter(([, o]) => o.includes('late')).map(([seq]) => seq);
    // The first two come late; by then the spread is known and the buffer has grown to hold 40 ms more.
    expect(late).toEqual([5, 15]);
    expect(kinds(decisions)).toContain('interpolate:grow');
    const s = jb.stats();
    expect(s.jitterMs).toBe(40);
    expect(s.currentDelayMs).toBeGreaterThanOrEqual(40);
  });
});

describe('AdaptiveJitterBuffer: timestamp jumps', () => {
  it('resyncs when the sender timestamps jump, after resyncAfterFrames frames, without losing the stream', () => {
    const jb = newJb();
    const before = stream(50, () => 50);
    // From frame 50 on the sender's timestamps are 100 s ahead (a transfer / restart).
    const after = stream(100, () => 50).slice(50).map((a) => ({ ...a, ts: a.ts + 100_000 }));
    const { decisions, puts } = drive(jb, [...before, ...after], 3200);
    expect(puts.get(50)).toEqual(['held']);
    expect(puts.get(51)).toEqual(['held']);
    expect(puts.get(52)).toEqual(['held']);
    expect(puts.get(53)).toEqual(['resync']);
    const p = played(decisions).map((x) => x.seq);
    const s = jb.stats();
    expect(s.resyncs).toBe(1);
    // While frames 50-53 were held the slots were concealed; frames 50-52 come out late, the rest play in order.
    expect(p.slice(0, 50)).toEqual([...Array(50).keys()]);
    expect(p.slice(-40)).toEqual([...Array(40).keys()].map((i) => 60 + i));
    expect(s.late + s.lost).toBeLessThanOrEqual(4);
    expect(p.length).toBeGreaterThanOrEqual(96);
  });

  it('treats a single wild timestamp as an outlier, not a resync', () => {
    const jb = newJb();
    const arrivals = stream(40, () => 50);
    arrivals[20] = { ...arrivals[20], ts: arrivals[20].ts + 50_000 };
    const { puts } = drive(jb, arrivals, 1200);
    expect(puts.get(20)).toEqual(['held']);
    expect(jb.stats()).toMatchObject({ resyncs: 0, dropped: 1 });
  });

  it('never resyncs when resyncThresholdMs is null', () => {
    const jb = newJb({ resyncThresholdMs: null });
    const arrivals = stream(40, () => 50).map((a, i) => (i >= 20 ? { ...a, ts: a.ts + 50_000 } : a));
    const { puts } = drive(jb, arrivals, 1200);
    expect(puts.get(20)).toEqual(['queued']);
    expect(jb.stats().resyncs).toBe(0);
  });
});

describe('AdaptiveJitterBuffer: silence', () => {
  it('plays comfort noise at the CNG level, then starts the next talkspurt at the target delay', () => {
    const jb = newJb();
    // Talk 0-19, CNG at ts 400, silence, talk again from ts 2000 (frames 100-119) with 70 ms delay.
    const arrivals = [
      ...stream(20, () => 50),
      { seq: 1000, ts: 400, at: 450, cng: 45 },
      ...stream(120, () => 70).slice(100),
    ];
    const { decisions } = drive(jb, arrivals, 2800);
    const silence = decisions.filter((d) => d.result.kind === 'silence');
    expect(silence.length).toBeGreaterThan(50);
    expect(silence[0].result).toEqual({ kind: 'silence', durationMs: 20, levelDbov: 45 });
    expect(silence[0].at).toBe(460);
    const p = played(decisions);
    const first = p.find((x) => x.seq === 100);
    // Target: min delay 50 + jitter (70 - 50 = 20) + 10 = 80 ms → frame 100 (ts 2000) at the first pull ≥ 2080.
    expect(first?.at).toBe(2080);
    expect(p.filter((x) => x.seq >= 100).map((x) => x.seq)).toEqual([...Array(20).keys()].map((i) => 100 + i));
    expect(jb.stats().lost).toBe(0);
  });

  it('assumes silence after maxContiguousInterpolations missing frames (peer sends no CNG)', () => {
    const jb = newJb();
    const { decisions } = drive(jb, stream(20, () => 50), 1200, 20, 0, false);
    const k = kinds(decisions);
    const firstSilence = k.indexOf('silence');
    expect(k.slice(firstSilence - 10, firstSilence)).toEqual(Array(10).fill('interpolate:wait'));
    expect(jb.stats().silent).toBe(true);
  });
});

describe('AdaptiveJitterBuffer: growing and shrinking', () => {
  it('follows a lasting step up of the delay by concealing while it waits, without taking it for jitter', () => {
    const jb = newJb();
    // 50 ms for 3 s, then 100 ms (below the resync threshold: a real path change).
    const { decisions } = drive(jb, stream(300, (i) => (i < 150 ? 50 : 100)), 6400);
    expect(played(decisions).map((x) => x.seq)).toEqual([...Array(300).keys()]);
    // Frame 150 was due at 3060 and arrives at 3100: the slots in between are concealed (waiting), nothing else.
    const concealed = decisions.filter((d) => d.result.kind === 'interpolate');
    expect(concealed.length).toBeLessThanOrEqual(3);
    for (const d of concealed) expect(d.at).toBeGreaterThanOrEqual(3060);
    const s = jb.stats();
    expect(s).toMatchObject({ late: 0, lost: 0, jitterMs: 0, targetDelayMs: 10 });
    // The delay above the new floor stays within a frame of the target.
    expect(s.currentDelayMs).toBeLessThan(s.targetDelayMs + 20);
  });

  it('shrinks slowly, at most one dropped frame per shrinkIntervalMs, back to the target', () => {
    const jb = newJb({ historySize: 100 });
    // 2 s of jitter up to 120 ms, then a steady 50 ms: the history forgets the jitter after 100 frames.
    const { decisions } = drive(jb, stream(600, (i) => (i < 100 ? 50 + ((i * 37) % 121) : 50)), 12_400);
    const drops = decisions.filter((d) => d.result.kind === 'drop' && d.result.reason === 'shrink');
    expect(drops.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < drops.length; i++) expect(drops[i].at - drops[i - 1].at).toBeGreaterThanOrEqual(500);
    const s = jb.stats();
    expect(s.jitterMs).toBe(0);
    expect(s.currentDelayMs).toBeLessThan(s.targetDelayMs + 20 + DEFAULT_JITTER_SETTINGS.shrinkHysteresisMs);
    expect(s.dropped).toBe(drops.length);
  });

  it('clamps the target to maxMs less a frame, and never holds more than maxMs', () => {
    const jb = newJb({ maxMs: 60 });
    let worst = 0;
    drive(jb, stream(200, (i) => 50 + ((i * 53) % 200)), 4400, 20, 0, true, 20, () => { worst = Math.max(worst, jb.stats().currentDelayMs); });
    expect(jb.stats().targetDelayMs).toBe(40);
    expect(worst).toBeGreaterThan(30);
    expect(worst).toBeLessThanOrEqual(60);
  });

  it('re-anchors when the output clock drifts (the caller skipped 100 ms)', () => {
    const jb = newJb();
    for (let i = 0; i < 10; i++) jb.put({ kind: 'voice', durationMs: 20, data: i }, i * 20, i * 20 + 50);
    expect(jb.get(60)).toMatchObject({ kind: 'frame', data: 0 });
    expect(jb.get(80)).toMatchObject({ kind: 'frame', data: 1 });
    // The device stalls for 100 ms: frame 2 now plays at 200, i.e. 100 ms more delay than before.
    expect(jb.get(200)).toMatchObject({ kind: 'frame', data: 2 });
    expect(jb.stats().currentDelayMs).toBe(200 - 40 - 50);
  });
});

describe('AdaptiveJitterBuffer: sound-card clock drift', () => {
  // 60 s of 20 ms frames with 50 ms delay; the output device takes 20 ms of audio every 20.04 ms of our time (0.2 %
  // slow: 120 ms behind after 60 s) or every 19.96 ms (0.2 % fast). The buffer absorbs it by dropping / concealing.
  it('a slow device: frames pile up, the buffer drops about one per 20 ms of drift and keeps its delay', () => {
    const jb = newJb();
    const { decisions } = drive(jb, stream(3000, () => 50), 61_000, 20.04, 0, true, 20);
    const s = jb.stats();
    const drops = decisions.filter((d) => d.result.kind === 'drop').length;
    expect(drops).toBeGreaterThanOrEqual(4);
    expect(drops).toBeLessThanOrEqual(8);
    expect(s.currentDelayMs).toBeLessThan(s.targetDelayMs + 20 + 30);
    expect(s.late).toBe(0);
  });

  it('a fast device: the buffer runs dry about once per 20 ms of drift and conceals or grows', () => {
    const jb = newJb();
    const { decisions } = drive(jb, stream(3000, () => 50), 61_000, 19.96, 0, true, 20);
    const s = jb.stats();
    const inserted = decisions.filter((d) => d.result.kind === 'interpolate').length;
    expect(inserted).toBeGreaterThanOrEqual(4);
    expect(inserted).toBeLessThanOrEqual(10);
    expect(s.framesPlayed).toBeGreaterThanOrEqual(2990);
  });
});

describe('AdaptiveJitterBuffer: robustness', () => {
  it('rejects invalid frames and settings', () => {
    const jb = newJb();
    expect(jb.put({ kind: 'voice', durationMs: 20, data: 0 }, Number.NaN, 0)).toBe('invalid');
    expect(jb.put({ kind: 'voice', durationMs: 0, data: 0 }, 0, 0)).toBe('invalid');
    expect(jb.stats().framesIn).toBe(0);
    expect(() => newJb({ targetExtraMs: -1 })).toThrow(/targetExtraMs/);
    expect(() => newJb({ historySize: 0 })).toThrow(/historySize/);
  });

  it('bounds its memory when nobody pulls', () => {
    const jb = newJb({ maxFrames: 50 });
    for (let i = 0; i < 1000; i++) jb.put({ kind: 'voice', durationMs: 20, data: i }, i * 20, i * 20 + 50);
    const s = jb.stats();
    expect(s.queuedMs).toBe(50 * 20);
    expect(s.dropped).toBe(950);
  });
});
