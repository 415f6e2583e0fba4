// The `redial` command's sound side: the app's DevicePhoneMedia over the devices its flags name. A WAV file is
// the microphone (--play) or the speaker (--record: what you hear), the paced fake device stands in for either
// (--input-device/--output-device fake), real sound cards are used otherwise; a device that cannot be opened is
// replaced by a silent one, so the call goes on. --record-both is the phone's own call recording (call:record)
// into that file. No local tones: the speaker is often a file that must hold only the far end.
import { readFileSync } from 'node:fs';
import type { CallHandle } from '../core/iax2/engine-api.js';
import type { AudioDeviceInfo, AudioSystem, CaptureStream, OpenStreamOptions, PlaybackStream } from '../core/media/audio-ports.js';
import type { RecordingFormat, RecordingSink } from '../core/media/call-media-types.js';
import { matchDeviceArgument } from '../core/media/devices/device-arguments.js';
import { decodeWav } from '../core/media/wav.js';
import { DevicePhoneMedia, type DeviceCallAudio } from '../core/phone/device-phone-media.js';
import type { FileSink } from '../core/phone/phone-service.js';
import type { Settings } from '../shared/api.js';
import { createAudioSystem } from '../adapters/audio/create-audio-system.js';
import { WavAudioSystem, type WavPlaybackStream } from '../adapters/audio/wav-audio.js';
import { WavFileRecording } from '../adapters/fs-wav-recording.js';
import { SystemClock } from '../adapters/system-clock.js';
import { UsageError, type CommonOptions } from './args.js';

export interface CallFiles {
  readonly play?: string | undefined;
  /** What we hear (the far end after the jitter buffer), mono at the speaker's rate. */
  readonly record?: string | undefined;
  /** Both directions, stereo: left = our microphone as sent, right = the far end (the phone's call recording). */
  readonly recordBoth?: string | undefined;
}

export interface FinishedRecording { readonly path: string; readonly seconds: number }

export interface CliAudio {
  readonly media: DevicePhoneMedia;
  /** The settings that make the phone use these devices: device keys and speakerphone processing. */
  readonly settings: Pick<Settings, 'audio' | 'dsp'>;
  /** Where the phone's call recordings go: the --record-both file. */
  readonly files?: FileSink;
  /** Resolves once the phone has closed the call's audio (its files complete), at once if it never started. */
  audioClosed(callId: string): Promise<void>;
  /** The recordings finished since the last call of this: --record's, then --record-both's. */
  takeRecordings(): FinishedRecording[];
}

type Role = 'microphone' | 'speaker';

/** Validates the files and devices once, up front (a bad --play file is a usage error before anything is sent). */
export async function createCliAudio(common: CommonOptions, files: CallFiles, notice: (message: string) => void): Promise<CliAudio> {
  if (files.play !== undefined) checkPlayable(files.play);
  const heard: FinishedRecording[] = [];
  const both: FinishedRecording[] = [];
  let portAudio: AudioSystem | undefined;
  // One PortAudio system for both directions, so its devices are listed once.
  const device = (arg: string | undefined): AudioSystem => isFake(arg) ? createAudioSystem({ kind: 'fake' })
    : (portAudio ??= createAudioSystem({ kind: 'portaudio' }, { onNotice: notice }));
  const capture = files.play !== undefined ? new WavAudioSystem({ playPath: files.play }) : device(common.inputDevice);
  const playback = files.record !== undefined ? new RecordingSpeaker(files.record, heard) : device(common.outputDevice);
  const inputKey = files.play === undefined ? await deviceKey(capture, common.inputDevice, 'input') : null;
  const outputKey = files.record === undefined ? await deviceKey(playback, common.outputDevice, 'output') : null;
  const audio = new SilentFallback(capture, playback, notice);
  // Echo cancellation and noise suppression are for a microphone that hears a speaker; with a WAV file or the fake
  // device on either side there is no acoustic path, and they would only alter the audio.
  const realDevices = files.play === undefined && files.record === undefined && !isFake(common.inputDevice) && !isFake(common.outputDevice);
  const dsp = common.dsp ?? { echoCancellation: realDevices, noiseSuppression: realDevices, autoGain: false };
  const recordBoth = files.recordBoth;
  const media = new CliPhoneMedia({
    audio, clock: new SystemClock(), localSounds: false,
    openRecording: (path) => new CountingRecording(new WavFileRecording(path), both),
  });
  return {
    media,
    settings: { audio: { input: inputKey, output: outputKey, ring: null, ringAll: false }, dsp },
    ...(recordBoth !== undefined ? { files: singleFile(recordBoth) } : {}),
    audioClosed: (callId) => media.audioClosed(callId),
    takeRecordings: () => [...heard.splice(0), ...both.splice(0)],
  };
}

/** DevicePhoneMedia that says when each call's audio is closed (the CLI prints its recordings only then). */
class CliPhoneMedia extends DevicePhoneMedia {
  private readonly closing = new Map<string, Promise<void>>();

  override startCall(call: CallHandle): Promise<DeviceCallAudio> {
    let closed!: () => void;
    this.closing.set(call.id, new Promise<void>((resolve) => { closed = resolve; }));
    return super.startCall(call).then((audio) => ({
      ...audio,
      close: () => audio.close().finally(closed),
    }), (err: unknown) => { closed(); throw err; });
  }

  audioClosed(callId: string): Promise<void> {
    return this.closing.get(callId) ?? Promise.resolve();
  }
}

function isFake(arg: string | undefined): boolean {
  return arg !== undefined && arg.trim().toLowerCase() === 'fake';
}

/** --input-device/--output-device → a device key of the phone's settings (null: the system default). */
async function deviceKey(system: AudioSystem, arg: string | undefined, direction: 'input' | 'output'): Promise<string | null> {
  if (arg === undefined) return null;
  const match = matchDeviceArgument(arg, await system.listDevices(), direction);
  return match.kind === 'device' ? match.device.key : null;
}

/** The speaker is a WAV file (--record); each finished stream adds its file and length to `done`. */
class RecordingSpeaker extends WavAudioSystem {
  constructor(private readonly path: string, private readonly done: FinishedRecording[]) {
    super({ recordPath: path });
  }

  override async openPlayback(options: OpenStreamOptions): Promise<WavPlaybackStream> {
    const stream = await super.openPlayback(options);
    const close = stream.close.bind(stream);
    stream.close = async () => {
      await close();
      this.done.push({ path: this.path, seconds: stream.recordedSeconds });
    };
    return stream;
  }
}

/** A call recording sink that adds its file and length to `done` when it is closed. */
class CountingRecording implements RecordingSink {
  private samples = 0;
  private format: RecordingFormat | undefined;
  constructor(private readonly sink: WavFileRecording, private readonly done: FinishedRecording[]) {}
  open(format: RecordingFormat): void { this.format = format; this.sink.open(format); }
  write(samples: Int16Array): void { this.samples += samples.length; this.sink.write(samples); }
  close(): void {
    this.sink.close();
    const f = this.format ?? { sampleRate: 8000, channels: 1 };
    this.done.push({ path: this.sink.path, seconds: this.samples / f.channels / f.sampleRate });
  }
}

/** The phone's recordings folder holds exactly one file: --record-both (each call's recording replaces it). */
function singleFile(path: string): FileSink {
  return {
    pathFor: () => Promise.resolve(path),
    write: () => Promise.reject(new Error('the redial command exports no files')),
  };
}

/**
 * Opens devices from `capture` and `playback`; a device that cannot be opened (no sound card on a server, device
 * gone) is replaced by the silent paced fake, with a notice, and the call goes on without it.
 */
class SilentFallback implements AudioSystem {
  private readonly fake = createAudioSystem({ kind: 'fake' });
  constructor(private readonly capture: AudioSystem, private readonly playback: AudioSystem,
    private readonly notice: (message: string) => void) {}

  async listDevices(): Promise<AudioDeviceInfo[]> {
    if (this.capture === this.playback) return listed(this.capture);
    const [a, b] = await Promise.all([listed(this.capture), listed(this.playback)]);
    return [...a.filter((d) => d.maxInputChannels > 0), ...b.filter((d) => d.maxOutputChannels > 0)];
  }

  openCapture(options: OpenStreamOptions): Promise<CaptureStream> {
    return this.orSilence(() => this.capture.openCapture(options), 'microphone', () => this.fake.openCapture({ deviceKey: null }));
  }

  openPlayback(options: OpenStreamOptions): Promise<PlaybackStream> {
    return this.orSilence(() => this.playback.openPlayback(options), 'speaker', () => this.fake.openPlayback({ deviceKey: null }));
  }

  private async orSilence<S>(open: () => Promise<S>, role: Role, silent: () => Promise<S>): Promise<S> {
    try {
      return await open();
    } catch (err) {
      this.notice(`cannot open the ${role} (${err instanceof Error ? err.message : String(err)}); continuing without it`);
      return silent();
    }
  }
}

/** A system that cannot even list its devices (no PortAudio) lists none; opening then falls back to silence. */
async function listed(system: AudioSystem): Promise<AudioDeviceInfo[]> {
  try { return await system.listDevices(); } catch { return []; }
}

function checkPlayable(path: string): void {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (err) {
    throw new UsageError(`--play: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try { decodeWav(bytes); } catch (err) {
    throw new UsageError(`--play: ${path} is not a WAV file redial can play (${err instanceof Error ? err.message : String(err)})`);
  }
}
