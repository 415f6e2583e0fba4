// A fake sound card paced by a real timer (stack-notes §1.4: ALSA null/file PCMs run as fast as the CPU
// allows, so timing tests need a device that keeps real time). Capture delivers one frame per period
// from a feedable source; playback pulls one frame per period and records each with its due and actual
// time. Used by timing tests ("a blocked main thread must not glitch the call"), by the engine worker,
// and by the CLI's `--input-device fake` / `--output-device fake`.

import type {
  AudioDeviceInfo, AudioSystem, CaptureStream, OpenStreamOptions, PlaybackStream,
} from '../../core/media/audio-ports.js';
import { FramePacer, REAL_TIMERS, type FrameTiming, type PacerTimers } from './frame-pacer.js';
import { fitFrame, silenceSource, type PcmSource } from './pcm-sources.js';

export const FAKE_HOST_API = 'Fake';
export const FAKE_DEVICE_NAME = 'Paced fake device';

export interface PacedFakeOptions {
  /** Rate the fake device runs at when the caller asks for none (a real card's default is usually 48 kHz). */
  readonly deviceRate?: number;
  /** What enumeration returns (one fake duplex device by default). */
  readonly devices?: readonly AudioDeviceInfo[];
  /** Creates the microphone signal for each capture stream opened. Silence by default. */
  readonly captureSource?: (sampleRate: number) => PcmSource;
  /** Keys whose open() fails, as an unplugged or busy device would. */
  readonly unavailableKeys?: readonly string[];
  /** Keep every played frame's audio (default true); timing records are always kept. */
  readonly keepPlayedAudio?: boolean;
  readonly timers?: PacerTimers;
}

export function fakeDevice(name = FAKE_DEVICE_NAME, extra: Partial<AudioDeviceInfo> = {}): AudioDeviceInfo {
  return {
    key: `${FAKE_HOST_API}::${name}`, name, hostApi: FAKE_HOST_API, maxInputChannels: 1, maxOutputChannels: 2,
    defaultSampleRate: 48_000, isDefaultInput: true, isDefaultOutput: true, ...extra,
  };
}

type ErrorListener = (error: Error) => void;

/**
 * How much history a stream keeps (timings, played audio): the last minute. Diagnostics and tests read recent
 * frames; a harness or `redial --output-device fake` running for hours must not keep every frame it ever played
 * (≈ 0.35 GiB per hour of talk when it did).
 */
export const HISTORY_FRAMES = 3000;
/** Closed streams an AudioSystem still lists (for diagnostics after a call); older ones are forgotten. */
const CLOSED_STREAMS_KEPT = 8;

/** Drops the oldest entries once a list is a quarter over `limit` (amortised, so pushes stay cheap). */
function trimHistory<T>(list: T[], limit: number): void {
  if (list.length > limit * 1.25) list.splice(0, list.length - limit);
}

abstract class PacedStream {
  readonly frameSamples: number;
  /** The last HISTORY_FRAMES frame timings. */
  readonly timings: FrameTiming[] = [];
  /** Frames ticked since the stream opened (timings keeps only the recent ones). */
  protected ticks = 0;
  protected readonly pacer: FramePacer;
  private readonly errorListeners = new Set<ErrorListener>();
  private closed: Promise<void> | null = null;
  private failed = false;

  constructor(readonly sampleRate: number, readonly frameMs: number, readonly device: AudioDeviceInfo | null,
              timers: PacerTimers) {
    this.frameSamples = Math.round((sampleRate * frameMs) / 1000);
    this.pacer = new FramePacer(frameMs, (t) => {
      this.ticks++;
      this.timings.push(t);
      trimHistory(this.timings, HISTORY_FRAMES);
      this.onTick(t);
    }, timers);
  }

  protected abstract onTick(timing: FrameTiming): void;

  get isClosed(): boolean { return this.closed !== null; }

  onError(receive: ErrorListener): void { this.errorListeners.add(receive); }

  /** Test hook: the device vanished. onError fires once and the stream closes. */
  simulateFailure(error = new Error('the sound device was disconnected')): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    for (const l of this.errorListeners) { try { l(error); } catch { /* listener errors stay local */ } }
    void this.close();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.pacer.stop();
      this.closed = Promise.resolve();
    }
    return this.closed;
  }

  /** Lateness of each frame (actual - due), ms. */
  latenessMs(): number[] { return this.timings.map((t) => t.actualMs - t.dueMs); }
}

export class PacedCaptureStream extends PacedStream implements CaptureStream {
  private readonly listeners = new Set<(pcm: Int16Array) => void>();

  constructor(sampleRate: number, frameMs: number, device: AudioDeviceInfo | null, private source: PcmSource,
              timers: PacerTimers) {
    super(sampleRate, frameMs, device, timers);
    this.pacer.start();
  }

  onFrame(receive: (pcm: Int16Array) => void): void { this.listeners.add(receive); }

  /** Replaces what the "microphone" hears from the next frame on. */
  setSource(source: PcmSource): void { this.source = source; }
  get sourceEnded(): boolean { return this.source.ended === true; }

  protected onTick(): void {
    let pcm: Int16Array;
    try { pcm = fitFrame(this.source.read(this.frameSamples), this.frameSamples).pcm; } catch { pcm = new Int16Array(this.frameSamples); }
    for (const l of this.listeners) { try { l(pcm); } catch { /* a consumer's bug must not stop capture */ } }
  }
}

export class PacedPlaybackStream extends PacedStream implements PlaybackStream {
  private pull: () => Int16Array;
  private readonly frames: Int16Array[] = [];
  /** Frames the source returned with the wrong length (padded or cut) or threw on. */
  badFrames = 0;

  constructor(sampleRate: number, frameMs: number, device: AudioDeviceInfo | null, private readonly keepAudio: boolean,
              timers: PacerTimers) {
    super(sampleRate, frameMs, device, timers);
    const silence = new Int16Array(this.frameSamples);
    this.pull = () => silence;
    this.pacer.start();
  }

  setSource(pull: () => Int16Array): void { this.pull = pull; }

  protected onTick(): void {
    let pcm: Int16Array;
    try {
      const fitted = fitFrame(this.pull(), this.frameSamples);
      if (fitted.fitted) this.badFrames++;
      pcm = fitted.pcm;
    } catch {
      this.badFrames++;
      pcm = new Int16Array(this.frameSamples);
    }
    this.onPlayed(pcm);
  }

  /** Receives exactly the frame the device "played" (after fitting and error handling). */
  protected onPlayed(pcm: Int16Array): void {
    if (!this.keepAudio) return;
    this.frames.push(pcm.slice());
    trimHistory(this.frames, HISTORY_FRAMES);
  }

  /** What was "played" (the last HISTORY_FRAMES frames at most), concatenated. */
  playedAudio(): Int16Array {
    const out = new Int16Array(this.frames.length * this.frameSamples);
    this.frames.forEach((f, i) => out.set(f, i * this.frameSamples));
    return out;
  }

  get framesPlayed(): number { return this.ticks; }
}

export class PacedFakeAudioSystem implements AudioSystem {
  readonly captures: PacedCaptureStream[] = [];
  readonly playbacks: PacedPlaybackStream[] = [];
  private readonly devices: readonly AudioDeviceInfo[];
  private readonly timers: PacerTimers;

  constructor(private readonly options: PacedFakeOptions = {}) {
    this.devices = options.devices ?? [fakeDevice(FAKE_DEVICE_NAME, { defaultSampleRate: options.deviceRate ?? 48_000 })];
    this.timers = options.timers ?? REAL_TIMERS;
  }

  async listDevices(): Promise<AudioDeviceInfo[]> { return [...this.devices]; }

  private pick(options: OpenStreamOptions, input: boolean): { device: AudioDeviceInfo | null; rate: number; frameMs: number } {
    const key = options.deviceKey;
    if (key !== null && this.options.unavailableKeys?.includes(key)) {
      throw new Error(`sound device ${key} is not available`);
    }
    const can = (d: AudioDeviceInfo) => (input ? d.maxInputChannels > 0 : d.maxOutputChannels > 0);
    let device: AudioDeviceInfo | null;
    if (key === null) {
      device = this.devices.find((d) => can(d) && (input ? d.isDefaultInput : d.isDefaultOutput)) ?? this.devices.find(can) ?? null;
    } else {
      device = this.devices.find((d) => d.key === key && can(d)) ?? null;
      if (!device) throw new Error(`sound device ${key} not found`);
    }
    const rate = options.sampleRate ?? device?.defaultSampleRate ?? this.options.deviceRate ?? 48_000;
    if (!(rate >= 1000 && rate <= 384_000)) throw new Error(`unsupported sample rate ${rate}`);
    return { device, rate, frameMs: options.frameMs ?? 20 };
  }

  async openCapture(options: OpenStreamOptions): Promise<PacedCaptureStream> {
    const { device, rate, frameMs } = this.pick(options, true);
    const source = this.options.captureSource?.(rate) ?? silenceSource();
    const s = new PacedCaptureStream(rate, frameMs, device, source, this.timers);
    this.captures.push(s);
    forgetClosed(this.captures);
    return s;
  }

  async openPlayback(options: OpenStreamOptions): Promise<PacedPlaybackStream> {
    const { device, rate, frameMs } = this.pick(options, false);
    const s = new PacedPlaybackStream(rate, frameMs, device, this.options.keepPlayedAudio ?? true, this.timers);
    this.playbacks.push(s);
    forgetClosed(this.playbacks);
    return s;
  }

  /** Closes every stream this system opened. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.captures, ...this.playbacks].map((s) => s.close()));
  }
}

/** Timing summary for tests and benchmarks. */
/** Keeps every open stream and the last CLOSED_STREAMS_KEPT closed ones. */
function forgetClosed(streams: PacedStream[]): void {
  let closed = streams.filter((x) => x.isClosed).length;
  for (let i = 0; i < streams.length && closed > CLOSED_STREAMS_KEPT; ) {
    if (streams[i]?.isClosed) { streams.splice(i, 1); closed--; } else i++;
  }
}

export function timingStats(timings: readonly FrameTiming[], frameMs: number): {
  frames: number; maxLateMs: number; meanLateMs: number; p99LateMs: number; lateFrames: number;
} {
  const late = timings.map((t) => t.actualMs - t.dueMs).sort((a, b) => a - b);
  const n = late.length;
  return {
    frames: n,
    maxLateMs: n ? late[n - 1] : 0,
    meanLateMs: n ? late.reduce((a, b) => a + b, 0) / n : 0,
    p99LateMs: n ? late[Math.min(n - 1, Math.floor(n * 0.99))] : 0,
    /** Frames more than one period late: with a 2-frame device buffer, those are audible gaps. */
    lateFrames: late.filter((l) => l > frameMs).length,
  };
}
