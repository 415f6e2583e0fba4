// Contacts and History in Chromium, against the fake contract (whose address book is the phone's own ContactBook):
// a contact typed in and called, its speed-dial key on the dialler, a caller added from the history, vCard and CSV
// files imported (with what could not be read said) and exported; the history searched, grouped by day, with the
// account or the direct address of each call, missed calls marked and filtered, and Clear asking first.

import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { HistoryEntry } from '../../electron/shared/api.js';
import { fakeApiPages } from './support/fake-api-pages.js';
import { addAccount, fakeRequests, type PageGlobals } from './support/fake-ui.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

const pages = fakeApiPages();

async function officePhone(): Promise<{ page: Page; accountId: string }> {
  const page = await pages.open();
  await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
  const item = await page.locator('[data-testid^="account-item-"]').getAttribute('data-testid');
  return { page, accountId: item!.slice('account-item-'.length) };
}

describeWithPeer(CHROMIUM, chromiumAvailable(), 'Contacts', () => {
  it('adds a contact with a speed-dial key, calls it from the list and from the dialler, and adds a caller from the history', async () => {
    const { page, accountId } = await officePhone();
    await page.getByTestId('tab-contacts').click();
    await page.getByTestId('contact-new').click();
    await page.getByLabel('Name').fill('Carol Smith');
    await page.getByTestId('contact-number').first().fill('+1 (212) 555-0100');
    await page.getByTestId('contact-speed').selectOption('1');
    await page.getByLabel('Call through').selectOption({ label: 'Office' });
    await page.getByTestId('contact-save').click();
    const row = page.getByTestId('contact-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('+12125550100'); // kept as the phone dials it
    // A number the phone cannot dial is refused in the phone's words, next to the form.
    await page.getByTestId('contact-new').click();
    await page.getByLabel('Name').fill('Bad');
    await page.getByTestId('contact-number').first().fill('call me!');
    await page.getByTestId('contact-save').click();
    await expect.poll(() => page.getByTestId('contact-error').textContent()).toBe('"call me!" is not a number the phone can dial');

    await row.getByTestId('contact-call').click();
    await expect.poll(() => fakeRequests(page, 'call:dial')).toEqual([{ number: '+12125550100', accountId }]);
    await expect.poll(() => page.getByTestId('tab-phone').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('hangup').click();
    // The dialler shows the speed-dial key.
    await page.getByTestId('speed-dial-1').click();
    await expect.poll(async () => (await fakeRequests(page, 'call:dial')).length).toBe(2);
    await page.getByTestId('hangup').click();

    // Dave called and gave up: from the history, into the contacts.
    const missed = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('5550123', 'Dave'));
    await page.evaluate((c) => (globalThis as unknown as PageGlobals).__fake.callerHangsUp(c), missed);
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-add-contact').first().click();
    await expect.poll(() => page.getByRole('heading', { name: 'New contact' }).count()).toBe(1);
    expect(await page.getByLabel('Name').inputValue()).toBe('Dave');
    expect(await page.getByTestId('contact-number').first().inputValue()).toBe('5550123');
    await page.getByTestId('contact-save').click();
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(2);
    // Known now: the history offers no "+ Contact" for him any more.
    await page.getByTestId('tab-history').click();
    expect(await page.getByTestId('history-add-contact').count()).toBe(0);
  });

  it('imports vCard and CSV files, says what it could not read, and exports files that hold the book', async () => {
    const page = await pages.open();
    await page.getByTestId('tab-contacts').click();
    const dir = tmpdir();
    const vcf = join(dir, `redial-import-${process.pid}.vcf`);
    writeFileSync(vcf, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carol\r\nTEL;TYPE=CELL:+1 212 555 0100\r\nEND:VCARD\r\n'
      + 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nobody\r\nEMAIL:n@example.org\r\nEND:VCARD\r\n');
    await page.getByTestId('contact-import').setInputFiles(vcf);
    await expect.poll(() => page.getByTestId('contact-import-result').textContent()).toContain('Imported: 1 added, 0 updated, 1 skipped.');
    expect(await page.getByTestId('contact-import-result').textContent()).toContain('card 2: Nobody has no telephone number');
    const csv = join(dir, `redial-import-${process.pid}.csv`);
    writeFileSync(csv, 'First Name,Last Name,Mobile Phone\nBob,Jones,+44 20 7946 0000\n');
    await page.getByTestId('contact-import').setInputFiles(csv);
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(2);
    await page.getByTestId('contact-search').fill('jones');
    expect(await page.getByTestId('contact-row').allTextContents()).toEqual([expect.stringContaining('Bob Jones')]);
    await page.getByTestId('contact-search').fill('');

    const [vcard] = await Promise.all([page.waitForEvent('download'), page.getByTestId('contact-export-vcard').click()]);
    expect(vcard.suggestedFilename()).toBe('redial-contacts.vcf');
    const text = readFileSync((await vcard.path())!, 'utf8');
    expect(text).toContain('FN:Bob Jones\r\n');
    expect(text).toContain('TEL;TYPE=cell,voice:+12125550100');
    const [sheet] = await Promise.all([page.waitForEvent('download'), page.getByTestId('contact-export-csv').click()]);
    expect(readFileSync((await sheet.path())!, 'utf8').split('\r\n')[0]).toBe('Name,Phone,Phone type,Speed dial');
    await expect.poll(() => page.getByTestId('notice').last().textContent()).toContain('Exported 2 contacts as CSV.');
  });
});

describeWithPeer(CHROMIUM, chromiumAvailable(), 'History', () => {
  it('searches, groups by day, names the account or the direct address, marks and filters missed calls, and asks before clearing', async () => {
    const { page, accountId } = await officePhone();
    // Times that fall on today, yesterday and ten days ago whatever the hour the test runs at.
    const day = 86_400_000;
    const midnight = new Date(new Date().toDateString()).getTime();
    const earlierToday = Date.now() - Math.min(60_000, (Date.now() - midnight) / 2);
    const at = (startedAt: number, over: Partial<HistoryEntry>): HistoryEntry => ({
      id: `old-${startedAt}`, direction: 'outgoing', number: '600', startedAt, endedAt: startedAt + 60_000,
      durationSeconds: 60, outcome: 'answered', accountId, answeredAt: startedAt, ...over,
    } as HistoryEntry);
    await page.evaluate((entries) => {
      const fake = (globalThis as unknown as PageGlobals).__fake;
      fake.seedHistory(entries);
      fake.restartEngine();
    }, [
      at(midnight - day / 2, { direction: 'incoming', number: '2125550100', remoteName: 'Carol', outcome: 'missed', durationSeconds: 0 }),
      at(midnight - 10 * day + day / 2, { number: '7001' }),
      at(earlierToday, { direction: 'incoming', number: '', remoteAddress: '192.0.2.4:4569', outcome: 'answered', accountId: undefined }),
    ]);
    await page.getByTestId('tab-history').click();
    await expect.poll(() => page.getByTestId('history-group').count()).toBe(3);
    const headings = await page.locator('.history-group h3').allTextContents();
    expect(headings[0]).toBe('Today');
    expect(headings[1]).toBe('Yesterday');
    expect(headings[2]).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
    expect(await page.getByTestId('history-via').allTextContents()).toEqual(['direct · 192.0.2.4:4569', 'Office', 'Office']);
    const missedRow = page.locator('.history.detailed li[data-kind="missed"]');
    expect(await missedRow.textContent()).toContain('Missed');
    expect(await missedRow.textContent()).toContain('Carol (2125550100)');

    await page.getByTestId('history-search').fill('carol');
    expect(await page.locator('.history.detailed li').count()).toBe(1);
    await page.getByTestId('history-search').fill('office 7001');
    expect(await page.locator('.history.detailed li').allTextContents()).toEqual([expect.stringContaining('7001')]);
    await page.getByTestId('history-search').fill('nothing like this');
    expect(await page.getByTestId('history-none').count()).toBe(1);
    await page.getByTestId('history-search').fill('');
    await page.getByTestId('history-missed-only').check();
    expect(await page.locator('.history.detailed li').count()).toBe(1);
    await page.getByTestId('history-missed-only').uncheck();

    // Clear asks first: "no" keeps everything, "yes" clears.
    const asked: string[] = [];
    page.once('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
    await page.getByTestId('history-clear').click();
    expect(asked).toEqual(['Remove all 3 calls from the history? This cannot be undone.']);
    expect(await fakeRequests(page, 'history:clear')).toEqual([]);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('history-clear').click();
    await expect.poll(() => page.locator('.history.detailed li').count()).toBe(0);
    expect(await fakeRequests(page, 'history:clear')).toEqual([{}]);
  });
});
