// The ringtone on its own devices: the ring device chosen in the settings, or every output ("ring on all outputs").
// Each opens with the usual fallback and plays the ringtone at its own rate; one that cannot open is told to the
// user and skipped (softphone-anchors §6.1 item 6: a device failure never stops the phone). When the ring plays on
// the call speaker instead, DevicePhoneMedia mixes it there and none of this is used.
import type { AudioDeviceInfo, AudioSystem, PlaybackStream } from '../media/audio-ports.js';
import type { DeviceCatalog } from '../media/devices/device-catalog.js';
import { fromAudioSelection } from '../media/devices/device-selection.js';
import { resolveDeviceSelection } from '../media/devices/resolve-devices.js';
import { openPlaybackWithFallback } from '../media/devices/open-with-fallback.js';
import { ringtone } from '../media/tones.js';
import type { AudioSelection } from '../../shared/api.js';
import type { MediaNotice } from './media-port.js';

export interface RingDevicesDeps {
  readonly audio: AudioSystem;
  /** Counts open streams (it defers device refreshes while any is open). */
  readonly catalog: DeviceCatalog;
  readonly frameMs: number;
  readonly notify: (level: MediaNotice['level'], code: string, text: string) => void;
}

export class RingDevices {
  private streams: { readonly stream: PlaybackStream; readonly release: () => void }[] = [];

  constructor(private readonly deps: RingDevicesDeps) {}

  get open(): boolean { return this.streams.length > 0; }

  /** Opens the ring devices `selection` names among `devices` (the default device when none resolves) and rings. */
  async start(devices: readonly AudioDeviceInfo[], selection: AudioSelection): Promise<void> {
    const resolved = resolveDeviceSelection(fromAudioSelection(selection), [...devices]);
    for (const n of resolved.notices) if (n.role === 'ring') this.deps.notify('warning', 'device-fallback', n.message);
    const targets: (string | null)[] = resolved.ring.length > 0 ? resolved.ring.map((d) => d.key) : [null];
    for (const key of targets) {
      try {
        const opened = await openPlaybackWithFallback(this.deps.audio, [...devices], key, 'ring', { frameMs: this.deps.frameMs });
        const gen = ringtone(opened.stream.sampleRate);
        opened.stream.setSource(() => gen.read(opened.stream.frameSamples));
        opened.stream.onError(() => undefined);
        this.streams.push({ stream: opened.stream, release: this.deps.catalog.streamOpened() });
      } catch (err) {
        this.deps.notify('warning', 'ring-device', `Cannot ring on ${key ?? 'the default device'}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  async stop(): Promise<void> {
    const streams = this.streams;
    this.streams = [];
    for (const r of streams) {
      try { await r.stream.close(); } finally { r.release(); }
    }
  }
}
