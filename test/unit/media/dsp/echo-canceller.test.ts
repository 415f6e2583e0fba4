// Echo return loss enhancement of the echo canceller on far-end speech (espeak-ng) played through a synthetic room:
// a bulk delay, then exponentially decaying noise (−60 dB over the tail), 10 dB of echo return loss, plus microphone
// noise at −70 dBFS. ERLE = 10·log10(echo energy / output energy) where the microphone carries only echo (+ noise).
import { describe, expect, it } from 'vitest';
import { EchoCanceller } from '../../../../electron/core/media/dsp/echo-canceller.js';
import { FAR_TEXT, NEAR_TEXT, convolve, energy, loop, roomImpulse, runFrames, spoken, uniformNoise } from './echo-scenario.js';

/** Uniform noise amplitude for −70 dBFS RMS (uniform in ±a has RMS a/√3). */
const MIC_NOISE = Math.sqrt(3) * 10 ** (-70 / 20);

function db(num: number, den: number): number {
  return 10 * Math.log10(num / den);
}

interface Scenario {
  far: Float64Array;
  echo: Float64Array;
  noise: Float64Array;
}

function scenario(rate: number, seconds: number, delayMs: number, tailMs: number, erlDb = 10): Scenario {
  const far = loop(spoken(rate, FAR_TEXT), rate, seconds);
  const echo = convolve(far, roomImpulse(rate, delayMs, tailMs, erlDb));
  const noise = uniformNoise(far.length, 3).map((v) => v * MIC_NOISE);
  return { far, echo, noise };
}

function cancel(rate: number, mic: Float64Array, far: Float64Array, frame = rate / 50, options = {}) {
  const aec = new EchoCanceller({ sampleRate: rate, ...options });
  const out = runFrames(mic, far, frame, (n, f) => aec.processFloat(n, f));
  return { aec, out };
}

describe('EchoCanceller: ERLE after convergence (far-end speech only)', () => {
  for (const [rate, delayMs, tailMs] of [[16000, 20, 80], [8000, 20, 80], [16000, 40, 60], [8000, 100, 80]] as const) {
    it(`≥ 20 dB over the last 3 s of 10 s at ${rate} Hz (${delayMs} ms delay + ${tailMs} ms tail)`, () => {
      const { far, echo, noise } = scenario(rate, 10, delayMs, tailMs);
      const mic = echo.map((v, i) => v + noise[i]);
      const { aec, out } = cancel(rate, mic, far);
      const from = 7 * rate;
      const erle = db(energy(mic, from), energy(out, from));
      const firstSecond = db(energy(mic, 0, rate), energy(out, 0, rate));
      expect(erle).toBeGreaterThanOrEqual(20);
      // It is the adaptation that does it: the first second (still learning) is far worse.
      expect(firstSecond).toBeLessThan(erle - 10);
      // The canceller's own ERLE statistic agrees within a few dB.
      expect(Math.abs(aec.stats().erleDb - erle)).toBeLessThan(6);
      expect(aec.stats().partitions * aec.stats().blockSize).toBeGreaterThanOrEqual((rate * 200) / 1000);
    });
  }

  it('converges when the echo is as loud as the far signal (0 dB ERL: beyond Geigel\'s 6 dB assumption)', () => {
    const rate = 16000;
    const { far, echo, noise } = scenario(rate, 10, 20, 80, 0);
    const mic = echo.map((v, i) => v + noise[i]);
    const { aec, out } = cancel(rate, mic, far);
    const from = 7 * rate;
    expect(db(energy(mic, from), energy(out, from))).toBeGreaterThanOrEqual(20);
    expect(aec.stats().converged).toBe(true);
  });

  it('converges on far-end white noise, which Geigel alone mistakes for double talk', () => {
    const rate = 8000;
    const far = uniformNoise(rate * 6, 1).map((v) => 0.2 * v);
    const echo = convolve(far, roomImpulse(rate, 20, 80, 10));
    const { out } = cancel(rate, echo, far);
    expect(db(energy(echo, 4 * rate), energy(out, 4 * rate))).toBeGreaterThanOrEqual(40);
  });

  it('re-converges after the echo path changes (the laptop was moved)', () => {
    const rate = 16000;
    const far = loop(spoken(rate, FAR_TEXT), rate, 16);
    const first = convolve(far, roomImpulse(rate, 20, 80, 10, 7));
    const second = convolve(far, roomImpulse(rate, 30, 80, 10, 99));
    const noise = uniformNoise(far.length, 3);
    const change = 6 * rate;
    const mic = first.map((v, i) => (i < change ? v : second[i]) + MIC_NOISE * noise[i]);
    const { aec, out } = cancel(rate, mic, far);
    const justAfter = db(energy(mic, change, change + rate), energy(out, change, change + rate));
    const end = db(energy(mic, 13 * rate), energy(out, 13 * rate));
    expect(justAfter).toBeLessThan(10);
    expect(end).toBeGreaterThanOrEqual(20);
    expect(aec.stats().promotions).toBeGreaterThan(0);
  });

  it('works on 30 ms frames at 16 kHz (480 samples: 32-sample blocks, no added delay)', () => {
    const rate = 16000;
    const { far, echo, noise } = scenario(rate, 10, 20, 80);
    const mic = echo.map((v, i) => v + noise[i]);
    const { aec, out } = cancel(rate, mic, far, 480);
    expect(aec.delaySamples).toBe(0);
    expect(aec.stats().blockSize).toBe(32);
    const from = 7 * rate;
    const end = Math.floor(mic.length / 480) * 480;
    expect(db(energy(mic, from, end), energy(out, from, end))).toBeGreaterThanOrEqual(20);
  });

  it('also converges on frames that are not a multiple of its block (one block of delay added)', () => {
    const rate = 8000;
    const { far, echo, noise } = scenario(rate, 10, 20, 80);
    const mic = echo.map((v, i) => v + noise[i]);
    const { aec, out } = cancel(rate, mic, far, 150);
    const d = aec.delaySamples;
    expect(d).toBe(32);
    const from = 7 * rate;
    const end = Math.floor(mic.length / 150) * 150 - d;
    expect(db(energy(mic, from, end), energy(out.subarray(d), from, end))).toBeGreaterThanOrEqual(20);
  });
});

describe('EchoCanceller: double talk', () => {
  for (const [rate, nearPeak, minRatio] of [[16000, 0.3, 20], [8000, 0.3, 20], [16000, 0.1, 15]] as const) {
    it(`keeps near-end speech (peak ${nearPeak}) and its echo path through 4 s of double talk at ${rate} Hz`, () => {
      const { far, echo, noise } = scenario(rate, 15, 20, 80);
      const talker = spoken(rate, NEAR_TEXT, 'en-us+f3', nearPeak);
      const at = 6 * rate;
      const end = Math.min(far.length, at + talker.length);
      const near = new Float64Array(far.length);
      near.set(talker.subarray(0, end - at), at);
      const mic = echo.map((v, i) => v + near[i] + noise[i]);
      const { aec, out } = cancel(rate, mic, far);
      const micEchoOnly = echo.map((v, i) => v + noise[i]);
      const ref = cancel(rate, micEchoOnly, far).out;

      // Near-end speech to "everything else" (residual echo + distortion of the near speech) during double talk:
      // before the canceller it is the near-to-echo ratio, after it must be much better.
      const residual = out.map((v, i) => v - near[i]);
      const inputRatio = db(energy(near, at, end), energy(echo, at, end));
      const outputRatio = db(energy(near, at, end), energy(residual, at, end));
      expect(inputRatio).toBeLessThan(10);
      expect(outputRatio).toBeGreaterThanOrEqual(minRatio);
      expect(outputRatio).toBeGreaterThanOrEqual(inputRatio + 15);
      // Geigel saw the double talk.
      expect(aec.stats().doubleTalkBlocks).toBeGreaterThan(0);
      // The echo path survived: after the double talk, ERLE is within 3 dB of a run that never had any.
      const erleAfter = db(energy(micEchoOnly, end), energy(out, end));
      const erleRef = db(energy(micEchoOnly, end), energy(ref, end));
      expect(erleAfter).toBeGreaterThanOrEqual(erleRef - 3);
      expect(erleAfter).toBeGreaterThanOrEqual(20);
    });
  }
});

describe('EchoCanceller: edges', () => {
  it('passes the microphone through unchanged when nothing is played', () => {
    const aec = new EchoCanceller({ sampleRate: 16000 });
    const frame = new Int16Array(320).map((_, i) => Math.round(8000 * Math.sin(i / 5)));
    for (let k = 0; k < 20; k++) expect(Array.from(aec.process(frame))).toEqual(Array.from(frame));
    const silent = new Int16Array(320);
    expect(Array.from(aec.process(frame, silent))).toEqual(Array.from(frame));
  });

  it('accepts a short or missing far reference (zero-padded)', () => {
    const aec = new EchoCanceller({ sampleRate: 8000 });
    expect(aec.process(new Int16Array(160), new Int16Array(40)).length).toBe(160);
  });

  it('rejects nonsense settings with a clear error', () => {
    expect(() => new EchoCanceller({ sampleRate: 16000, tailMs: 0 })).toThrow(/tail/);
    expect(() => new EchoCanceller({ sampleRate: 16000, stepSize: 2 })).toThrow(/step/);
    expect(() => new EchoCanceller({ sampleRate: 100 })).toThrow(/sample rate/);
  });
});
