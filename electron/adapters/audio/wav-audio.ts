// WAV files as sound devices: a WAV file is the microphone (paced in real time like the fake device)
// and another WAV file records what would be played. This is how `redial call --play in.wav
// --record out.wav` works, and the same streams serve `redial listen`.
//
// The capture stream runs at the file's own rate (the media pipeline resamples, as for a real device);
// the recording is written at the rate the playback stream was opened with. The recording is written
// as it goes with a header that stays valid (wav-file-writer.ts), so a killed process still leaves a
// playable file up to its last flush.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { AudioDeviceInfo, AudioSystem, OpenStreamOptions } from '../../core/media/audio-ports.js';
import { REAL_TIMERS, type PacerTimers } from './frame-pacer.js';
import { PacedCaptureStream, PacedPlaybackStream } from './paced-fake-audio.js';
import { BufferSource, silenceSource } from './pcm-sources.js';
import { WavFileWriter } from '../wav-file-writer.js';
import { decodeWav, monoOf } from '../../core/media/wav.js';

export const WAV_HOST_API = 'WAV';

export interface WavAudioOptions {
  /** File played into the call as the microphone; silence when absent. */
  readonly playPath?: string;
  /** File that records what the call plays; nothing recorded when absent. */
  readonly recordPath?: string;
  /** Loop the play file instead of continuing with silence. */
  readonly loop?: boolean;
  /** Rate of the recording when the playback stream is opened without one. Default 16000. */
  readonly recordRate?: number;
  readonly timers?: PacerTimers;
}

/** Capture from a WAV file; `onEnded` fires once when the file has been played out. */
export class WavCaptureStream extends PacedCaptureStream {
  private endedListeners: Array<() => void> = [];
  private endedFired = false;

  constructor(sampleRate: number, frameMs: number, device: AudioDeviceInfo, private readonly file: BufferSource | null,
              timers: PacerTimers) {
    super(sampleRate, frameMs, device, file ?? silenceSource(), timers);
  }

  // After the frame's listeners ran, so they have seen the file's last samples before onEnded fires.
  protected override onTick(): void {
    super.onTick();
    if (!this.endedFired && this.file?.ended) {
      this.endedFired = true;
      for (const l of this.endedListeners) { try { l(); } catch { /* keep capturing */ } }
    }
  }

  onEnded(receive: () => void): void { this.endedListeners.push(receive); }
}

/** Playback into a WAV file (16-bit mono at the stream rate), crash-safe (wav-file-writer.ts). */
export class WavPlaybackStream extends PacedPlaybackStream {
  private readonly file: WavFileWriter | null;

  constructor(sampleRate: number, frameMs: number, device: AudioDeviceInfo, path: string | null,
              timers: PacerTimers) {
    super(sampleRate, frameMs, device, false, timers);
    this.file = path ? new WavFileWriter(path, sampleRate, 1) : null;
  }

  protected override onPlayed(pcm: Int16Array): void {
    this.file?.write(pcm);
  }

  /** Seconds of audio recorded so far (written or waiting to be). */
  get recordedSeconds(): number { return (this.file?.dataBytes ?? 0) / 2 / this.sampleRate; }

  /** An error writing the recording (disk full …), reported once on close. */
  get writeError(): Error | null { return this.file?.writeError ?? null; }

  override async close(): Promise<void> {
    await super.close();
    this.file?.close();
  }
}

export class WavAudioSystem implements AudioSystem {
  private readonly timers: PacerTimers;
  private playData: { sampleRate: number; pcm: Int16Array } | null = null;

  constructor(private readonly options: WavAudioOptions) {
    this.timers = options.timers ?? REAL_TIMERS;
    if (options.playPath) {
      // Read and validate up front so a bad file is reported before a call is placed.
      const wav = decodeWav(readFileSync(options.playPath));
      this.playData = { sampleRate: wav.sampleRate, pcm: monoOf(wav) };
    }
  }

  private device(path: string | undefined, input: boolean): AudioDeviceInfo {
    const name = path ? basename(path) : input ? 'silence' : 'discard';
    return {
      key: `${WAV_HOST_API}::${name}`, name, hostApi: WAV_HOST_API,
      maxInputChannels: input ? 1 : 0, maxOutputChannels: input ? 0 : 1,
      defaultSampleRate: input ? this.playData?.sampleRate ?? 16_000 : this.options.recordRate ?? 16_000,
      isDefaultInput: input, isDefaultOutput: !input,
    };
  }

  async listDevices(): Promise<AudioDeviceInfo[]> {
    return [this.device(this.options.playPath, true), this.device(this.options.recordPath, false)];
  }

  /** The capture runs at the file's rate whatever was requested (the pipeline resamples). */
  async openCapture(options: OpenStreamOptions): Promise<WavCaptureStream> {
    const rate = this.playData?.sampleRate ?? options.sampleRate ?? 16_000;
    const file = this.playData ? new BufferSource(this.playData.pcm, this.options.loop ?? false) : null;
    return new WavCaptureStream(rate, options.frameMs ?? 20, this.device(this.options.playPath, true), file, this.timers);
  }

  async openPlayback(options: OpenStreamOptions): Promise<WavPlaybackStream> {
    const rate = options.sampleRate ?? this.options.recordRate ?? 16_000;
    const s = new WavPlaybackStream(rate, options.frameMs ?? 20, this.device(this.options.recordPath, false),
      this.options.recordPath ?? null, this.timers);
    return s;
  }
}
