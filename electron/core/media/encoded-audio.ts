// Audio encoded once and sent by many calls: a tone, silence or a WAV file's samples, resampled to a codec's rate
// and cut into that codec's frames ahead of time. A call that only plays a prepared sound (load generation, an
// IVR check) then costs no encoding and no allocation per frame: it hands the next prepared payload to the engine.
// Stateful codecs (GSM, G.722, Opus) are encoded in one pass, so the payloads join up except where a loop starts
// again, which is one frame's worth of mismatch per loop.
import type { CodecFactory, CodecName } from './codec.js';
import { codecFactory } from './codecs/registry.js';
import { Resampler } from './dsp/resample.js';
import { fromDbfs } from './levels.js';

export interface EncodedAudio {
  readonly codec: CodecName;
  readonly frameMs: number;
  readonly frames: readonly Uint8Array[];
}

/** Samples of `hz` (one tone or several added), each at `levelDbfs`, `seconds` long at `rate`. */
export function toneSamples(hz: readonly number[], levelDbfs: number, seconds: number, rate: number): Int16Array {
  const n = Math.round(seconds * rate);
  const out = new Int16Array(n);
  // levels.ts: 0 dBFS is the RMS of a full-scale square, so a sine of RMS fromDbfs(level) has peak √2 times that.
  const amp = fromDbfs(levelDbfs) * Math.SQRT2;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const f of hz) v += Math.sin((2 * Math.PI * f * i) / rate);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(amp * v)));
  }
  return out;
}

/** Encodes `pcm` (at `rate`) for `codec`: resampled, cut into frames, the last one padded with silence. */
export async function encodeAudio(pcm: Int16Array, rate: number, codec: CodecName,
  codecs: (name: CodecName) => CodecFactory = codecFactory): Promise<EncodedAudio> {
  const factory = codecs(codec);
  const { sampleRate, frameMs } = factory.info;
  const samples = rate === sampleRate ? pcm : new Resampler(rate, sampleRate).process(pcm);
  const frameSamples = (sampleRate * frameMs) / 1000;
  const encoder = await factory.createEncoder();
  try {
    const frames: Uint8Array[] = [];
    const frame = new Int16Array(frameSamples);
    for (let at = 0; at < Math.max(1, samples.length); at += frameSamples) {
      frame.fill(0);
      frame.set(samples.subarray(at, Math.min(samples.length, at + frameSamples)));
      frames.push(encoder.encode(frame).slice()); // the encoder may reuse its output buffer
    }
    return { codec, frameMs, frames };
  } finally {
    encoder.close();
  }
}

/** A position in prepared audio: the next payload each frame, looping or ending. No allocation per frame. */
export class EncodedCursor {
  private i = 0;

  constructor(readonly audio: EncodedAudio, readonly loop: boolean) {}

  /** The next payload, or undefined once a non-looping sound has ended. */
  next(): Uint8Array | undefined {
    const frames = this.audio.frames;
    if (this.i >= frames.length) {
      if (!this.loop || frames.length === 0) return undefined;
      this.i = 0;
    }
    return frames[this.i++];
  }

  get ended(): boolean {
    return !this.loop && this.i >= this.audio.frames.length;
  }
}

/** Prepared sounds by name and codec, each encoded once (concurrent requests share the work). */
export class EncodedAudioCache {
  private readonly cache = new Map<string, Promise<EncodedAudio>>();

  constructor(private readonly codecs: (name: CodecName) => CodecFactory = codecFactory) {}

  /** `key` names the sound (a file path, "tone:1004@-10"); `load` gives its samples when not cached yet. */
  get(key: string, codec: CodecName, load: () => { pcm: Int16Array; rate: number } | Promise<{ pcm: Int16Array; rate: number }>): Promise<EncodedAudio> {
    const k = `${codec}|${key}`;
    let p = this.cache.get(k);
    if (!p) {
      p = Promise.resolve(load()).then(({ pcm, rate }) => encodeAudio(pcm, rate, codec, this.codecs));
      p.catch(() => this.cache.delete(k)); // a failed load may be retried
      this.cache.set(k, p);
    }
    return p;
  }

  /** A tone: one second, which loops without a seam for whole-Hz frequencies (every sine completes its cycles). */
  tone(hz: readonly number[], levelDbfs: number, codec: CodecName): Promise<EncodedAudio> {
    const rate = this.codecs(codec).info.sampleRate;
    return this.get(`tone:${hz.join('+')}@${levelDbfs}`, codec, () => ({ pcm: toneSamples(hz, levelDbfs, 1, rate), rate }));
  }

  /** One frame of silence (looped). */
  silence(codec: CodecName): Promise<EncodedAudio> {
    const info = this.codecs(codec).info;
    return this.get('silence', codec, () => ({ pcm: new Int16Array((info.sampleRate * info.frameMs) / 1000), rate: info.sampleRate }));
  }
}
