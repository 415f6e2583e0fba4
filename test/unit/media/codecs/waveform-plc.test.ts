// Waveform packet-loss concealment: continuing voiced and non-periodic signals without clicks, fading out,
// cross-fading into the first good frame, fading in after a long loss.
import { describe, expect, it } from 'vitest';
import { WaveformPlc } from '../../../../electron/core/media/codecs/waveform-plc.js';
import { rms, sine, snrDb } from '../../../support/signals.js';

function maxStep(x: Int16Array, from = 1, to = x.length): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

/** Largest second difference: a click shows up as a spike in curvature even where the signal itself is steep. */
function maxCurvature(x: Int16Array): number {
  let m = 0;
  for (let i = 2; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - 2 * x[i - 1] + x[i - 2]));
  return m;
}

function twoTone(rate: number, n: number, f1: number, f2: number): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.round(7000 * Math.sin((2 * Math.PI * f1 * i) / rate) + 5000 * Math.sin((2 * Math.PI * f2 * i) / rate));
  }
  return x;
}

describe('waveform PLC', () => {
  for (const [rate, freq] of [[8000, 200], [8000, 233], [16000, 187]] as const) {
    it(`continues a ${freq} Hz voiced tone at ${rate} Hz without clicks, then fades out by 60 ms`, () => {
      const plc = new WaveformPlc(rate);
      const frame = rate / 50;
      const total = sine(rate, frame * 10, freq, 10000);
      for (let f = 0; f < 5; f++) plc.good(total.subarray(f * frame, (f + 1) * frame));
      const lost = plc.conceal(frame * 4); // 80 ms
      const truth = total.subarray(5 * frame, 9 * frame);
      // The first 10 ms closely follow the real continuation (pitch repetition of a periodic signal).
      const tenMs = rate / 100;
      expect(snrDb(truth.subarray(0, tenMs), lost.subarray(0, tenMs))).toBeGreaterThan(15);
      // No click at the join or at any period wrap: no step larger than the tone's own largest step (+10 %).
      const joined = new Int16Array([...total.subarray(4 * frame, 5 * frame), ...lost]);
      const natural = maxStep(total);
      expect(maxStep(joined)).toBeLessThanOrEqual(natural * 1.1);
      // Fading: 40–60 ms quieter than the first 10 ms, silent from 60 ms on.
      const at = (ms: number): number => Math.round((rate * ms) / 1000);
      expect(rms(lost.subarray(at(40), at(60)))).toBeLessThan(0.5 * rms(lost.subarray(0, at(10))));
      expect(rms(lost.subarray(at(60)))).toBe(0);
    });
  }

  for (const [f1, f2] of [[211, 347], [150, 410], [97, 290]] as const) {
    it(`joins the concealment of a non-periodic ${f1}+${f2} Hz signal without a curvature spike`, () => {
      const rate = 8000;
      const x = twoTone(rate, 1600, f1, f2);
      const plc = new WaveformPlc(rate);
      for (let f = 0; f < 5; f++) plc.good(x.subarray(f * 160, f * 160 + 160));
      const joined = new Int16Array([...x.subarray(640, 800), ...plc.conceal(320)]);
      expect(maxCurvature(joined)).toBeLessThanOrEqual(maxCurvature(x) * 1.25);
    });
  }

  it('cross-fades into the first good frame after a loss (no step at the recovery join)', () => {
    const rate = 8000;
    const plc = new WaveformPlc(rate);
    const x = sine(rate, 1600, 233, 12000);
    for (let f = 0; f < 4; f++) plc.good(x.subarray(f * 160, f * 160 + 160));
    const lost = plc.conceal(160);
    // The next real frame is in opposite phase to the concealment (the worst case of pitch drift).
    const next = sine(rate, 160, 233, 12000, Math.PI + (2 * Math.PI * 233 * 800) / rate);
    const back = plc.good(next);
    const joined = new Int16Array([...lost, ...back]);
    expect(maxStep(joined, 150, 200)).toBeLessThanOrEqual(maxStep(x) * 1.5);
    // After the cross-fade the good audio passes through unchanged.
    expect(Array.from(back.subarray(40))).toEqual(Array.from(next.subarray(40)));
  });

  it('fades in from silence after a long loss instead of starting abruptly', () => {
    const plc = new WaveformPlc(8000);
    plc.good(sine(8000, 320, 300, 10000));
    plc.conceal(800); // 100 ms: fully faded
    const back = plc.good(new Int16Array(160).fill(12000));
    expect(Math.abs(back[0])).toBeLessThan(12000 / 5);
    expect(back[159]).toBe(12000);
  });

  it('conceals with silence when there is no history, and rejects a bad count', () => {
    const plc = new WaveformPlc(8000);
    expect(Array.from(plc.conceal(160)).every((v) => v === 0)).toBe(true);
    expect(() => plc.conceal(-1)).toThrow(/bad sample count/);
  });
});
