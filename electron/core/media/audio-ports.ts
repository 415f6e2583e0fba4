// Ports for sound devices (README "Architecture"). The naudiodon adapter, WAV-file adapters and
// the paced fake device used in timing tests all implement these. All audio is 16-bit signed mono.

export interface AudioDeviceInfo {
  /** Stable identity across runs and re-enumeration: `${hostApi}::${name}` (never PortAudio's index). */
  readonly key: string;
  readonly name: string;
  readonly hostApi: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  readonly isDefaultInput: boolean;
  readonly isDefaultOutput: boolean;
}

/** A running capture stream: it pushes one frame of `frameSamples` samples at `sampleRate` each period. */
export interface CaptureStream {
  readonly sampleRate: number;
  readonly frameSamples: number;
  onFrame(receive: (pcm: Int16Array) => void): void;
  /** Fires once if the device fails or disappears; the stream is closed afterwards. */
  onError(receive: (error: Error) => void): void;
  close(): Promise<void>;
}

/**
 * A running playback stream, pull-driven: whenever the device needs audio it calls `pull()` for exactly one
 * frame of `frameSamples` samples (stack-notes §1.5: never let the output run dry; silence is a valid frame).
 */
export interface PlaybackStream {
  readonly sampleRate: number;
  readonly frameSamples: number;
  setSource(pull: () => Int16Array): void;
  onError(receive: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface OpenStreamOptions {
  /** AudioDeviceInfo.key, or null for the system default. */
  readonly deviceKey: string | null;
  /** Requested rate; the adapter may open the device at its own rate and say so in the stream's sampleRate. */
  readonly sampleRate?: number;
  /** Frame period in ms (20 by default). */
  readonly frameMs?: number;
}

export interface AudioSystem {
  listDevices(): Promise<AudioDeviceInfo[]>;
  openCapture(options: OpenStreamOptions): Promise<CaptureStream>;
  openPlayback(options: OpenStreamOptions): Promise<PlaybackStream>;
}
