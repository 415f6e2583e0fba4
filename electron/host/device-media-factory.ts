// Chooses the audio side of the phone for a host configuration: none, the paced fake device (tests and the
// headless harness), or real sound cards through naudiodon. Runs inside the engine worker: streams and native
// handles cannot cross threads, so the AudioSystem is built here from plain data (docs/decisions.md D-2).
import type { PhoneMedia } from '../core/phone/media-port.js';
import { NullPhoneMedia } from '../core/phone/media-port.js';
import { DevicePhoneMedia } from '../core/phone/device-phone-media.js';
import { createAudioSystem } from '../adapters/audio/create-audio-system.js';
import { PacedFakeAudioSystem, timingStats } from '../adapters/audio/paced-fake-audio.js';
import { SystemClock } from '../adapters/system-clock.js';
import { WavFileRecording } from '../adapters/fs-wav-recording.js';
import type { PhoneHostConfig } from './compose-phone.js';

/** Timing and continuity of one fake-device stream, for the blocking test and diagnostics. */
export interface StreamDiagnostics {
  readonly kind: 'capture' | 'playback';
  readonly frames: number;
  readonly maxLateMs: number;
  readonly p99LateMs: number;
  /** Frames delivered more than one period late (audible with a 2-frame device buffer). */
  readonly lateFrames: number;
  /** Largest gap between two consecutive frames' actual times, ms. */
  readonly maxIntervalMs: number;
  /** The longest gaps between consecutive frames (at most 10), longest first, ms. */
  readonly longestIntervalsMs: readonly number[];
  /** Frames whose index is not the previous one + 1 (missing frames). */
  readonly missingFrames: number;
  /** Playback: frames that were silent after audio first arrived, and the longest run of them. */
  readonly silentFramesAfterStart?: number;
  readonly longestSilentRun?: number;
}

export interface MediaDiagnostics { readonly streams: readonly StreamDiagnostics[] }

export function diagnoseFakeAudio(audio: PacedFakeAudioSystem, frameMs = 20): MediaDiagnostics {
  const streams: StreamDiagnostics[] = [];
  const timing = (t: readonly { index: number; actualMs: number; dueMs: number }[]) => {
    const intervals: number[] = [];
    let missing = 0;
    for (let i = 1; i < t.length; i++) {
      intervals.push(t[i].actualMs - t[i - 1].actualMs);
      if (t[i].index !== t[i - 1].index + 1) missing++;
    }
    const longest = intervals.sort((x, y) => y - x).slice(0, 10);
    const s = timingStats(t, frameMs);
    return { frames: s.frames, maxLateMs: s.maxLateMs, p99LateMs: s.p99LateMs, lateFrames: s.lateFrames, maxIntervalMs: longest[0] ?? 0,
      longestIntervalsMs: longest, missingFrames: missing };
  };
  for (const c of audio.captures) streams.push({ kind: 'capture', ...timing(c.timings) });
  for (const p of audio.playbacks) {
    const pcm = p.playedAudio();
    const n = p.frameSamples;
    let started = false;
    let silent = 0;
    let run = 0;
    let longest = 0;
    for (let f = 0; f * n < pcm.length; f++) {
      let peak = 0;
      for (let i = f * n; i < (f + 1) * n && i < pcm.length; i++) peak = Math.max(peak, Math.abs(pcm[i]));
      if (peak > 300) { started = true; run = 0; continue; }
      if (started) { silent++; run++; longest = Math.max(longest, run); }
    }
    streams.push({ kind: 'playback', ...timing(p.timings), silentFramesAfterStart: silent, longestSilentRun: longest });
  }
  return { streams };
}

export async function createDeviceMedia(config: PhoneHostConfig): Promise<PhoneMedia> {
  const clock = new SystemClock();
  const openRecording = (path: string) => new WavFileRecording(path);
  switch (config.audio) {
    case 'fake': {
      const audio = createAudioSystem({ kind: 'fake', ...(config.fakeCaptureToneHz ? { captureTone: { frequencies: [config.fakeCaptureToneHz], levelDbfs: -12 } } : {}) });
      const media = new DevicePhoneMedia({ audio, clock, openRecording });
      return Object.assign(media, {
        diagnostics: (): MediaDiagnostics => (audio instanceof PacedFakeAudioSystem ? diagnoseFakeAudio(audio) : { streams: [] }),
      });
    }
    case 'naudiodon': {
      let media: DevicePhoneMedia | undefined;
      const audio = createAudioSystem({ kind: 'portaudio' }, {
        onNotice: (message) => media?.notify('warning', 'device', message),
      });
      media = new DevicePhoneMedia({ audio, clock, openRecording });
      return media;
    }
    case 'none':
    default:
      return new NullPhoneMedia();
  }
}
