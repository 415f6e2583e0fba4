// Signal levels in dBFS and gain. Convention: 0 dBFS is the RMS of a full-scale square wave (32768), so a
// full-scale sine reads −3.01 dBFS (the "RMS relative to full-scale square" reading of most VU meters, and the
// reference IAX2 CNG levels in dBov use, RFC 3389 §3). Silence reads DBFS_FLOOR rather than −Infinity so the value
// survives JSON.

export const DBFS_FLOOR = -100;
const FULL_SCALE = 32768;

export function rmsDbfs(pcm: Int16Array): number {
  if (pcm.length === 0) return DBFS_FLOOR;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i] * pcm[i];
  return toDbfs(Math.sqrt(sum / pcm.length));
}

export function peakDbfs(pcm: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    const a = Math.abs(pcm[i]);
    if (a > peak) peak = a;
  }
  return toDbfs(peak);
}

/** Amplitude (0..32768) to dBFS, floored at DBFS_FLOOR. */
export function toDbfs(amplitude: number): number {
  if (!(amplitude > 0)) return DBFS_FLOOR;
  return Math.max(DBFS_FLOOR, 20 * Math.log10(amplitude / FULL_SCALE));
}

/** RMS amplitude for a level in dBFS. */
export function fromDbfs(dbfs: number): number {
  return FULL_SCALE * 10 ** (dbfs / 20);
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

/** A copy of `pcm` scaled by `gain`, saturating at the 16-bit limits (no wrap-around clicks). */
export function applyGain(pcm: Int16Array, gain: number): Int16Array {
  const out = new Int16Array(pcm.length);
  if (gain === 1) {
    out.set(pcm);
    return out;
  }
  for (let i = 0; i < pcm.length; i++) {
    const v = Math.round(pcm[i] * gain);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

export interface LevelReading {
  /** RMS of the last frame. */
  readonly rmsDbfs: number;
  /** Peak of the last frame. */
  readonly peakDbfs: number;
  /** For a meter: follows rises at once, falls at `releaseDbPerSecond`. */
  readonly displayDbfs: number;
}

/** Per-frame level with meter ballistics driven by the audio itself (sample counts), so it is deterministic. */
export class LevelMeter {
  private rms = DBFS_FLOOR;
  private peak = DBFS_FLOOR;
  private display = DBFS_FLOOR;

  constructor(private readonly sampleRate: number, private readonly releaseDbPerSecond = 20) {}

  update(pcm: Int16Array): void {
    this.rms = rmsDbfs(pcm);
    this.peak = peakDbfs(pcm);
    const fall = (this.releaseDbPerSecond * pcm.length) / this.sampleRate;
    this.display = Math.max(this.rms, this.display - fall, DBFS_FLOOR);
  }

  reading(): LevelReading {
    return { rmsDbfs: this.rms, peakDbfs: this.peak, displayDbfs: this.display };
  }
}
