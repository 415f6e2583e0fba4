// Steps the fake-API suites share: what the fake recorded, adding an account through the form, pasting text the
// way a user does, and the fake's test controls (reached through page.evaluate()).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AccountView, AppInfo, CallView, HistoryEntry } from '../../../electron/shared/api.js';

/** The page's globals the suites touch inside page.evaluate() (the Node tsconfig has no DOM lib). */
export interface PageGlobals {
  __fake: {
    requests: { name: string; payload: unknown }[];
    listenerCount(name: string): number;
    incomingCall(number: string, name: string): string;
    incomingCallFrom(over: Partial<CallView> & { number: string }): string;
    callerHangsUp(id: string, noAnswer?: boolean): void;
    notice(level: 'info' | 'warning' | 'error', message: string, about?: { accountId?: string; callId?: string }): void;
    putAccount(over: Partial<AccountView> & { id: string; server: string; username: string }): void;
    liveCallIds(): string[];
    restartEngine(over?: Partial<AppInfo>): void;
    seedHistory(entries: HistoryEntry[]): void;
    flood(count: number): void;
  };
  document: { activeElement: { id: string; textContent: string } | null; documentElement: { scrollWidth: number } };
  DataTransfer: new () => { setData(type: string, value: string): void };
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
}

/** The payloads of every request of this name the UI made. */
export async function fakeRequests(page: Page, name: string): Promise<unknown[]> {
  return page.evaluate((n) => (globalThis as unknown as PageGlobals).__fake.requests
    .filter((r) => r.name === n).map((r) => r.payload), name);
}

export async function addAccount(page: Page, fields: { server: string; username: string; secret?: string; label?: string; register?: boolean }): Promise<void> {
  await page.getByTestId('tab-accounts').click();
  await page.getByTestId('add-account').click();
  if (fields.label) await page.getByLabel('Name', { exact: true }).fill(fields.label);
  await page.getByLabel('Server').fill(fields.server);
  await page.getByLabel('User name').fill(fields.username);
  if (fields.secret) await page.getByLabel('Password', { exact: true }).fill(fields.secret);
  if (fields.register === false) await page.getByTestId('acct-register').uncheck();
  await page.getByTestId('save-account').click();
  await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved.');
}

/** Pastes `text` into the element as a user would (a ClipboardEvent the page's own handler sees). */
export async function paste(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).evaluate((el, t) => {
    const g = globalThis as unknown as PageGlobals;
    const dt = new g.DataTransfer();
    dt.setData('text/plain', t);
    (el as unknown as { dispatchEvent(e: unknown): boolean }).dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}
