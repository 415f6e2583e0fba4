// When to (re-)enumerate sound devices. PortAudio builds its device list in Pa_Initialize and cannot
// see hot-plugged devices while it stays initialised, which it does as long as any stream is open
// (stack-notes §1.2 item 8). So enumeration runs only with no stream open: at start-up, when the user
// asks (Refresh devices / opening the audio settings), after a device failed, and, when a request came
// in during a call, as soon as the last stream closes. There is no polling: probing every ALSA PCM is
// slow and noisy, and a list read while a stream is open would be stale anyway.

import type { AudioDeviceInfo, AudioSystem } from '../audio-ports.js';
import { TypedEmitter } from '../../util/typed-emitter.js';

export type EnumerationReason = 'startup' | 'user' | 'device-error' | 'deferred';

export interface RefreshResult {
  /** True when a fresh enumeration ran; false when the cached list was returned. */
  readonly refreshed: boolean;
  /** True when the refresh will run automatically once no stream is open. */
  readonly deferred: boolean;
  readonly devices: readonly AudioDeviceInfo[];
  /** For the user when the list could not be refreshed now. */
  readonly message?: string;
}

export interface DeviceCatalogEvents {
  [name: string]: unknown;
  changed: readonly AudioDeviceInfo[];
  error: Error;
}

/** Pure policy: may we enumerate now? */
export function mayEnumerate(openStreams: number): boolean {
  return openStreams === 0;
}

export class DeviceCatalog extends TypedEmitter<DeviceCatalogEvents> {
  private list: readonly AudioDeviceInfo[] = [];
  private openStreams = 0;
  private pending = false;
  private running: Promise<RefreshResult> | null = null;
  private enumerated = false;

  constructor(private readonly audio: Pick<AudioSystem, 'listDevices'>) { super(); }

  get devices(): readonly AudioDeviceInfo[] { return this.list; }
  get hasEnumerated(): boolean { return this.enumerated; }
  get streamsOpen(): number { return this.openStreams; }
  get refreshPending(): boolean { return this.pending; }

  /**
   * Call when a capture or playback stream opens; call the returned function when it has closed.
   * Releasing twice is harmless.
   */
  streamOpened(): () => void {
    this.openStreams += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.openStreams -= 1;
      if (this.openStreams === 0 && this.pending) void this.refresh('deferred');
    };
  }

  async refresh(reason: EnumerationReason): Promise<RefreshResult> {
    // The first enumeration must happen even with a stream open (nothing to show otherwise).
    if (!mayEnumerate(this.openStreams) && this.enumerated) {
      this.pending = true;
      return {
        refreshed: false, deferred: true, devices: this.list,
        message: 'Sound devices connected during a call appear when the call ends.',
      };
    }
    if (this.running) return this.running;
    this.pending = false;
    this.running = this.enumerate(reason).finally(() => { this.running = null; });
    return this.running;
  }

  private async enumerate(_reason: EnumerationReason): Promise<RefreshResult> {
    try {
      const fresh = await this.audio.listDevices();
      const changed = !sameDevices(this.list, fresh) || !this.enumerated;
      this.list = fresh;
      this.enumerated = true;
      if (changed) this.emit('changed', fresh);
      return { refreshed: true, deferred: false, devices: fresh };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.emit('error', error);
      return { refreshed: false, deferred: false, devices: this.list, message: `Could not list sound devices: ${error.message}` };
    }
  }
}

function sameDevices(a: readonly AudioDeviceInfo[], b: readonly AudioDeviceInfo[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => d.key === b[i].key && d.isDefaultInput === b[i].isDefaultInput && d.isDefaultOutput === b[i].isDefaultOutput);
}
