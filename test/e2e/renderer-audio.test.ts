// A whole call WITH AUDIO through the UI the user sees: Debian Chromium drives the built renderer, which talks
// over the loopback WebSocket to the real PhoneService + IAX2 engine + device media (codecs, jitter buffer,
// meters, recording) on the paced fake sound device, whose microphone plays a 1 kHz tone. The far end is the
// scripted IAX2 server (test/support/scripted-peer.ts) on real UDP: it registers us with a call token and MD5,
// answers, and echoes every voice frame back, like Asterisk's Echo() application. Nothing between the page and
// the wire is faked; the checks read what the user reads (meters, statistics, notices) and the file they get.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IeWriter } from '../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../electron/core/iax2/wire/types.js';
import { ScriptedPeer, type ServerDialog } from '../support/scripted-peer.js';
import { field, tsharkDecodeFile } from '../support/tshark.js';
import { CHROMIUM, chromiumAvailable, type WatchedPage } from './support/browser.js';
import { openRealApp, type EngineHost, type RealApp } from './support/engine-host.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from './support/renderer-build.js';
import { describeWithPeer } from '../support/peers.js';

const SECRET = 'echo-secret';
const ULAW = 1 << 2;
const TONE_HZ = 1000;

let built: RendererBuild;
let peer: ScriptedPeer;
let app: RealApp | undefined;
let host: EngineHost;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
let dialog: ServerDialog | undefined;
let echoed = 0;

beforeAll(async () => {
  built = await buildRenderer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  peer = await ScriptedPeer.start();
  peer.enableRegistrar({ users: { echo: { secret: SECRET } }, requireCallToken: true });
  peer.handle(FrameType.IAX, IaxSubclass.NEW, (ctx) => {
    if (ctx.dialog || !ctx.checkCallToken(true)) return;
    const d = ctx.accept();
    dialog = d;
    d.send(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, ULAW).raw());
    setTimeout(() => d.send(FrameType.CONTROL, ControlSubclass.ANSWER), 200);
  });
  // Echo(): every voice frame goes straight back, full frames as full frames, mini frames as mini frames.
  peer.handle(FrameType.VOICE, ULAW, (ctx) => {
    ctx.dialog?.send(FrameType.VOICE, ULAW, ctx.frame.payload, { timestamp: ctx.frame.timestamp });
    echoed++;
  });
  peer.handleMini((m, d) => { d.sendMini(m.timestamp16, m.payload); echoed++; });
  peer.ackHangups();
  app = await openRealApp(built.dir, { audio: 'fake', toneHz: TONE_HZ });
  ({ host, browser, watched } = app);
  page = watched.page;
}, 30_000);

afterAll(async () => {
  await app?.close();
  await peer?.stop();
  built?.remove();
});

/** aria-valuenow of a level meter: dBFS, -60 = silence. */
const meter = async (name: 'Mic' | 'Spk'): Promise<number> => Number(await page.getByRole('meter', { name: `${name} level` }).getAttribute('aria-valuenow'));
const stat = async (name: string): Promise<string> => (await page.locator(`[data-stat="${name}"] dd`).textContent()) ?? '';
const count = (text: string): number => Number(text.replace(/[^0-9]/g, '')) || 0;

/** 16-bit PCM WAV → channels, rate and samples (enough of RIFF for our own recordings). */
function readWav(path: string): { channels: number; rate: number; samples: Int16Array } {
  const b = readFileSync(path);
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.toString('ascii', 8, 12)).toBe('WAVE');
  let off = 12;
  let channels = 0, rate = 0;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') { channels = b.readUInt16LE(off + 10); rate = b.readUInt32LE(off + 12); expect(b.readUInt16LE(off + 22)).toBe(16); }
    if (id === 'data') {
      const n = Math.min(size, b.length - off - 8) >> 1;
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = b.readInt16LE(off + 8 + 2 * i);
      return { channels, rate, samples };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

/** One channel's level (dBFS) and its zero-crossing frequency estimate (Hz), skipping the first `skip` s. */
function analyse(w: { channels: number; rate: number; samples: Int16Array }, channel: number, skip = 0.3): { dbfs: number; hz: number } {
  let sum = 0, n = 0, crossings = 0, prev = 0;
  for (let i = Math.round(skip * w.rate) * w.channels + channel; i < w.samples.length; i += w.channels) {
    const v = w.samples[i];
    sum += v * v; n++;
    if ((prev < 0 && v >= 0) || (prev >= 0 && v < 0)) crossings++;
    prev = v;
  }
  return { dbfs: 10 * Math.log10(sum / Math.max(1, n) / (32768 * 32768) + 1e-12), hz: crossings / 2 / (n / w.rate) };
}

describeWithPeer(CHROMIUM, chromiumAvailable(), 'a call with audio through the UI (real engine, fake sound device, echoing IAX2 server)', () => {
  it('first launch, no server: the echo test plays the microphone back, and leaves no history', async () => {
    const echo = page.getByTestId('echo-test');
    await expect.poll(() => echo.count(), { timeout: 10_000 }).toBe(1);
    const clicked = Date.now();
    await echo.click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 15_000 }).toBe('Connected');
    const connected = Date.now() - clicked;
    expect(await page.getByTestId('active-call').locator('.call-party').textContent()).toBe('Echo test');
    // The 1 kHz tone of the fake microphone went out through the codec and came back through the jitter buffer.
    await expect.poll(() => meter('Spk'), { timeout: 15_000, interval: 50 }).toBeGreaterThan(-40);
    const heard = Date.now() - clicked;
    console.log(`echo test through the UI: connected ${connected} ms, own microphone heard ${heard} ms after the click`);
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(0);
    expect(await page.getByTestId('history').count()).toBe(0); // "No calls yet."
  });

  it('registers the account the user types in', async () => {
    // First launch: the Phone page welcomes (echo test, add your account).
    await page.getByTestId('welcome-add-account').click();
    await expect.poll(() => page.getByRole('heading', { name: 'New account' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Server').fill(peer.server);
    await page.getByLabel('User name').fill('echo');
    await page.getByLabel('Password', { exact: true }).fill(SECRET);
    await page.getByTestId('save-account').click();
    await expect.poll(() => page.getByTestId('reg-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('registered');
    // The first account registered: the editor offers the way to the dialler.
    await page.getByTestId('go-to-phone').click();
    expect(await page.getByTestId('tab-phone').getAttribute('aria-selected')).toBe('true');
  });

  it('connects, and the meters and statistics show the audio going both ways', async () => {
    // A steady tone that comes straight back is what an echo canceller exists to remove (the far end "is" our
    // microphone, delayed) and what a noise suppressor takes for noise, so the plain path is measured with both
    // off, switched in the Audio page as a user would.
    await page.getByTestId('tab-audio').click();
    for (const name of ['Echo cancellation', 'Noise suppression']) {
      const box = page.getByRole('checkbox', { name });
      if (await box.isChecked()) await box.uncheck();
      await expect.poll(() => box.isChecked()).toBe(false);
    }
    await page.getByTestId('tab-phone').click();
    await page.getByTestId('number').fill('601');
    await page.getByTestId('call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent(), { timeout: 5_000 }).toBe('Connected');
    // The tone leaves through the microphone meter, comes back from the server and shows on the speaker meter.
    await expect.poll(() => meter('Mic'), { timeout: 5_000 }).toBeGreaterThan(-60);
    await expect.poll(() => meter('Spk'), { timeout: 5_000 }).toBeGreaterThan(-60);
    expect(await meter('Mic')).toBeGreaterThan(-30); // a -12 dBFS tone, not noise
    // Statistics arrive once a second: frames received from the server, sent to it, and no loss on loopback.
    await expect.poll(async () => count(await stat('received')), { timeout: 5_000 }).toBeGreaterThan(25);
    expect(count(await stat('sent'))).toBeGreaterThan(25);
    expect(await stat('loss')).toMatch(/^\d+(\.\d)? %$/);
    expect(echoed).toBeGreaterThan(25);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'audio-call.png') });
  });

  it('sends the digits pressed on the keypad as DTMF the server receives', async () => {
    const digitsAtServer = (): string => peer.received
      .filter((r) => r.datagram.kind === 'full' && r.datagram.frameType === FrameType.DTMF)
      .map((r) => String.fromCharCode(r.datagram.kind === 'full' ? r.datagram.subclass : 0)).join('');
    const card = page.getByTestId('active-call');
    await card.getByRole('button', { name: 'Keypad' }).click();
    for (const d of ['4', '7', '1', 'hash']) await card.getByRole('group', { name: 'DTMF keypad' }).getByRole('button', { name: d, exact: true }).click();
    await expect.poll(digitsAtServer, { timeout: 5_000 }).toBe('471#');
    expect(await card.textContent()).toContain('Tones sent: 471#');
  });

  it('opened mid-call, the debug console shows the call\'s set-up with wall-clock times, and exports it', async () => {
    // The call has run with voice both ways for a while; the console was closed all along.
    await page.keyboard.press('Control+Shift+D');
    const view = page.getByTestId('console-view');
    // Only the rows on screen are in the page: find the set-up with the console's own filter.
    for (const [dir, subclass] of [['Tx', 'NEW'], ['Rx', 'ACCEPT']]) {
      await page.getByTestId('console-filter').fill(`Subclass: ${subclass}`);
      await expect.poll(() => view.textContent(), { timeout: 5_000 }).toMatch(new RegExp(`${dir}-Frame Retry\\[ No\\] .*Type: IAX\\s+Subclass: ${subclass}`));
    }
    await page.getByTestId('console-filter').fill('');
    // Every frame is headed by the time of day it crossed the wire.
    const times = await page.getByTestId('frame-time').allTextContents();
    expect(times.length).toBeGreaterThan(3);
    for (const t of times) expect(t.trim()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    // Voice is there too, behind its checkbox, and the export says what it saved.
    expect(await page.getByTestId('console-count').textContent()).toMatch(/voice frames hidden/);
    await page.getByTestId('console-export').click();
    await expect.poll(() => page.getByTestId('console-flash').textContent(), { timeout: 5_000 }).toMatch(/^Saved \d+ frames to \S+\.pcap/);
    const saved = /to (\S+\.pcap)/.exec((await page.getByTestId('console-flash').textContent()) ?? '')![1];
    // Wireshark reads it with the call's set-up in it, so it knows the voice frames are µ-law (without the NEW and
    // ACCEPT it takes codec 0, G.723.1): the way the user will look at it.
    const packets = await tsharkDecodeFile(saved, { ports: [Number(peer.server.split(':')[1])] });
    const subclasses = packets.map((p) => field(p, 'iax2.iax.subclass')).filter(Boolean);
    expect(subclasses).toEqual(expect.arrayContaining(['1', '7'])); // NEW, ACCEPT
    const voiceCodecs = new Set(packets.filter((p) => field(p, 'iax2.voice.codec') !== undefined).map((p) => field(p, 'iax2.voice.codec')));
    expect([...voiceCodecs]).toEqual(['4']); // bit 2, G.711 µ-law
    await page.keyboard.press('Control+Shift+D');
    await expect.poll(() => page.getByTestId('debug-console').count()).toBe(0);
  });

  it('records the call to a WAV holding the tone both ways, and says where the file is', async () => {
    const card = page.getByTestId('active-call');
    const asked = Date.now();
    await card.getByRole('button', { name: '● Record' }).click();
    await expect.poll(() => page.getByTestId('recording-indicator').count()).toBe(1);
    await expect.poll(() => page.getByTestId('notice').last().textContent()).toMatch(/^Recording to /);
    // Record a stretch of the call: 1.5 s of frames received (counted by the statistics, not a wall-clock sleep).
    const from = count(await stat('received'));
    await expect.poll(async () => count(await stat('received')), { timeout: 10_000 }).toBeGreaterThanOrEqual(from + 75);
    await card.getByRole('button', { name: '■ Stop recording' }).click();
    const stopped = Date.now();
    await expect.poll(() => page.getByTestId('notice').last().textContent(), { timeout: 5_000 }).toMatch(/^Recording saved: .*\.wav/);
    expect(await page.getByTestId('recording-indicator').count()).toBe(0);
    const path = /Recording saved: (\S+\.wav)/.exec((await page.getByTestId('notice').last().textContent()) ?? '')![1];
    expect(path.startsWith(join(host.dataDir, 'recordings'))).toBe(true);

    const wav = readWav(path);
    expect(wav.channels).toBe(2);
    const seconds = wav.samples.length / wav.channels / wav.rate;
    expect(seconds).toBeGreaterThan(1.0);
    // It stopped when asked: no longer than the time between the two clicks.
    expect(seconds).toBeLessThan((stopped - asked) / 1000 + 0.5);
    for (const ch of [0, 1]) {
      const a = analyse(wav, ch);
      expect(a.dbfs).toBeGreaterThan(-25); // the -12 dBFS tone through µ-law both ways, not silence
      expect(Math.abs(a.hz - TONE_HZ)).toBeLessThan(TONE_HZ * 0.05);
    }
  });

  it('hangs up, shows how the call ended, and lists it in the history', async () => {
    await page.getByTestId('hangup').click();
    await expect.poll(() => page.getByTestId('active-call').count(), { timeout: 5_000 }).toBe(0);
    expect(await page.getByTestId('ended-reason').textContent()).toBe('You hung up.');
    await expect.poll(() => peer.fullFramesReceived(IaxSubclass.HANGUP).length, { timeout: 5_000 }).toBe(1);
    expect(await page.getByTestId('history').locator('li').first().textContent()).toContain('601');
    expect(dialog).toBeDefined();
    // No stream is open any more: the Audio page's meters are at rest, not frozen at the call's last levels.
    await page.getByTestId('tab-audio').click();
    for (const name of ['Mic level', 'Spk level']) {
      await expect.poll(() => page.getByRole('meter', { name }).getAttribute('aria-valuenow')).toBe('-60');
      expect(await page.getByRole('meter', { name }).getAttribute('aria-valuetext')).toBe('≤ -60 dBFS');
    }
    await page.getByTestId('tab-phone').click();
  });

  it('logged no console errors, page errors or CSP violations', () => {
    expect(watched.problems).toEqual([]);
  });
});
