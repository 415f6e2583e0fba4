// Cost of the speakerphone processing per 20 ms frame, per stage and for the whole chain, at 8 and 16 kHz.
// Worst case for the echo canceller: far-end white noise through a 100 ms room, so it adapts on every block
// (speech has pauses during which it does not). Timing only; the quality figures are asserted in test/unit/media/dsp.
import { performance } from 'node:perf_hooks';
import type { BenchSection } from './bench-types.js';
import { AutomaticGainControl } from '../../electron/core/media/dsp/agc.js';
import { EchoCanceller } from '../../electron/core/media/dsp/echo-canceller.js';
import { createProcessingChain } from '../../electron/core/media/dsp/processing-chain.js';
import { floatToInt16 } from '../../electron/core/media/dsp/pcm-float.js';
import { SpectralPostFilter } from '../../electron/core/media/dsp/spectral-postfilter.js';

const WARMUP_FRAMES = 150;
const FRAMES = 1500;

function noise(n: number, amp: number, seed: number): Float64Array {
  let x = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = ((x / 4294967296) * 2 - 1) * amp;
  }
  return out;
}

/** Far-end noise and the microphone hearing it through a 20 ms delay + 80 ms decaying tail at −10 dB. */
function scene(rate: number, frame: number): { far: Float64Array; mic: Float64Array } {
  const n = (WARMUP_FRAMES + FRAMES) * frame;
  const far = noise(n, 0.3, 1);
  const d = Math.round(rate * 0.02);
  const t = Math.round(rate * 0.08);
  const h = noise(t, 1, 2);
  let e = 0;
  for (let i = 0; i < t; i++) {
    h[i] *= Math.exp((-i * Math.log(1000)) / t);
    e += h[i] * h[i];
  }
  const g = Math.sqrt(0.1 / e);
  const mic = noise(n, 3e-4, 3);
  for (let i = d; i < n; i++) {
    let s = 0;
    for (let k = 0; k < t && k <= i - d; k++) s += h[k] * far[i - d - k];
    mic[i] += g * s;
  }
  return { far, mic };
}

function time(frames: number, frame: number, fn: (start: number) => void): { mean: number; p99: number; max: number } {
  for (let i = 0; i < WARMUP_FRAMES; i++) fn(i * frame);
  const us: number[] = [];
  for (let i = WARMUP_FRAMES; i < WARMUP_FRAMES + frames; i++) {
    const t0 = performance.now();
    fn(i * frame);
    us.push((performance.now() - t0) * 1000);
  }
  us.sort((a, b) => a - b);
  return { mean: us.reduce((a, b) => a + b, 0) / us.length, p99: us[Math.floor(us.length * 0.99)], max: us[us.length - 1] };
}

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  for (const rate of [8000, 16000]) {
    const frame = rate / 50;
    const { far, mic } = scene(rate, frame);
    const farPcm = floatToInt16(far);
    const micPcm = floatToInt16(mic);
    const stages: [string, (s: number) => void][] = [];
    const aec = new EchoCanceller({ sampleRate: rate });
    stages.push(['echo canceller (200 ms tail)', (s) => { aec.processFloat(mic.subarray(s, s + frame), far.subarray(s, s + frame)); }]);
    const echo = new Float64Array(frame);
    const post = new SpectralPostFilter({ sampleRate: rate });
    stages.push(['post-filter (noise + residual echo)', (s) => { post.processFloat(mic.subarray(s, s + frame), echo); }]);
    const agc = new AutomaticGainControl({ sampleRate: rate });
    stages.push(['AGC + limiter', (s) => { agc.processFloat(mic.subarray(s, s + frame)); }]);
    const chain = createProcessingChain({ sampleRate: rate, aec: true, ns: 'mild', agc: true });
    stages.push(['whole chain, 16-bit in/out', (s) => { chain.process(micPcm.subarray(s, s + frame), farPcm.subarray(s, s + frame)); }]);
    for (const [name, fn] of stages) {
      const t = time(FRAMES, frame, fn);
      rows.push([name, rate, t.mean.toFixed(1), t.p99.toFixed(1), t.max.toFixed(0), ((t.mean / 20000) * 100).toFixed(2)]);
    }
    const st = aec.stats();
    rows.push([`  (canceller: ${st.partitions} partitions × ${st.blockSize} samples, ERLE on noise ${st.erleDb.toFixed(1)} dB)`, rate, '', '', '', '']);
  }
  return {
    title: 'Speakerphone DSP: cost per 20 ms frame',
    columns: ['stage', 'rate Hz', 'mean µs', 'p99 µs', 'max µs', '% of real time'],
    rows,
    notes: [
      `${FRAMES} frames per stage after ${WARMUP_FRAMES} warm-up frames; far end = white noise (the canceller adapts every block).`,
      'Quality (asserted in test/unit/media/dsp): ERLE ≥ 20 dB after convergence on speech at 8 and 16 kHz, double talk, NS, AGC.',
    ],
  };
}
