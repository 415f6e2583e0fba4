// The contract's audio devices and settings (electron/shared/api.ts): device lists and choice, gains, levels, the
// engine's settings and the desktop shell's, and the patch that changes them.

import type { CodecName } from './api.js';

export interface AudioDeviceView {
  /** Stable key `${hostApi}::${name}` (never PortAudio's index). */
  readonly key: string;
  readonly name: string;
  readonly hostApi: string;
  readonly input: boolean;
  readonly output: boolean;
  readonly isDefaultInput: boolean;
  readonly isDefaultOutput: boolean;
  readonly defaultSampleRate: number;
}

/** Device choice by key; `null` follows the system default for input/output. */
export interface AudioSelection {
  readonly input: string | null;
  readonly output: string | null;
  /** Where incoming calls ring: a device key, or `null` for the call speaker (`output`). */
  readonly ring: string | null;
  /** Ring on every output device (overrides `ring`). */
  readonly ringAll: boolean;
}

export interface AudioDevicesView {
  readonly devices: readonly AudioDeviceView[];
  readonly selection: AudioSelection;
  /** Keys selected but not present now (the system default is used instead). */
  readonly missing: readonly string[];
}

export interface Gains {
  /** -20 … +20 dB. */
  readonly inputDb: number;
  readonly outputDb: number;
}

export interface LevelsView {
  /** dBFS of the last 200 ms, -120 for silence; `null` when no stream is open. */
  readonly inputDbfs: number | null;
  readonly outputDbfs: number | null;
}

// -------------------------------------------------------------------------------------------- settings

export type AutoAnswer = 'off' | 'when-requested' | 'always';

export interface Settings {
  /** Do Not Disturb: incoming calls are refused busy (cause 17) without ringing and logged as missed; wins over autoAnswer. */
  readonly dnd: boolean;
  readonly autoAnswer: AutoAnswer;
  /** Ring for this many seconds before an unanswered incoming call counts as missed and is rejected (0 = forever). */
  readonly ringTimeoutSeconds: number;
  readonly jitter: { readonly targetExtraMs: number; readonly maxMs: number };
  readonly dsp: { readonly echoCancellation: boolean; readonly noiseSuppression: boolean; readonly autoGain: boolean };
  readonly gains: Gains;
  readonly audio: AudioSelection;
  /** Local UDP port: 0 = ephemeral (the default; softphone-anchors §6.3), 4569 for peer-to-peer use. */
  readonly localPort: number;
  /** Accept direct calls from any address (no server). */
  readonly acceptDirectCalls: boolean;
  /** The codecs a direct call may use, best first (a direct call has no account to take them from). */
  readonly directCallCodecs: readonly CodecName[];
  /**
   * Direct callers must do the call-token round trip ('required', the default), or callers that cannot (libiax2:
   * iaxmodem) are let in unverified ('optional'): docs/security.md §7.3.
   */
  readonly directCallTokens: 'required' | 'optional';
  readonly debug: { readonly trace: boolean; readonly traceBufferSize: number };
  /** The desktop app's life beside the phone (the Electron main process acts on them; other hosts keep them only). */
  readonly desktop: DesktopSettings;
}

export interface DesktopSettings {
  /** Closing the window leaves Redial running in the tray / menu bar, so calls still reach you (default on). */
  readonly closeToTray: boolean;
  /** Start Redial, in the tray, when the user logs in (default off). */
  readonly startAtLogin: boolean;
}

/** Partial update; nested objects are merged one level deep. */
export interface SettingsPatch {
  readonly dnd?: boolean;
  readonly autoAnswer?: AutoAnswer;
  readonly ringTimeoutSeconds?: number;
  readonly jitter?: { readonly targetExtraMs?: number; readonly maxMs?: number };
  readonly dsp?: { readonly echoCancellation?: boolean; readonly noiseSuppression?: boolean; readonly autoGain?: boolean };
  readonly gains?: { readonly inputDb?: number; readonly outputDb?: number };
  readonly localPort?: number;
  readonly acceptDirectCalls?: boolean;
  readonly directCallCodecs?: readonly CodecName[];
  readonly directCallTokens?: 'required' | 'optional';
  readonly debug?: { readonly trace?: boolean; readonly traceBufferSize?: number };
  readonly desktop?: { readonly closeToTray?: boolean; readonly startAtLogin?: boolean };
}
