// Launches Debian's Chromium through playwright-core and records everything that should fail a test:
// console errors, uncaught page errors, CSP violations and failed requests.

import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

/** The browser the renderer is tested in (Debian's chromium package; .ci/run installs it). */
export const CHROMIUM = 'Chromium (/usr/bin/chromium)';
export function chromiumAvailable(): boolean { return existsSync('/usr/bin/chromium'); }

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface WatchedPage { readonly page: Page; readonly problems: string[] }

export async function openPage(browser: Browser, opts: { initScript?: string; colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  if (opts.initScript) await page.addInitScript({ content: opts.initScript });
  return { page, problems };
}
