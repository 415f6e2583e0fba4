// The per-call media pipeline: everything between a CallHandle and the sound devices, pure and clock-injected.
//
//   RX  CallHandle 'voice' → receive() → jitter buffer → decoder / PLC / comfort noise → resample to the device
//       → output gain, mute, meter → pull() (PlaybackStream.setSource: one device frame per call, never short)
//   TX  CaptureStream.onFrame → capture() → resample to the codec → [FrameProcessor: AEC/NS/AGC] → input gain,
//       meter, mute → encoder → send(payload, durationMs) (CallHandle.sendVoice)
//   Recording taps both directions at the codec rate (mixed or stereo).
import { ReceivePath } from './call-media-rx.js';
import { CallRecorder } from './call-media-recorder.js';
import { SendPath } from './call-media-tx.js';
import type {
  CallMediaOptions, CallMediaStats, FrameProcessor, MediaSource, RecordingFormat, RecordingLayout, RecordingSink,
  StreamResampler, VoiceFrame,
} from './call-media-types.js';
import { payloadDurationMs } from './codecs/payload-duration.js';
import { codecFactory } from './codecs/registry.js';
import { Resampler } from './dsp/resample.js';
import { LevelMeter, applyGain, dbToGain } from './levels.js';

export type MediaDirection = 'input' | 'output';

export class CallMedia {
  private readonly rx: ReceivePath;
  private readonly tx: SendPath;
  private readonly outputMeter: LevelMeter;
  private readonly makeResampler: (from: number, to: number) => StreamResampler;
  private recorder: CallRecorder | undefined;
  private recorderRemoteResampler: { rate: number; r: StreamResampler } | undefined;
  private outputGainDb = 0;
  private outputMuted = false;
  private pipelineErrors = 0;
  private closed = false;

  private constructor(private readonly options: CallMediaOptions, rx: ReceivePath, tx: SendPath, makeResampler: (from: number, to: number) => StreamResampler) {
    this.rx = rx;
    this.tx = tx;
    this.makeResampler = makeResampler;
    this.outputMeter = new LevelMeter(options.playbackRate);
  }

  /** Creates the codec's encoder and decoder (async: some codecs load WASM) and the two paths. */
  static async create(options: CallMediaOptions): Promise<CallMedia> {
    for (const [name, v] of [['playbackRate', options.playbackRate], ['playbackFrameSamples', options.playbackFrameSamples], ['captureRate', options.captureRate]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`call media: ${name} must be a positive integer, got ${v}`);
    }
    const codecs = options.codecs ?? codecFactory;
    const makeResampler = options.resampler ?? ((from: number, to: number): StreamResampler => new Resampler(from, to));
    const factory = codecs(options.codec);
    const encoder = await factory.createEncoder();
    let media: CallMedia | undefined;
    const rx = new ReceivePath(
      {
        codecs,
        resampler: makeResampler,
        payloadDurationMs: options.payloadDurationMs ?? payloadDurationMs,
        jitter: options.jitter,
        noiseSeed: options.noiseSeed,
        onDecoded: (pcm, rate) => media?.recordRemote(pcm, rate),
      },
      options.playbackRate,
      factory.info.sampleRate,
    );
    await rx.prepare(options.codec);
    const tx = new SendPath(
      { send: options.send, resampler: makeResampler, onSent: (pcm) => media?.recorder?.addLocal(pcm) },
      encoder,
      options.captureRate,
    );
    tx.processor = options.processor;
    media = new CallMedia(options, rx, tx, makeResampler);
    return media;
  }

  /** Feeds a received voice frame (CallHandle 'voice' event). Bad frames are counted, never thrown. */
  receive(frame: VoiceFrame): void {
    if (this.closed) return;
    try {
      this.rx.receive(frame.codec, frame.timestamp, frame.payload, this.options.now());
    } catch {
      this.pipelineErrors++;
    }
  }

  /** A received CNG frame (IAX2 frame type 10; its subclass is the level in −dBov). */
  receiveComfortNoise(timestamp: number, levelDbov: number): void {
    if (this.closed) return;
    this.rx.receiveComfortNoise(timestamp, levelDbov, this.options.now());
  }

  /** Subscribes to the call's voice and CNG events; returns the unsubscribe function. */
  connect(call: MediaSource): () => void {
    const offs = [
      call.on('voice', (frame) => this.receive(frame)),
      call.on('cng', (c) => this.receiveComfortNoise(c.timestamp, c.levelDbov)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** One playback frame of exactly playbackFrameSamples samples. Never blocks, never throws, never short. */
  pull(): Int16Array {
    const n = this.options.playbackFrameSamples;
    if (this.closed) return new Int16Array(n);
    let out: Int16Array;
    try {
      out = this.rx.pull(n, this.options.now());
      if (out.length !== n) out = new Int16Array(n);
    } catch {
      this.pipelineErrors++;
      out = new Int16Array(n);
    }
    out = this.outputMuted ? new Int16Array(n) : applyGain(out, dbToGain(this.outputGainDb));
    this.outputMeter.update(out);
    try {
      this.tx.farEnd(out, this.options.playbackRate, this.options.now());
    } catch {
      this.pipelineErrors++;
    }
    return out;
  }

  /** One capture frame (any length) at captureRate. */
  capture(pcm: Int16Array): void {
    if (this.closed) return;
    try {
      this.tx.capture(pcm, this.options.now());
    } catch {
      this.pipelineErrors++;
    }
  }

  setMuted(direction: MediaDirection, muted: boolean): void {
    if (direction === 'input') this.tx.muted = muted;
    else this.outputMuted = muted;
  }

  /** Gain in dB (0 = unchanged); output saturates rather than wraps. */
  setGainDb(direction: MediaDirection, db: number): void {
    if (!Number.isFinite(db)) throw new Error(`call media: ${direction} gain must be a finite number of dB`);
    if (direction === 'input') this.tx.gainDb = db;
    else this.outputGainDb = db;
  }

  /** Plug in (or remove) the capture-side processor (echo canceller, noise suppressor, AGC). */
  setProcessor(processor: FrameProcessor | undefined): void {
    this.tx.processor = processor;
  }

  /** The echo canceller's far reference: read ratio (speaker clock / microphone clock), fill and upsets. */
  farReferenceStats(): { ratio: number; fill: number; underflows: number; overflows: number } {
    return this.tx.farReferenceStats();
  }

  /** Starts recording both directions at the sent codec's rate; returns the format the sink was opened with. */
  startRecording(sink: RecordingSink, layout: RecordingLayout = 'stereo'): RecordingFormat {
    this.stopRecording();
    this.recorder = new CallRecorder(sink, layout, this.tx.codecRate);
    this.recorderRemoteResampler = undefined;
    return this.recorder.format;
  }

  stopRecording(): void {
    const r = this.recorder;
    this.recorder = undefined;
    r?.stop();
  }

  stats(): CallMediaStats {
    return {
      txCodec: this.options.codec,
      rxCodec: this.rx.rxCodec,
      jitter: this.rx.stats(),
      framesReceived: this.rx.framesReceived,
      framesDecoded: this.rx.framesDecoded,
      decodeErrors: this.rx.decodeErrors,
      framesRejected: this.rx.framesRejected,
      concealedMs: this.rx.concealedMs,
      comfortNoiseMs: this.rx.comfortNoiseMs,
      framesSent: this.tx.framesSent,
      encodeErrors: this.tx.encodeErrors,
      processorErrors: this.tx.processorErrors,
      pipelineErrors: this.pipelineErrors,
      input: { level: this.tx.meter.reading(), muted: this.tx.muted, gainDb: this.tx.gainDb },
      output: { level: this.outputMeter.reading(), muted: this.outputMuted, gainDb: this.outputGainDb },
      recording: this.recorder !== undefined,
    };
  }

  /** Stops recording and releases the codecs. pull() keeps returning silence afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopRecording();
    this.rx.close();
    this.tx.close();
  }

  private recordRemote(pcm: Int16Array, rate: number): void {
    const rec = this.recorder;
    if (!rec) return;
    if (rate !== rec.sampleRate) {
      if (!this.recorderRemoteResampler || this.recorderRemoteResampler.rate !== rate) {
        this.recorderRemoteResampler = { rate, r: this.makeResampler(rate, rec.sampleRate) };
      }
      pcm = this.recorderRemoteResampler.r.process(pcm);
    }
    rec.addRemote(pcm);
  }
}

export type {
  CallMediaOptions, CallMediaStats, FrameProcessor, RecordingFormat, RecordingLayout, RecordingSink, StreamResampler,
} from './call-media-types.js';
