// What the PhoneService needs from the audio side (devices, per-call media, tones, meters). The engine worker
// composes it from the media pipeline (electron/core/media/**) and an AudioSystem adapter; tests use
// NullPhoneMedia or their own. Kept small so the phone logic does not depend on how audio is wired.
import type { AudioDeviceInfo } from '../media/audio-ports.js';
import type { CallHandle } from '../iax2/engine-api.js';
import type { AudioSelection, Gains, LevelsView, Settings } from '../../shared/api.js';

export interface MediaConfig {
  readonly selection: AudioSelection;
  readonly gains: Gains;
  readonly dsp: Settings['dsp'];
  readonly jitter: Settings['jitter'];
}

/** Local tones played on the speaker (ringback while the far end rings, busy/congestion after a failed call). */
export type LocalTone = 'ringback' | 'busy' | 'congestion';

/** The jitter buffer's figures for one call (CallStatsView's bufferDelayMs … concealedMs). */
export interface CallAudioStats {
  readonly bufferDelayMs?: number;
  readonly lateFrames?: number;
  /** The jitter buffer's own jitter estimate. */
  readonly jitterMs?: number;
  readonly droppedFrames?: number;
  readonly concealedMs?: number;
}

/** The audio of one call: capture → encode → call.sendVoice, and call 'voice' → jitter buffer → playback. */
export interface CallAudio {
  setMuted(muted: boolean): void;
  /** Record both directions to a WAV file at `path`. */
  startRecording(path: string): Promise<void>;
  stopRecording(): Promise<void>;
  stats(): CallAudioStats;
  close(): Promise<void>;
}

export interface MediaNotice {
  readonly level: 'info' | 'warning' | 'error';
  readonly code: string;
  readonly message: string;
}

export interface PhoneMedia {
  listDevices(refresh: boolean): Promise<AudioDeviceInfo[]>;
  configure(config: MediaConfig): void;
  /** Starts the call's audio (called when it reaches early media or is answered). May reject: the call goes on silent. */
  startCall(call: CallHandle): Promise<CallAudio>;
  /** The incoming-call ringtone on the ring device(s). */
  setRinging(on: boolean): void;
  setTone(tone: LocalTone | null): void;
  /**
   * Feedback for keys the user sends as DTMF: each digit's tone on the speaker as it goes out. Media without a
   * speaker (the load generator's, the echo peer's) leave it out.
   */
  keyTones?(digits: string): void;
  /** A short test sound on the ring device or the speaker. */
  testTone(target: 'ring' | 'output'): Promise<void>;
  levels(): LevelsView;
  onNotice(listener: (notice: MediaNotice) => void): void;
  /** Host-side diagnostics (device timing of the fake device in tests); not part of the UI API. */
  diagnostics?(): unknown;
  close(): Promise<void>;
}

/** No audio at all: calls are set up and signalled, and nothing is played or captured. */
export class NullPhoneMedia implements PhoneMedia {
  readonly toneLog: (LocalTone | null)[] = [];
  /** Keys fed back (keyTones), in order. */
  readonly keyLog: string[] = [];
  ringing = false;
  listDevices(): Promise<AudioDeviceInfo[]> { return Promise.resolve([]); }
  configure(): void { /* nothing to configure */ }
  startCall(): Promise<CallAudio> {
    return Promise.resolve({
      setMuted: () => undefined,
      startRecording: () => Promise.reject(new Error('recording needs an audio pipeline, and this engine runs without one')),
      stopRecording: () => Promise.resolve(),
      stats: () => ({}),
      close: () => Promise.resolve(),
    });
  }
  setRinging(on: boolean): void { this.ringing = on; }
  setTone(tone: LocalTone | null): void { this.toneLog.push(tone); }
  keyTones(digits: string): void { this.keyLog.push(digits); }
  testTone(): Promise<void> { return Promise.resolve(); }
  levels(): LevelsView { return { inputDbfs: null, outputDbfs: null }; }
  onNotice(): void { /* never has anything to say */ }
  close(): Promise<void> { return Promise.resolve(); }
}
