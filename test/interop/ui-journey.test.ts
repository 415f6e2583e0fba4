// A user's journey through the real UI against the real Asterisk 22: Debian Chromium drives the built renderer,
// served with the phone by the loopback WebSocket host (PhoneService + device media on the paced fake sound device,
// microphone 1300 Hz). The user adds bob's account, calls 603 and hears the milliwatt tone, then Asterisk calls bob
// (a call file): the phone rings for 3 s, the user clicks Answer, and audio flows both ways — the bug users met was
// exactly here (answered after ringing: no sound either way).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { startAppPhone, type AppPhone } from '../support/app-phone.js';
import { MILLIWATT_HZ, TONE_PRESENT, USERS, lastSeconds, readWav, toneCoverage } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { sleep, until } from '../support/wait.js';
import { launchChromium, openPage, type WatchedPage } from '../e2e/support/browser.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from '../e2e/support/renderer-build.js';

const BOB_HZ = 1300;

describeWithPeer('Asterisk 22 (../shared/asterisk) and Chromium', asteriskAvailable(), 'a user\'s journey through the UI against Asterisk', () => {
  const pbx = useAsterisk();
  let built: RendererBuild;
  let app: AppPhone;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    built = await buildRenderer();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    app = await startAppPhone({ toneHz: BOB_HZ, rendererDir: built.dir });
    browser = await launchChromium();
    watched = await openPage(browser);
    page = watched.page;
    await page.goto(app.pageUrl);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    built?.remove();
  });

  it('adds bob\'s account in the Accounts page; Asterisk sees him registered', async () => {
    // First launch: the Phone page welcomes (echo test, add your account).
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Server').fill(pbx().server);
    await page.getByLabel('User name').fill('bob');
    await page.getByLabel('Password', { exact: true }).fill(USERS.bob);
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('reg-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('registered');
    expect(await pbx().cli('iax2 show peer bob')).toMatch(/Addr->IP\s*:\s*127\.0\.0\.1 Port \d+/);
    await page.getByTestId('go-to-phone').click();
  });

  it('dials 603: connected, the tone comes out of the speaker and shows on the meter', async () => {
    await page.getByTestId('number').fill('603');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    await until('1004 Hz on the speaker', () => app.hears(MILLIWATT_HZ), 5000);
    await expect.poll(async () => Number(await page.getByRole('meter', { name: 'Spk level' }).getAttribute('aria-valuenow')), { timeout: 5_000 })
      .toBeGreaterThan(-30);
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(0);
    await pbx().waitIdle();
  });

  it('Asterisk calls bob: it rings for 3 s, the user answers, and each side hears the other', async () => {
    await pbx().callFile({ channel: 'IAX2/bob', context: 'callfile', extension: 'twoway', variables: { REC: 'ui' }, callerId: '"Front desk" <3000>' });
    await expect.poll(() => page.getByTestId('incoming-call').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('incoming-call').textContent()).toContain('Front desk');
    await sleep(3000); // the user lets it ring
    expect(await page.getByTestId('incoming-call').count()).toBe(1);
    await page.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    await until('1004 Hz from Asterisk on the speaker', () => app.hears(MILLIWATT_HZ), 5000);
    await sleep(1500); // a stretch of bob's microphone in Asterisk's recording
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'interop-answered-after-ring.png') });
    await page.getByTestId('hangup').click();
    await pbx().waitIdle();
    expect(app.notices().filter((n) => n.level === 'error')).toEqual([]);
    const rx = readWav(join(pbx().runDir, 'rec', 'ui-rx.wav'));
    expect(toneCoverage(lastSeconds(rx, 1.5), rx.sampleRate, BOB_HZ)).toBeGreaterThanOrEqual(TONE_PRESENT);
    expect(await page.getByTestId('history').locator('li').first().textContent()).toContain('Front desk');
  });

  it('logged no console errors, page errors or CSP violations', () => {
    expect(watched.problems).toEqual([]);
  });
});
