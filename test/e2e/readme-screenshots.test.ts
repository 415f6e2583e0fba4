// The README's pictures of every page (Phone with a call and history, Contacts, History, Accounts, Audio, the debug
// console), light and
// dark, in a narrow window (420×700) and a wide one (1280×800), taken from the renderer in Chromium against the fake
// contract. They always land in test/.tmp/screenshots/readme/; `npm run screenshots` (REDIAL_README_SCREENSHOTS=1)
// also writes them to docs/screenshots/, where the README shows them. Each shot also checks the page fits the window.

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { fakeApiPages } from './support/fake-api-pages.js';
import { addAccount, type PageGlobals } from './support/fake-ui.js';
import { SCREENSHOT_DIR, repoRoot } from './support/renderer-build.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

const pages = fakeApiPages();
const OUT = join(SCREENSHOT_DIR, 'readme');
const README_DIR = join(repoRoot, 'docs/screenshots');
export const SIZES = [{ width: 420, height: 700 }, { width: 1280, height: 800 }] as const;
export const SCREENS = ['phone', 'console', 'contacts', 'history', 'accounts', 'audio'] as const;

async function shoot(page: Page, name: string): Promise<void> {
  const { width } = page.viewportSize()!;
  // Nothing wider than the window (no sideways scrolling at 420 px).
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  // The page as it opens, from its top (filling the number field scrolled it).
  await page.locator('main.main').evaluate((el) => { el.scrollTop = 0; });
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.REDIAL_README_SCREENSHOTS === '1') {
    mkdirSync(README_DIR, { recursive: true });
    copyFileSync(file, join(README_DIR, `${name}.png`));
  }
}

/** A phone that has been used: an account, a finished call, a missed one, and a call in progress. */
async function usedPhone(scheme: 'light' | 'dark', size: { width: number; height: number }): Promise<Page> {
  const page = await pages.open(scheme);
  await page.setViewportSize(size);
  await addAccount(page, { server: 'pbx.example.org', username: '1001', secret: 'x', label: 'Office' });
  // An address book, through the contract as the Contacts page's import would fill it.
  await page.evaluate(async () => {
    const api = (globalThis as unknown as { redial: { request(n: string, p: unknown): Promise<unknown> } }).redial;
    await api.request('contacts:save', { name: 'Carol Smith', numbers: [{ number: '+12125550100', label: 'mobile' }, { number: '6001', label: 'work' }], speedDial: 1 });
    await api.request('contacts:save', { name: 'Front desk', numbers: [{ number: '600', label: 'work' }], speedDial: 2 });
    await api.request('contacts:save', { name: 'Voicemail', numbers: [{ number: '*97', label: '' }] });
  });
  await expect.poll(() => page.getByTestId('reg-summary').getAttribute('data-status')).toBe('registered');
  await page.getByTestId('tab-phone').click();
  await page.getByTestId('number').fill('600');
  await page.getByTestId('call').click();
  await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
  await page.getByTestId('hangup').click();
  const missed = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('2125550100', 'Carol'));
  await page.evaluate((c) => (globalThis as unknown as PageGlobals).__fake.callerHangsUp(c), missed);
  await page.getByTestId('number').fill('601');
  await page.getByTestId('call').click();
  await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
  await expect.poll(() => page.getByTestId('ended-call').count(), { timeout: 10_000 }).toBe(0);
  await page.getByTestId('number').fill('2125550100');
  return page;
}

describeWithPeer(CHROMIUM, chromiumAvailable(), 'README screenshots', () => {
  mkdirSync(OUT, { recursive: true });
  for (const size of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`every page at ${size.width}×${size.height}, ${scheme}`, async () => {
        const page = await usedPhone(scheme, size);
        const name = (screen: string): string => `${screen}-${scheme}-${size.width}x${size.height}`;
        await shoot(page, name('phone'));
        await page.keyboard.press('Control+Shift+D');
        await expect.poll(() => page.getByTestId('console-frame').count()).toBeGreaterThan(3);
        await shoot(page, name('console'));
        await page.keyboard.press('Control+Shift+D');
        await page.getByTestId('tab-contacts').click();
        await page.getByTestId('contact-row').first().getByRole('button').first().click();
        await expect.poll(() => page.getByRole('heading', { name: /^Edit / }).count()).toBe(1);
        await shoot(page, name('contacts'));
        await page.getByTestId('tab-history').click();
        await expect.poll(() => page.getByTestId('history-group').count()).toBeGreaterThan(0);
        await shoot(page, name('history'));
        await page.getByTestId('tab-accounts').click();
        await expect.poll(() => page.getByTestId('reg-detail').textContent()).toContain('registered');
        await shoot(page, name('accounts'));
        await page.getByTestId('tab-audio').click();
        await expect.poll(() => page.getByLabel('Microphone', { exact: true }).count()).toBe(1);
        await shoot(page, name('audio'));
        await pages.closeChecked();
      });
    }
  }
});
