// Incoming and missed calls reach the user through the window too (against the fake contract in Chromium): the
// title (what the taskbar and a browser tab show), the Phone tab's dot and the History tab's count say a call rings
// or how many missed calls are unseen; the user at the Phone page sees them (not a window left in front of nobody),
// which the phone then tells the tray and the badges; the desktop settings (close to tray, start at login) appear for
// the Electron host only.

import { expect, it } from 'vitest';
import { fakeApiPages } from './support/fake-api-pages.js';
import { addAccount, fakeRequests, type PageGlobals } from './support/fake-ui.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

const pages = fakeApiPages();

describeWithPeer(CHROMIUM, chromiumAvailable(), 'calls reach the user through the window', () => {
  it('puts a ringing call in the title and on the Phone tab, and unseen missed calls in the title and on the History tab, until the Phone page is seen', async () => {
    const page = await pages.open();
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
    expect(await page.title()).toBe('Redial');
    // On another page: the call rings, the window says who.
    const id = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('2125550100', 'Carol'));
    await expect.poll(() => page.title()).toBe('Incoming call from Carol — Redial');
    expect(await page.getByTestId('tab-ringing').count()).toBe(1);
    // It brought the Phone page forward; go away again, and let the caller give up.
    await page.getByTestId('tab-accounts').click();
    await page.evaluate((c) => (globalThis as unknown as PageGlobals).__fake.callerHangsUp(c), id);
    await expect.poll(() => page.title()).toBe('(1) Redial');
    expect(await page.getByTestId('tab-missed').textContent()).toBe('1');
    expect(await page.getByTestId('tab-ringing').count()).toBe(0);
    expect(await fakeRequests(page, 'history:seen')).toEqual([]);
    // Looking at the Phone page (its history) sees them: the phone is told, the count goes everywhere.
    await page.getByTestId('tab-phone').click();
    await expect.poll(() => page.title()).toBe('Redial');
    expect(await page.getByTestId('tab-missed').count()).toBe(0);
    expect(await fakeRequests(page, 'history:seen')).toEqual([{}]);
  });

  it('keeps a call that rang out in front of nobody unseen, as a missed call, until the user acts on the page', async () => {
    const page = await pages.open();
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
    await page.getByTestId('tab-phone').click();
    // The window sits on the Phone page, in front, with nobody at the desk. Asterisk's Dial() rings it out (cause 19).
    const id = await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('2125550100', 'Carol'));
    await expect.poll(() => page.title()).toBe('Incoming call from Carol — Redial');
    await page.evaluate((c) => (globalThis as unknown as PageGlobals).__fake.callerHangsUp(c, true), id);
    await expect.poll(() => page.title()).toBe('(1) Redial');
    // Its card says it was missed, in the user's terms, not "Nobody answered" (the words meant for the caller).
    expect(await page.getByTestId('ended-state').textContent()).toBe('Missed');
    expect(await page.getByTestId('ended-reason').textContent()).toBe('The caller hung up before you answered.');
    expect(await page.getByTestId('notice').count()).toBe(0);
    // The page rendered the count and did not take it as seen: the badge stays.
    expect(await page.getByTestId('tab-missed').textContent()).toBe('1');
    expect(await fakeRequests(page, 'history:seen')).toEqual([]);
    // The user comes back and touches the page: now it is seen, everywhere.
    await page.locator('body').click({ position: { x: 5, y: 690 } });
    await expect.poll(() => page.title()).toBe('Redial');
    expect(await page.getByTestId('tab-missed').count()).toBe(0);
    expect(await fakeRequests(page, 'history:seen')).toEqual([{}]);
  });

  it('offers "keep running in the tray" and "start at login" in the desktop app only', async () => {
    const page = await pages.open();
    await page.getByTestId('tab-audio').click();
    await expect.poll(() => page.getByLabel('Microphone', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('close-to-tray').count()).toBe(0); // a browser page has no tray
    // The same renderer in Electron (the host says so when its engine (re)starts).
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.restartEngine({ host: 'electron' }));
    await expect.poll(() => page.getByTestId('close-to-tray').count()).toBe(1);
    expect(await page.getByTestId('close-to-tray').isChecked()).toBe(true);
    expect(await page.getByTestId('start-at-login').isChecked()).toBe(false);
    await page.getByTestId('start-at-login').check();
    await page.getByTestId('close-to-tray').uncheck();
    await expect.poll(() => fakeRequests(page, 'settings:update')).toEqual([{ desktop: { startAtLogin: true } }, { desktop: { closeToTray: false } }]);
  });
});
