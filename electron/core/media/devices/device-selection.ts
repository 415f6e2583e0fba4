// What the user chose in Settings → Audio, by device key (never by index): microphone, speaker, and where incoming
// calls ring. It is stored as part of the settings (electron/shared/api.ts AudioSelection; settings-model.ts reads a
// damaged one back as the defaults).

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
