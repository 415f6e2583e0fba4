// Noise suppression: white noise added to espeak-ng speech; segmental SNR (test/support/signals.ts, 20 ms segments,
// silent segments skipped) of the output against the clean speech, before and after.
import { describe, expect, it } from 'vitest';
import { floatToInt16 } from '../../../../electron/core/media/dsp/pcm-float.js';
import { SpectralPostFilter } from '../../../../electron/core/media/dsp/spectral-postfilter.js';
import { segmentalSnrDb } from '../../../support/signals.js';
import { FAR_TEXT, energy, loop, runFrames, spoken, uniformNoise } from './echo-scenario.js';

function db(num: number, den: number): number {
  return 10 * Math.log10(num / den);
}

describe('SpectralPostFilter', () => {
  it('is transparent (exact reconstruction, one 10 ms hop late) with nothing to suppress', () => {
    const rate = 16000;
    const x = loop(spoken(rate, FAR_TEXT, 'en', 0.3), rate, 2);
    const pf = new SpectralPostFilter({ sampleRate: rate, noiseSuppression: false, echoSuppression: false });
    const out = runFrames(x, undefined, 320, (n) => pf.processFloat(n));
    const d = pf.delaySamples;
    expect(d).toBe(160);
    let maxErr = 0;
    for (let i = 320; i < x.length - d; i++) maxErr = Math.max(maxErr, Math.abs(out[i + d] - x[i]));
    expect(maxErr).toBeLessThan(1e-9);
  });

  for (const rate of [16000, 8000]) {
    it(`estimates white noise power within 2 dB while speech is present (${rate} Hz)`, () => {
      const amp = 0.02;
      const s = loop(spoken(rate, FAR_TEXT, 'en', 0.3), rate, 6);
      const nz = uniformNoise(s.length, 9);
      const pf = new SpectralPostFilter({ sampleRate: rate });
      runFrames(s.map((v, i) => v + amp * nz[i]), undefined, rate / 50, (n) => pf.processFloat(n));
      const est = pf.noiseSpectrum();
      let mean = 0;
      for (let k = 2; k < est.length - 2; k++) mean += est[k];
      mean /= est.length - 4;
      // Windowed-FFT power of white noise: variance × Σw² (= window length / 2 for a sqrt-Hann of 2 hops).
      const truth = ((amp * amp) / 3) * (rate / 100);
      expect(Math.abs(db(mean, truth))).toBeLessThan(2);
    });

    for (const [snrName, amp, minGain] of [['≈ 10 dB', 0.01, 1.5], ['≈ 0 dB', 0.03, 3.5]] as const) {
      it(`improves segmental SNR of speech in white noise at ${snrName} (${rate} Hz, mild) without crushing speech`, () => {
        const s = loop(spoken(rate, FAR_TEXT, 'en', 0.3), rate, 10);
        const nz = uniformNoise(s.length, 11);
        const x = s.map((v, i) => v + amp * nz[i]);
        const pf = new SpectralPostFilter({ sampleRate: rate });
        const out = runFrames(x, undefined, rate / 50, (n) => pf.processFloat(n));
        const d = pf.delaySamples;
        const skip = 2 * rate; // let the noise estimate settle
        const clean = floatToInt16(s.subarray(skip, s.length - d));
        const segIn = segmentalSnrDb(clean, floatToInt16(x.subarray(skip, s.length - d)), 0, rate / 50);
        const segOut = segmentalSnrDb(clean, floatToInt16(out.subarray(skip + d)), 0, rate / 50);
        expect(segOut - segIn).toBeGreaterThanOrEqual(minGain);
        // Noise in the pauses is brought down by about the mild floor (12 dB), not more.
        let pauseIn = 0, pauseOut = 0, speechClean = 0, speechOut = 0;
        const f = rate / 50;
        let loud = 0;
        for (let i = skip; i + f <= s.length - d; i += f) loud = Math.max(loud, energy(s, i, i + f));
        for (let i = skip; i + f <= s.length - d; i += f) {
          const e = energy(s, i, i + f);
          if (e < 1e-9) {
            pauseIn += energy(x, i, i + f);
            pauseOut += energy(out, i + d, i + d + f);
          } else if (e > loud / 100) {
            speechClean += e;
            speechOut += energy(out, i + d, i + d + f);
          }
        }
        const pauseAtten = db(pauseOut, pauseIn);
        expect(pauseAtten).toBeLessThan(-9);
        expect(pauseAtten).toBeGreaterThan(-14);
        // Speech within 20 dB of the loudest frame keeps its energy within 1.5 dB.
        expect(Math.abs(db(speechOut, speechClean))).toBeLessThan(1.5);
      });
    }
  }

  it('suppresses residual echo given the echo estimate and the canceller\'s leak', () => {
    const rate = 16000;
    const echoEstimate = loop(spoken(rate, FAR_TEXT, 'en', 0.3), rate, 4);
    const residual = echoEstimate.map((v) => 0.1 * v); // the canceller left −20 dB of the echo
    const pf = new SpectralPostFilter({ sampleRate: rate, noiseSuppression: false });
    pf.echoLeak = 0.02;
    const out = runFrames(residual, echoEstimate, 320, (n, e) => pf.processFloat(n, e));
    const from = rate;
    expect(db(energy(residual, from), energy(out, from))).toBeGreaterThanOrEqual(10);
  });

  it('rejects a rate it cannot frame in 10 ms hops', () => {
    expect(() => new SpectralPostFilter({ sampleRate: 11025 })).toThrow(/sample rate/);
  });
});
