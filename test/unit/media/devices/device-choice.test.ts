// Choosing sound devices: device keys, resolving the user's selection with fallbacks and notices, what is
// persisted, when to enumerate, and opening with fallback on the paced fake device.
import { describe, expect, it } from 'vitest';
import type { AudioDeviceInfo } from '../../../../electron/core/media/audio-ports.js';
import { deviceKey, normalizedDeviceName, parseDeviceKey, uniqueDeviceKeys } from '../../../../electron/core/media/devices/device-key.js';
import { DEFAULT_DEVICE_SELECTION } from '../../../../electron/core/media/devices/device-selection.js';
import { resolveDevice, resolveDeviceSelection } from '../../../../electron/core/media/devices/resolve-devices.js';
import { DeviceCatalog } from '../../../../electron/core/media/devices/device-catalog.js';
import { openCaptureWithFallback, openPlaybackWithFallback } from '../../../../electron/core/media/devices/open-with-fallback.js';
import { PacedFakeAudioSystem } from '../../../../electron/adapters/audio/paced-fake-audio.js';

function dev(name: string, io: 'in' | 'out' | 'both', extra: Partial<AudioDeviceInfo> = {}): AudioDeviceInfo {
  const hostApi = extra.hostApi ?? 'ALSA';
  return {
    key: deviceKey(hostApi, name), name, hostApi,
    maxInputChannels: io === 'out' ? 0 : 2, maxOutputChannels: io === 'in' ? 0 : 2,
    defaultSampleRate: 48000, isDefaultInput: false, isDefaultOutput: false, ...extra,
  };
}

const LAPTOP = [
  dev('HDA Intel PCH: ALC257 Analog (hw:0,0)', 'both'),
  dev('HDA Intel PCH: HDMI 0 (hw:0,3)', 'out'),
  dev('sysdefault', 'both'),
  dev('front', 'out'),
  dev('USB Headset: Audio (hw:1,0)', 'both'),
  dev('pipewire', 'both'),
  dev('default', 'both', { isDefaultInput: true, isDefaultOutput: true }),
];

describe('device keys', () => {
  it('are host API + name, parse back, and stay unique for identical names', () => {
    expect(deviceKey('ALSA', 'default')).toBe('ALSA::default');
    expect(parseDeviceKey('Windows WASAPI::Mic: a::b')).toEqual({ hostApi: 'Windows WASAPI', name: 'Mic: a::b' });
    expect(parseDeviceKey('nohostapi')).toBeNull();
    expect(uniqueDeviceKeys([{ hostApi: 'MME', name: 'USB' }, { hostApi: 'MME', name: 'USB' }, { hostApi: 'WASAPI', name: 'USB' }]))
      .toEqual(['MME::USB', 'MME::USB #2', 'WASAPI::USB']);
    expect(normalizedDeviceName('USB Headset: Audio (hw:2,0)')).toBe(normalizedDeviceName('USB  Headset: Audio (hw:1,0)'));
  });
});

describe('resolving the chosen devices', () => {
  it('uses the exact device when present, with no notice', () => {
    const r = resolveDevice(LAPTOP, 'ALSA::USB Headset: Audio (hw:1,0)', 'microphone');
    expect(r.device?.name).toBe('USB Headset: Audio (hw:1,0)');
    expect(r.notice).toBeUndefined();
  });

  it('finds a headset again under a new ALSA card number and says so', () => {
    const moved = LAPTOP.map((d) => d.name.startsWith('USB') ? dev('USB Headset: Audio (hw:2,0)', 'both') : d);
    const r = resolveDevice(moved, 'ALSA::USB Headset: Audio (hw:1,0)', 'speaker');
    expect(r.device?.key).toBe('ALSA::USB Headset: Audio (hw:2,0)');
    expect(r.notice?.kind).toBe('moved');
  });

  it('falls back to the system default with a notice naming the missing device', () => {
    const unplugged = LAPTOP.filter((d) => !d.name.startsWith('USB'));
    const r = resolveDevice(unplugged, 'ALSA::USB Headset: Audio (hw:1,0)', 'microphone');
    expect(r.device?.key).toBe('ALSA::default');
    expect(r.notice).toMatchObject({ kind: 'fallback', usedKey: 'ALSA::default', wantedKey: 'ALSA::USB Headset: Audio (hw:1,0)' });
    expect(r.notice?.message).toMatch(/Microphone “USB Headset: Audio \(hw:1,0\)” \(ALSA\) is not connected; using the system default “default”/);
  });

  it('does not take an output-only device as microphone, and reports when there is no device at all', () => {
    const r = resolveDevice(LAPTOP, 'ALSA::HDA Intel PCH: HDMI 0 (hw:0,3)', 'microphone');
    expect(r.device?.key).toBe('ALSA::default');
    expect(r.notice?.kind).toBe('fallback');
    const none = resolveDevice([dev('spk', 'out')], null, 'microphone');
    expect(none.device).toBeNull();
    expect(none.notice?.kind).toBe('none');
    // No default marked: the first capable device.
    expect(resolveDevice([dev('a', 'out'), dev('b', 'in')], null, 'microphone').device?.name).toBe('b');
  });

  it('resolves ring targets: speaker, one device, or every distinct output', () => {
    const base = { microphone: null, speaker: 'ALSA::USB Headset: Audio (hw:1,0)' };
    expect(resolveDeviceSelection({ ...base, ring: { mode: 'speaker' } }, LAPTOP).ring.map((d) => d.name))
      .toEqual(['USB Headset: Audio (hw:1,0)']);
    expect(resolveDeviceSelection({ ...base, ring: { mode: 'device', deviceKey: 'ALSA::HDA Intel PCH: ALC257 Analog (hw:0,0)' } }, LAPTOP)
      .ring.map((d) => d.name)).toEqual(['HDA Intel PCH: ALC257 Analog (hw:0,0)']);
    // ALSA aliases (sysdefault, front, pipewire, default) are the same cards again: only the cards ring.
    expect(resolveDeviceSelection({ ...base, ring: { mode: 'all-outputs' } }, LAPTOP).ring.map((d) => d.name)).toEqual([
      'HDA Intel PCH: ALC257 Analog (hw:0,0)', 'HDA Intel PCH: HDMI 0 (hw:0,3)', 'USB Headset: Audio (hw:1,0)']);
    // Non-ALSA host (e.g. WASAPI): every output of the default host API.
    const win = [dev('Speakers', 'out', { hostApi: 'Windows WASAPI', isDefaultOutput: true }), dev('Headset', 'both', { hostApi: 'Windows WASAPI' }),
      dev('Speakers', 'out', { hostApi: 'MME' })];
    expect(resolveDeviceSelection({ microphone: null, speaker: null, ring: { mode: 'all-outputs' } }, win).ring.map((d) => d.key))
      .toEqual(['Windows WASAPI::Speakers', 'Windows WASAPI::Headset']);
  });

  it('collects all notices of a selection', () => {
    const r = resolveDeviceSelection({ microphone: 'ALSA::gone', speaker: 'ALSA::gone too', ring: { mode: 'device', deviceKey: 'ALSA::also gone' } }, LAPTOP);
    expect(r.notices.map((n) => n.role)).toEqual(['microphone', 'speaker', 'ring']);
    expect(r.microphone?.key).toBe('ALSA::default');
  });
});


describe('when to enumerate', () => {
  it('defers a refresh while a stream is open and runs it when the last one closes', async () => {
    let devices = [dev('default', 'both', { isDefaultInput: true, isDefaultOutput: true })];
    let calls = 0;
    const catalog = new DeviceCatalog({ listDevices: async () => { calls++; return devices; } });
    const changes: number[] = [];
    catalog.on('changed', (list) => changes.push(list.length));
    expect((await catalog.refresh('startup')).refreshed).toBe(true);
    const release1 = catalog.streamOpened();
    const release2 = catalog.streamOpened();
    devices = [...devices, dev('USB', 'both')];
    const during = await catalog.refresh('user');
    expect(during).toMatchObject({ refreshed: false, deferred: true });
    expect(during.message).toMatch(/when the call ends/);
    expect(calls).toBe(1);
    release1();
    release1(); // twice: harmless
    expect(catalog.streamsOpen).toBe(1);
    expect(calls).toBe(1);
    release2();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toBe(2);
    expect(catalog.devices.map((d) => d.name)).toEqual(['default', 'USB']);
    expect(changes).toEqual([1, 2]);
    expect(catalog.refreshPending).toBe(false);
  });

  it('reports an enumeration failure without throwing and keeps the last list', async () => {
    let fail = false;
    const catalog = new DeviceCatalog({ listDevices: async () => { if (fail) throw new Error('PortAudio init failed'); return [dev('default', 'both')]; } });
    await catalog.refresh('startup');
    fail = true;
    const errors: Error[] = [];
    catalog.on('error', (e) => errors.push(e));
    const r = await catalog.refresh('user');
    expect(r.refreshed).toBe(false);
    expect(r.message).toMatch(/PortAudio init failed/);
    expect(r.devices).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});

describe('opening with fallback (through the paced fake device)', () => {
  it('opens the chosen device, or the default with a notice when it refuses or is gone', async () => {
    const devices = [
      { ...dev('Headset', 'both', { hostApi: 'Fake' }) },
      { ...dev('Builtin', 'both', { hostApi: 'Fake', isDefaultInput: true, isDefaultOutput: true }) },
    ];
    const audio = new PacedFakeAudioSystem({ devices, unavailableKeys: ['Fake::Headset'] });
    try {
      const busy = await openCaptureWithFallback(audio, devices, 'Fake::Headset');
      expect(busy.notice?.kind).toBe('fallback');
      expect(busy.notice?.message).toMatch(/could not be opened \(sound device Fake::Headset is not available\)/);
      expect(audio.captures[0].device?.key).toBe('Fake::Builtin');

      const gone = await openPlaybackWithFallback(audio, devices, 'Fake::Unplugged');
      expect(gone.device?.key).toBe('Fake::Builtin');
      expect(gone.notice?.kind).toBe('fallback');

      const ok = await openPlaybackWithFallback(new PacedFakeAudioSystem({ devices }), devices, 'Fake::Headset');
      expect(ok.notice).toBeUndefined();
      expect(ok.device?.key).toBe('Fake::Headset');
      await ok.stream.close();

      const nothing = new PacedFakeAudioSystem({ devices, unavailableKeys: ['Fake::Builtin'] });
      await expect(openCaptureWithFallback(nothing, devices, null)).rejects.toThrow(/Could not open the microphone “Builtin”/);
    } finally {
      await audio.closeAll();
    }
  });
});

describe('the UI contract shape', () => {
  it('converts AudioSelection both ways and lists missing keys', async () => {
    const { fromAudioSelection, toAudioSelection } = await import('../../../../electron/core/media/devices/device-selection.js');
    const { missingDeviceKeys } = await import('../../../../electron/core/media/devices/resolve-devices.js');
    for (const sel of [
      { input: 'ALSA::a', output: null, ring: null, ringAll: false },
      { input: null, output: 'ALSA::b', ring: 'ALSA::c', ringAll: false },
      { input: null, output: null, ring: null, ringAll: true },
    ]) expect(toAudioSelection(fromAudioSelection(sel))).toEqual(sel);
    const s = fromAudioSelection({ input: 'ALSA::USB Headset: Audio (hw:1,0)', output: 'ALSA::gone', ring: 'ALSA::gone', ringAll: false });
    expect(missingDeviceKeys(s, LAPTOP)).toEqual(['ALSA::gone']);
  });
});
