// The set-up every suite that runs the renderer against the in-page fake API shares: build the renderer once, serve
// it, launch Chromium, and after each test close the page and fail if it left console errors, page errors, CSP
// violations or failed requests behind. Call at the top of the test file.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, type WatchedPage } from './browser.js';
import { SCREENSHOT_DIR, buildRenderer, type RendererBuild } from './renderer-build.js';
import { serveDirectory, type StaticServer } from './static-server.js';

export interface FakeApiPages {
  /** Opens a fresh page (own browser context) on the renderer with the fake API installed. */
  open(colorScheme?: 'light' | 'dark'): Promise<Page>;
  /** Closes the current page now and fails if it logged a problem (for tests that open several pages). */
  closeChecked(): Promise<void>;
}

export function fakeApiPages(): FakeApiPages {
  let built: RendererBuild | undefined;
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let current: WatchedPage | undefined;

  beforeAll(async () => {
    built = await buildRenderer();
    server = await serveDirectory(built.dir);
    browser = await launchChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    built?.remove();
  });
  const closeChecked = async (): Promise<void> => {
    const problems = current?.problems ?? [];
    await current?.page.context().close();
    current = undefined;
    expect(problems).toEqual([]);
  };
  afterEach(closeChecked);

  return {
    closeChecked,
    async open(colorScheme = 'light') {
      if (!built || !server || !browser) throw new Error('fakeApiPages: the suite has not started');
      current = await openPage(browser, { initScript: built.fakeApiScript, colorScheme });
      await current.page.goto(server.url);
      return current.page;
    },
  };
}
