// The echo canceller's far reference (electron/core/media/call-media-far-reference.ts): sample-exact pairing while
// the devices share a clock, clock-rate estimation from jittery callbacks, and reading at a drift ratio.
import { describe, expect, it } from 'vitest';
import { DeviceClockTracker, FarReference, readRatioFor } from '../../../../electron/core/media/call-media-far-reference.js';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

/** Callbacks of a device delivering `frame` samples per period of a clock that runs (1 + ppm·1e-6) fast, late by 0..jitter ms. */
function feed(tracker: DeviceClockTracker, rate: number, frame: number, ppm: number, jitterMs: number, seconds: number, seed: number): void {
  const r = rng(seed);
  const periodMs = ((frame / rate) * 1000) / (1 + ppm * 1e-6);
  const events: number[] = [];
  for (let k = 0; k * periodMs < seconds * 1000; k++) events.push(k * periodMs + r() * jitterMs);
  events.sort((a, b) => a - b); // a late callback never overtakes in reality, but order is all the tracker needs
  for (const t of events) tracker.observe(frame, 1000 + t);
}

describe('FarReference', () => {
  it('hands out exactly the pushed samples, whatever the chunking, while the clocks agree', () => {
    const f = new FarReference(3200, 32);
    const r = rng(3);
    const pushed: number[] = [];
    const taken: number[] = [];
    let v = 0;
    for (let i = 0; i < 500; i++) {
      const n = 300 + Math.floor(r() * 40);
      const pcm = Int16Array.from({ length: n }, () => (v++ % 2000) - 1000);
      f.push(pcm);
      pushed.push(...pcm);
      if (i > 2) taken.push(...f.take(320));
    }
    expect(f.underflows).toBe(0);
    expect(taken).toEqual(pushed.slice(0, taken.length));
  });

  it('runs dry once, then keeps its cushion', () => {
    const f = new FarReference(3200, 32);
    f.push(new Int16Array(100).fill(7));
    const a = f.take(160);
    expect(a.slice(0, 100).every((x) => x === 7)).toBe(true);
    expect(a.slice(100).every((x) => x === 0)).toBe(true);
    expect(f.underflows).toBe(1);
    expect(f.fill).toBe(32);
  });

  it('reads a sine at a drift ratio with cubic interpolation (error below −50 dB)', () => {
    const rate = 16000;
    const ratio = 1.0003;
    const f = new FarReference(rate * 4, 0);
    const hz = 1000;
    const total = rate * 2;
    f.push(Int16Array.from({ length: total }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / rate))));
    f.setRatio(ratio);
    const out = f.take(rate);
    let err = 0;
    let sig = 0;
    for (let i = 10; i < out.length; i++) {
      const want = 10000 * Math.sin((2 * Math.PI * hz * i * ratio) / rate);
      err += (out[i] - want) ** 2;
      sig += want * want;
    }
    const db = 10 * Math.log10(err / sig);
    console.log(`interpolation error at ratio ${ratio}: ${db.toFixed(1)} dB`);
    expect(db).toBeLessThan(-50);
  });
});

describe('DeviceClockTracker / readRatioFor', () => {
  it('measures a device 200 ppm fast from callbacks up to 15 ms late (within 10 ppm after 30 s)', () => {
    const t = new DeviceClockTracker(48000);
    feed(t, 48000, 960, 200, 15, 30, 1);
    const e = t.estimate();
    expect(e).toBeDefined();
    expect(Math.abs(e!.epsilon * 1e6 - 200)).toBeLessThan(10);
  });

  it('keeps the ratio at exactly 1 for two devices on one clock, and follows two that disagree', () => {
    const spk = new DeviceClockTracker(48000);
    const mic = new DeviceClockTracker(48000);
    feed(spk, 48000, 480, 0, 20, 30, 2);
    feed(mic, 48000, 960, 0, 20, 30, 3);
    expect(readRatioFor(spk, mic)).toBe(1);
    const slowMic = new DeviceClockTracker(48000);
    feed(slowMic, 48000, 960, -150, 20, 30, 4);
    expect(Math.abs((readRatioFor(spk, slowMic) - 1) * 1e6 - 150)).toBeLessThan(15);
  });
});
