// Audio plumbing: re-chunking PCM bytes into frames, the CLI's device arguments and listing, and
// createAudioSystem's fake and split systems.
import { describe, expect, it } from 'vitest';
import { Pcm16Rechunker, pcm16ToBuffer } from '../../../../electron/adapters/audio/pcm-rechunker.js';
import { createAudioSystem } from '../../../../electron/adapters/audio/create-audio-system.js';
import { formatDeviceList, matchDeviceArgument } from '../../../../electron/core/media/devices/device-arguments.js';
import type { AudioDeviceInfo } from '../../../../electron/core/media/audio-ports.js';
import { PacedFakeAudioSystem } from '../../../../electron/adapters/audio/paced-fake-audio.js';

describe('Pcm16Rechunker', () => {
  it('turns chunks of any byte size (odd ones splitting a sample) into exact frames, in order', () => {
    const samples = Int16Array.from({ length: 1000 }, (_, i) => (i * 977) % 65536 - 32768);
    const bytes = pcm16ToBuffer(samples);
    const frames: Int16Array[] = [];
    const r = new Pcm16Rechunker(160, (f) => frames.push(f));
    let at = 0;
    for (const size of [1, 3, 640, 7, 0, 333, 1, 1015]) { r.push(bytes.subarray(at, at + size)); at += size; }
    r.push(bytes.subarray(at));
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160, 160, 160, 160]);
    const joined = new Int16Array(960);
    frames.forEach((f, i) => joined.set(f, i * 160));
    expect(joined).toEqual(samples.subarray(0, 960));
    expect(r.pendingSamples).toBe(40);
    // Frames are fresh arrays: keeping one is safe.
    expect(frames[0]).not.toBe(frames[1]);
  });
});

const DEVICES: AudioDeviceInfo[] = [
  { key: 'ALSA::default', name: 'default', hostApi: 'ALSA', maxInputChannels: 32, maxOutputChannels: 32, defaultSampleRate: 44100, isDefaultInput: true, isDefaultOutput: true },
  { key: 'ALSA::USB Headset: Audio (hw:1,0)', name: 'USB Headset: Audio (hw:1,0)', hostApi: 'ALSA', maxInputChannels: 1, maxOutputChannels: 2, defaultSampleRate: 48000, isDefaultInput: false, isDefaultOutput: false },
  { key: 'ALSA::HDA Intel PCH: HDMI 0 (hw:0,3)', name: 'HDA Intel PCH: HDMI 0 (hw:0,3)', hostApi: 'ALSA', maxInputChannels: 0, maxOutputChannels: 8, defaultSampleRate: 48000, isDefaultInput: false, isDefaultOutput: false },
  { key: 'ALSA::HDA Intel PCH: ALC257 Analog (hw:0,0)', name: 'HDA Intel PCH: ALC257 Analog (hw:0,0)', hostApi: 'ALSA', maxInputChannels: 2, maxOutputChannels: 2, defaultSampleRate: 44100, isDefaultInput: false, isDefaultOutput: false },
];

describe('CLI device arguments', () => {
  it('accepts default, fake, a key, a name, or a unique part', () => {
    expect(matchDeviceArgument(undefined, DEVICES, 'input')).toEqual({ kind: 'default' });
    expect(matchDeviceArgument('fake', DEVICES, 'output')).toEqual({ kind: 'fake' });
    expect(matchDeviceArgument('ALSA::default', DEVICES, 'input')).toMatchObject({ kind: 'device', device: { name: 'default' } });
    expect(matchDeviceArgument('usb', DEVICES, 'input')).toMatchObject({ device: { key: 'ALSA::USB Headset: Audio (hw:1,0)' } });
    expect(matchDeviceArgument('hdmi', DEVICES, 'output')).toMatchObject({ device: { name: 'HDA Intel PCH: HDMI 0 (hw:0,3)' } });
  });

  it('explains no match and ambiguity, and never offers an output as a microphone', () => {
    expect(() => matchDeviceArgument('hdmi', DEVICES, 'input')).toThrow(/No input device matches “hdmi”/);
    expect(() => matchDeviceArgument('HDA', DEVICES, 'output')).toThrow(/matches several output devices/);
  });

  it('formats the `redial devices` listing', () => {
    const text = formatDeviceList(DEVICES);
    expect(text).toContain('ALSA:\n');
    expect(text).toContain('  in/out   44100 Hz  ALSA::default   [default input, default output]');
    expect(text).toContain('     out   48000 Hz  ALSA::HDA Intel PCH: HDMI 0 (hw:0,3)');
    expect(formatDeviceList([])).toBe('No sound devices found.\n');
  });
});

describe('createAudioSystem', () => {
  it('builds a fake with a tone microphone, and a split of two systems', async () => {
    const fake = createAudioSystem({ kind: 'fake', deviceRate: 8000, captureTone: { frequencies: [1000], levelDbfs: -6 } });
    expect(fake).toBeInstanceOf(PacedFakeAudioSystem);
    const cap = await fake.openCapture({ deviceKey: null });
    const frame = await new Promise<Int16Array>((r) => cap.onFrame(r));
    await cap.close();
    expect(cap.sampleRate).toBe(8000); // opened without a rate: the device's own
    expect(Math.max(...frame)).toBeGreaterThan(10000);

    const split = createAudioSystem({ kind: 'split', capture: { kind: 'fake' }, playback: { kind: 'wav' } });
    const list = await split.listDevices();
    expect(list.map((d) => [d.hostApi, d.maxInputChannels > 0, d.maxOutputChannels > 0]))
      .toEqual([['Fake', true, false], ['WAV', false, true]]);
  });
});
