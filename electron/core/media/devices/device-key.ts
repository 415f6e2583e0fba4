// Device identity (stack-notes §1.2 item 8): PortAudio's device index changes whenever a device is
// added or removed, so a device is remembered by host API + name. The key is the string form of that pair.

export const DEVICE_KEY_SEPARATOR = '::';

export function deviceKey(hostApi: string, name: string): string {
  return `${hostApi}${DEVICE_KEY_SEPARATOR}${name}`;
}

export function parseDeviceKey(key: string): { hostApi: string; name: string } | null {
  const at = key.indexOf(DEVICE_KEY_SEPARATOR);
  if (at <= 0) return null;
  return { hostApi: key.slice(0, at), name: key.slice(at + DEVICE_KEY_SEPARATOR.length) };
}

/**
 * The part of a device name that survives re-plugging. ALSA names carry the card and device numbers
 * ("USB Headset: Audio (hw:2,0)"), and the card number changes when the headset is plugged into another
 * port or plugged in after another card; Windows MME truncates names to 31 characters. Comparing the
 * normalised name lets a remembered headset be found again under its new number.
 */
export function normalizedDeviceName(name: string): string {
  return name.replace(/\s*\((?:plug)?hw:[^)]*\)\s*$/i, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Keys for one enumeration: `${hostApi}::${name}`, and when a host API lists two devices with the same
 * name (two identical USB headsets on Windows MME), the second and later get a ` #2`, ` #3` suffix in
 * enumeration order so every key stays unique.
 */
export function uniqueDeviceKeys(devices: ReadonlyArray<{ hostApi: string; name: string }>): string[] {
  const seen = new Map<string, number>();
  return devices.map((d) => {
    const base = deviceKey(d.hostApi, d.name);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}
