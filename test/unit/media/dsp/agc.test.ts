// Automatic gain control on espeak-ng speech at a quiet and a loud level with −65 dBFS background noise. The speech
// level is measured independently of the AGC: RMS over the 20 ms frames where the clean speech is within 30 dB of its
// loudest frame, in dBFS (levels.ts convention: RMS 1.0 = 0 dBFS).
import { describe, expect, it } from 'vitest';
import { AutomaticGainControl } from '../../../../electron/core/media/dsp/agc.js';
import { FAR_TEXT, energy, loop, runFrames, spoken, uniformNoise } from './echo-scenario.js';

const NOISE = Math.sqrt(3) * 10 ** (-65 / 20);

function activeLevelDb(clean: Float64Array, signal: Float64Array, from: number, frame: number): number {
  let loud = 0;
  for (let i = from; i + frame <= clean.length; i += frame) loud = Math.max(loud, energy(clean, i, i + frame));
  let e = 0;
  let n = 0;
  for (let i = from; i + frame <= clean.length; i += frame) {
    if (energy(clean, i, i + frame) > loud / 1000) {
      e += energy(signal, i, i + frame);
      n += frame;
    }
  }
  return 10 * Math.log10(e / n);
}

function peak(x: Float64Array): number {
  let p = 0;
  for (const v of x) p = Math.max(p, Math.abs(v));
  return p;
}

function speechAt(rate: number, seconds: number, levelDb: number): Float64Array {
  const s = loop(spoken(rate, FAR_TEXT, 'en', 0.5), rate, seconds);
  const g = 10 ** ((levelDb - activeLevelDb(s, s, 0, rate / 50)) / 20);
  return s.map((v) => v * g);
}

describe('AutomaticGainControl', () => {
  for (const rate of [16000, 8000]) {
    for (const input of [-42, -6]) {
      it(`brings speech at ${input} dBFS to −20 dBFS ± 2 dB within 8 s (${rate} Hz)`, () => {
        const clean = speechAt(rate, 12, input);
        const nz = uniformNoise(clean.length, 5);
        const x = clean.map((v, i) => v + NOISE * nz[i]);
        const agc = new AutomaticGainControl({ sampleRate: rate });
        const out = runFrames(x, undefined, rate / 50, (n) => agc.processFloat(n));
        const inLevel = activeLevelDb(clean, x, 8 * rate, rate / 50);
        const outLevel = activeLevelDb(clean, out, 8 * rate, rate / 50);
        expect(Math.abs(inLevel - input)).toBeLessThan(1);
        expect(Math.abs(outLevel - -20)).toBeLessThan(2);
        const s = agc.stats();
        expect(s.speechFrames).toBeGreaterThan(100);
        // Never clips: the limiter holds peaks at −1 dBFS.
        expect(peak(out)).toBeLessThanOrEqual(10 ** (-1 / 20) + 1e-12);
      });
    }
  }

  it('does not raise the gain during silence or background noise (no pumping)', () => {
    const rate = 16000;
    const speech = speechAt(rate, 4, -30);
    const x = new Float64Array(rate * 14);
    x.set(speech);
    const nz = uniformNoise(x.length, 6);
    for (let i = speech.length; i < x.length; i++) x[i] = NOISE * nz[i]; // 10 s of −65 dBFS noise
    const agc = new AutomaticGainControl({ sampleRate: rate });
    const gains: number[] = [];
    runFrames(x, undefined, 320, (n) => {
      const y = agc.processFloat(n);
      gains.push(agc.stats().gainDb);
      return y;
    });
    const afterSpeech = gains[speech.length / 320 - 1];
    expect(afterSpeech).toBeGreaterThan(3); // it did learn a gain from the speech
    expect(Math.max(...gains.slice(speech.length / 320))).toBeLessThanOrEqual(afterSpeech + 0.01);
    // And digital silence from the start leaves the gain at 0 dB and the output silent.
    const quiet = new AutomaticGainControl({ sampleRate: rate });
    const z = runFrames(new Float64Array(rate * 5), undefined, 320, (n) => quiet.processFloat(n));
    expect(quiet.stats().gainDb).toBe(0);
    expect(energy(z)).toBe(0);
  });

  it('holds the gain on frames the caller vetoes (echo only)', () => {
    const rate = 8000;
    const x = speechAt(rate, 5, -40);
    const agc = new AutomaticGainControl({ sampleRate: rate });
    runFrames(x, undefined, 160, (n) => agc.processFloat(n, false));
    expect(agc.stats().gainDb).toBe(0);
    expect(agc.stats().speechFrames).toBe(0);
  });

  it('limits a sudden loud talker after a quiet one without clipping', () => {
    const rate = 16000;
    const quiet = speechAt(rate, 6, -45);
    const loud = speechAt(rate, 2, -3);
    const x = new Float64Array(quiet.length + loud.length);
    x.set(quiet);
    x.set(loud, quiet.length);
    const agc = new AutomaticGainControl({ sampleRate: rate });
    const out = runFrames(x, undefined, 320, (n) => agc.processFloat(n));
    expect(agc.stats().limitedSamples).toBeGreaterThan(0);
    expect(peak(out)).toBeLessThanOrEqual(10 ** (-1 / 20) + 1e-12);
  });
});
