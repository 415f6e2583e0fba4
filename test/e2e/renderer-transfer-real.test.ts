// Attended transfer and Do Not Disturb in Debian Chromium against the REAL engine over the loopback ws-host:
// the scripted IAX2 server answers every call and, like Asterisk 22 (spec §5.7), releases the leg that sends
// TRANSFER with HANGUP. The user places two calls, transfers the held one to the other from its card, and
// sees both end; then turns DND on in the top bar and a call from the server is refused busy (cause 17).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IeWriter, parseIes } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType, type FullFrame } from '../../electron/core/iax2/wire/types.js';
import { ScriptedPeer, type ServerDialog } from '../support/scripted-peer.js';
import { CHROMIUM, chromiumAvailable, type WatchedPage } from './support/browser.js';
import { openRealApp, type EngineHost, type RealApp } from './support/engine-host.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from './support/renderer-build.js';
import { describeWithPeer } from '../support/peers.js';

const SECRET = 's3cret-xfer';
const ULAW = 1 << 2;

let peer: ScriptedPeer;
let app: RealApp | undefined;
let host: EngineHost;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
let built: RendererBuild | undefined;
const calls: { dialog: ServerDialog; number: string }[] = [];
const transfers: { dialog: ServerDialog; target: string }[] = [];

function ieOf(frame: FullFrame, type: number): Uint8Array | undefined {
  const parsed = parseIes(frame.payload);
  return parsed.ok ? parsed.value.find((x) => x.type === type)?.data : undefined;
}
const textIe = (frame: FullFrame, type: number): string => new TextDecoder().decode(ieOf(frame, type) ?? new Uint8Array(0));
/** Full IAX frames of `subclass` the phone sent on `dialog`. */
const sentOn = (dialog: ServerDialog, subclass: number): FullFrame[] =>
  peer.fullFramesReceived(subclass).filter((f) => f.destCall === dialog.localCall);

beforeAll(async () => {
  built = await buildRenderer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  peer = await ScriptedPeer.start();
  peer.enableRegistrar({ users: { alice: { secret: SECRET } }, requireCallToken: true });
  peer.handle(FrameType.IAX, IaxSubclass.NEW, (ctx) => {
    if (ctx.dialog || !ctx.checkCallToken(true)) return;
    const d = ctx.accept();
    calls.push({ dialog: d, number: textIe(ctx.frame, IeType.CALLED_NUMBER) });
    d.send(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, ULAW).raw());
    setTimeout(() => d.send(FrameType.CONTROL, ControlSubclass.ANSWER), 100);
  });
  peer.handle(FrameType.IAX, IaxSubclass.TRANSFER, (ctx) => {
    if (!ctx.dialog) return;
    transfers.push({ dialog: ctx.dialog, target: textIe(ctx.frame, IeType.CALLED_NUMBER) });
    // Asterisk moves the bridged party to the extension, then hangs our leg up.
    setTimeout(() => ctx.dialog?.send(FrameType.IAX, IaxSubclass.HANGUP,
      new IeWriter().string(IeType.CAUSE, 'Normal Clearing').u8(IeType.CAUSECODE, 16).raw()), 300);
  });
  peer.ackHangups();
  // The account through the API (the account form has its own tests); the page then opens on the phone.
  app = await openRealApp(built.dir, {}, (h) =>
    h.phone.phone.request('accounts:save', { label: 'Lab', server: peer.server, username: 'alice', secret: SECRET, codecs: ['ulaw'] }));
  ({ host, browser, watched } = app);
  page = watched.page;
});

afterAll(async () => {
  await app?.close();
  await peer?.stop();
  built?.remove();
});

describeWithPeer(CHROMIUM, chromiumAvailable(), 'attended transfer and DND in the browser, real engine', () => {
  it('places two calls, transfers the held one to the other from its card, and both calls end', async () => {
    await expect.poll(() => page.getByTestId('reg-summary').getAttribute('data-status'), { timeout: 10_000 }).toBe('registered');
    await page.getByTestId('number').fill('1003');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    // The second call puts the first on hold (call waiting); the held card then offers the attended transfer.
    await page.getByTestId('number').fill('1002');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').allTextContents(), { timeout: 5_000 }).toEqual(['Connected', 'On hold']);
    const offer = page.getByTestId('transfer-to-call');
    await expect.poll(() => offer.count()).toBe(1);
    expect(await offer.textContent()).toBe('Transfer 1003 to 1002');
    // It sits on the held call's card.
    expect(await page.getByTestId('active-call').nth(1).getByTestId('transfer-to-call').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'real-attended-transfer.png') });

    await offer.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 8_000 }).toBe(0);
    expect(await page.getByTestId('ended-call').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))))
      .toEqual(['transferred', 'transferred']);
    expect(await page.getByTestId('ended-call').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Handed over to 1002.')]));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'real-attended-transfer-done.png') });

    // On the wire: TRANSFER(1002) on the first call's dialog only, and our HANGUP on the second's only.
    expect(calls.map((c) => c.number)).toEqual(['1003', '1002']);
    const [legA, legC] = calls.map((c) => c.dialog);
    expect(transfers.map((x) => [x.dialog.localCall, x.target])).toEqual([[legA.localCall, '1002']]);
    await expect.poll(() => sentOn(legC, IaxSubclass.HANGUP).length, { timeout: 3_000 }).toBe(1);
    expect(sentOn(legA, IaxSubclass.HANGUP)).toHaveLength(0);
    await expect.poll(() => page.getByTestId('history').locator('li').first().textContent()).toContain('transferred');
    expect(await page.getByTestId('history').textContent()).toContain('transferred → 1002');
  });

  it('turns DND on from the top bar by keyboard, says so there once, and refuses a call busy without ringing', async () => {
    const toggle = page.getByTestId('toggle-dnd');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await toggle.getAttribute('title')).toContain('Do Not Disturb is on');
    expect((await host.phone.phone.request('settings:get')).dnd).toBe(true);

    const d = peer.openDialog({ address: '127.0.0.1', port: host.phone.localPort });
    d.send(FrameType.IAX, IaxSubclass.NEW, new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, 'alice')
      .string(IeType.CALLING_NUMBER, '2125550100').string(IeType.CALLING_NAME, 'Carol')
      .u32(IeType.FORMAT, ULAW).u32(IeType.CAPABILITY, ULAW).raw());
    await expect.poll(() => sentOn(d, IaxSubclass.REJECT).length, { timeout: 5_000 }).toBe(1);
    expect(ieOf(sentOn(d, IaxSubclass.REJECT)[0], IeType.CAUSECODE)?.[0]).toBe(17);
    await expect.poll(() => page.getByTestId('history').locator('li').first().textContent(), { timeout: 5_000 }).toContain('missed · DND');
    expect(await page.getByTestId('incoming-call').count()).toBe(0);
    expect(await page.getByTestId('ended-call').first().textContent()).toContain('Do Not Disturb is on');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'real-dnd.png') });

    // And off again.
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
  });

  it('logged no console errors, page errors or CSP violations', () => {
    expect(watched.problems).toEqual([]);
  });
});
