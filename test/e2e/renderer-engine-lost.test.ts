// The engine dies under the page (defect 4): through the real PhoneService + engine on UDP (registering with the
// scripted IAX2 server), supervised as the desktop app and the harness supervise theirs (engine-supervisor.ts),
// served by the real ws-host. When the engine stops, the page greys everything and says so (no green "registered",
// no live Call button); when the supervisor's new engine runs, the page reloads and registers again. When the host
// itself goes away and comes back on the same address, the page reconnects by itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { composePhone } from '../../electron/host/compose-phone.js';
import { superviseEngine, type SupervisableEngine, type SupervisedEngine } from '../../electron/host/engine-supervisor.js';
import { startWsHost, type WsHost } from '../../electron/host/ws-host.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import { launchChromium, openPage, type WatchedPage, CHROMIUM, chromiumAvailable } from './support/browser.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from './support/renderer-build.js';
import { describeWithPeer } from '../support/peers.js';

const SECRET = 'lost-and-found';

let built: RendererBuild;
let peer: ScriptedPeer;
let dataDir: string;
let engine: SupervisedEngine;
let host: WsHost;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
/** Makes the running engine stop by itself, as a crashed worker does. */
const crashes: ((reason: string) => void)[] = [];
let started = 0;

/** One phone, as the engine worker composes it, with a way for the test to kill it. */
async function startPhone(): Promise<SupervisableEngine> {
  const composed = await composePhone({
    host: 'headless', dataDir, version: '0.0.0-e2e', localPort: 0, bindAddress: '127.0.0.1', audio: 'none',
    // Sealed in the data folder, so the password outlives the engine as it does in the app's keychain.
    secrets: 'file', secretsPassphrase: 'e2e-passphrase', secretStorage: 'file',
  });
  started++;
  return {
    request: composed.phone.request.bind(composed.phone) as SupervisableEngine['request'],
    on: composed.phone.on.bind(composed.phone) as SupervisableEngine['on'],
    shutdown: () => composed.close(),
    onStopped: (l) => { crashes.push(l); },
  };
}

beforeAll(async () => {
  built = await buildRenderer();
  peer = await ScriptedPeer.start();
  peer.enableRegistrar({ users: { alice: { secret: SECRET } }, requireCallToken: true });
  dataDir = mkdtempSync(join(tmpdir(), 'redial-e2e-lost-'));
  engine = await superviseEngine(startPhone, { retryDelaysMs: [300] });
  host = await startWsHost({ api: engine, rendererDir: built.dir, checkResponses: true });
  browser = await launchChromium();
  watched = await openPage(browser);
  page = watched.page;
  await page.goto(host.pageUrl);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await engine?.shutdown();
  await peer?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  built?.remove();
});

const summary = () => page.getByTestId('reg-summary');

describeWithPeer(CHROMIUM, chromiumAvailable(), 'the phone engine dies under the page, and comes back', () => {
  it('registers an account', async () => {
    // First launch: the Phone page welcomes (echo test, add your account).
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Server').fill(peer.server);
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(SECRET);
    await page.getByTestId('save-account').click();
    await expect.poll(() => summary().getAttribute('data-status'), { timeout: 10_000 }).toBe('registered');
    await page.getByTestId('tab-phone').click();
    expect(await page.getByTestId('call').isEnabled()).toBe(true);
  });

  it('greys everything and says so when the engine stops, then registers again with the new one', async () => {
    crashes.pop()!('the test stopped it');
    await expect.poll(() => page.getByTestId('connection-banner').count()).toBe(1);
    expect(await page.getByTestId('connection-banner').textContent()).toContain('The phone engine stopped (the test stopped it)');
    expect(await summary().getAttribute('data-status')).toBe('offline');
    expect(await summary().textContent()).toBe('Engine offline');
    expect(await page.getByTestId('call').isDisabled()).toBe(true);
    expect(await page.getByTestId('number').isDisabled()).toBe(true);
    expect(await page.getByTestId('toggle-dnd').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'engine-lost.png') });
    // The supervisor's new engine: the page reloads what it shows, and the account registers again.
    await expect.poll(() => summary().getAttribute('data-status'), { timeout: 10_000 }).toBe('registered');
    expect(started).toBe(2);
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
    expect(await page.getByTestId('call').isEnabled()).toBe(true);
  });

  it('reconnects by itself when the host goes away and comes back on the same address', async () => {
    const { port, token } = host;
    await host.close();
    await expect.poll(() => summary().getAttribute('data-status'), { timeout: 5_000 }).toBe('offline');
    expect(await page.getByTestId('call').isDisabled()).toBe(true);
    host = await startWsHost({ api: engine, rendererDir: built.dir, checkResponses: true, port, token });
    await expect.poll(() => summary().getAttribute('data-status'), { timeout: 15_000 }).toBe('registered');
    expect(await page.getByTestId('call').isEnabled()).toBe(true);
  });

  it('logged no page errors or CSP violations (refused reconnect attempts aside)', () => {
    // While the host was away, Chromium logs each refused WebSocket attempt; those are the test's doing.
    expect(watched.problems.filter((p) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(p))).toEqual([]);
  });
});
