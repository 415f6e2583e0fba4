// Resolves the user's remembered devices against a fresh enumeration (softphone-anchors §4.2): an
// exact key match first, then the same device under a new ALSA card number, then the system default,
// with a notice the UI shows in words ("Microphone “USB Headset” is not connected; using the system default").

import type { AudioDeviceInfo } from '../audio-ports.js';
import { normalizedDeviceName, parseDeviceKey } from './device-key.js';
import type { DeviceSelection } from './device-selection.js';

export type DeviceRole = 'microphone' | 'speaker' | 'ring';
export type Direction = 'input' | 'output';

export interface DeviceNotice {
  readonly role: DeviceRole;
  /** The key the user chose. */
  readonly wantedKey: string;
  /** What is used instead (null: there is no usable device at all). */
  readonly usedKey: string | null;
  /** 'moved': found under a changed name (e.g. new ALSA card number); 'fallback': using the system default. */
  readonly kind: 'moved' | 'fallback' | 'none';
  readonly message: string;
}

export interface ResolvedDevice {
  readonly device: AudioDeviceInfo | null;
  readonly notice?: DeviceNotice;
}

export interface ResolvedDevices {
  readonly microphone: AudioDeviceInfo | null;
  readonly speaker: AudioDeviceInfo | null;
  /** Where to ring (several devices for "ring on all outputs"). */
  readonly ring: readonly AudioDeviceInfo[];
  readonly notices: readonly DeviceNotice[];
}

const ROLE_WORD: Record<DeviceRole, string> = { microphone: 'Microphone', speaker: 'Speaker', ring: 'Ring device' };
const directionOf = (role: DeviceRole): Direction => (role === 'microphone' ? 'input' : 'output');

export function canDo(device: AudioDeviceInfo, direction: Direction): boolean {
  return direction === 'input' ? device.maxInputChannels > 0 : device.maxOutputChannels > 0;
}

/** The system default for a direction, else the first device that can do it, else null. */
export function defaultDevice(devices: readonly AudioDeviceInfo[], direction: Direction): AudioDeviceInfo | null {
  const marked = devices.find((d) => canDo(d, direction) && (direction === 'input' ? d.isDefaultInput : d.isDefaultOutput));
  return marked ?? devices.find((d) => canDo(d, direction)) ?? null;
}

/** Finds a remembered device: exact key, else the same normalised name on the same host API. */
export function findDevice(
  devices: readonly AudioDeviceInfo[], key: string, direction: Direction,
): { device: AudioDeviceInfo; exact: boolean } | null {
  const exact = devices.find((d) => d.key === key && canDo(d, direction));
  if (exact) return { device: exact, exact: true };
  const wanted = parseDeviceKey(key);
  if (!wanted) return null;
  const norm = normalizedDeviceName(wanted.name.replace(/ #\d+$/, ''));
  const moved = devices.find((d) => d.hostApi === wanted.hostApi && canDo(d, direction) && normalizedDeviceName(d.name) === norm);
  return moved ? { device: moved, exact: false } : null;
}

const label = (key: string): string => {
  const p = parseDeviceKey(key);
  return p ? `“${p.name}” (${p.hostApi})` : `“${key}”`;
};

/** One role: null key means "system default" and never produces a notice unless there is no device at all. */
export function resolveDevice(devices: readonly AudioDeviceInfo[], key: string | null, role: DeviceRole): ResolvedDevice {
  const direction = directionOf(role);
  if (key !== null) {
    const found = findDevice(devices, key, direction);
    if (found?.exact) return { device: found.device };
    if (found) {
      return {
        device: found.device,
        notice: { role, wantedKey: key, usedKey: found.device.key, kind: 'moved',
          message: `${ROLE_WORD[role]} ${label(key)} is now listed as “${found.device.name}”; using it.` },
      };
    }
  }
  const fallback = defaultDevice(devices, direction);
  if (key === null && fallback) return { device: fallback };
  if (!fallback) {
    return {
      device: null,
      notice: { role, wantedKey: key ?? '', usedKey: null, kind: 'none',
        message: `No ${direction === 'input' ? 'microphone' : 'speaker'} was found. Connect one, then choose Refresh devices.` },
    };
  }
  return {
    device: fallback,
    notice: { role, wantedKey: key ?? '', usedKey: fallback.key, kind: 'fallback',
      message: `${ROLE_WORD[role]} ${label(key ?? '')} is not connected; using the system default “${fallback.name}”.` },
  };
}

// ALSA lists every configured PCM alias of the same card (sysdefault, front, surround51, dmix, …). Ringing
// on "all outputs" means every distinct output, so on ALSA only the cards themselves ("(hw:N,M)") count,
// plus the default output when no card is listed (a PipeWire/Pulse-only system).
function distinctOutputs(devices: readonly AudioDeviceInfo[]): AudioDeviceInfo[] {
  const outputs = devices.filter((d) => canDo(d, 'output'));
  const def = defaultDevice(devices, 'output');
  const hostApi = def?.hostApi;
  const sameApi = outputs.filter((d) => d.hostApi === hostApi);
  const picked = hostApi === 'ALSA' ? sameApi.filter((d) => /\(hw:\d+,\d+\)/.test(d.name)) : sameApi;
  const list = picked.length > 0 ? picked : def ? [def] : [];
  const seen = new Set<string>();
  return list.filter((d) => {
    const n = normalizedDeviceName(d.name);
    if (seen.has(n)) return false;
    seen.add(n);
    return true;
  });
}

/** Resolves the whole selection against one enumeration. */
export function resolveDeviceSelection(selection: DeviceSelection, devices: readonly AudioDeviceInfo[]): ResolvedDevices {
  const notices: DeviceNotice[] = [];
  const mic = resolveDevice(devices, selection.microphone, 'microphone');
  const spk = resolveDevice(devices, selection.speaker, 'speaker');
  if (mic.notice) notices.push(mic.notice);
  if (spk.notice) notices.push(spk.notice);
  let ring: AudioDeviceInfo[];
  switch (selection.ring.mode) {
    case 'speaker':
      ring = spk.device ? [spk.device] : [];
      break;
    case 'device': {
      const r = resolveDevice(devices, selection.ring.deviceKey, 'ring');
      if (r.notice && r.notice.kind !== 'none') notices.push(r.notice);
      ring = r.device ? [r.device] : [];
      break;
    }
    case 'all-outputs':
      ring = distinctOutputs(devices);
      break;
  }
  return { microphone: mic.device, speaker: spk.device, ring, notices };
}

/** Keys the user chose that are not in this enumeration (AudioDevicesView.missing). */
export function missingDeviceKeys(selection: DeviceSelection, devices: readonly AudioDeviceInfo[]): string[] {
  const wanted: Array<[string | null, Direction]> = [
    [selection.microphone, 'input'], [selection.speaker, 'output'],
    [selection.ring.mode === 'device' ? selection.ring.deviceKey : null, 'output'],
  ];
  const missing = wanted.filter(([k, dir]) => k !== null && !devices.some((d) => d.key === k && canDo(d, dir))).map(([k]) => k as string);
  return [...new Set(missing)];
}
