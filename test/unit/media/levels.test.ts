// Levels (dBFS of RMS and peak, gain with saturation, meter ballistics), comfort noise, and the background
// level tracker.
import { describe, expect, it } from 'vitest';
import { ComfortNoise, COMFORT_NOISE_MAX_DBFS, NoiseFloorTracker } from '../../../electron/core/media/comfort-noise.js';
import { DBFS_FLOOR, LevelMeter, applyGain, dbToGain, peakDbfs, rmsDbfs } from '../../../electron/core/media/levels.js';
import { dbfsOfSine, sine } from '../../support/signals.js';

describe('levels', () => {
  it('reads a full-scale square as 0 dBFS and a full-scale sine as −3.01 dBFS', () => {
    const square = Int16Array.from({ length: 800 }, (_, i) => (i % 20 < 10 ? 32767 : -32768));
    expect(rmsDbfs(square)).toBeCloseTo(0, 3);
    expect(rmsDbfs(sine(8000, 8000, 1000, 32767))).toBeCloseTo(-3.01, 2);
    expect(peakDbfs(sine(8000, 8000, 1000, 16384))).toBeCloseTo(-6.02, 1);
  });

  it('floors silence at DBFS_FLOOR', () => {
    expect(rmsDbfs(new Int16Array(160))).toBe(DBFS_FLOOR);
    expect(rmsDbfs(new Int16Array(0))).toBe(DBFS_FLOOR);
  });

  it('applies gain in dB and saturates instead of wrapping', () => {
    const s = sine(8000, 800, 440, 1000);
    expect(rmsDbfs(applyGain(s, dbToGain(6))) - rmsDbfs(s)).toBeCloseTo(6, 1);
    const loud = applyGain(Int16Array.of(20000, -20000), 2);
    expect([...loud]).toEqual([32767, -32768]);
  });

  it('meter display rises at once and falls at its release rate', () => {
    const m = new LevelMeter(8000, 20);
    m.update(sine(8000, 160, 440, 10000));
    const loud = m.reading();
    expect(loud.displayDbfs).toBeCloseTo(loud.rmsDbfs, 5);
    m.update(new Int16Array(160)); // 20 ms of silence: display falls by 20 dB/s × 0.02 s = 0.4 dB
    expect(m.reading().rmsDbfs).toBe(DBFS_FLOOR);
    expect(m.reading().displayDbfs).toBeCloseTo(loud.rmsDbfs - 0.4, 5);
  });
});

describe('comfort noise', () => {
  it('has the requested RMS level and is reproducible from its seed', () => {
    const a = new ComfortNoise(42).generate(16000, -50);
    const b = new ComfortNoise(42).generate(16000, -50);
    expect(Math.abs(rmsDbfs(a) - -50)).toBeLessThan(0.5);
    expect([...a.slice(0, 50)]).toEqual([...b.slice(0, 50)]);
    expect(rmsDbfs(new ComfortNoise(1).generate(8000, -10))).toBeLessThan(COMFORT_NOISE_MAX_DBFS + 0.5);
  });

  it('tracks the quietest recent frame as the background level', () => {
    const t = new NoiseFloorTracker(10);
    t.update(sine(8000, 160, 300, 3000));
    t.update(sine(8000, 160, 300, 30));
    t.update(sine(8000, 160, 300, 3000));
    expect(t.levelDbfs()).toBeCloseTo(Math.max(-90, dbfsOfSine(30)), 0);
  });
});
