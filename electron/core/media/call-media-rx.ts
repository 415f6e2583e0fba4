// Receive side of a call: voice frames → jitter buffer → decoder (codec PLC for missing frames, comfort noise for
// silence and long gaps) → resample to the playback device → FIFO that pull() drains. Pure; time comes from `now`.
import type { AudioDecoder, CodecFactory, CodecName } from './codec.js';
import { SampleFifo } from './call-media-fifo.js';
import type { StreamResampler } from './call-media-types.js';
import { ComfortNoise, NoiseFloorTracker } from './comfort-noise.js';
import { AdaptiveJitterBuffer } from './jitter/adaptive-jitter-buffer.js';
import type { GetResult, JitterSettings, JitterStats } from './jitter/types.js';

export interface RxPayload {
  readonly codec: CodecName;
  readonly payload: Uint8Array;
}

/** Concealment fades out (codecs/waveform-plc.ts: silent by 60 ms); comfort noise fades in from here. */
const CNG_FADE_IN_START_MS = 40;
const CNG_FADE_IN_MS = 40;
/** A join after a dropped or skipped frame is smoothed over this long (removes the step that would click). */
const JOIN_RAMP_MS = 2;

export interface RxDeps {
  readonly codecs: (name: CodecName) => CodecFactory;
  readonly resampler: (fromRate: number, toRate: number) => StreamResampler;
  readonly payloadDurationMs: (codec: CodecName, payload: Uint8Array) => number;
  readonly jitter?: Partial<JitterSettings>;
  readonly noiseSeed?: number;
  /** Tap for the recorder: received audio at the decoder's rate, before output gain. */
  readonly onDecoded?: (pcm: Int16Array, sampleRate: number) => void;
}

export class ReceivePath {
  readonly jb: AdaptiveJitterBuffer<RxPayload>;
  private readonly decoders = new Map<CodecName, AudioDecoder>();
  private readonly pending = new Set<CodecName>();
  private readonly resamplers = new Map<number, StreamResampler>();
  private readonly fifo = new SampleFifo();
  private readonly noise: ComfortNoise;
  private readonly floor = new NoiseFloorTracker();
  private rate: number;
  private concealRunMs = 0;
  private joinPending = false;
  /** Samples account() has produced beyond what was asked (its stand-in for the FIFO's lead). */
  private owed = 0;
  private lastKind: GetResult<RxPayload>['kind'] | undefined;
  private last = 0;
  private beforeLast = 0;
  private closed = false;

  rxCodec: CodecName | undefined;
  framesReceived = 0;
  framesRejected = 0;
  framesDecoded = 0;
  decodeErrors = 0;
  concealedMs = 0;
  comfortNoiseMs = 0;

  constructor(private readonly deps: RxDeps, private readonly playbackRate: number, initialRate: number) {
    this.jb = new AdaptiveJitterBuffer<RxPayload>(deps.jitter);
    this.noise = new ComfortNoise(deps.noiseSeed);
    this.rate = initialRate;
  }

  /** Make the decoder for `codec` ready (async: codec libraries may load WASM). */
  async prepare(codec: CodecName): Promise<void> {
    if (this.decoders.has(codec) || this.closed) return;
    const decoder = await this.deps.codecs(codec).createDecoder();
    if (this.closed || this.decoders.has(codec)) {
      decoder.close();
      return;
    }
    this.decoders.set(codec, decoder);
  }

  receive(codec: CodecName, timestamp: number, payload: Uint8Array, now: number): void {
    this.framesReceived++;
    let durationMs: number;
    try {
      durationMs = this.deps.payloadDurationMs(codec, payload);
      this.deps.codecs(codec);
    } catch {
      this.framesRejected++;
      return;
    }
    if (!this.decoders.has(codec) && !this.pending.has(codec)) {
      // A format change mid-call: get its decoder ready; until then its frames are concealed.
      this.pending.add(codec);
      this.prepare(codec).catch(() => undefined).finally(() => this.pending.delete(codec));
    }
    // Kept without a copy: received datagrams are never reused (ports.ts UdpSocketPort).
    this.jb.put({ kind: 'voice', durationMs, data: { codec, payload } }, timestamp, now);
  }

  receiveComfortNoise(timestamp: number, levelDbov: number, now: number): void {
    this.jb.put({ kind: 'cng', levelDbov }, timestamp, now);
  }

  /** Exactly `samples` samples at the playback rate; never throws (errors become silence, counted by the caller). */
  pull(samples: number, now: number): Int16Array {
    return this.pullInto(new Int16Array(samples), now);
  }

  /** As pull(out.length, now), into a buffer the caller reuses (many calls in one process: no allocation). */
  pullInto(out: Int16Array, now: number): Int16Array {
    this.owed = 0;
    let guard = 0;
    while (this.fifo.length < out.length && guard++ < 64) {
      const leadMs = (this.fifo.length * 1000) / this.playbackRate;
      const pcm = this.render(this.jb.get(now, leadMs));
      if (pcm) this.fifo.push(this.toPlayback(pcm));
    }
    return this.fifo.takeInto(out);
  }

  /**
   * What pull() would do to the jitter buffer and the counts (late, lost, concealed, comfort noise), without making
   * the audio: for a call whose audio nobody hears (a bulk load), where decoding, concealment and resampling would be
   * thrown away. Only for stateless codecs (G.711, slin): a stateful decoder must see every frame. Calls may switch to
   * pull() at any time (a scenario starts listening): what is owed here is then forgotten.
   */
  account(samples: number, now: number): void {
    this.fifo.clear();
    let guard = 0;
    while (this.owed < samples && guard++ < 64) {
      const r = this.jb.get(now, (this.owed * 1000) / this.playbackRate);
      if (r.kind === 'drop') continue;
      this.lastKind = r.kind;
      if (r.kind === 'frame') { this.rxCodec = r.data.codec; this.concealRunMs = 0; }
      else if (r.kind === 'interpolate') { this.concealedMs += r.durationMs; this.concealRunMs += r.durationMs; }
      else if (r.kind === 'silence') this.comfortNoiseMs += r.durationMs;
      this.owed += Math.round((this.playbackRate * r.durationMs) / 1000);
    }
    this.owed = Math.max(0, this.owed - samples);
  }

  stats(): JitterStats {
    return this.jb.stats();
  }

  close(): void {
    this.closed = true;
    for (const d of this.decoders.values()) d.close();
    this.decoders.clear();
  }

  /** Turns one jitter-buffer decision into PCM at the decoder's rate (null: nothing to play for it). */
  private render(r: GetResult<RxPayload>): Int16Array | null {
    // Switching between decoded audio and generated audio (comfort noise, silence) is a join to smooth; the codec's
    // PLC smooths its own joins between concealment and audio.
    const generated = (k: string | undefined) => k === 'silence' || k === 'empty';
    if (r.kind !== 'drop' && this.lastKind !== undefined && generated(r.kind) !== generated(this.lastKind)) this.joinPending = true;
    if (r.kind !== 'drop') this.lastKind = r.kind;
    switch (r.kind) {
      case 'frame': {
        const decoder = this.decoders.get(r.data.codec);
        const samples = this.samplesFor(r.durationMs, decoder);
        let pcm: Int16Array;
        if (!decoder) {
          pcm = this.conceal(samples, r.durationMs);
        } else {
          try {
            pcm = decoder.decode(r.data.payload);
            this.framesDecoded++;
            this.rxCodec = r.data.codec;
            this.rate = decoder.info.sampleRate;
            this.concealRunMs = 0;
            this.floor.update(pcm);
          } catch {
            this.decodeErrors++;
            pcm = this.conceal(samples, r.durationMs);
          }
        }
        return this.emit(pcm);
      }
      case 'interpolate':
        return this.emit(this.conceal(this.samplesFor(r.durationMs), r.durationMs));
      case 'silence': {
        const level = r.levelDbov !== undefined ? -Math.abs(r.levelDbov) : this.floor.levelDbfs();
        this.comfortNoiseMs += r.durationMs;
        return this.emit(this.noise.generate(this.samplesFor(r.durationMs), level));
      }
      case 'empty':
        return this.emit(new Int16Array(this.samplesFor(r.durationMs)));
      case 'drop': {
        // A frame dropped to shrink the delay still goes through the decoder so stateful codecs (G.722, GSM)
        // stay in step; its audio is thrown away and the join is smoothed.
        if (r.data) {
          const decoder = this.decoders.get(r.data.codec);
          try {
            decoder?.decode(r.data.payload);
          } catch {
            this.decodeErrors++;
          }
        }
        this.joinPending = true;
        return null;
      }
    }
  }

  private samplesFor(durationMs: number, decoder?: AudioDecoder): number {
    const rate = decoder?.info.sampleRate ?? this.rate;
    return Math.max(0, Math.round((rate * durationMs) / 1000));
  }

  /** Codec PLC, with comfort noise fading in once the concealment itself has faded out. */
  private conceal(samples: number, durationMs: number): Int16Array {
    const decoder = this.rxCodec ? this.decoders.get(this.rxCodec) : undefined;
    let pcm: Int16Array;
    try {
      pcm = decoder ? decoder.conceal(samples) : new Int16Array(samples);
      if (pcm.length !== samples) pcm = fit(pcm, samples);
    } catch {
      pcm = new Int16Array(samples);
    }
    this.concealedMs += durationMs;
    const startMs = this.concealRunMs;
    this.concealRunMs += durationMs;
    if (this.concealRunMs > CNG_FADE_IN_START_MS) {
      const noise = this.noise.generate(samples, this.floor.levelDbfs());
      const out = new Int16Array(samples);
      for (let i = 0; i < samples; i++) {
        const tMs = startMs + (i * durationMs) / Math.max(1, samples);
        const g = Math.min(1, Math.max(0, (tMs - CNG_FADE_IN_START_MS) / CNG_FADE_IN_MS));
        const v = pcm[i] + g * noise[i];
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
      }
      pcm = out;
    }
    return pcm;
  }

  /** Smooths the join after a discontinuity, feeds the recorder tap, remembers the tail for the next join. */
  private emit(pcm: Int16Array): Int16Array {
    if (pcm.length === 0) return pcm;
    if (this.joinPending) {
      this.joinPending = false;
      const predicted = this.last + (this.last - this.beforeLast);
      const step = predicted - pcm[0];
      const n = Math.min(pcm.length, Math.max(1, Math.round((this.rate * JOIN_RAMP_MS) / 1000)));
      if (Math.abs(step) > 0) {
        const out = new Int16Array(pcm);
        for (let i = 0; i < n; i++) {
          const v = out[i] + step * (1 - i / n);
          out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
        }
        pcm = out;
      }
    }
    this.beforeLast = pcm.length > 1 ? pcm[pcm.length - 2] : this.last;
    this.last = pcm[pcm.length - 1];
    this.deps.onDecoded?.(pcm, this.rate);
    return pcm;
  }

  private toPlayback(pcm: Int16Array): Int16Array {
    if (this.rate === this.playbackRate) return pcm;
    let r = this.resamplers.get(this.rate);
    if (!r) {
      r = this.deps.resampler(this.rate, this.playbackRate);
      this.resamplers.set(this.rate, r);
    }
    return r.process(pcm);
  }
}

function fit(pcm: Int16Array, samples: number): Int16Array {
  const out = new Int16Array(samples);
  out.set(pcm.subarray(0, Math.min(samples, pcm.length)));
  return out;
}
