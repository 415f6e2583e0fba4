// The Audio page against the fake contract in Chromium: "Test speaker" says it is playing (and the speaker meter
// moves) until the tone ends, the meters are at rest when nothing is open, and a gain's label follows the slider
// while it is dragged, the phone getting the value once it is let go.

import { expect, it } from 'vitest';
import { fakeApiPages } from './support/fake-api-pages.js';
import { fakeRequests } from './support/fake-ui.js';
import { describeWithPeer } from '../support/peers.js';
import { CHROMIUM, chromiumAvailable } from './support/browser.js';

const pages = fakeApiPages();

describeWithPeer(CHROMIUM, chromiumAvailable(), 'Audio page', () => {
  it('shows the speaker test playing, with its meter, and the meters at rest otherwise', async () => {
    const page = await pages.open();
    await page.getByTestId('tab-audio').click();
    const speaker = page.getByTestId('test-speaker');
    const spk = page.getByRole('meter', { name: 'Spk level' });
    await expect.poll(() => speaker.count()).toBe(1);
    expect(await spk.getAttribute('aria-valuetext')).toBe('≤ -60 dBFS');
    await speaker.click();
    await expect.poll(() => speaker.textContent()).toBe('♪ Playing a 440 Hz tone…');
    expect(await speaker.isDisabled()).toBe(true);
    expect(await page.getByTestId('test-ringer').isDisabled()).toBe(true);
    await expect.poll(() => spk.getAttribute('aria-valuetext')).toBe('-12.0 dBFS');
    // Done: the button is a button again and the meter rests.
    await expect.poll(() => speaker.textContent(), { timeout: 5000 }).toBe('Test speaker');
    await expect.poll(() => spk.getAttribute('aria-valuetext')).toBe('≤ -60 dBFS');
    expect(await fakeRequests(page, 'audio:test-tone')).toEqual([{ target: 'output' }]);
  });

  it('updates a gain\'s label while its slider is dragged, and sends the value when it is let go', async () => {
    const page = await pages.open();
    await page.getByTestId('tab-audio').click();
    const slider = page.getByLabel('Microphone gain');
    await expect.poll(() => slider.count()).toBe(1);
    await slider.scrollIntoViewIfNeeded();
    // The page may still be filling in (the device lists arrive after the first render and move the cards): take the
    // slider's place once it stays put, so the pointer lands on it.
    let box = (await slider.boundingBox())!;
    await expect.poll(async () => {
      const now = (await slider.boundingBox())!;
      const still = now.x === box.x && now.y === box.y && now.width === box.width;
      box = now;
      return still;
    }).toBe(true);
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, y, { steps: 5 });
    // The label is re-rendered after the input event: wait for it to leave +0 dB, not for a fixed time.
    const label = page.getByTestId('gain-in-value');
    await expect.poll(() => label.textContent()).toMatch(/^\+[1-9]\d* dB$/);
    const dragging = await label.textContent();
    expect(await fakeRequests(page, 'audio:gains')).toEqual([]); // nothing sent mid-drag
    await page.mouse.up();
    await expect.poll(() => fakeRequests(page, 'audio:gains')).toEqual([{ inputDb: Number(dragging!.replace(/[^0-9-]/g, '')) }]);
    expect(await page.getByTestId('gain-in-value').textContent()).toBe(dragging);
  });
});

describeWithPeer(CHROMIUM, chromiumAvailable(), 'Echo test and microphone test', () => {
  it('welcomes a first-time user with the echo test, shows it as "Echo test", and keeps it out of the history', async () => {
    const page = await pages.open();
    await expect.poll(() => page.getByTestId('calls-empty').textContent()).toContain('Welcome to Redial');
    await page.getByTestId('echo-test').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(await page.getByTestId('active-call').locator('.call-party').textContent()).toBe('Echo test');
    expect(await fakeRequests(page, 'call:echo-test')).toEqual([{}]);
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count()).toBe(0);
    expect(await page.getByTestId('history').count()).toBe(0);
    await page.getByTestId('tab-history').click();
    expect(await page.locator('.history.detailed li').count()).toBe(0);
  });

  it('runs the microphone test from the Audio page, with the meters moving, until stopped', async () => {
    const page = await pages.open();
    await page.getByTestId('tab-audio').click();
    const mic = page.getByTestId('mic-test');
    // Through the codec the user wants to hear.
    await page.getByTestId('mic-test-codec').selectOption('g722');
    await mic.click();
    await expect.poll(() => mic.textContent()).toBe('Stop the microphone test');
    expect(await fakeRequests(page, 'call:echo-test')).toEqual([{ codec: 'g722' }]);
    await expect.poll(() => page.getByText('Speak: you hear yourself through G.722 (16 kHz), and the meters move.').count()).toBe(1);
    expect(await page.getByTestId('mic-test-codec').isDisabled()).toBe(true);
    await expect.poll(() => page.getByRole('meter', { name: 'Mic level' }).getAttribute('aria-valuenow')).toBe('-20');
    await mic.click();
    await expect.poll(() => mic.textContent()).toBe('Microphone test');
    expect(await fakeRequests(page, 'call:hangup')).toHaveLength(1);
    await expect.poll(() => page.getByRole('meter', { name: 'Mic level' }).getAttribute('aria-valuenow')).toBe('-60');
  });
});
