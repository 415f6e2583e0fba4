// The defects a new user hit, each replayed in Chromium against the in-page fake of the contract: Escape and held
// calls, an iax: link for a server with no account, tones shown in one place, the "Call through" choice across
// pages, the notice centre, one registration summary in a narrow window, unsaved account edits, long and
// non-ASCII numbers, a direct incoming call and calling it back, a password that did not survive a restart.

import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fakeApiPages } from './support/fake-api-pages.js';
import { addAccount, fakeRequests, paste, type PageGlobals } from './support/fake-ui.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

const pages = fakeApiPages();

async function phoneWithAccount(): Promise<Page> {
  const page = await pages.open();
  await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
  await page.getByTestId('tab-phone').click();
  return page;
}

async function call(page: Page, number: string): Promise<void> {
  await page.getByTestId('number').fill(number);
  await page.getByTestId('call').click();
  await expect.poll(() => page.getByTestId('call-state').allTextContents()).toContain('Connected');
}

const body = (page: Page) => page.locator('body').click({ position: { x: 700, y: 640 } });

describeWithPeer(CHROMIUM, chromiumAvailable(), 'defects found by a new user, against the fake API', () => {
  it('Escape never hangs up from a text field, nor a held call (defect 1)', async () => {
    const page = await phoneWithAccount();
    await call(page, '600');
    // In the Transfer field, Escape closes the field; the call stays.
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await page.getByTestId('transfer-target').fill('7');
    await page.getByTestId('transfer-target').press('Escape');
    await expect.poll(() => page.getByTestId('transfer-target').count()).toBe(0);
    expect(await page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await fakeRequests(page, 'call:hangup')).toEqual([]);
    // Outside any field, Escape is the user's "hang up".
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(0);
    expect(await fakeRequests(page, 'call:hangup')).toHaveLength(1);

    // Two calls: the first is held. Escape hangs up the live one only; a second Escape leaves the held one alone.
    await call(page, '600');
    await call(page, '601');
    await expect.poll(() => page.getByTestId('call-state').allTextContents()).toEqual(['Connected', 'On hold']);
    await page.getByTestId('number').press('Escape'); // in the number field: never a hang-up
    expect(await fakeRequests(page, 'call:hangup')).toHaveLength(1);
    await body(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('call-state').allTextContents()).toEqual(['On hold']);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('call-state').allTextContents()).toEqual(['On hold']);
    expect(await fakeRequests(page, 'call:hangup')).toHaveLength(2);
  });

  it('never dials a link for a server without an account through another server: add one, or call directly (defect 2)', async () => {
    const page = await phoneWithAccount();
    await paste(page, 'number', 'iax:anything@localhost:4570/102');
    // The whole link stays: its number alone would go to pbx.example.org.
    expect(await page.getByTestId('number').inputValue()).toBe('iax:anything@localhost:4570/102');
    const offer = page.getByTestId('link-offer');
    expect(await offer.textContent()).toContain('No account for localhost:4570');
    await page.getByTestId('call').click();
    expect(await page.getByTestId('dial-hint').textContent()).toContain('No account for localhost:4570');
    expect(await fakeRequests(page, 'call:dial')).toEqual([]);

    // A direct call goes to the link's address, as its user, with no account.
    await page.getByTestId('link-direct').click();
    await expect.poll(() => fakeRequests(page, 'call:dial')).toEqual([{ number: '102', direct: { server: 'localhost:4570', username: 'anything' } }]);
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await page.getByTestId('active-call').textContent()).toContain('direct · localhost:4570');
    await page.getByTestId('hangup').click();

    // "Add an account" opens the editor with the link's server and user filled in.
    await paste(page, 'number', 'iax:bob@localhost:4570/103?from-internal');
    expect(await offer.textContent()).toContain('context "from-internal" is not used');
    await page.getByTestId('link-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count()).toBe(1);
    expect(await page.getByLabel('Server').inputValue()).toBe('localhost:4570');
    expect(await page.getByLabel('User name').inputValue()).toBe('bob');

    // A link to the account's host but another port is another server; the same server with another user says so.
    page.once('dialog', (d) => void d.accept()); // discard the pre-filled new account
    await page.getByTestId('tab-phone').click();
    await paste(page, 'number', 'iax:pbx.example.org:4570/5');
    expect(await offer.textContent()).toContain('No account for pbx.example.org:4570');
    await paste(page, 'number', 'iax:carol@pbx.example.org/5');
    expect(await page.getByTestId('number').inputValue()).toBe('5');
    expect(await page.getByTestId('dial-hint').textContent()).toContain('the link\'s user name "carol" is not used: you call as alice');
  });

  it('shows every DTMF digit sent in one place, whichever way it was entered (defect 5)', async () => {
    const page = await phoneWithAccount();
    await call(page, '600');
    await body(page);
    await page.keyboard.type('12'); // keyboard
    await page.getByRole('group', { name: /Keypad/ }).getByRole('button', { name: 'star' }).click(); // the dial pad
    await page.getByRole('button', { name: 'Keypad' }).click();
    await page.getByRole('group', { name: 'DTMF keypad' }).getByRole('button', { name: 'hash' }).click(); // the card's keypad
    await expect.poll(() => page.getByTestId('call-dtmf').textContent()).toBe('Tones sent: 12*#');
    expect(await page.getByTestId('dial-hint').textContent()).toBe('Keys send tones to 600');
    expect((await fakeRequests(page, 'call:dtmf')).map((p) => (p as { digits: string }).digits).join('')).toBe('12*#');
  });

  it('heads every console frame with its time of day, and says what Copy and Export did (defect 6)', async () => {
    const page = await phoneWithAccount();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => page.getByTestId('console-frame').count()).toBeGreaterThan(2);
    for (const t of await page.getByTestId('frame-time').allTextContents()) expect(t.trim()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    await page.getByTestId('console-copy').click();
    await expect.poll(() => page.getByTestId('console-flash').textContent()).toMatch(/^Copied \d+ frames$/);
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    expect(copied).toMatch(/^\d\d:\d\d:\d\d\.\d{3} Tx-Frame Retry\[ No\] -- OSeqno: \d{3} ISeqno: \d{3} Type: IAX\s+Subclass: REGREQ/);
    await page.getByTestId('console-export').click();
    await expect.poll(() => page.getByTestId('console-flash').textContent()).toMatch(/^Saved \d+ frames to \/tmp\/redial-trace\.pcap$/);
  });

  it('keeps the "Call through" choice across pages, and says "calls only" for an account that does not register (defect 7)', async () => {
    const page = await phoneWithAccount();
    await addAccount(page, { server: 'b.example.org', username: 'bob', label: 'Outbound', register: false });
    await page.getByTestId('tab-phone').click();
    const picker = page.getByTestId('dial-account');
    expect(await picker.locator('option').allTextContents()).toEqual(['Office — registered', 'Outbound — calls only']);
    await picker.selectOption({ label: 'Outbound — calls only' });
    await page.getByTestId('tab-audio').click();
    await page.getByTestId('tab-phone').click();
    expect(await picker.locator('option:checked').textContent()).toBe('Outbound — calls only');
    await call(page, '700');
    expect((await fakeRequests(page, 'call:dial'))[0]).toMatchObject({ number: '700', accountId: await picker.inputValue() });
  });

  it('shows every notice, drops stale ones, says a registration failure once, and "Server said" only in the server\'s words (defect 8)', async () => {
    const page = await pages.open();
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'timeout', label: 'Office' });
    const summary = page.getByTestId('reg-summary');
    await expect.poll(() => summary.getAttribute('data-status')).toBe('failed');
    // The failure is state: the summary and the account's Status say it; no notice repeats it, and our own finding
    // (no answer) is not passed off as the server's words.
    expect(await summary.textContent()).toBe('Office: server not answering');
    expect(await page.getByTestId('reg-status').textContent()).toContain('The server did not answer');
    expect(await page.getByTestId('reg-error').count()).toBe(0);
    expect(await page.getByTestId('notice').count()).toBe(0);

    // Several notices at once: all of them, newest last, each dismissible.
    for (const m of ['first', 'second', 'third', 'fourth']) await page.evaluate((text) => (globalThis as unknown as PageGlobals).__fake.notice('warning', text), m);
    const texts = () => page.getByTestId('notice').locator('.toast-text').allTextContents();
    await expect.poll(texts).toEqual(['second', 'third', 'fourth']);
    await page.getByTestId('notices-more').click();
    expect(await page.getByTestId('notice').count()).toBe(4);
    await page.getByRole('button', { name: 'Dismiss: first' }).click();
    expect(await page.getByTestId('notice').count()).toBe(3);

    // A notice about an account goes when the account stops registering (its cause is gone).
    const item = await page.locator('[data-testid^="account-item-"]').getAttribute('data-testid');
    const accountId = item!.slice('account-item-'.length);
    await page.evaluate((a) => (globalThis as unknown as PageGlobals).__fake.notice('error', 'Office: the keychain refused the password', { accountId: a }), accountId);
    await expect.poll(texts).toContain('Office: the keychain refused the password');
    await page.getByTestId('acct-register').uncheck();
    await page.getByTestId('save-account').click();
    await expect.poll(texts).not.toContain('Office: the keychain refused the password');
  });

  it('sums up the registration of four accounts in one line of a 420 px window, and keeps the picker inside its card (defect 11)', async () => {
    const page = await pages.open();
    await page.setViewportSize({ width: 420, height: 700 });
    const long = 'A very long account name for the front desk of the main office';
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: long });
    for (const [server, user] of [['b.example.org', 'bob'], ['c.example.org', 'carol']] as const) await addAccount(page, { server, username: user, secret: 'x' });
    await addAccount(page, { server: 'd.example.org', username: 'dave', secret: 'wrong' });
    const summary = page.getByTestId('reg-summary');
    await expect.poll(() => summary.getAttribute('data-status')).toBe('failed');
    expect(await summary.locator('.chip-text').textContent()).toBe('3 of 4 registered');
    const header = await page.locator('header.topbar').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(90); // two rows (it was three, 180 px)
    // The list behind it names each account.
    await summary.click();
    expect(await page.locator('[data-testid^="reg-row-"]').count()).toBe(4);
    expect(await page.locator('[data-testid^="reg-row-"][data-status="failed"]').textContent()).toContain('wrong password');
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-phone').click();
    const card = await page.locator('.dialer').boundingBox();
    const picker = await page.getByTestId('dial-account').boundingBox();
    expect(picker!.x + picker!.width).toBeLessThanOrEqual(card!.x + card!.width);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
  });

  it('keeps the top bar of a 420 px window to two rows with one long-named account, a ringing call and missed calls (defect 11)', async () => {
    const page = await pages.open();
    await page.setViewportSize({ width: 420, height: 700 });
    // No label: the summary names the account by its user and server, as a first-time user's does.
    await addAccount(page, { server: 'voip.main-office.example.org:4570', username: 'frontdesk', secret: 'x' });
    const summary = page.getByTestId('reg-summary');
    await expect.poll(() => summary.getAttribute('data-status')).toBe('registered');
    const header = page.locator('header.topbar');
    const rows = async (): Promise<number> => (await header.boundingBox())!.height;
    expect(await rows()).toBeLessThanOrEqual(90);
    // The account's name gives way; its state stays whole.
    const state = summary.locator('.chip-state');
    expect(await state.textContent()).toBe(': registered');
    expect(await state.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await summary.getAttribute('aria-label')).toContain('registered');
    // A call rings (a dot on the Phone tab), then rings out (a count on History): still two rows, nothing wider than the window.
    const id = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('2125550100', 'Carol'));
    await expect.poll(() => page.getByTestId('tab-ringing').count()).toBe(1);
    expect(await rows()).toBeLessThanOrEqual(90);
    await page.evaluate((c) => (globalThis as unknown as PageGlobals).__fake.callerHangsUp(c), id);
    await expect.poll(() => page.getByTestId('tab-missed').count()).toBe(1);
    expect(await rows()).toBeLessThanOrEqual(90);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    for (const id of ['tab-audio', 'toggle-console', 'toggle-dnd']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(420);
    }
  });

  it('asks before unsaved account edits are dropped, lets "Saved." go, keeps Delete away from Save (defect 12)', async () => {
    const page = await pages.open();
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
    // "Saved." is news, not a state: it goes by itself (after SAVED_SHOWN_MS).
    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 8000 }).toBe('');
    await addAccount(page, { server: 'b.example.org', username: 'bob', label: 'Outbound', register: false });
    // "Register now" only for an account that registers; Delete in the editor's heading, not in the Save row.
    expect(await page.getByTestId('register-now').count()).toBe(0);
    expect(await page.locator('.form').getByRole('button', { name: /Delete/ }).count()).toBe(0);
    expect(await page.getByTestId('delete-account').textContent()).toBe('Delete account');

    await page.getByLabel('Name', { exact: true }).fill('Outbound (edited)');
    expect(await page.getByTestId('unsaved').count()).toBe(1);
    const office = page.locator('[data-testid^="account-item-"]').first();
    const asked: string[] = [];
    page.once('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
    await office.click();
    expect(asked).toEqual(['Discard your unsaved changes to Outbound?']);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Outbound (edited)'); // stayed
    page.once('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
    await page.getByTestId('tab-phone').click();
    expect(asked).toHaveLength(2);
    expect(await page.getByTestId('tab-accounts').getAttribute('aria-selected')).toBe('true');
    page.once('dialog', (d) => void d.accept());
    await office.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Edit Office' }).count()).toBe(1);
    expect(await page.getByTestId('register-now').count()).toBe(1);
  });

  it('keeps unsaved account edits when a ringing call takes the page away, and gives them back (defect 12)', async () => {
    const page = await pages.open();
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Main' });
    // An edit saved, then more edits not saved yet.
    await page.getByLabel('Name', { exact: true }).fill('Office');
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
    await page.getByLabel('Name', { exact: true }).fill('Office (edited)');
    await page.getByLabel('Password', { exact: true }).fill('half-typed');
    expect(await page.getByTestId('unsaved').count()).toBe(1);
    const asked: string[] = [];
    page.on('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
    // A call rings: the Phone page comes forward at once, without a question in the way of answering.
    const id = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('2125550100', 'Carol'));
    await expect.poll(() => page.getByTestId('tab-phone').getAttribute('aria-selected')).toBe('true');
    await page.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.liveCallIds())).not.toContain(id);
    // Back on Accounts: the edits are there, still unsaved, and nothing was asked.
    await page.getByTestId('tab-accounts').click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Office (edited)');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('half-typed');
    expect(await page.getByTestId('unsaved').count()).toBe(1);
    expect(asked).toEqual([]);
    expect(await fakeRequests(page, 'accounts:save')).toHaveLength(2); // the two Saves only
    // Discarding them on purpose does discard them.
    page.removeAllListeners('dialog');
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('tab-phone').click();
    await page.getByTestId('tab-accounts').click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Office');
    expect(await page.getByTestId('unsaved').count()).toBe(0);
  });

  it('limits the number field, says so for a pasted long number, and dials Arabic-Indic digits (defect 13)', async () => {
    const page = await phoneWithAccount();
    const field = page.getByTestId('number');
    await field.fill('');
    await field.pressSequentially('9'.repeat(90));
    expect((await field.inputValue()).length).toBe(80);
    await field.fill('');
    await paste(page, 'number', '1'.repeat(300));
    expect(await field.inputValue()).toBe('');
    expect(await page.getByTestId('dial-hint').textContent()).toBe('A number has at most 80 characters (the pasted one has 300)');
    // Arabic-Indic digits, typed in the field or on the page, are the number 600.
    await field.fill('٦٠٠');
    await page.getByTestId('call').click();
    await expect.poll(() => fakeRequests(page, 'call:dial')).toEqual([expect.objectContaining({ number: '600' })]);
    await page.getByTestId('hangup').click();
    await body(page);
    // What a keyboard with an Arabic layout sends (Playwright's US layout cannot type these as key presses).
    await page.evaluate(() => {
      const g = globalThis as unknown as { document: { body: { dispatchEvent(e: unknown): boolean } }; KeyboardEvent: new (t: string, i: object) => unknown };
      for (const key of '٦٠١') g.document.body.dispatchEvent(new g.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    });
    expect(await field.inputValue()).toBe('601');
  });

  it('shows a direct incoming call by its address, not the extension it was sent to, and calls it back directly (defect 10)', async () => {
    const page = await phoneWithAccount();
    const id = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCallFrom({ number: '100', remoteAddress: '192.0.2.4:4569' }));
    const card = page.getByTestId('incoming-call');
    await expect.poll(() => card.textContent()).toContain('192.0.2.4:4569');
    expect(await card.locator('.call-party').textContent()).toBe('192.0.2.4:4569');
    await page.evaluate((c) => (globalThis as unknown as PageGlobals).__fake.callerHangsUp(c), id);
    const row = page.getByTestId('history').locator('li').first();
    await expect.poll(() => row.textContent()).toContain('192.0.2.4:4569');
    expect(await row.textContent()).not.toContain('100');
    await row.getByRole('button', { name: /Call back/ }).click();
    await expect.poll(() => fakeRequests(page, 'call:dial')).toEqual([{ number: 's', direct: { server: '192.0.2.4:4569' } }]);
  });

  it('asks for a password that did not survive a restart instead of calling it wrong (defect 9)', async () => {
    const page = await pages.open();
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.putAccount({ id: 'acct-lost', server: 'pbx.example.org', username: 'alice', label: 'Office', secretMissing: true }));
    const summary = page.getByTestId('reg-summary');
    await expect.poll(() => summary.locator('.chip-text').textContent()).toBe('Office: password needed');
    expect(await summary.getAttribute('data-status')).toBe('failed');
    await summary.click();
    await page.getByTestId('reg-row-acct-lost').click();
    await expect.poll(() => page.getByTestId('reg-status').textContent()).toContain('Enter the password to register');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('acct-secret');
    // This phone keeps passwords in memory only: "Remember password" must not promise otherwise.
    expect(await page.getByTestId('acct-remember').isChecked()).toBe(false);
    expect(await page.getByTestId('acct-remember').isDisabled()).toBe(true);
    expect(await fakeRequests(page, 'registration:refresh')).toEqual([]);
    await page.getByLabel('Password', { exact: true }).fill('s3cret');
    await page.getByTestId('save-account').click();
    await expect.poll(() => summary.locator('.chip-text').textContent()).toBe('Office: registered');
  });
});
