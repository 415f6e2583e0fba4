// The renderer in Debian Chromium against the REAL engine: the page talks over the loopback WebSocket to
// PhoneService + the IAX2 engine (composePhone), which registers with and calls the scripted IAX2 server
// (test/support/scripted-peer.ts) over real UDP on 127.0.0.1. Nothing between the UI and the wire is faked.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import { ScriptedPeer, type ServerDialog } from '../support/scripted-peer.js';
import { CHROMIUM, chromiumAvailable, type WatchedPage } from './support/browser.js';
import { openRealApp, type EngineHost, type RealApp } from './support/engine-host.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from './support/renderer-build.js';
import { describeWithPeer } from '../support/peers.js';

const SECRET = 's3cret-e2e';
const ULAW = 1 << 2;

let peer: ScriptedPeer;
let app: RealApp | undefined;
let host: EngineHost;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
const answered: ServerDialog[] = [];

let built: RendererBuild | undefined;

beforeAll(async () => {
  built = await buildRenderer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  peer = await ScriptedPeer.start();
  peer.enableRegistrar({ users: { alice: { secret: SECRET, mailbox: { old: 1, new: 2 } } }, requireCallToken: true });
  // Calls: call token like Asterisk, then ACCEPT (µ-law), RINGING, and ANSWER a moment later.
  peer.handle(FrameType.IAX, IaxSubclass.NEW, (ctx) => {
    if (ctx.dialog || !ctx.checkCallToken(true)) return;
    const d = ctx.accept();
    d.send(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, ULAW).raw());
    setTimeout(() => d.send(FrameType.CONTROL, ControlSubclass.RINGING), 150);
    setTimeout(() => { d.send(FrameType.CONTROL, ControlSubclass.ANSWER); answered.push(d); }, 700);
  });
  peer.ackHangups();
  app = await openRealApp(built.dir);
  ({ host, browser, watched } = app);
  page = watched.page;
});

afterAll(async () => {
  await app?.close();
  await peer?.stop();
  built?.remove();
});

describeWithPeer(CHROMIUM, chromiumAvailable(), 'renderer against the real engine over the WebSocket host', () => {
  it('adds an account and shows the registration the scripted server granted', async () => {
    // Fresh profile: the app opens on the account editor.
    // First launch: the Phone page welcomes (echo test, add your account).
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Name', { exact: true }).fill('Lab');
    await page.getByLabel('Server').fill(peer.server);
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(SECRET);
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');

    await expect.poll(() => page.getByTestId('reg-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('registered');
    const detail = (await page.getByTestId('reg-detail').textContent()) ?? '';
    expect(detail).toContain(`127.0.0.1:${host.phone.localPort}`); // the apparent address the server reported
    expect(detail).toContain('2 new, 1 old');
    const summary = page.getByTestId('reg-summary');
    expect(await summary.getAttribute('data-status')).toBe('registered');
    expect(await summary.locator('.badge').textContent()).toBe('2');
    // The server really saw an MD5 registration with the call token.
    expect(peer.fullFramesReceived(IaxSubclass.REGREQ).length).toBeGreaterThanOrEqual(2);
  });

  it('shows the registration frames in the debug console, Asterisk style, without the secret', async () => {
    await page.getByTestId('tab-phone').click();
    await page.keyboard.press('Control+Shift+D');
    const view = page.getByTestId('console-view');
    await expect.poll(() => view.textContent(), { timeout: 5_000 }).toContain('REGACK');
    const text = (await view.innerText()) ?? '';
    expect(text).toMatch(/Tx-Frame Retry\[\s*\w*\] -- OSeqno: \d{3} ISeqno: \d{3} Type: IAX\s+Subclass: REGREQ/);
    expect(text).toMatch(/Rx-Frame .*Subclass: REGAUTH/);
    expect(text).toMatch(/Timestamp: \d+ms\s+SCall: \d+\s+DCall: \d+/);
    expect(text).toMatch(/USERNAME\s+: alice/);
    expect(text).toMatch(/CALLTOKEN/);
    expect(text).toMatch(/MD5 RESULT|MD5_RESULT/);
    expect(text).not.toContain(SECRET);
  });

  it('dials through the engine and follows the call to connected, then hangs up', async () => {
    await page.getByTestId('number').fill('600');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    expect(await page.getByTestId('active-call').textContent()).toContain('ulaw');
    expect(answered).toHaveLength(1);
    // The pane refreshes at 10 Hz and keeps the newest frames in view.
    await expect.poll(() => page.getByTestId('console-view').innerText(), { timeout: 3_000 }).toMatch(/Subclass: ANSWER/);
    const consoleText = (await page.getByTestId('console-view').innerText()) ?? '';
    expect(consoleText).toMatch(/Subclass: NEW/);
    expect(consoleText).toMatch(/CALLED NUMBER\s+: 600|CALLED_NUMBER\s+: 600/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'real-engine.png') });

    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => peer.fullFramesReceived(IaxSubclass.HANGUP).length, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('history').textContent()).toContain('600');
  });

  it('rings for a call the server sends, and answers it', async () => {
    const d = peer.openDialog({ address: '127.0.0.1', port: host.phone.localPort });
    d.send(FrameType.IAX, IaxSubclass.NEW, new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, 'alice')
      .string(IeType.CALLING_NUMBER, '2125550100').string(IeType.CALLING_NAME, 'Carol')
      .u32(IeType.FORMAT, ULAW).u32(IeType.CAPABILITY, ULAW).raw());
    await expect.poll(() => page.getByTestId('incoming-call').count(), { timeout: 5_000 }).toBe(1);
    expect(await page.getByTestId('incoming-call').textContent()).toContain('Carol');
    await page.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    // The engine told the server: ANSWER arrived over UDP.
    await expect.poll(() => peer.received.some((r) => r.datagram.kind === 'full' && r.datagram.frameType === FrameType.CONTROL
      && r.datagram.subclass === ControlSubclass.ANSWER), { timeout: 3_000 }).toBe(true);
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('history').locator('li').first().textContent()).toContain('Carol');
  });

  it('explains a wrong password the server refused', async () => {
    await page.getByTestId('tab-accounts').click();
    await page.getByLabel('Password', { exact: true }).fill('not-the-secret');
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('reg-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('failed');
    const status = (await page.getByTestId('reg-status').textContent()) ?? '';
    expect(status.length).toBeGreaterThan(5);
    // "Server said" quotes the server's REGREJ cause, nothing of ours.
    expect(await page.getByTestId('reg-error').textContent()).toMatch(/\S/);
    expect(await page.getByTestId('reg-summary').getAttribute('data-status')).toBe('failed');
    // Said by the summary and the Status, not a third time as a notice.
    expect(await page.getByTestId('notice').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'real-registration-failed.png') });
  });

  it('logged no console errors, page errors or CSP violations', () => {
    expect(watched.problems).toEqual([]);
  });
});
