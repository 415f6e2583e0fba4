// The real engine behind the real loopback WebSocket host, for the browser tests: composePhone() (real UDP
// socket on 127.0.0.1, engine, PhoneService, stores in a temporary folder; no sound devices, or the paced fake
// device whose microphone plays a tone) served by
// electron/host/ws-host.ts, which also serves the freshly built renderer — exactly what `npm run harness`
// does, minus the worker thread (the worker needs the compiled dist/ tree; vitest runs the sources).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composePhone, type ComposedPhone } from '../../../electron/host/compose-phone.js';
import { createDeviceMedia } from '../../../electron/host/device-media-factory.js';
import { startWsHost } from '../../../electron/host/ws-host.js';
import { startEchoPeer } from '../../../electron/host/echo-peer.js';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, type WatchedPage } from './browser.js';

export interface EngineHostOptions {
  /** 'fake': the paced fake sound device (real DevicePhoneMedia: codecs, jitter buffer, meters, recording). */
  readonly audio?: 'none' | 'fake';
  /** With audio 'fake': the microphone plays this tone (Hz, -12 dBFS). */
  readonly toneHz?: number;
}

export interface EngineHost {
  /** The page to open: http://127.0.0.1:PORT/?token=T */
  readonly pageUrl: string;
  readonly phone: ComposedPhone;
  /** accounts.json, history.json, recordings/, traces/ of this phone. */
  readonly dataDir: string;
  /** WebSocket clients connected right now. */
  connections(): number;
  close(): Promise<void>;
}

export async function startEngineHost(rendererDir: string, options: EngineHostOptions = {}): Promise<EngineHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'redial-e2e-data-'));
  const audio = options.audio ?? 'none';
  const phone = await composePhone({
    host: 'headless', dataDir, version: '0.0.0-e2e', localPort: 0, bindAddress: '127.0.0.1',
    audio, secrets: 'memory', secretStorage: 'memory',
    ...(options.toneHz !== undefined ? { fakeCaptureToneHz: options.toneHz } : {}),
  }, { ...(audio === 'fake' ? { createMedia: createDeviceMedia } : {}), echoPeer: () => startEchoPeer() });
  const host = await startWsHost({ api: phone.phone, rendererDir, checkResponses: true });
  return {
    pageUrl: host.pageUrl,
    phone,
    dataDir,
    connections: () => host.connections(),
    async close() {
      await host.close();
      await phone.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The renderer served by a real engine host and open in Chromium: what the real-engine suites start with. */
export interface RealApp {
  readonly host: EngineHost;
  readonly browser: Browser;
  /** The page, with the console errors, page errors, CSP violations and failed requests it collected. */
  readonly watched: WatchedPage;
  close(): Promise<void>;
}

/** `beforePage` runs once the host is up, before the page loads (e.g. saving an account through the API). */
export async function openRealApp(rendererDir: string, options: EngineHostOptions = {},
  beforePage?: (host: EngineHost) => Promise<unknown> | void): Promise<RealApp> {
  const host = await startEngineHost(rendererDir, options);
  await beforePage?.(host);
  const browser = await launchChromium();
  const watched = await openPage(browser);
  await watched.page.goto(host.pageUrl);
  return {
    host, browser, watched,
    async close() {
      await browser.close();
      await host.close();
    },
  };
}
