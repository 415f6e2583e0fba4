// Builds an AudioSystem from a plain, serialisable description. The engine worker (electron/host/
// engine-worker.ts) receives this through workerData and builds its own devices inside the worker,
// because streams and native handles cannot cross threads; the CLI builds it from --input-device /
// --output-device / --play / --record.

import type { AudioDeviceInfo, AudioSystem, CaptureStream, OpenStreamOptions, PlaybackStream } from '../../core/media/audio-ports.js';
import { ToneGenerator } from '../../core/media/tones.js';
import { NaudiodonAudioSystem } from './naudiodon-audio.js';
import { PacedFakeAudioSystem } from './paced-fake-audio.js';
import { WavAudioSystem } from './wav-audio.js';

export type AudioSystemSpec =
  /** Real devices through PortAudio. */
  | { readonly kind: 'portaudio'; readonly outputQueueFrames?: number; readonly inputQueueFrames?: number; readonly watchdogMs?: number }
  /** Paced fake device; the microphone plays `captureTone` (silence when absent). */
  | { readonly kind: 'fake'; readonly deviceRate?: number; readonly captureTone?: { readonly frequencies: readonly number[]; readonly levelDbfs?: number } }
  /** WAV file as microphone and/or WAV file recording what is played. */
  | { readonly kind: 'wav'; readonly playPath?: string; readonly recordPath?: string; readonly loop?: boolean; readonly recordRate?: number }
  /** Capture from one system and play through another (e.g. --play in.wav with the real speaker). */
  | { readonly kind: 'split'; readonly capture: AudioSystemSpec; readonly playback: AudioSystemSpec };

export interface AudioSystemHooks {
  /** "Microphone X is not available; using the system default" and similar, for the user. */
  readonly onNotice?: (message: string) => void;
}

export function createAudioSystem(spec: AudioSystemSpec, hooks: AudioSystemHooks = {}): AudioSystem {
  switch (spec.kind) {
    case 'portaudio':
      return new NaudiodonAudioSystem({ ...spec, onNotice: hooks.onNotice });
    case 'fake': {
      const tone = spec.captureTone;
      return new PacedFakeAudioSystem({
        deviceRate: spec.deviceRate,
        captureSource: tone
          ? (rate) => new ToneGenerator({ repeat: true, segments: [{ frequencies: tone.frequencies, durationMs: 60_000, levelDbfs: tone.levelDbfs }] }, rate)
          : undefined,
      });
    }
    case 'wav':
      return new WavAudioSystem(spec);
    case 'split':
      return new SplitAudioSystem(createAudioSystem(spec.capture, hooks), createAudioSystem(spec.playback, hooks));
  }
}

/** Capture from one AudioSystem, playback through another; devices are listed from both. */
export class SplitAudioSystem implements AudioSystem {
  constructor(private readonly capture: AudioSystem, private readonly playback: AudioSystem) {}

  async listDevices(): Promise<AudioDeviceInfo[]> {
    const [a, b] = await Promise.all([this.capture.listDevices(), this.playback.listDevices()]);
    const inputs = a.filter((d) => d.maxInputChannels > 0).map((d) => ({ ...d, maxOutputChannels: 0, isDefaultOutput: false }));
    const outputs = b.filter((d) => d.maxOutputChannels > 0).map((d) => ({ ...d, maxInputChannels: 0, isDefaultInput: false }));
    return [...inputs, ...outputs];
  }

  openCapture(options: OpenStreamOptions): Promise<CaptureStream> { return this.capture.openCapture(options); }
  openPlayback(options: OpenStreamOptions): Promise<PlaybackStream> { return this.playback.openPlayback(options); }
}
