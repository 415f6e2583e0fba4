// The app path, headless: the phone the Electron app and `npm run harness` compose (composePhone(): real UDP
// socket, engine, PhoneService, DevicePhoneMedia on the paced fake sound device) behind the real loopback
// WebSocket host, driven by a WebSocket client through the UI contract (electron/shared/api.ts) — what the
// renderer does, minus the page. The fake device's microphone plays a tone; everything its speaker played is
// kept, so a test hears what a user would have heard (ringtone, call audio, silence).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { composePhone, type ComposedPhone } from '../../electron/host/compose-phone.js';
import { startWsHost, type WsHost } from '../../electron/host/ws-host.js';
import { connectWebSocket, type WebSocketConstructor } from '../../electron/shared/ws-transport.js';
import type { ApiClient } from '../../electron/shared/rpc.js';
import type { AccountInput, AccountView, CallView, EventName, EventPayload, Notice, RegistrationView } from '../../electron/shared/api.js';
import { DevicePhoneMedia } from '../../electron/core/phone/device-phone-media.js';
import { PacedFakeAudioSystem } from '../../electron/adapters/audio/paced-fake-audio.js';
import { ToneGenerator } from '../../electron/core/media/tones.js';
import { SystemClock } from '../../electron/adapters/system-clock.js';
import { WavFileRecording } from '../../electron/adapters/fs-wav-recording.js';
import type { AudioSystem } from '../../electron/core/media/audio-ports.js';
import { toneFraction } from './signals.js';

export interface AppPhoneOptions {
  /** The fake microphone's tone (Hz, −12 dBFS); silence when absent. */
  readonly toneHz?: number;
  /** Another sound system instead of the paced fake device (e.g. PortAudio on ALSA file PCMs). */
  readonly audio?: AudioSystem;
  /** Speakerphone processing (off by default here: a steady tone is what a noise suppressor removes). */
  readonly dsp?: boolean;
  /** Serve this built renderer (test/e2e/support/renderer-build.ts) at pageUrl, for a browser. */
  readonly rendererDir?: string;
}

export interface AppPhone {
  readonly api: ApiClient;
  readonly composed: ComposedPhone;
  /** The fake sound system (undefined with options.audio). */
  readonly fake?: PacedFakeAudioSystem;
  readonly dataDir: string;
  /** The renderer page with its token (with options.rendererDir). */
  readonly pageUrl: string;
  /** Every event of `name` received so far. */
  seen<K extends EventName>(name: K): EventPayload<K>[];
  /** The first event of `name` (already received or still to come) that matches `pred`. */
  next<K extends EventName>(name: K, pred?: (p: EventPayload<K>) => boolean, timeoutMs?: number): Promise<EventPayload<K>>;
  /** Saves the account and waits until it is registered. */
  register(input: AccountInput, timeoutMs?: number): Promise<{ account: AccountView; registration: RegistrationView }>;
  /** Notices the phone showed (e.g. "The call's audio could not start: …"). */
  notices(): Notice[];
  /** What the fake speaker played in its last `seconds` (from the most recently opened playback stream). */
  speaker(seconds: number): { rate: number; pcm: Int16Array };
  /** The speaker's last half second is dominated by `hz` (poll it with `until`). */
  hears(hz: number): boolean;
  close(): Promise<void>;
}

const WS = WebSocket as unknown as WebSocketConstructor;

export async function startAppPhone(options: AppPhoneOptions = {}): Promise<AppPhone> {
  const dataDir = mkdtempSync(join(tmpdir(), 'redial-app-'));
  const tone = options.toneHz;
  const fake = options.audio ? undefined : new PacedFakeAudioSystem({
    captureSource: tone === undefined ? undefined
      : (rate) => new ToneGenerator({ repeat: true, segments: [{ frequencies: [tone], durationMs: 60_000, levelDbfs: -12 }] }, rate),
  });
  const audio: AudioSystem = options.audio ?? fake!;
  const composed = await composePhone({
    host: 'headless', dataDir, version: '0.0.0-interop', localPort: 0, bindAddress: '127.0.0.1',
    audio: 'fake', secrets: 'memory', secretStorage: 'memory',
  }, { createMedia: () => new DevicePhoneMedia({ audio, clock: new SystemClock(), openRecording: (p) => new WavFileRecording(p) }) });
  let host: WsHost | undefined;
  let api: ApiClient | undefined;
  try {
    host = await startWsHost({ api: composed.phone, checkResponses: true, ...(options.rendererDir !== undefined ? { rendererDir: options.rendererDir } : {}) });
    api = await connectWebSocket(host.apiUrl, { WebSocket: WS, validate: true });
  } catch (err) {
    await host?.close();
    await composed.close();
    throw err;
  }
  const client = api;
  const wsHost = host;
  const log = new Map<EventName, unknown[]>();
  const waiters: { name: EventName; pred: (p: never) => boolean; resolve: (p: never) => void }[] = [];
  const record = <K extends EventName>(name: K) => client.on(name, (p) => {
    let list = log.get(name);
    if (!list) log.set(name, list = []);
    list.push(p);
    for (const w of [...waiters]) {
      if (w.name === name && w.pred(p as never)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(p as never); }
    }
  });
  for (const name of ['registration', 'call:incoming', 'call:updated', 'call:ended', 'call:dtmf', 'call:text', 'notice'] as const) record(name);
  await client.request('settings:update', { dsp: { echoCancellation: options.dsp ?? false, noiseSuppression: options.dsp ?? false } });

  const phone: AppPhone = {
    api: client, composed, fake, dataDir, pageUrl: wsHost.pageUrl,
    seen: (name) => [...(log.get(name) ?? [])] as never,
    next(name, pred = () => true, timeoutMs = 15_000) {
      const found = (log.get(name) ?? []).find((p) => pred(p as never));
      if (found !== undefined) return Promise.resolve(found as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no ${name} event in ${timeoutMs} ms; notices: ${JSON.stringify(phone.notices())}`));
        }, timeoutMs);
        const w = { name, pred: pred as (p: never) => boolean, resolve: (p: never) => { clearTimeout(timer); resolve(p); } };
        waiters.push(w);
      });
    },
    async register(input, timeoutMs = 10_000) {
      const account = await client.request('accounts:save', input);
      const registration = await phone.next('registration', (r) => r.accountId === account.id && r.status === 'registered', timeoutMs);
      return { account, registration };
    },
    notices: () => phone.seen('notice') as Notice[],
    speaker(seconds) {
      const out = fake?.playbacks.at(-1);
      if (!out) return { rate: 8000, pcm: new Int16Array(0) };
      const pcm = out.playedAudio();
      return { rate: out.sampleRate, pcm: pcm.subarray(Math.max(0, pcm.length - Math.round(seconds * out.sampleRate))) };
    },
    hears(hz) {
      const { rate, pcm } = phone.speaker(0.5);
      return toneFraction(pcm, hz, rate) > 0.8;
    },
    async close() {
      client.close();
      await wsHost.close();
      await composed.close();
      await fake?.closeAll();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return phone;
}

/** The call's view once it is in `state` (from call:incoming / call:updated events). */
export function callInState(phone: AppPhone, callId: string, state: CallView['state'], timeoutMs?: number): Promise<CallView> {
  return phone.next('call:updated', (c) => c.id === callId && c.state === state, timeoutMs);
}
