// Conversions between 16-bit PCM and the floating-point scale the DSP stages work in (±1.0 = full scale).

export const PCM_SCALE = 32768;

export function int16ToFloat(pcm: Int16Array): Float64Array {
  const out = new Float64Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i] / PCM_SCALE;
  return out;
}

/** Rounds and saturates at the 16-bit limits (never wraps). */
export function floatToInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i] * PCM_SCALE);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Largest power of two (≤ max) that divides n (1 when n is odd). */
export function powerOfTwoDivisor(n: number, max: number): number {
  let b = 1;
  while (b * 2 <= max && n % (b * 2) === 0) b *= 2;
  return b;
}
