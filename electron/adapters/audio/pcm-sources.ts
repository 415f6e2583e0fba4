// Capture sources for the fake and WAV devices: anything that hands out the next N samples.
// ToneGenerator (electron/core/media/tones.ts) already has this shape.

export interface PcmSource {
  read(samples: number): Int16Array;
  /** True when a finite source has nothing left (it then reads as silence). */
  readonly ended?: boolean;
}

export function silenceSource(): PcmSource {
  return { read: (n) => new Int16Array(n) };
}

/** Plays `pcm` once (then silence), or in a loop. */
export class BufferSource implements PcmSource {
  private offset = 0;
  constructor(private readonly pcm: Int16Array, private readonly loop = false) {}
  get ended(): boolean { return !this.loop && this.offset >= this.pcm.length; }
  get position(): number { return this.offset; }
  read(samples: number): Int16Array {
    const out = new Int16Array(samples);
    if (this.pcm.length === 0) return out;
    let i = 0;
    while (i < samples) {
      if (this.offset >= this.pcm.length) {
        if (!this.loop) break;
        this.offset = 0;
      }
      const n = Math.min(samples - i, this.pcm.length - this.offset);
      out.set(this.pcm.subarray(this.offset, this.offset + n), i);
      i += n;
      this.offset += n;
    }
    return out;
  }
}

/** A source computed sample by sample: `sample(n)` for the n-th sample since the start. */
export function functionSource(sample: (n: number) => number): PcmSource {
  let n = 0;
  return {
    read(samples) {
      const out = new Int16Array(samples);
      for (let i = 0; i < samples; i++, n++) {
        const v = Math.round(sample(n));
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      return out;
    },
  };
}

/** Exactly `samples` samples from a pull function, whatever it returned (short → padded, long → cut). */
export function fitFrame(frame: Int16Array | undefined | null, samples: number): { pcm: Int16Array; fitted: boolean } {
  if (frame instanceof Int16Array && frame.length === samples) return { pcm: frame, fitted: false };
  const out = new Int16Array(samples);
  if (frame instanceof Int16Array) out.set(frame.subarray(0, Math.min(samples, frame.length)));
  return { pcm: out, fitted: true };
}
