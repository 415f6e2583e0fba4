// DevicePhoneMedia on the paced fake sound card (real time, 20 ms frames): shared streams for calls, tones and
// the ringtone where the user wants them, device fallback with a notice, recording to WAV, clean release.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DevicePhoneMedia } from '../../../electron/core/phone/device-phone-media.js';
import type { MediaNotice } from '../../../electron/core/phone/media-port.js';
import { DEFAULT_SETTINGS } from '../../../electron/core/phone/settings-model.js';
import { PacedFakeAudioSystem, fakeDevice } from '../../../electron/adapters/audio/paced-fake-audio.js';
import { WavFileRecording } from '../../../electron/adapters/fs-wav-recording.js';
import { SystemClock } from '../../../electron/adapters/system-clock.js';
import { decodeWav } from '../../../electron/core/media/wav.js';
import type { AudioSelection } from '../../../electron/shared/api.js';
import { FakeCall } from './fake-engine.js';
import { ToneGenerator } from '../../../electron/core/media/tones.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { sleep, until } from '../../support/wait.js';
import { toneAmplitude } from '../../support/signals.js';

const tempDir = tempDirs();
const peak = (pcm: Int16Array): number => pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const headset = fakeDevice('Headset', { isDefaultInput: true, isDefaultOutput: true });
const speakers = fakeDevice('Speakers', { maxInputChannels: 0, isDefaultInput: false, isDefaultOutput: false });

let media: DevicePhoneMedia | undefined;
afterEach(async () => { await media?.close(); media = undefined; });

function setup(selection: Partial<AudioSelection> = {}, tone = true) {
  const audio = new PacedFakeAudioSystem({
    devices: [headset, speakers], deviceRate: 16000,
    captureSource: tone ? (rate) => new ToneGenerator({ repeat: true, segments: [{ frequencies: [700], durationMs: 60_000, levelDbfs: -12 }] }, rate) : undefined,
  });
  const notices: MediaNotice[] = [];
  media = new DevicePhoneMedia({ audio, clock: new SystemClock(), openRecording: (p) => new WavFileRecording(p) });
  media.onNotice((n) => notices.push(n));
  media.configure({ ...DEFAULT_SETTINGS, selection: { ...DEFAULT_SETTINGS.audio, ...selection } });
  return { audio, notices, media };
}

function upCall(id: string): FakeCall & { sent: { bytes: number; ms: number }[] } {
  const c = Object.assign(new FakeCall(id, 'outgoing', '600'), { sent: [] as { bytes: number; ms: number }[] });
  c.codec = 'ulaw';
  c.state = 'up';
  c.sendVoice = (payload: Uint8Array, ms: number) => { c.sent.push({ bytes: payload.length, ms }); };
  return c;
}

describe('DevicePhoneMedia', () => {
  it('runs calls on one shared microphone and speaker, and releases them after the last call', async () => {
    const t = setup();
    const a = upCall('a');
    const b = upCall('b');
    const audioA = await t.media.startCall(a);
    const audioB = await t.media.startCall(b);
    expect(t.audio.captures).toHaveLength(1);
    expect(t.audio.playbacks).toHaveLength(1);
    await until('both calls sent 8 frames', () => a.sent.length >= 8 && b.sent.length >= 8);
    // Capture paces sending: about one 20 ms µ-law frame (160 bytes) per period, to both calls.
    for (const c of [a, b]) {
      expect(c.sent.length).toBeGreaterThanOrEqual(8);
      expect(c.sent.every((s) => s.bytes === 160 && s.ms === 20)).toBe(true);
    }
    audioA.setMuted(true);
    const before = a.sent.length;
    await until('the muted call sends on', () => a.sent.length >= before + 3);
    expect(a.sent.length).toBeGreaterThan(before); // muted still sends (silence), keeping timestamps going
    expect(t.media.levels().inputDbfs).not.toBeNull();
    await audioA.close();
    expect(t.audio.captures[0].isClosed).toBe(false);
    await audioB.close();
    expect(t.audio.captures[0].isClosed).toBe(true);
    expect(t.audio.playbacks[0].isClosed).toBe(true);
    expect(t.media.levels()).toEqual({ inputDbfs: null, outputDbfs: null });
  });

  it('records both directions to a stereo WAV', async () => {
    const t = setup();
    const dir = await tempDir('redial-rec-');
    const call = upCall('r');
    const audio = await t.media.startCall(call);
    await audio.startRecording(join(dir, 'call.wav'));
    const mic = t.audio.captures[0]!;
    const from = mic.timings.at(-1)?.index ?? 0;
    await until('400 ms of audio recorded', () => (mic.timings.at(-1)?.index ?? 0) >= from + 20);
    await audio.stopRecording();
    await audio.close();
    const wav = decodeWav(new Uint8Array(await readFile(join(dir, 'call.wav'))));
    expect(wav.channels).toBe(2);
    expect(wav.sampleRate).toBe(8000);
    const seconds = wav.samples.length / 2 / wav.sampleRate;
    expect(seconds).toBeGreaterThan(0.2);
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    expect(peak(left)).toBeGreaterThan(1000); // our microphone tone
  });

  it('plays progress tones on the speaker and closes it when they stop', async () => {
    const t = setup({}, false);
    t.media.setTone('ringback');
    await until('the ringback is heard', () => t.audio.playbacks.length === 1 && peak(t.audio.playbacks[0]!.playedAudio()) > 1000);
    expect(t.audio.playbacks).toHaveLength(1);
    t.media.setTone(null);
    await until('the speaker closes', () => t.audio.playbacks[0].isClosed);
    expect(t.audio.playbacks[0].isClosed).toBe(true);
  });

  it("plays the keys the user sends as DTMF on the call's speaker, one after the other; the CLI's media stays silent", async () => {
    const t = setup({}, false);
    const call = upCall('k');
    const audio = await t.media.startCall(call);
    const speaker = t.audio.playbacks[0]!;
    const from = speaker.framesPlayed;
    t.media.keyTones('5#');
    // 2 keys × (100 ms tone + 100 ms gap) at the speaker's pace.
    await until('both keys played', () => speaker.framesPlayed >= from + 22, 5000);
    const played = speaker.playedAudio();
    const keys = played.subarray(played.length - (speaker.framesPlayed - from) * speaker.frameSamples);
    const rate = speaker.sampleRate;
    const first = keys.subarray(0, (rate * 100) / 1000);
    const second = keys.subarray((rate * 200) / 1000, (rate * 300) / 1000);
    // '5' is 770 + 1336 Hz, '#' is 941 + 1477 Hz (ITU-T Q.23).
    expect(toneAmplitude(first, rate, 770)).toBeGreaterThan(1000);
    expect(toneAmplitude(first, rate, 1336)).toBeGreaterThan(1000);
    expect(toneAmplitude(first, rate, 941)).toBeLessThan(100);
    expect(toneAmplitude(second, rate, 941)).toBeGreaterThan(1000);
    expect(toneAmplitude(second, rate, 1477)).toBeGreaterThan(1000);
    await audio.close();

    const quietAudio = new PacedFakeAudioSystem({ deviceRate: 16000 });
    const quiet = new DevicePhoneMedia({ audio: quietAudio, clock: new SystemClock(), localSounds: false });
    const silent = await quiet.startCall(upCall('q'));
    quiet.keyTones('5');
    await until('the key would have played', () => quietAudio.playbacks[0]!.framesPlayed >= 8);
    expect(peak(quietAudio.playbacks[0]!.playedAudio())).toBe(0);
    await silent.close();
    await quiet.close();
  });

  it('rings on every output with "ring on all outputs", on one chosen device, or on the speaker', async () => {
    const all = setup({ ringAll: true }, false);
    all.media.setRinging(true);
    await until('both outputs ring', () => all.audio.playbacks.length === 2);
    expect(all.audio.playbacks.map((p) => p.device?.name).sort()).toEqual(['Headset', 'Speakers']);
    all.media.setRinging(false);
    await until('the ring streams close', () => all.audio.playbacks.every((p) => p.isClosed));
    expect(all.audio.playbacks.every((p) => p.isClosed)).toBe(true);
    await all.media.close();

    const one = setup({ ring: speakers.key }, false);
    one.media.setRinging(true);
    await until('the chosen device rings', () => one.audio.playbacks.length > 0 && peak(one.audio.playbacks[0]!.playedAudio()) > 1000);
    expect(one.audio.playbacks.map((p) => p.device?.name)).toEqual(['Speakers']);
    expect(peak(one.audio.playbacks[0].playedAudio())).toBeGreaterThan(1000);
    await one.media.close();

    const spk = setup({ output: headset.key, ring: null }, false);
    spk.media.setRinging(true);
    await until('the speaker rings', () => spk.audio.playbacks.length > 0 && peak(spk.audio.playbacks[0]!.playedAudio()) > 1000);
    expect(spk.audio.playbacks.map((p) => p.device?.name)).toEqual(['Headset']);
    expect(peak(spk.audio.playbacks[0].playedAudio())).toBeGreaterThan(1000);
  });

  it('falls back to the system default for a missing microphone, and says so', async () => {
    const t = setup({ input: 'Fake::Gone USB mic' });
    const audio = await t.media.startCall(upCall('x'));
    expect(t.audio.captures[0].device?.name).toBe('Headset');
    expect(t.notices).toEqual([expect.objectContaining({ level: 'warning', code: 'device-fallback' })]);
    await audio.close();
  });

  it('recovers when the speaker disappears mid-call', async () => {
    const t = setup();
    const audio = await t.media.startCall(upCall('y'));
    await until('the speaker plays', () => t.audio.playbacks[0]!.framesPlayed >= 2);
    t.audio.playbacks[0]!.simulateFailure();
    await until('a new speaker is opened', () => t.audio.playbacks.length === 2);
    expect(t.notices.map((n) => n.code)).toContain('device-lost');
    expect(t.audio.playbacks).toHaveLength(2);
    expect(t.audio.playbacks[1].isClosed).toBe(false);
    await audio.close();
  });

  it('starts a call answered while the speaker rings: stopping the ring does not close the devices the call is opening', async () => {
    // What PhoneService does when an incoming call is answered: start the call's audio, then (same tick) stop the
    // ringtone and any tone. Each stop releases idle streams; the call being started must count as a user.
    for (const order of ['call-first', 'ring-first'] as const) {
      const t = setup();
      t.media.setRinging(true);
      await until('the ringtone plays on the speaker', () => (t.audio.playbacks[0]?.framesPlayed ?? 0) > 2);
      const call = upCall(order);
      if (order === 'ring-first') { t.media.setRinging(false); t.media.setTone(null); }
      const started = t.media.startCall(call);
      if (order === 'call-first') { t.media.setTone(null); t.media.setRinging(false); }
      const audio = await started;
      const speaker = t.audio.playbacks.at(-1)!;
      const mic = t.audio.captures.at(-1)!;
      // Time for a wrong release to happen: the microphone keeps feeding the call.
      await until('the call sent 10 frames', () => call.sent.length >= 10 || speaker.isClosed || mic.isClosed);
      expect(speaker.isClosed).toBe(false);
      expect(mic.isClosed).toBe(false);
      expect(call.sent.length).toBeGreaterThanOrEqual(5); // the microphone feeds the call
      await audio.close();
      await until('the devices close after the call', () => speaker.isClosed && mic.isClosed);
      await t.media.close();
    }
  });
});
