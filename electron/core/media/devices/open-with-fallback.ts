// Opening the chosen device, falling back to the system default when it is missing or refuses to open
// (softphone-anchors §6.1 item 6: when a chosen device disappears, fall back to the system default, tell the user,
// and never crash). The same function serves the first open and the re-open after a stream reported onError.

import type { AudioDeviceInfo, AudioSystem, CaptureStream, OpenStreamOptions, PlaybackStream } from '../audio-ports.js';
import { resolveDevice, type DeviceNotice, type DeviceRole } from './resolve-devices.js';

export interface OpenedStream<S> {
  readonly stream: S;
  /** The device it runs on (null when the adapter's own default was used without a listed device). */
  readonly device: AudioDeviceInfo | null;
  readonly notice?: DeviceNotice;
}

type Opener<S> = (options: OpenStreamOptions) => Promise<S>;

async function openWithFallback<S>(
  open: Opener<S>, devices: readonly AudioDeviceInfo[], key: string | null, role: DeviceRole,
  options: Omit<OpenStreamOptions, 'deviceKey'>,
): Promise<OpenedStream<S>> {
  const resolved = resolveDevice(devices, key, role);
  const first = resolved.device;
  try {
    const stream = await open({ ...options, deviceKey: first?.key ?? null });
    return { stream, device: first, notice: resolved.notice };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // Already on the default (or nothing listed): nothing to fall back to.
    if (first === null || (key === null && resolved.notice === undefined)) {
      throw new Error(`Could not open the ${role === 'microphone' ? 'microphone' : 'speaker'}${first ? ` “${first.name}”` : ''}: ${reason}`);
    }
    const stream = await open({ ...options, deviceKey: null });
    const notice: DeviceNotice = {
      role, wantedKey: key ?? first.key, usedKey: null, kind: 'fallback',
      message: `${role === 'microphone' ? 'Microphone' : role === 'speaker' ? 'Speaker' : 'Ring device'} “${first.name}” could not be opened (${reason}); using the system default.`,
    };
    return { stream, device: null, notice };
  }
}

export function openCaptureWithFallback(
  audio: AudioSystem, devices: readonly AudioDeviceInfo[], key: string | null, options: Omit<OpenStreamOptions, 'deviceKey'> = {},
): Promise<OpenedStream<CaptureStream>> {
  return openWithFallback((o) => audio.openCapture(o), devices, key, 'microphone', options);
}

export function openPlaybackWithFallback(
  audio: AudioSystem, devices: readonly AudioDeviceInfo[], key: string | null, role: 'speaker' | 'ring' = 'speaker',
  options: Omit<OpenStreamOptions, 'deviceKey'> = {},
): Promise<OpenedStream<PlaybackStream>> {
  return openWithFallback((o) => audio.openPlayback(o), devices, key, role, options);
}
