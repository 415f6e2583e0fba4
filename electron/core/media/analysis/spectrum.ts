// Single-frequency analysis of a block of received audio: how much of the block's energy sits at one frequency,
// measured with a Hann-windowed Goertzel filter (the DFT at one frequency, computed as a second-order recursion),
// and where the strongest tone in a band lies. Used to check "a tone of F Hz (± tolerance)" in heard audio
// (docs/scenarios.md). Pure; no allocation per call except the window table, which is cached per block length.

const windows = new Map<number, { w: Float64Array; sumW: number; sumW2: number }>();

/** The Hann window of length n, with Σw and Σw² (cached: blocks have a few fixed lengths). */
function hann(n: number): { w: Float64Array; sumW: number; sumW2: number } {
  let win = windows.get(n);
  if (win) return win;
  const w = new Float64Array(n);
  let sumW = 0;
  let sumW2 = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1 || 1));
    sumW += w[i];
    sumW2 += w[i] * w[i];
  }
  win = { w, sumW, sumW2 };
  windows.set(n, win);
  return win;
}

/** Energy of the windowed block, Σ(w·x)²: the denominator of every share in the block. */
export function windowedEnergy(pcm: Int16Array): number {
  const { w } = hann(pcm.length);
  let e = 0;
  for (let i = 0; i < pcm.length; i++) {
    const v = w[i] * pcm[i];
    e += v * v;
  }
  return e;
}

/**
 * The share (0..1) of the block's energy at `hz`: 1 for a pure sine at exactly that frequency, about 0.5 for each
 * tone of an equal two-tone pair, near 0 for noise or a tone more than a main lobe (2·rate/n Hz) away.
 * `energy` is {@link windowedEnergy} of the same block (passed in so a scan computes it once).
 */
export function toneShare(pcm: Int16Array, sampleRate: number, hz: number, energy = windowedEnergy(pcm)): number {
  const n = pcm.length;
  if (n === 0 || !(energy > 0)) return 0;
  const { w, sumW, sumW2 } = hann(n);
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = w[i] * pcm[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(hz)|²
  // A sine of amplitude A gives |X|² = (A·Σw/2)² and Σ(w·x)² = A²·Σw²/2: this ratio is 1 for it.
  return Math.min(1, (2 * power * sumW2) / (sumW * sumW * energy));
}

export interface TonePeak {
  /** Frequency of the strongest tone in the band searched, Hz (refined between scan points). */
  readonly hz: number;
  /** Its share of the block's energy (0..1). */
  readonly share: number;
}

/**
 * The strongest tone between `fromHz` and `toHz`: scanned every `stepHz`, then refined by a parabola through the
 * best point and its neighbours (the Hann main lobe is smooth enough for that to land within a few Hz).
 */
export function strongestTone(pcm: Int16Array, sampleRate: number, fromHz: number, toHz: number, stepHz = 5): TonePeak {
  const energy = windowedEnergy(pcm);
  const lo = Math.max(1, fromHz);
  const hi = Math.min(sampleRate / 2 - 1, toHz);
  if (!(energy > 0) || hi < lo) return { hz: (lo + hi) / 2, share: 0 };
  let bestHz = lo;
  let best = -1;
  for (let f = lo; f <= hi + 1e-9; f += stepHz) {
    const s = toneShare(pcm, sampleRate, f, energy);
    if (s > best) { best = s; bestHz = f; }
  }
  const left = bestHz - stepHz >= 1 ? toneShare(pcm, sampleRate, bestHz - stepHz, energy) : best;
  const right = bestHz + stepHz < sampleRate / 2 ? toneShare(pcm, sampleRate, bestHz + stepHz, energy) : best;
  const denom = left - 2 * best + right;
  let hz = bestHz;
  if (denom < 0) {
    const offset = (0.5 * (left - right)) / denom; // vertex of the parabola, in steps (−0.5 … 0.5 at a true peak)
    if (Math.abs(offset) <= 1) hz = bestHz + offset * stepHz;
  }
  const share = hz === bestHz ? best : Math.max(best, toneShare(pcm, sampleRate, hz, energy));
  return { hz, share };
}
