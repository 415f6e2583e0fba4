// AES-128 call encryption (spec §7) end to end: Debian Chromium → loopback ws-host → PhoneService → the REAL engine →
// UDP on 127.0.0.1 → the scripted call peer, which speaks IAX2 encryption with its own AES code
// (test/support/scripted-peer-aes.ts, independent of the engine's). The user sets "Required" in the account form,
// calls, and sees "Encrypted" on the card and locks in the debug console; a server that will not encrypt gets the
// call ended with the engine's explanation.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlSubclass, FrameType, IaxSubclass } from '../../electron/core/iax2/wire/types.js';
import { ScriptedCallPeer } from '../support/scripted-peer-calls.js';
import { CHROMIUM, chromiumAvailable, type WatchedPage } from './support/browser.js';
import { openRealApp, type EngineHost, type RealApp } from './support/engine-host.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from './support/renderer-build.js';
import { describeWithPeer } from '../support/peers.js';

const SECRET = 'r4enc-e2e';

let peer: ScriptedCallPeer;
let app: RealApp | undefined;
let host: EngineHost;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
let built: RendererBuild | undefined;

beforeAll(async () => {
  built = await buildRenderer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  peer = await ScriptedCallPeer.start();
  app = await openRealApp(built.dir);
  ({ host, browser, watched } = app);
  page = watched.page;
});

afterAll(async () => {
  await app?.close();
  await peer?.close();
  built?.remove();
});

describeWithPeer(CHROMIUM, chromiumAvailable(), 'encrypted calls in the browser, real engine against the scripted peer', () => {
  it('saves an account with Encryption "Required" through the form', async () => {
    // First launch: the Phone page welcomes (echo test, add your account).
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Name', { exact: true }).fill('Encrypted lab');
    await page.getByLabel('Server').fill(`127.0.0.1:${peer.endpoint.port}`);
    await page.getByLabel('User name').fill('1001');
    await page.getByLabel('Password', { exact: true }).fill(SECRET);
    await page.getByTestId('acct-register').uncheck(); // the peer plays a call server only
    await page.getByTestId('acct-more').click();
    await page.getByLabel('Encryption (AES-128)').selectOption({ label: 'Required' });
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
    // The phone stored it (the form's value went through the contract, the guard and the account book).
    const [account] = await host.phone.phone.request('accounts:list');
    expect(account).toMatchObject({ username: '1001', encryption: 'required', hasSecret: true, register: false });
  });

  it('calls, and the card says "Encrypted" once the server agreed; the console marks the encrypted frames', async () => {
    peer.serve = { secret: SECRET, encryption: 'yes', offerKeyRotate: true };
    await page.getByTestId('tab-phone').click();
    await page.getByTestId('number').fill('601');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connecting…');
    await expect.poll(() => page.getByTestId('encrypted-indicator').count(), { timeout: 5_000 }).toBe(1);
    peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    expect(await page.getByTestId('encrypted-indicator').textContent()).toContain('Encrypted');
    expect(await page.getByTestId('not-encrypted-indicator').count()).toBe(0);
    // What the peer saw on the wire: our NEW in clear, the rest encrypted and decrypted by its own code.
    expect(peer.wire.filter((w) => w.dir === 'rx' && w.encrypted).length).toBeGreaterThanOrEqual(2);
    expect(peer.undecryptable).toBe(0);

    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => page.getByTestId('console-view').innerText(), { timeout: 3_000 }).toMatch(/Subclass: ANSWER/);
    const rows = await page.getByTestId('console-frame').evaluateAll((els) => els.map((el) => ({
      head: (el as unknown as { firstElementChild: { textContent: string } }).firstElementChild.textContent,
      marked: (el as unknown as { dataset: Record<string, string> }).dataset.encrypted === 'true',
    })));
    const subclasses = (marked: boolean) => rows.filter((r) => r.marked === marked).map((r) => /Subclass: (\S+)/.exec(r.head)?.[1]);
    expect(subclasses(true)).toEqual(expect.arrayContaining(['AUTHREP', 'ACCEPT', 'ANSWER']));
    expect(subclasses(false)).toEqual(expect.arrayContaining(['NEW', 'AUTHREQ']));
    expect(subclasses(true)).not.toContain('NEW');
    expect(await page.getByTestId('console-view').innerText()).toMatch(/ENCRYPTED\s+: AES-128/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'encryption-real.png') });
    await page.keyboard.press('Control+Shift+D');

    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(0);
    await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP);
    // The history remembers it was encrypted.
    await expect.poll(() => page.getByTestId('history-encrypted').count(), { timeout: 3_000 }).toBe(1);
    expect(await page.getByTestId('history').locator('li').first().locator('button').getAttribute('aria-label')).toMatch(/601.*encrypted/);
  });

  it('ends the call with the engine\'s explanation when the server will not encrypt', async () => {
    peer.serve = { secret: SECRET }; // encryption=no on the server
    await page.getByTestId('number').fill('602');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('ended-call').first().getAttribute('data-outcome'), { timeout: 5_000 }).toBe('failed');
    expect(await page.getByTestId('ended-reason').first().textContent()).toMatch(/did not agree to encrypt this call/);
    expect(await page.getByTestId('active-call').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'encryption-real-refused.png') });
  });

  it('logged no console errors, page errors or CSP violations', () => {
    expect(watched.problems).toEqual([]);
  });
});
