// What the user chose in Settings → Audio, as persisted (by device key, never by index): microphone,
// speaker, and where incoming calls ring. Unknown or damaged stored values fall back to "system default".

import type { AudioSelection } from '../../../shared/api.js';

export type RingTarget =
  /** Ring on the call speaker. */
  | { readonly mode: 'speaker' }
  /** Ring on one chosen device (a loudspeaker while the call audio goes to a headset); null = system default. */
  | { readonly mode: 'device'; readonly deviceKey: string | null }
  /** Ring on every output device, so a ring is heard whether or not the headset is worn. */
  | { readonly mode: 'all-outputs' };

export interface DeviceSelection {
  /** Device key (`${hostApi}::${name}`), or null for the system default. */
  readonly microphone: string | null;
  readonly speaker: string | null;
  readonly ring: RingTarget;
}

export const DEFAULT_DEVICE_SELECTION: DeviceSelection = {
  microphone: null,
  speaker: null,
  ring: { mode: 'speaker' },
};

/** Persisted form (version 1), stored through a DocumentStore by the settings layer. */
export interface StoredDeviceSelection {
  readonly version: 1;
  readonly microphone: string | null;
  readonly speaker: string | null;
  readonly ring: RingTarget;
}

export function toStored(selection: DeviceSelection): StoredDeviceSelection {
  return { version: 1, microphone: selection.microphone, speaker: selection.speaker, ring: selection.ring };
}

const keyOrNull = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length < 1000 ? v : null);

/** Reads a stored selection of unknown shape; anything unreadable becomes the default for that field. */
export function parseStoredSelection(value: unknown): DeviceSelection {
  if (typeof value !== 'object' || value === null) return DEFAULT_DEVICE_SELECTION;
  const v = value as Record<string, unknown>;
  let ring: RingTarget = DEFAULT_DEVICE_SELECTION.ring;
  const r = v.ring;
  if (typeof r === 'object' && r !== null) {
    const rr = r as Record<string, unknown>;
    if (rr.mode === 'all-outputs') ring = { mode: 'all-outputs' };
    else if (rr.mode === 'device') ring = { mode: 'device', deviceKey: keyOrNull(rr.deviceKey) };
  }
  return { microphone: keyOrNull(v.microphone), speaker: keyOrNull(v.speaker), ring };
}

// ---- the UI contract's shape (electron/shared/api.ts AudioSelection: input/output/ring/ringAll)


export function fromAudioSelection(sel: AudioSelection): DeviceSelection {
  const ring: RingTarget = sel.ringAll ? { mode: 'all-outputs' }
    : sel.ring !== null ? { mode: 'device', deviceKey: sel.ring } : { mode: 'speaker' };
  return { microphone: sel.input, speaker: sel.output, ring };
}

export function toAudioSelection(sel: DeviceSelection): AudioSelection {
  return {
    input: sel.microphone,
    output: sel.speaker,
    ring: sel.ring.mode === 'device' ? sel.ring.deviceKey : null,
    ringAll: sel.ring.mode === 'all-outputs',
  };
}
