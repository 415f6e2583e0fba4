// The public vocabulary of the per-call media pipeline (call-media.ts).
import type { CodecFactory, CodecName } from './codec.js';
import type { JitterSettings, JitterStats } from './jitter/types.js';
import type { LevelReading } from './levels.js';

/**
 * A capture-side processing stage (echo canceller, noise suppressor, AGC) at the codec's rate, one codec frame at a
 * time. `farReference` is what the speaker played most recently, resampled to the same rate and length (for AEC).
 * It must return a frame of the same length; it may return `near` itself.
 */
export interface FrameProcessor {
  process(near: Int16Array, farReference?: Int16Array): Int16Array;
}

/** One received voice payload, in the order the call delivered it (the engine's CallHandle 'voice' event is one). */
export interface VoiceFrame {
  readonly codec: CodecName;
  /** Un-wrapped 32-bit sender timestamp in ms (spec §4.7). */
  readonly timestamp: number;
  /** A view into the received datagram (never reused, ports.ts UdpSocketPort): keep it if needed, never modify it. */
  readonly payload: Uint8Array;
}

/** A comfort-noise frame: silence at this level in -dBov (spec §2.4); timestamp as for voice. */
export interface ComfortNoise {
  readonly timestamp: number;
  readonly levelDbov: number;
}

/** A call's received media as CallMedia.connect() follows it (the engine's CallHandle is one). */
export interface MediaSource {
  on(event: 'voice', listener: (frame: VoiceFrame) => void): () => void;
  on(event: 'cng', listener: (cng: ComfortNoise) => void): () => void;
}

/**
 * What the jitter buffer knows about reception better than the protocol: the RR IEs of the PONGs the engine sends
 * (spec §2.2 PONG, IEs 46-51). Fields left out fall back to the engine's own estimates.
 */
export interface ReceptionReport {
  readonly jitterMs?: number;
  readonly lossPercent?: number;
  readonly framesLost?: number;
  readonly framesReceived?: number;
  /** Current playout (jitter buffer) delay, RR_DELAY. */
  readonly delayMs?: number;
  /** Frames dropped by the jitter buffer (late), RR_DROPPED. */
  readonly dropped?: number;
  readonly outOfOrder?: number;
}

export type RecordingLayout = 'mixed' | 'stereo';

export interface RecordingFormat {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
}

/** Where a call recording goes (a WAV writer in the adapters). Stereo is interleaved: left = local, right = remote. */
export interface RecordingSink {
  open(format: RecordingFormat): void;
  write(samples: Int16Array): void;
  close(): void;
}

export interface StreamRates {
  /** Device rate of the playback stream (PlaybackStream.sampleRate). */
  readonly playbackRate: number;
  /** Samples per pull() (PlaybackStream.frameSamples). */
  readonly playbackFrameSamples: number;
  /** Device rate of the capture stream (CaptureStream.sampleRate). */
  readonly captureRate: number;
}

/** Streaming sample-rate converter, state kept between calls (dsp/resample.ts's Resampler fits). */
export interface StreamResampler {
  process(input: Int16Array): Int16Array;
}

export interface CallMediaOptions extends StreamRates {
  /** The negotiated codec we send (CallHandle.codec). Received frames carry their own codec. */
  readonly codec: CodecName;
  /** Monotonic ms (Clock.now()). */
  readonly now: () => number;
  /** CallHandle.sendVoice. */
  readonly send: (payload: Uint8Array, durationMs: number) => void;
  readonly jitter?: Partial<JitterSettings>;
  /** Codec lookup; defaults to codecs/registry.ts codecFactory. */
  readonly codecs?: (name: CodecName) => CodecFactory;
  /** Resampler factory; defaults to dsp/resample.ts. */
  readonly resampler?: (fromRate: number, toRate: number) => StreamResampler;
  /** Spec §6.6 duration of a received payload; defaults to codecs/payload-duration.ts. */
  readonly payloadDurationMs?: (codec: CodecName, payload: Uint8Array) => number;
  readonly processor?: FrameProcessor;
  /** Seed of the comfort-noise generator (tests). */
  readonly noiseSeed?: number;
}

export interface DirectionStats {
  readonly level: LevelReading;
  readonly muted: boolean;
  readonly gainDb: number;
}

export interface CallMediaStats {
  readonly txCodec: CodecName;
  /** Codec of the last received frame. */
  readonly rxCodec?: CodecName;
  /** Jitter buffer: jitterMs, currentDelayMs (IAX2 RR_DELAY), late, lost, dropped, outOfOrder, lossPercent, ... */
  readonly jitter: JitterStats;
  readonly framesReceived: number;
  readonly framesDecoded: number;
  readonly decodeErrors: number;
  /** Received frames with a malformed payload or an unsupported codec (never reach the buffer). */
  readonly framesRejected: number;
  /** ms of packet-loss concealment played. */
  readonly concealedMs: number;
  /** ms of comfort noise played. */
  readonly comfortNoiseMs: number;
  readonly framesSent: number;
  readonly encodeErrors: number;
  readonly processorErrors: number;
  /** Internal errors caught in pull()/capture() (the output still got a frame). */
  readonly pipelineErrors: number;
  /** Local side (microphone → network): level after input gain, before mute. */
  readonly input: DirectionStats;
  /** Remote side (network → speaker): level of what is played, after output gain and mute. */
  readonly output: DirectionStats;
  readonly recording: boolean;
}
