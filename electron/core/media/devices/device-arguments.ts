// The CLI's --input-device / --output-device values, and the `redial devices` listing: the same device
// keys and the same defaults the app's settings show.

import type { AudioDeviceInfo } from '../audio-ports.js';
import { canDo, type Direction } from './resolve-devices.js';

export type DeviceArgument =
  | { readonly kind: 'default' }
  | { readonly kind: 'fake' }
  | { readonly kind: 'device'; readonly device: AudioDeviceInfo };

/**
 * Interprets a device argument: "default" (or empty), "fake", an exact key ("ALSA::default"), an
 * exact name, or a case-insensitive part of one name. Throws a user-facing Error listing the choices
 * when nothing or more than one device matches.
 */
export function matchDeviceArgument(arg: string | undefined, devices: readonly AudioDeviceInfo[], direction: Direction): DeviceArgument {
  const a = (arg ?? '').trim();
  if (a === '' || a.toLowerCase() === 'default') return { kind: 'default' };
  if (a.toLowerCase() === 'fake') return { kind: 'fake' };
  const usable = devices.filter((d) => canDo(d, direction));
  const exact = usable.filter((d) => d.key === a || d.name === a);
  if (exact.length === 1) return { kind: 'device', device: exact[0] };
  const part = (exact.length ? exact : usable).filter((d) => d.key.toLowerCase().includes(a.toLowerCase()));
  if (part.length === 1) return { kind: 'device', device: part[0] };
  const what = direction === 'input' ? 'input' : 'output';
  const list = usable.map((d) => `  ${d.key}`).join('\n') || '  (none)';
  if (part.length === 0) throw new Error(`No ${what} device matches “${a}”. Choose one of:\n${list}\nor “default” / “fake”.`);
  throw new Error(`“${a}” matches several ${what} devices:\n${part.map((d) => `  ${d.key}`).join('\n')}\nGive more of the name.`);
}

/**
 * `redial devices` text: one line per device with its direction, default marks and rate, grouped by
 * host API, and the key to pass to --input-device / --output-device.
 */
export function formatDeviceList(devices: readonly AudioDeviceInfo[]): string {
  if (devices.length === 0) return 'No sound devices found.\n';
  const lines: string[] = [];
  const apis = [...new Set(devices.map((d) => d.hostApi))];
  for (const api of apis) {
    lines.push(`${api}:`);
    for (const d of devices.filter((x) => x.hostApi === api)) {
      const io = `${d.maxInputChannels > 0 ? 'in' : '  '}${d.maxInputChannels > 0 && d.maxOutputChannels > 0 ? '/' : ' '}${d.maxOutputChannels > 0 ? 'out' : '   '}`;
      const marks = [d.isDefaultInput ? 'default input' : '', d.isDefaultOutput ? 'default output' : ''].filter(Boolean).join(', ');
      lines.push(`  ${io}  ${String(Math.round(d.defaultSampleRate)).padStart(6)} Hz  ${d.key}${marks ? `   [${marks}]` : ''}`);
    }
  }
  lines.push('', 'Use a key (or a unique part of it) with --input-device / --output-device; "default" and "fake" also work.');
  return lines.join('\n') + '\n';
}
