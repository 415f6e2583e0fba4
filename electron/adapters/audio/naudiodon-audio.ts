// Sound devices through PortAudio via naudiodon (stack-notes §1). Every choice here answers a trap
// documented there:
//  - two half-duplex streams, never one duplex stream: in duplex mode one PortAudio callback serves
//    both directions, so a starved output would stall capture (stack-notes §1.2 item 2);
//  - every option explicit: naudiodon defaults to 8-bit stereo 44.1 kHz, a 16 KB (512 ms) chunk and
//    closeOnError:true, which kills the stream on the first underrun (stack-notes §1.2 items 4-5);
//    note the spelling `highwaterMark` (a Node-style `highWaterMark` is silently ignored);
//  - the output is pull-driven and never left empty: naudiodon's PortAudio callback BLOCKS on an empty
//    queue instead of playing silence (stack-notes §1.2 item 2), so we prime the queue and refill it on each write
//    callback, pulling from the source (silence when it has nothing);
//  - devices are identified by host API + name, never by PortAudio index (stack-notes §1.2 item 8);
//  - naudiodon is loaded lazily, so the core and the tests that don't need sound never load the addon.
//
// The device runs at its own default rate unless the requested rate opens; the stream reports the
// real rate and the media pipeline resamples. Errors go to onError; close() is idempotent.

import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type {
  AudioDeviceInfo, AudioSystem, CaptureStream, OpenStreamOptions, PlaybackStream,
} from '../../core/media/audio-ports.js';
import { uniqueDeviceKeys } from '../../core/media/devices/device-key.js';
import { Pcm16Rechunker, pcm16ToBuffer } from './pcm-rechunker.js';
import { fitFrame } from './pcm-sources.js';

// ---- the slice of naudiodon's API we use (its index.d.ts, restated so the type import stays optional)

export interface PaDeviceInfo {
  readonly id: number;
  readonly name: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  readonly hostAPIName: string;
}
export interface PaHostApis {
  readonly defaultHostAPI: number;
  readonly HostAPIs: ReadonlyArray<{ readonly id: number; readonly name: string; readonly defaultInput: number; readonly defaultOutput: number }>;
}
export interface PaStreamOptions {
  deviceId: number; sampleRate: number; channelCount: number; sampleFormat: number;
  maxQueue: number; framesPerBuffer: number; highwaterMark: number; closeOnError: boolean;
}
export interface PaIoStream extends EventEmitter {
  start(): void;
  quit(cb?: () => void): unknown;
  write(chunk: Buffer, cb?: (err?: unknown) => void): boolean;
}
export interface NaudiodonModule {
  readonly SampleFormat16Bit: number;
  getDevices(): PaDeviceInfo[];
  getHostAPIs(): PaHostApis;
  AudioIO(options: { inOptions: PaStreamOptions } | { outOptions: PaStreamOptions }): PaIoStream;
}

let loaded: NaudiodonModule | null = null;
/** Loads the native addon on first use (the segfault-handler it requires is stubbed in native/). */
export function loadNaudiodon(): NaudiodonModule {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require('naudiodon') as NaudiodonModule;
  }
  return loaded;
}

// ---- options

export interface NaudiodonAudioOptions {
  /** How to load naudiodon (tests and packaging can point elsewhere). */
  readonly load?: () => NaudiodonModule;
  /** Told when a chosen device was missing or refused and another one is used. */
  readonly onNotice?: (message: string) => void;
  /** Frames queued towards the output callback (native maxQueue). 2 = 40 ms of cushion. */
  readonly outputQueueFrames?: number;
  /**
   * Native capture queue. Normally empty (a read is always waiting); a bigger queue only absorbs
   * a slow consumer before the PortAudio input callback would block.
   */
  readonly inputQueueFrames?: number;
  /** A stream that delivers/accepts nothing for this long is reported as failed (device gone). 0 = off. */
  readonly watchdogMs?: number;
  /** How long close() waits for PortAudio to stop before giving up on it. */
  readonly closeTimeoutMs?: number;
}

const DEFAULTS = { outputQueueFrames: 2, inputQueueFrames: 4, watchdogMs: 2000, closeTimeoutMs: 3000 };

type Role = 'microphone' | 'speaker';

interface OpenedIo {
  readonly io: PaIoStream;
  readonly rate: number;
  readonly frameSamples: number;
  readonly device: AudioDeviceInfo | null;
  readonly notice?: string;
}

// ---- the streams

abstract class NaudiodonStream {
  private readonly errorListeners = new Set<(e: Error) => void>();
  private closing: Promise<void> | null = null;
  private failed = false;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  protected lastActivity = Date.now();
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly device: AudioDeviceInfo | null;
  /** Set when this stream is not on the device that was asked for. */
  readonly notice?: string;
  protected readonly io: PaIoStream;

  constructor(opened: OpenedIo, private readonly config: typeof DEFAULTS, private readonly stallMessage: string) {
    this.io = opened.io;
    this.sampleRate = opened.rate;
    this.frameSamples = opened.frameSamples;
    this.device = opened.device;
    this.notice = opened.notice;
    this.io.on('error', (err: unknown) => this.fail(toError(err)));
  }

  get isClosed(): boolean { return this.closing !== null; }

  onError(receive: (error: Error) => void): void { this.errorListeners.add(receive); }

  protected startWatchdog(): void {
    if (this.config.watchdogMs <= 0) return;
    const period = Math.max(50, this.config.watchdogMs / 4);
    this.lastActivity = Date.now();
    let lastTick = Date.now();
    this.watchdog = setInterval(() => {
      const now = Date.now();
      // If this check itself ran late, our own event loop was blocked and the device's callbacks are
      // merely queued behind it: not a dead device. Start counting again.
      if (now - lastTick > period * 2) this.lastActivity = now;
      lastTick = now;
      if (now - this.lastActivity > this.config.watchdogMs) this.fail(new Error(this.stallMessage));
    }, period);
    this.watchdog.unref?.();
  }

  protected fail(error: Error): void {
    if (this.failed || this.closing) return;
    this.failed = true;
    for (const l of this.errorListeners) { try { l(error); } catch { /* a listener's bug stays there */ } }
    void this.close();
  }

  close(): Promise<void> {
    if (!this.closing) {
      if (this.watchdog) clearInterval(this.watchdog);
      this.watchdog = null;
      this.beforeClose();
      this.closing = quitStream(this.io, this.config.closeTimeoutMs);
    }
    return this.closing;
  }

  protected beforeClose(): void {}
}

/** naudiodon's quit() ('WAIT': drain, stop, close, Pa_Terminate), bounded by a timeout. Called once. */
function quitStream(io: PaIoStream, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref?.();
    const done = () => { clearTimeout(timer); resolve(); };
    try {
      const r = io.quit(done);
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(done);
    } catch {
      done();
    }
  });
}

export class NaudiodonCaptureStream extends NaudiodonStream implements CaptureStream {
  private readonly listeners = new Set<(pcm: Int16Array) => void>();
  private readonly rechunker: Pcm16Rechunker;
  framesCaptured = 0;

  constructor(opened: OpenedIo, config: typeof DEFAULTS) {
    super(opened, config, 'The microphone stopped delivering audio (was it disconnected?)');
    this.rechunker = new Pcm16Rechunker(this.frameSamples, (frame) => {
      this.framesCaptured++;
      for (const l of this.listeners) { try { l(frame); } catch { /* a consumer's bug must not stop capture */ } }
    });
    this.io.on('data', (chunk: Buffer) => {
      if (this.isClosed) return;
      this.lastActivity = Date.now();
      this.rechunker.push(chunk);
    });
  }

  onFrame(receive: (pcm: Int16Array) => void): void { this.listeners.add(receive); }

  /** @internal started by the AudioSystem once wired. */
  begin(): void {
    this.io.start();
    this.startWatchdog();
  }
}

export class NaudiodonPlaybackStream extends NaudiodonStream implements PlaybackStream {
  private pull: () => Int16Array;
  private stopped = false;
  private readonly silence: Int16Array;
  framesWritten = 0;
  /** Frames the source got wrong (threw, or wrong length) and that were fixed up. */
  badFrames = 0;

  constructor(opened: OpenedIo, config: typeof DEFAULTS, private readonly queueFrames: number) {
    super(opened, config, 'The speaker stopped taking audio (was it disconnected?)');
    this.silence = new Int16Array(this.frameSamples);
    this.pull = () => this.silence;
  }

  setSource(pull: () => Int16Array): void { this.pull = pull; }

  /**
   * @internal Prime the native queue with silence so the PortAudio callback never starts empty, start
   * the device, then keep exactly one more write pending: each completed write (a slot freed by the
   * callback) pulls and writes the next frame.
   */
  async begin(): Promise<void> {
    await Promise.all(Array.from({ length: this.queueFrames }, () => this.writeFrame(this.silence)));
    if (this.stopped) return;
    this.io.start();
    this.startWatchdog();
    this.pump();
  }

  private writeFrame(frame: Int16Array): Promise<void> {
    return new Promise<void>((resolve) => {
      this.io.write(pcm16ToBuffer(frame), (err) => {
        if (err) this.fail(toError(err));
        resolve();
      });
    });
  }

  private pump(): void {
    if (this.stopped) return;
    const frame = this.nextFrame();
    this.io.write(pcm16ToBuffer(frame), (err) => {
      this.lastActivity = Date.now();
      if (err) return this.fail(toError(err));
      this.framesWritten++;
      this.pump();
    });
  }

  private nextFrame(): Int16Array {
    try {
      const fitted = fitFrame(this.pull(), this.frameSamples);
      if (fitted.fitted) this.badFrames++;
      return fitted.pcm;
    } catch {
      this.badFrames++;
      return this.silence;
    }
  }

  protected override beforeClose(): void { this.stopped = true; }
}

// ---- the system

export class NaudiodonAudioSystem implements AudioSystem {
  private readonly config: typeof DEFAULTS;
  private ids = new Map<string, number>();

  constructor(private readonly options: NaudiodonAudioOptions = {}) {
    this.config = {
      outputQueueFrames: options.outputQueueFrames ?? DEFAULTS.outputQueueFrames,
      inputQueueFrames: options.inputQueueFrames ?? DEFAULTS.inputQueueFrames,
      watchdogMs: options.watchdogMs ?? DEFAULTS.watchdogMs,
      closeTimeoutMs: options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs,
    };
  }

  private get na(): NaudiodonModule {
    return (this.options.load ?? loadNaudiodon)();
  }

  /** Host API names PortAudio was built with (ALSA and OSS for the bundled Linux build). */
  hostApis(): string[] {
    return this.na.getHostAPIs().HostAPIs.map((h) => h.name);
  }

  private enumerate(): AudioDeviceInfo[] {
    let raw: PaDeviceInfo[];
    let apis: PaHostApis;
    try {
      raw = this.na.getDevices();
      apis = this.na.getHostAPIs();
    } catch (err) {
      throw new Error(`PortAudio could not list sound devices: ${toError(err).message}`);
    }
    const def = apis.HostAPIs[apis.defaultHostAPI];
    const keys = uniqueDeviceKeys(raw.map((d) => ({ hostApi: d.hostAPIName, name: d.name })));
    this.ids = new Map(keys.map((k, i) => [k, raw[i].id]));
    return raw.map((d, i) => ({
      key: keys[i], name: d.name, hostApi: d.hostAPIName,
      maxInputChannels: d.maxInputChannels, maxOutputChannels: d.maxOutputChannels,
      defaultSampleRate: d.defaultSampleRate,
      isDefaultInput: def !== undefined && d.id === def.defaultInput,
      isDefaultOutput: def !== undefined && d.id === def.defaultOutput,
    }));
  }

  async listDevices(): Promise<AudioDeviceInfo[]> {
    return this.enumerate();
  }

  async openCapture(options: OpenStreamOptions): Promise<NaudiodonCaptureStream> {
    const opened = this.open(options, 'microphone');
    const stream = new NaudiodonCaptureStream(opened, this.config);
    try { stream.begin(); } catch (err) { await stream.close(); throw openError('microphone', opened.device, err); }
    return stream;
  }

  async openPlayback(options: OpenStreamOptions): Promise<NaudiodonPlaybackStream> {
    const opened = this.open(options, 'speaker');
    const stream = new NaudiodonPlaybackStream(opened, this.config, this.config.outputQueueFrames);
    try { await stream.begin(); } catch (err) { await stream.close(); throw openError('speaker', opened.device, err); }
    return stream;
  }

  /**
   * Finds the device (falling back to the default when the key is unknown), then opens it at the
   * requested rate, else at the device's own rate, else the default device at its rate.
   */
  private open(options: OpenStreamOptions, role: Role): OpenedIo {
    const input = role === 'microphone';
    const devices = this.enumerate();
    const can = (d: AudioDeviceInfo) => (input ? d.maxInputChannels > 0 : d.maxOutputChannels > 0);
    const defaultDev = devices.find((d) => can(d) && (input ? d.isDefaultInput : d.isDefaultOutput)) ?? null;
    let device: AudioDeviceInfo | null = defaultDev;
    let notice: string | undefined;
    if (options.deviceKey !== null) {
      const wanted = devices.find((d) => d.key === options.deviceKey && can(d));
      if (wanted) device = wanted;
      else notice = `${cap(role)} “${options.deviceKey}” is not available; using the system default${defaultDev ? ` “${defaultDev.name}”` : ''}.`;
    }
    const frameMs = options.frameMs ?? 20;
    const attempts: Array<{ dev: AudioDeviceInfo | null; rate: number }> = [];
    const addAttempts = (dev: AudioDeviceInfo | null) => {
      const own = dev?.defaultSampleRate ?? 48_000;
      if (options.sampleRate !== undefined && options.sampleRate !== own) attempts.push({ dev, rate: options.sampleRate });
      attempts.push({ dev, rate: own });
    };
    addAttempts(device);
    if (device !== defaultDev) addAttempts(defaultDev);
    let lastError: unknown = null;
    for (const a of attempts) {
      const rate = Math.round(a.rate);
      const frameSamples = Math.round((rate * frameMs) / 1000);
      const id = a.dev ? this.ids.get(a.dev.key) ?? -1 : -1;
      const params: PaStreamOptions = {
        deviceId: id, sampleRate: rate, channelCount: 1, sampleFormat: this.na.SampleFormat16Bit,
        maxQueue: input ? this.config.inputQueueFrames : this.config.outputQueueFrames,
        framesPerBuffer: frameSamples, highwaterMark: frameSamples * 2, closeOnError: false,
      };
      try {
        const io = this.na.AudioIO(input ? { inOptions: params } : { outOptions: params });
        if (a.dev !== device && device !== null) {
          notice = `${cap(role)} “${device.name}” could not be opened (${describe(lastError)}); using the system default${a.dev ? ` “${a.dev.name}”` : ''}.`;
        }
        if (notice) this.options.onNotice?.(notice);
        return { io, rate, frameSamples, device: a.dev, notice };
      } catch (err) {
        lastError = err;
      }
    }
    throw openError(role, device, lastError);
  }
}

function cap(role: Role): string { return role === 'microphone' ? 'Microphone' : 'Speaker'; }
function describe(err: unknown): string { return err === null ? 'unknown error' : toError(err).message; }
function toError(err: unknown): Error { return err instanceof Error ? err : new Error(String(err)); }
function openError(role: Role, device: AudioDeviceInfo | null, err: unknown): Error {
  return new Error(`Could not open the ${role}${device ? ` “${device.name}”` : ''}: ${describe(err)}`);
}
