// AES-128 call encryption in the UI (spec §7), in Debian Chromium against the in-page fake API: the account form's
// "Encryption (AES-128)" choice round trip, the call card's "Encrypted" badge (and the "Not encrypted" warning that
// should never show), and the debug console's lock on encrypted frames. renderer-encryption-real.test.ts does the
// same through the real engine against the scripted peer's own AES.

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { contrastOf } from './support/contrast.js';
import { SCREENSHOT_DIR } from './support/renderer-build.js';
import { fakeApiPages } from './support/fake-api-pages.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

/** The page's globals this file touches inside page.evaluate() (the Node tsconfig has no DOM lib). */
interface PageGlobals {
  __fake: {
    requests: { name: string; payload: unknown }[];
    liveCallIds(): string[];
    patchCall(id: string, patch: Record<string, unknown>): void;
  };
}

const pages = fakeApiPages();
const open = pages.open;

const fakeRequests = (page: Page, name: string): Promise<unknown[]> => page.evaluate((n) => (globalThis as unknown as PageGlobals).__fake.requests
  .filter((r) => r.name === n).map((r) => r.payload), name);

/** A new account through the form, with the given encryption choice (the select's option value). */
async function addAccount(page: Page, encryption: 'off' | 'on' | 'required', secret = 's3cret'): Promise<void> {
  // First launch: the Phone page welcomes (echo test, add your account).
  await page.getByTestId('welcome-add-account').click();
  await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count()).toBe(1);
  await page.getByLabel('Server').fill('127.0.0.1:4570');
  await page.getByLabel('User name').fill('4001');
  if (secret) await page.getByLabel('Password', { exact: true }).fill(secret);
  await page.getByTestId('acct-more').click();
  await page.getByLabel('Encryption (AES-128)').selectOption(encryption);
  await page.getByTestId('save-account').click();
}

describeWithPeer(CHROMIUM, chromiumAvailable(), 'AES-128 encryption in the UI (fake API)', () => {
  it('offers Off / When the server supports it / Required with the hint, saves the choice and shows it again', async () => {
    const page = await open();
    // First launch: the Phone page welcomes (echo test, add your account).
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count()).toBe(1);
    await page.getByTestId('acct-more').click();
    const select = page.getByLabel('Encryption (AES-128)');
    expect(await select.locator('option').allTextContents()).toEqual(['Off', 'When the server supports it', 'Required']);
    expect(await select.inputValue()).toBe('off');
    // The hint is tied to the select for screen readers.
    expect(await select.getAttribute('aria-describedby')).toBe('acct-encryption-hint');
    expect(await page.locator('#acct-encryption-hint').textContent())
      .toBe("Needs encryption=yes for this user in the server's iax.conf; the key comes from the password.");

    // No password: the key would have nothing to come from.
    await page.getByLabel('Server').fill('127.0.0.1:4570');
    await page.getByLabel('User name').fill('4001');
    await select.selectOption('required');
    await page.getByTestId('save-account').click();
    expect(await page.locator('#acct-encryption-err').textContent()).toMatch(/needs the password/);
    expect(await select.getAttribute('aria-invalid')).toBe('true');
    expect(await fakeRequests(page, 'accounts:save')).toEqual([]);

    await page.getByLabel('Password', { exact: true }).fill('r4enc1');
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
    expect(await fakeRequests(page, 'accounts:save')).toEqual([expect.objectContaining({ username: '4001', encryption: 'required' })]);

    // Another account, then back to the first: its editor shows the stored choice.
    await page.getByTestId('add-account').click();
    await page.getByTestId('acct-more').click();
    expect(await page.getByLabel('Encryption (AES-128)').inputValue()).toBe('off');
    await page.locator('.account-list button').first().click();
    await page.getByTestId('acct-more').click();
    expect(await page.getByLabel('Encryption (AES-128)').inputValue()).toBe('required');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'encryption-account-form.png'), fullPage: true });
    // Changing only the encryption sends it (and no secret: the stored one is kept).
    await page.getByLabel('Encryption (AES-128)').selectOption('on');
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
    const saves = await fakeRequests(page, 'accounts:save');
    expect(saves).toHaveLength(2);
    expect(saves[1]).toMatchObject({ encryption: 'on' });
    expect(saves[1]).not.toHaveProperty('secret');
  });

  it('shows "Encrypted" on an encrypted call, a lock on its encrypted frames, and warns if a required call were clear', async () => {
    const page = await open();
    await addAccount(page, 'required');
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
    await page.getByTestId('tab-phone').click();
    await page.getByTestId('number').fill('601');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    const badge = page.getByTestId('encrypted-indicator');
    expect(await badge.textContent()).toBe(' Encrypted');
    expect(await badge.getAttribute('title')).toMatch(/AES-128/);
    expect(await page.getByTestId('not-encrypted-indicator').count()).toBe(0);

    // Debug console: the frames after the AUTHREQ carry the lock; the NEW and the AUTHREQ (clear on the wire) do not.
    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => page.getByTestId('encrypted-frame').count()).toBeGreaterThanOrEqual(4); // AUTHREP ACCEPT RINGING ANSWER
    const rows = await page.getByTestId('console-frame').evaluateAll((els) => els.map((el) => ({
      head: (el as unknown as { firstElementChild: { textContent: string } }).firstElementChild.textContent,
      marked: (el as unknown as { dataset: Record<string, string> }).dataset.encrypted === 'true',
    })));
    const subclass = (head: string) => /Subclass: (\S+)/.exec(head)?.[1];
    const marked = rows.filter((r) => r.marked).map((r) => subclass(r.head));
    const clear = rows.filter((r) => !r.marked).map((r) => subclass(r.head));
    expect(marked).toEqual(expect.arrayContaining(['AUTHREP', 'ACCEPT', 'RINGING', 'ANSWER']));
    expect(clear).toEqual(expect.arrayContaining(['NEW', 'AUTHREQ']));
    expect(await page.locator('[data-testid="encrypted-frame"]').first().getAttribute('aria-label')).toBe('encrypted');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'encryption-call.png') });

    // The engine ends required calls that are not encrypted; if one ever showed up, the card says so loudly.
    const [id] = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.liveCallIds());
    await page.evaluate((callId) => (globalThis as unknown as PageGlobals).__fake.patchCall(callId, { encrypted: false }), id);
    await expect.poll(() => page.getByTestId('not-encrypted-indicator').textContent()).toBe(' Not encrypted');
    expect(await page.getByTestId('encrypted-indicator').count()).toBe(0);
    const samples = await contrastOf(page, ['.lock-pill.unsafe']);
    expect(samples[0]?.ratio).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'encryption-warning.png') });
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(0);
  });

  it('shows no badge and no lock for an account with encryption off', async () => {
    const page = await open();
    await addAccount(page, 'off');
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
    await page.getByTestId('tab-phone').click();
    await page.getByTestId('number').fill('600');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await page.getByTestId('encrypted-indicator').count()).toBe(0);
    expect(await page.getByTestId('not-encrypted-indicator').count()).toBe(0);
    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => page.getByTestId('console-frame').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('encrypted-frame').count()).toBe(0);
  });

  it('keeps the badge readable in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(scheme);
      await addAccount(page, 'on');
      await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
      await page.getByTestId('tab-phone').click();
      await page.getByTestId('number').fill('601');
      await page.getByTestId('call').click();
      await expect.poll(() => page.getByTestId('encrypted-indicator').count()).toBe(1);
      const samples = await contrastOf(page, ['.lock-pill']);
      expect(samples[0]?.ratio, `${scheme} ${samples[0]?.fg} on ${samples[0]?.bg}`).toBeGreaterThanOrEqual(4.5);
      if (scheme === 'dark') await page.screenshot({ path: join(SCREENSHOT_DIR, 'encryption-call-dark.png') });
      await pages.closeChecked();
    }
  });
});
