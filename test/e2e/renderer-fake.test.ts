// The renderer in Debian Chromium against the in-page fake of the API contract (fixtures/fake-api.ts):
// component behaviour that is awkward to stage against a real engine (validation, a wrong password, an
// incoming call, a flood of frames). renderer-real.test.ts drives the same UI through the real ws-host.

import { join } from 'node:path';
import { expect, it } from 'vitest';
import { contrastOf } from './support/contrast.js';
import { SCREENSHOT_DIR } from './support/renderer-build.js';
import { fakeApiPages } from './support/fake-api-pages.js';
import { addAccount, fakeRequests, paste as pasteInto, type PageGlobals } from './support/fake-ui.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

const pages = fakeApiPages();
const open = pages.open;

describeWithPeer(CHROMIUM, chromiumAvailable(), 'renderer against the in-page fake API', () => {
  it('validates the account form, saves, and shows registration status with the apparent address and voicemail', async () => {
    const page = await open();
    // No account yet: the Phone page welcomes with the echo test and the way to add one.
    await expect.poll(() => page.getByTestId('calls-empty').textContent()).toContain('Welcome to Redial');
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count()).toBe(1);

    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByLabel('Server').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('User name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('save-status').textContent()).toContain('correct');
    // The first invalid field receives focus.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('acct-server');

    await page.getByLabel('Server').fill('iax://pbx.example.org');
    await page.getByLabel('User name').fill('alice smith');
    await page.getByTestId('save-account').click();
    expect(await page.locator('#acct-server-err').textContent()).toMatch(/without iax:\/\//);
    expect(await page.locator('#acct-username-err').textContent()).toMatch(/spaces/);
    expect(await fakeRequests(page, 'accounts:save')).toEqual([]);

    await page.getByLabel('Server').fill('127.0.0.1:4570');
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('s3cret');
    // Caller ID and codecs sit behind "More settings" so a new user sees only what is needed.
    expect(await page.getByLabel('Caller ID number').count()).toBe(0);
    await page.getByTestId('acct-more').click();
    await page.getByLabel('Caller ID number').fill('abc');
    await page.getByTestId('save-account').click();
    expect(await page.locator('#acct-callerIdNumber-err').textContent()).toMatch(/Digits/);
    await page.getByLabel('Caller ID number').fill('+1 212 555 0100');
    // Codec order: move A-law above µ-law with the keyboard-operable buttons, and enable G.722.
    await page.getByRole('button', { name: 'Move alaw up' }).click();
    await page.getByRole('checkbox', { name: 'G.722 (16 kHz)' }).check();
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');

    const saves = await fakeRequests(page, 'accounts:save');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ server: '127.0.0.1:4570', username: 'alice', secret: 's3cret', codecs: ['alaw', 'ulaw', 'g722'], auth: ['md5'], register: true });

    // Registration: the top bar's summary turns green, detail shows the server's view of us and voicemail.
    const summary = page.getByTestId('reg-summary');
    await expect.poll(() => summary.getAttribute('data-status')).toBe('registered');
    expect(await summary.textContent()).toContain('registered');
    expect(await summary.locator('.badge').textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('reg-detail').textContent()).toContain('127.0.0.1:40000');
    expect(await page.getByTestId('reg-detail').textContent()).toContain('3 new, 1 old');
    // The secret is write-only: the form shows that one is stored, never its value.
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('placeholder')).toContain('stored');
  });

  it('explains a failed registration in the server\'s words', async () => {
    const page = await open();
    await addAccount(page, { server: 'pbx.example.org', username: 'bob', secret: 'wrong', label: 'Office' });
    await expect.poll(() => page.getByTestId('reg-status').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('reg-status').textContent()).toContain('Wrong password');
    expect(await page.getByTestId('reg-error').textContent()).toContain('Registration Refused (cause 29)');
    expect(await page.getByTestId('reg-summary').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('reg-summary').textContent()).toBe('Office: wrong password');
  });

  it('dials from the keyboard, shows call progress, sends DTMF, hangs up, and redials from history', async () => {
    const page = await open();
    await addAccount(page, { server: '127.0.0.1', username: 'alice', secret: 'x' });
    await page.getByTestId('tab-phone').click();
    await page.locator('body').click({ position: { x: 600, y: 650 } });
    await page.keyboard.type('60#');
    expect(await page.getByTestId('number').inputValue()).toBe('60#');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(1);
    expect(await fakeRequests(page, 'call:dial')).toEqual([expect.objectContaining({ number: '60' })]);
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await page.getByTestId('active-call').textContent()).toContain('ulaw');
    expect(await page.getByRole('meter', { name: 'Mic level' }).getAttribute('aria-valuenow')).toBe('-18');
    expect(await page.getByTestId('active-call').textContent()).toContain('12 ms');

    // Digits typed while connected go out as DTMF, not into the number field.
    await page.locator('body').click({ position: { x: 600, y: 650 } });
    await page.keyboard.type('1*');
    await expect.poll(() => fakeRequests(page, 'call:dtmf')).toEqual([{ callId: expect.any(String), digits: '1' }, { callId: expect.any(String), digits: '*' }]);
    expect(await page.getByTestId('number').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Mute' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe('true');

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(0);
    expect(await page.getByTestId('history').textContent()).toContain('60');

    await page.getByTestId('redial').click();
    await expect.poll(async () => (await fakeRequests(page, 'call:dial')).length).toBe(2);
    expect((await fakeRequests(page, 'call:dial'))[1]).toMatchObject({ number: '60' });
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(1);
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(0);
  });

  it('accepts a pasted iax: link and picks the matching account', async () => {
    const page = await open();
    await addAccount(page, { server: 'a.example.org', username: 'alice', label: 'A' });
    await addAccount(page, { server: 'b.example.org:4570', username: 'bob', label: 'B' });
    await page.getByTestId('tab-phone').click();
    const paste = (text: string) => pasteInto(page, 'number', text);
    await paste('iax:bob@b.example.org:4570/7001');
    expect(await page.getByTestId('number').inputValue()).toBe('7001');
    const bobId = await page.getByTestId('dial-account').inputValue();
    expect(await page.getByTestId('dial-account').locator('option:checked').textContent()).toContain('B');
    await page.getByTestId('call').click();
    await expect.poll(() => fakeRequests(page, 'call:dial')).toEqual([{ number: '7001', accountId: bobId }]);

    await paste('iax:nobody@c.example.org/1');
    expect(await page.getByTestId('link-offer').textContent()).toContain('No account for c.example.org');
  });

  it('rings for an incoming call and answers it', async () => {
    const page = await open();
    await addAccount(page, { server: '127.0.0.1', username: 'alice' });
    // Keyboard only: arrow keys move between the tabs.
    await page.getByTestId('tab-phone').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('tab-history').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByTestId('tab-contacts').getAttribute('aria-selected')).toBe('true');
    await page.locator('body').click({ position: { x: 600, y: 650 } });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.incomingCall('2125550100', 'Carol'));
    // An incoming call brings the Phone page forward, with the keyboard on Answer.
    await expect.poll(() => page.getByTestId('incoming-call').count()).toBe(1);
    expect(await page.getByTestId('incoming-call').textContent()).toContain('Carol');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Answer');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await page.getByTestId('incoming-call').count()).toBe(0);
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('history').locator('li').first().textContent()).toContain('Carol');
  });

  it('toggles the debug console, shows Tx/Rx frames with IE names, filters, and stays bounded under a flood', async () => {
    const page = await open();
    await addAccount(page, { server: '127.0.0.1', username: 'alice', secret: 'x' });
    await page.getByTestId('tab-phone').click();
    const listeners = () => page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.listenerCount('trace'));
    expect(await listeners()).toBe(0);
    expect(await page.getByTestId('debug-console').count()).toBe(0);

    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => page.getByTestId('debug-console').count()).toBe(1);
    await expect.poll(listeners).toBe(1);
    const view = page.getByTestId('console-view');
    await expect.poll(() => view.textContent()).toContain('Rx-Frame');
    const text = (await view.textContent()) ?? '';
    expect(text).toMatch(/Tx-Frame Retry\[ No\] -- OSeqno: \d{3} ISeqno: \d{3} Type: IAX\s+Subclass: REGREQ/);
    expect(text).toMatch(/USERNAME\s+: alice/);
    expect(text).toContain('APPARENT ADDRESS');
    expect(text).not.toContain('x\n'); // no secret anywhere

    await page.getByTestId('console-filter').fill('REGACK');
    await expect.poll(() => page.getByTestId('console-frame').count()).toBe(1);
    await page.getByTestId('console-filter').fill('');

    // A flood larger than the ring buffer: memory stays bounded, the DOM holds only what is on screen.
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.flood(6000));
    await expect.poll(() => page.getByTestId('console-count').textContent()).toContain('5000 buffered');
    const nodes = await page.getByTestId('console-frame').count();
    expect(nodes).toBeGreaterThan(0);
    expect(nodes).toBeLessThan(120);
    // Autoscroll keeps the newest frame in view (it scrolls after the frame that rendered the flood: poll).
    await expect.poll(() => view.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 20)).toBe(true);

    // Pause freezes the view while frames keep arriving: the foot says they wait, the rows stay as they were.
    await page.getByTestId('console-pause').click();
    const paused = page.getByTestId('console-paused');
    await expect.poll(() => paused.textContent()).toBe('Paused');
    const before = await view.textContent();
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__fake.flood(10));
    await expect.poll(() => paused.textContent()).toBe('Paused — new frames waiting');
    expect(await view.textContent()).toBe(before);
    await page.getByTestId('console-pause').click();

    await page.getByTestId('toggle-console').click();
    await expect.poll(() => page.getByTestId('debug-console').count()).toBe(0);
    // Closing the pane stops the stream: no listener, and the engine is told to stop sending.
    await expect.poll(listeners).toBe(0);
    expect(await fakeRequests(page, 'trace:subscribe')).toEqual([{ enabled: true }, { enabled: false }]);
  });

  it('offers the attended transfer on the held call, and shows DND on the top bar, readable in dark mode', async () => {
    const page = await open('dark');
    await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
    await page.getByTestId('tab-phone').click();
    for (const number of ['600', '601']) {
      await page.getByTestId('number').fill(number);
      await page.getByTestId('call').click();
      await expect.poll(() => page.getByTestId('call-state').allTextContents()).toContain('Connected');
    }
    await expect.poll(() => page.getByTestId('call-state').allTextContents()).toEqual(['Connected', 'On hold']);
    // Only the held call offers it, naming both parties; the blind Transfer stays on both cards.
    expect(await page.getByTestId('transfer-to-call').allTextContents()).toEqual(['Transfer 600 to 601']);
    expect(await page.getByRole('button', { name: 'Transfer', exact: true }).count()).toBe(2);
    await page.getByTestId('toggle-dnd').click();
    await expect.poll(() => page.getByTestId('toggle-dnd').getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'transfer-dnd-dark.png') });
    const samples = await contrastOf(page, ['.btn.dnd-toggle[aria-pressed="true"]', '.status-summary .chip', '.transfer-offers .btn.primary']);
    expect(samples).toHaveLength(3);
    for (const s of samples) expect(s.ratio, `${s.selector} ${s.fg} on ${s.bg}`).toBeGreaterThanOrEqual(4.5);
    expect(await fakeRequests(page, 'settings:update')).toEqual([{ dnd: true }]);

    await page.getByTestId('transfer-to-call').click();
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(0);
    const calls = await fakeRequests(page, 'call:transfer-to-call');
    expect(calls).toHaveLength(1);
    expect(await page.getByTestId('ended-call').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual(['transferred', 'transferred']);
  });

  it('renders cleanly at 1024x700 in light and dark, with readable contrast', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(scheme);
      await addAccount(page, { server: 'pbx.example.org', username: 'alice', secret: 'x', label: 'Office' });
      await page.getByTestId('tab-phone').click();
      await page.getByTestId('number').fill('600');
      await page.getByTestId('call').click();
      await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
      await page.getByTestId('number').fill('2125550100');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `phone-${scheme}.png`) });
      await page.keyboard.press('Control+Shift+D');
      await expect.poll(() => page.getByTestId('console-frame').count()).toBeGreaterThan(3);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${scheme}.png`) });
      await page.keyboard.press('Control+Shift+D');
      await page.getByTestId('tab-accounts').click();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `accounts-${scheme}.png`) });
      await page.getByTestId('tab-audio').click();
      await expect.poll(() => page.getByLabel('Microphone', { exact: true }).count()).toBe(1);
      if (scheme === 'light') {
        // Settings are range-checked before they reach the engine.
        await page.getByLabel('Jitter buffer max').fill('5');
        await page.getByLabel('Jitter buffer max').press('Enter');
        await expect.poll(() => page.locator('#jb-max-err').textContent()).toContain('20–2000');
        await page.getByLabel('Jitter buffer max').fill('300');
        await page.getByLabel('Jitter buffer max').press('Enter');
        await expect.poll(() => fakeRequests(page, 'settings:update')).toEqual([{ jitter: { maxMs: 300 } }]);
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, `audio-${scheme}.png`) });
      await page.getByTestId('tab-phone').click();
      await page.keyboard.press('Control+Shift+D');

      // Nothing overflows the window horizontally.
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
      const samples = await contrastOf(page, ['body', '.tab[aria-selected="true"]', '.btn.primary', '.btn.danger', '.call-party',
        '.muted', '.state-pill.up', '.console-frame .l.ie', '.status-summary .chip', '.statusline']);
      expect(samples.length).toBeGreaterThanOrEqual(8);
      for (const s of samples) expect(s.ratio, `${scheme} ${s.selector} ${s.fg} on ${s.bg}`).toBeGreaterThanOrEqual(4.5);
      await pages.closeChecked();
    }
  });
});
