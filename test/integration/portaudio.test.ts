// Real PortAudio (naudiodon's bundled ALSA build) through ALSA `file` PCMs defined in a private
// .asoundrc (docs/testing.md §1.2). Content checks only: these PCMs are not paced in real time.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { AudioDeviceInfo } from '../../electron/core/media/audio-ports.js';
import {
  ALSA_IN_KEY, ALSA_OUT_KEY, ALSA_STALL_KEY, bundlePortAudioChild, createAlsaHome, naudiodonAvailable, readRawPcm, runPortAudioChild,
  writeRawPcm, type AlsaHome,
} from '../support/alsa.js';
import { goertzelAmplitude } from '../support/signals.js';
import { describeWithPeer } from '../support/peers.js';

const amplitudeAt = goertzelAmplitude;

let alsa: AlsaHome;
beforeAll(async () => { alsa = createAlsaHome(); await bundlePortAudioChild(); });
afterAll(() => alsa?.cleanup());

describeWithPeer('naudiodon (PortAudio) with the ALSA file PCMs', naudiodonAvailable(), 'naudiodon adapter on ALSA file PCMs', () => {
  it('lists the PCMs of the private asoundrc with host API + name keys and a default', async () => {
    const { value } = await runPortAudioChild<{ devices: AudioDeviceInfo[]; hostApis: string[] }>(alsa.home, { kind: 'list' });
    const keys = value.devices.map((d) => d.key);
    expect(keys).toEqual(expect.arrayContaining([ALSA_OUT_KEY, ALSA_IN_KEY, 'ALSA::default', 'ALSA::redial_null']));
    expect(value.hostApis).toContain('ALSA');
    const def = value.devices.filter((d) => d.isDefaultOutput);
    expect(def.map((d) => d.key)).toEqual(['ALSA::default']);
    expect(value.devices.find((d) => d.key === ALSA_OUT_KEY)?.maxOutputChannels).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('plays a 1 kHz tone that ends up in the file, at the requested rate, level and frequency', async () => {
    rmSync(alsa.outFile, { force: true });
    const { value, stdout } = await runPortAudioChild<{ sampleRate: number; frameSamples: number; framesWritten: number; device: string; notice: string | null; badFrames: number; errors: string[] }>(
      alsa.home, { kind: 'play', deviceKey: ALSA_OUT_KEY, sampleRate: 16000, frequency: 1000, frames: 50 });
    // naudiodon prints PortAudio status flags (closeOnError:false) to stdout: the queue never ran dry.
    expect(stdout).toMatch(/Output audio options: device \d+, sample rate 16000, channels 1, bits per sample 16, max queue 2, frames per buffer 320, close on error false/);
    expect(stdout).not.toMatch(/underflow/);
    expect(value).toMatchObject({ sampleRate: 16000, frameSamples: 320, device: ALSA_OUT_KEY, notice: null, badFrames: 0, errors: [] });
    const played = readRawPcm(alsa.outFile);
    // Everything written reached the device: the 2 priming frames of silence, then the tone.
    expect(played.length).toBeGreaterThanOrEqual(value.framesWritten * 320);
    const firstSound = played.findIndex((v) => v !== 0);
    expect(firstSound).toBeGreaterThanOrEqual(2 * 320 - 1);
    const body = played.subarray(firstSound + 320, firstSound + 320 + 16000 * 0.5);
    const expected = 32767 * 10 ** (-6 / 20);
    const a1k = amplitudeAt(body, 1000, 16000);
    expect(a1k).toBeGreaterThan(expected * 0.95);
    expect(a1k).toBeLessThan(expected * 1.05);
    for (const f of [500, 1500, 2000, 3000]) expect(amplitudeAt(body, f, 16000)).toBeLessThan(expected * 0.01);
  });

  it('opens at the device rate when no rate is asked for, and reports it', async () => {
    const { value } = await runPortAudioChild<{ sampleRate: number; frameSamples: number }>(
      alsa.home, { kind: 'play', deviceKey: ALSA_OUT_KEY, frequency: 440, frames: 5 });
    expect(value.sampleRate).toBe(44100); // what PortAudio reports as this PCM's default rate
    expect(value.frameSamples).toBe(882);
  });

  it('captures back the signal fed to the microphone, in exact 20 ms frames', async () => {
    const fed = Int16Array.from({ length: 8000 }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 350 * i) / 8000) + ((i * 37) % 200) - 100));
    writeRawPcm(alsa.inFile, fed);
    const { value } = await runPortAudioChild<{ sampleRate: number; frameSizes: number[]; samples: number[]; device: string }>(
      alsa.home, { kind: 'capture', deviceKey: ALSA_IN_KEY, sampleRate: 8000, samples: 8000 });
    expect(value.sampleRate).toBe(8000);
    expect(value.frameSizes).toEqual([160]);
    expect(value.device).toBe(ALSA_IN_KEY);
    expect(Int16Array.from(value.samples)).toEqual(fed);
  });

  it('opens, closes (twice, concurrently) and reopens both directions', async () => {
    const { value } = await runPortAudioChild<{ log: string[]; devicesAfter: number }>(
      alsa.home, { kind: 'lifecycle', outKey: ALSA_OUT_KEY, inKey: ALSA_IN_KEY, rounds: 3 });
    expect(value.log).toEqual([0, 1, 2].map((i) => `round ${i}: captured, played, same-close=true`));
    expect(value.devicesAfter).toBeGreaterThanOrEqual(4);
  });

  it('falls back to the system default, with a notice, when the chosen device is missing', async () => {
    const { value } = await runPortAudioChild<{ device: string; notice: string; notices: string[]; framesWritten: number }>(
      alsa.home, { kind: 'play', deviceKey: 'ALSA::USB Headset (hw:3,0)', sampleRate: 16000, frequency: 440, frames: 5 });
    expect(value.device).toBe('ALSA::default');
    expect(value.notice).toMatch(/Speaker “ALSA::USB Headset \(hw:3,0\)” is not available; using the system default “default”/);
    expect(value.notices).toEqual([value.notice]);
    expect(value.framesWritten).toBeGreaterThanOrEqual(5);
  });
});

describeWithPeer('naudiodon (PortAudio) with the ALSA file PCMs', naudiodonAvailable(), 'naudiodon adapter in a worker thread (the engine-worker design)', () => {
  it('plays and captures from a worker thread, twice in a row in the same process', async () => {
    rmSync(alsa.outFile, { force: true });
    const { value } = await runPortAudioChild<Array<{ framesWritten: number; sampleRate: number }>>(alsa.home, {
      kind: 'in-worker', times: 2, inner: { kind: 'play', deviceKey: ALSA_OUT_KEY, sampleRate: 8000, frequency: 600, frames: 20 },
    });
    expect(value.map((v) => v.sampleRate)).toEqual([8000, 8000]);
    for (const v of value) expect(v.framesWritten).toBeGreaterThanOrEqual(20);
    const played = readRawPcm(alsa.outFile);
    const start = played.findIndex((v) => v !== 0) + 160;
    expect(amplitudeAt(played.subarray(start, start + 1600), 600, 8000)).toBeGreaterThan(32767 * 10 ** (-6 / 20) * 0.95);

    const fed = Int16Array.from({ length: 1600 }, (_, i) => (i * 41) % 3000 - 1500);
    writeRawPcm(alsa.inFile, fed);
    const cap = await runPortAudioChild<Array<{ samples: number[] }>>(alsa.home, {
      kind: 'in-worker', times: 1, inner: { kind: 'capture', deviceKey: ALSA_IN_KEY, sampleRate: 8000, samples: 1600 },
    });
    expect(Int16Array.from(cap.value[0].samples)).toEqual(fed);
  });
});

describeWithPeer('naudiodon (PortAudio) with the ALSA file PCMs', naudiodonAvailable(), 'naudiodon adapter when a device refuses', () => {
  it('opens at the device rate when the requested rate is refused, and reports the real rate', async () => {
    rmSync(alsa.outFile, { force: true });
    const { value } = await runPortAudioChild<{ sampleRate: number; frameSamples: number; device: string; notice: string | null; framesWritten: number }>(
      alsa.home, { kind: 'play', deviceKey: ALSA_OUT_KEY, sampleRate: 16000, frequency: 1000, frames: 10, refuse: { deviceName: 'redial_out', onlyRate: 44100 } });
    expect(value).toMatchObject({ sampleRate: 44100, frameSamples: 882, device: ALSA_OUT_KEY, notice: null });
    // The tone was generated at the rate the stream reported: 1 kHz in the file at 44.1 kHz.
    const played = readRawPcm(alsa.outFile);
    // Skip the first of the 10 frames written and stay inside the last: after it the file may hold the
    // silence PortAudio plays until the stream stops (how much depends on timing), which is not the tone.
    const start = played.findIndex((v) => v !== 0) + 882;
    const body = played.subarray(start, start + 8 * 882);
    expect(body.length).toBe(8 * 882);
    expect(amplitudeAt(body, 1000, 44100)).toBeGreaterThan(32767 * 10 ** (-6 / 20) * 0.95);
    expect(amplitudeAt(body, 1000 * 44100 / 16000, 44100)).toBeLessThan(200);
  });

  it('falls back to the default device with a notice when the chosen one cannot be opened', async () => {
    const { value } = await runPortAudioChild<{ device: string; notice: string; framesWritten: number }>(
      alsa.home, { kind: 'play', deviceKey: ALSA_OUT_KEY, sampleRate: 16000, frequency: 440, frames: 5, refuse: { deviceName: 'redial_out' } });
    expect(value.device).toBe('ALSA::default');
    expect(value.notice).toMatch(/Speaker “redial_out” could not be opened \(Could not open stream: Device unavailable\); using the system default “default”/);
    expect(value.framesWritten).toBeGreaterThanOrEqual(5);
  });
});

describeWithPeer('naudiodon (PortAudio) with the ALSA file PCMs', naudiodonAvailable(), 'naudiodon adapter when a device stops', () => {
  it('reports a microphone that stops delivering audio through onError, and still closes', async () => {
    const { execFileSync } = await import('node:child_process');
    const { openSync, writeSync, closeSync, writeFileSync, constants } = await import('node:fs');
    rmSync(alsa.stallFile);
    execFileSync('mkfifo', [alsa.stallFile]);
    // Read-write keeps a writer present so the device opens; after these 100 ms of audio it starves.
    const fd = openSync(alsa.stallFile, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      writeSync(fd, Buffer.alloc(1600, 1));
      const { value, killedAfterResult } = await runPortAudioChild<{ error: string; afterMs: number; frames: number; closed: boolean; closeMs: number }>(
        alsa.home, { kind: 'stall', deviceKey: ALSA_STALL_KEY, watchdogMs: 400 });
      expect(value.error).toMatch(/microphone stopped delivering audio/);
      expect(value.frames).toBeLessThanOrEqual(5);
      expect(value.afterMs).toBeGreaterThanOrEqual(400);
      expect(value.closed).toBe(true);
      // close() returns even though PortAudio cannot stop a device thread stuck in read() (closeTimeoutMs).
      expect(value.closeMs).toBeLessThan(1500);
      console.log(`stall: reported after ${value.afterMs} ms, ${value.frames} frames, close took ${value.closeMs} ms, `
        + `child ${killedAfterResult ? 'had to be killed' : 'exited by itself'}`);
    } finally {
      closeSync(fd);
      rmSync(alsa.stallFile, { force: true });
      writeFileSync(alsa.stallFile, Buffer.alloc(0));
    }
  });
});
