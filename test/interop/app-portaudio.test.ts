// Answer-after-ring with REAL PortAudio: the built harness (`npm run harness --audio naudiodon`, engine in its worker
// thread) runs with a private HOME whose .asoundrc defines ALSA `file` PCMs (test/support/alsa.ts): the speaker writes
// raw samples to a file, the microphone reads a 1300 Hz tone from one. Asterisk calls bob with a call file, the phone
// rings on that speaker for 2 s, bob answers over the WebSocket contract. Those PCMs are not paced (docs/testing.md
// §1.1: content only), so the checks are on content: the ring and then Asterisk's 1004 Hz tone reach the speaker
// file, bob's tone reaches Asterisk's recording, and no "audio could not start" notice appears.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectWebSocket, type WebSocketConstructor } from '../../electron/shared/ws-transport.js';
import type { ApiClient } from '../../electron/shared/rpc.js';
import type { CallView, Notice } from '../../electron/shared/api.js';
import { ALSA_IN_KEY, ALSA_OUT_KEY, createAlsaHome, repoRoot, type AlsaHome } from '../support/alsa.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt } from '../support/cli.js';
import { MILLIWATT_HZ, USERS, readWav, toneWindows } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { sine } from '../support/signals.js';
import { tempDirs } from '../support/temp-dirs.js';
import { sleep } from '../support/wait.js';

const BOB_HZ = 1300;
const tempDir = tempDirs();

/** `promise`, or an error naming the step that did not happen within `ms`. */
function within<T>(step: string, ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${step}`)), ms).unref())]);
}

/** Raw s16le mono → samples. */
function raw(path: string): Int16Array {
  const b = readFileSync(path);
  return new Int16Array(b.buffer, b.byteOffset, b.length >> 1);
}

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'answer after ring on real PortAudio (ALSA file PCMs)', () => {
  const pbx = useAsterisk();
  let alsa: AlsaHome;
  let harness: ChildProcess;
  let api: ApiClient;
  const notices: Notice[] = [];

  beforeAll(async () => {
    ensureBuilt();
    alsa = createAlsaHome();
    const dataDir = await tempDir('redial-pa-harness-');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: alsa.home };
    delete env.ALSA_CONFIG_PATH;
    harness = spawn(process.execPath, [join(repoRoot, 'dist/electron/host/harness.js'), '--port', '0', '--iax-port', '0', '--no-renderer',
      '--audio', 'naudiodon', '--data-dir', dataDir], { env, cwd: alsa.home, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ready = await new Promise<{ api: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 20_000);
      harness.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"event":"ready"'));
        if (line) { clearTimeout(timer); resolve(JSON.parse(line) as { api: string }); }
      });
      harness.on('exit', (code) => { clearTimeout(timer); reject(new Error(`harness exited ${String(code)}: ${out}`)); });
    });
    api = await connectWebSocket(ready.api, { WebSocket: WebSocket as unknown as WebSocketConstructor, validate: true });
    api.on('notice', (n) => notices.push(n));
  }, 60_000);
  afterAll(async () => {
    api?.close();
    if (harness && harness.exitCode === null) {
      const exited = new Promise((r) => harness.once('exit', r));
      harness.kill('SIGTERM');
      await exited;
    }
    alsa?.cleanup();
  });

  it('rings on the ALSA speaker, is answered after 2 s, and the audio goes both ways through PortAudio', async () => {
    const devices = await api.request('audio:devices', { refresh: true });
    const micDevice = devices.devices.find((d) => d.key === ALSA_IN_KEY);
    const spkDevice = devices.devices.find((d) => d.key === ALSA_OUT_KEY);
    expect(micDevice && spkDevice, JSON.stringify(devices.devices.map((d) => d.key))).toBeTruthy();
    // The microphone file: 20 s of bob's tone at the device's rate (the PCM reads it faster than real time).
    writeFileSync(alsa.inFile, Buffer.from(sine(micDevice!.defaultSampleRate, micDevice!.defaultSampleRate * 20, BOB_HZ, 8000).buffer));
    await api.request('audio:select', { input: ALSA_IN_KEY, output: ALSA_OUT_KEY, ring: null, ringAll: false });
    await api.request('settings:update', { dsp: { echoCancellation: false, noiseSuppression: false } });
    // Listen before saving: the registration can complete (and its event arrive) before the save's reply is handled.
    const registered = new Set<string>();
    let onRegistered = (): void => undefined;
    api.on('registration', (r) => { if (r.status === 'registered') { registered.add(r.accountId); onRegistered(); } });
    const account = await api.request('accounts:save', { server: pbx().server, username: 'bob', secret: USERS.bob, codecs: ['ulaw'] });
    await within('bob registers', 10_000, new Promise<void>((resolve) => {
      onRegistered = () => { if (registered.has(account.id)) resolve(); };
      onRegistered();
    }));

    const incoming = new Promise<CallView>((resolve) => api.on('call:incoming', resolve));
    await pbx().callFile({ channel: 'IAX2/bob', context: 'callfile', extension: 'twoway', variables: { REC: 'pa' } });
    const call = await within('the call file rings bob', 10_000, incoming);
    await sleep(2000); // it rings (the PCMs are unpaced: the ringtone spins a core meanwhile, so not longer)
    const rungBytes = readFileSync(alsa.outFile).length;
    expect(rungBytes).toBeGreaterThan(0); // the ringtone went out through PortAudio to the speaker file
    await api.request('call:answer', { callId: call.id });
    let stats = await api.request('call:stats', { callId: call.id });
    for (let i = 0; i < 50 && (stats.framesReceived < 50 || stats.framesSent < 50); i++) {
      await sleep(100);
      stats = await api.request('call:stats', { callId: call.id });
    }
    expect(stats.framesReceived, JSON.stringify(stats)).toBeGreaterThanOrEqual(50);
    expect(stats.framesSent, JSON.stringify(stats)).toBeGreaterThanOrEqual(50);
    // A stretch of bob's audio for MixMonitor's recording: 25 more frames sent (500 ms of µ-law) before hanging up.
    const sentBefore = stats.framesSent;
    for (let i = 0; i < 50 && stats.framesSent < sentBefore + 25; i++) {
      await sleep(100);
      stats = await api.request('call:stats', { callId: call.id });
    }
    await api.request('call:hangup', { callId: call.id });
    await pbx().waitIdle();
    expect(notices.filter((n) => n.level === 'error')).toEqual([]);
    // Asterisk -> bob: the speaker file, after the ring, holds stretches of the 1004 Hz tone (unpaced: with gaps).
    const played = raw(alsa.outFile).subarray(rungBytes >> 1);
    const rate = spkDevice!.defaultSampleRate;
    const toneAtSpeaker = toneWindows(played, rate, MILLIWATT_HZ, 20).filter((f) => f > 0.8).length;
    expect(toneAtSpeaker, `20 ms windows of 1004 Hz in ${played.length} samples played after the ring`).toBeGreaterThanOrEqual(10);
    // bob -> Asterisk: the receive side of MixMonitor holds bob's tone.
    const rx = readWav(join(pbx().runDir, 'rec', 'pa-rx.wav'));
    const toneAtAsterisk = toneWindows(rx.samples, rx.sampleRate, BOB_HZ).filter((f) => f > 0.8).length;
    expect(toneAtAsterisk, `200 ms windows of bob's tone in ${rx.samples.length} samples Asterisk received`).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
