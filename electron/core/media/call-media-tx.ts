// Send side of a call: capture frames at the device rate → resample to the codec rate → codec-sized frames →
// optional processor (AEC / NS / AGC, with the far-end reference) → input gain → level meter → mute → encoder →
// send(payload, durationMs). Pure; the capture device's callbacks pace it (stack-notes §1.5: never a timer).
import type { AudioEncoder } from './codec.js';
import { SampleFifo } from './call-media-fifo.js';
import { DeviceClockTracker, FarReference, readRatioFor } from './call-media-far-reference.js';
import type { FrameProcessor, StreamResampler } from './call-media-types.js';
import { LevelMeter, applyGain, dbToGain } from './levels.js';

/** Far-end reference kept for the processor: at most this much (older audio is useless to an echo canceller). */
const FAR_REFERENCE_MAX_MS = 200;
/** After the reference ran dry, it is read this far behind the newest audio (far-reference.ts). */
const FAR_REFERENCE_CUSHION_MS = 2;
/** No capture callback for this long while the speaker ran: the far reference is paired afresh. */
const CAPTURE_GAP_MS = 200;

export interface TxDeps {
  readonly send: (payload: Uint8Array, durationMs: number) => void;
  readonly resampler: (fromRate: number, toRate: number) => StreamResampler;
  /** Tap for the recorder: what we send, at the codec rate. */
  readonly onSent?: (pcm: Int16Array, sampleRate: number) => void;
}

export class SendPath {
  private readonly fifo = new SampleFifo();
  private readonly far: FarReference;
  /** Device clocks (speaker, microphone) against the monotonic clock: drift between them is followed (AEC only). */
  private speakerClock: { rate: number; clock: DeviceClockTracker } | undefined;
  private readonly micClock: DeviceClockTracker;
  private lastCaptureMs: number | undefined;
  private captureResampler: StreamResampler | undefined;
  private farResampler: StreamResampler | undefined;
  private farRate = 0;
  private readonly frameSamples: number;
  readonly meter: LevelMeter;
  processor: FrameProcessor | undefined;
  gainDb = 0;
  muted = false;
  framesSent = 0;
  encodeErrors = 0;
  processorErrors = 0;

  constructor(private readonly deps: TxDeps, private readonly encoder: AudioEncoder, private readonly captureRate: number) {
    this.frameSamples = (encoder.info.sampleRate * encoder.info.frameMs) / 1000;
    this.meter = new LevelMeter(encoder.info.sampleRate);
    this.far = new FarReference(
      Math.round((encoder.info.sampleRate * FAR_REFERENCE_MAX_MS) / 1000), Math.round((encoder.info.sampleRate * FAR_REFERENCE_CUSHION_MS) / 1000));
    this.micClock = new DeviceClockTracker(captureRate);
    if (captureRate !== encoder.info.sampleRate) this.captureResampler = deps.resampler(captureRate, encoder.info.sampleRate);
  }

  get codecRate(): number {
    return this.encoder.info.sampleRate;
  }

  /** A capture callback's frame; `nowMs` (monotonic) lets the far reference follow the two devices' clocks. */
  capture(pcm: Int16Array, nowMs?: number): void {
    if (nowMs !== undefined && this.processor) {
      // The microphone paused while the speaker ran on (held call, reopened device): pair the reference afresh.
      if (this.lastCaptureMs !== undefined && nowMs - this.lastCaptureMs > CAPTURE_GAP_MS) this.far.resync();
      this.lastCaptureMs = nowMs;
      this.micClock.observe(pcm.length, nowMs);
    }
    this.fifo.push(this.captureResampler ? this.captureResampler.process(pcm) : pcm);
    while (this.fifo.length >= this.frameSamples) this.sendFrame(this.fifo.take(this.frameSamples));
  }

  /** What the speaker just played (device rate): the echo canceller's reference. Kept only while a processor is set. */
  farEnd(pcm: Int16Array, rate: number, nowMs?: number): void {
    if (!this.processor) return;
    if (nowMs !== undefined) {
      if (this.speakerClock?.rate !== rate) this.speakerClock = { rate, clock: new DeviceClockTracker(rate) };
      this.speakerClock.clock.observe(pcm.length, nowMs);
    }
    if (rate !== this.codecRate) {
      if (!this.farResampler || this.farRate !== rate) {
        this.farResampler = this.deps.resampler(rate, this.codecRate);
        this.farRate = rate;
      }
      pcm = this.farResampler.process(pcm);
    }
    this.far.push(pcm);
  }

  /** The far reference's read ratio (speaker clock / microphone clock) and upsets, for diagnostics. */
  farReferenceStats(): { ratio: number; fill: number; underflows: number; overflows: number } {
    const f = this.far;
    return { ratio: f.readRatio, fill: f.fill, underflows: f.underflows, overflows: f.overflows };
  }

  close(): void {
    this.encoder.close();
  }

  private sendFrame(frame: Int16Array): void {
    let near = frame;
    if (this.processor) {
      if (this.speakerClock) this.far.setRatio(readRatioFor(this.speakerClock.clock, this.micClock));
      const reference = this.far.take(near.length);
      try {
        const processed = this.processor.process(near, reference);
        if (processed.length === near.length) near = processed;
        else this.processorErrors++;
      } catch {
        this.processorErrors++;
      }
    }
    near = applyGain(near, dbToGain(this.gainDb));
    this.meter.update(near);
    if (this.muted) near = new Int16Array(near.length);
    this.deps.onSent?.(near, this.codecRate);
    let payload: Uint8Array;
    try {
      payload = this.encoder.encode(near);
    } catch {
      this.encodeErrors++;
      return;
    }
    this.framesSent++;
    this.deps.send(payload, this.encoder.info.frameMs);
  }
}
