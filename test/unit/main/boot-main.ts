// Starting the Electron main process under the electron fake (test/fakes/electron.ts) for the main-process suites:
// the real PhoneService over a FakeEngine behind the engine supervisor, a renderer folder to serve, and the ways
// a test plays the renderer (IPC from the app page) and a dying engine.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as electron from 'electron';
import { startRedialMain, type ElectronParts, type MainEngine, type MainOptions, type RunningMain } from '../../../electron/main/redial-main.js';
import { IPC_CHANNELS, type IpcResult } from '../../../electron/main/ipc-relay.js';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import type { PhoneMedia } from '../../../electron/core/phone/media-port.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { Settings } from '../../../electron/shared/api.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import { FakeEngine } from '../phone/fake-engine.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import { FakeClock } from '../../support/fake-clock.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { BrowserWindow, app, ipcMain, type FakeWebContents, type FakeWebFrame } from '../../fakes/electron.js';

export const flush = async (): Promise<void> => { for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r)); };

/** The phone main started, over a FakeEngine; `crash()` makes it stop by itself, as a dying engine worker does. */
export interface BootedPhone { engine: FakeEngine; phone: PhoneService & { shutDownCalls: number }; crash(reason: string): void }
export interface Harness {
  running: RunningMain; engine: FakeEngine; phone: BootedPhone['phone']; phones: BootedPhone[]; win: BrowserWindow;
  rendererDir: string; base: string;
}

function bootPhone(media?: PhoneMedia): BootedPhone & { main: MainEngine } {
  const engine = new FakeEngine();
  const phone = Object.assign(new PhoneService({
    engine, clock: new FakeClock(), secrets: new MemorySecretStore(), ...(media ? { media } : {}),
    stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history: new MemoryDocumentStore<StoredHistory>(), settings: new MemoryDocumentStore<Settings>() },
    info: { name: 'Redial', version: 't', host: 'electron', platform: 'linux', secretStorage: 'os-keychain' },
  }), { shutDownCalls: 0 });
  const stopped: ((reason: string) => void)[] = [];
  const main: MainEngine = Object.assign(phone, {
    shutdown: async () => { phone.shutDownCalls++; await PhoneService.prototype.shutdown.call(phone); },
    onStopped: (l: (reason: string) => void) => { stopped.push(l); },
  });
  return { engine, phone, main, crash: (reason) => { for (const l of stopped.splice(0)) l(reason); } };
}

const tempDir = tempDirs();

export interface BootOptions {
  readonly argv?: string[];
  readonly before?: () => void;
  readonly platform?: string;
  readonly media?: () => PhoneMedia;
  readonly options?: Partial<MainOptions>;
}

/** Starts main without waiting for it (the self-test answers only after the page reached the engine). */
export async function startMain(o: BootOptions = {}): Promise<{ started: Promise<RunningMain | undefined>; phones: BootedPhone[]; rendererDir: string; base: string }> {
  // <tmp>/renderer is served; <tmp>/redial-secret-outside.txt sits just outside it, for the escape attempt.
  const base = await tempDir('redial-main-');
  const rendererDir = join(base, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Redial</title>');
  await writeFile(join(base, 'redial-secret-outside.txt'), 'outside');
  const phones: BootedPhone[] = [];
  o.before?.();
  const started = startRedialMain({
    electron: electron as unknown as ElectronParts,
    // A new phone each time: after a crash the supervisor starts another one.
    startEngine: async () => { const p = bootPhone(o.media?.()); phones.push(p); await p.phone.start(); return p.main; },
    preloadPath: '/dist/preload/preload.cjs', rendererDir, assetsDir: '/dist/assets', argv: o.argv ?? ['/opt/Redial/redial'],
    platform: o.platform ?? 'linux', restartDelaysMs: [0], autostart: { configDir: join(base, 'config') }, ...o.options,
  });
  app.makeReady();
  return { started, phones, rendererDir, base };
}

export async function boot(o: BootOptions = {}): Promise<Harness> {
  const { started, phones, rendererDir, base } = await startMain(o);
  const running = await started;
  if (!running) throw new Error('main did not start');
  const win = BrowserWindow.instances[0];
  return { running, engine: phones[0].engine, phone: phones[0].phone, phones, win, rendererDir, base };
}

/** The app page's main frame in our window (a trusted sender). */
export const appFrame = (win: BrowserWindow): FakeWebFrame => win.webContents.mainFrame;
export const invoke = (win: BrowserWindow, frame: FakeWebFrame | null, name: string, payload?: unknown, contents?: FakeWebContents): Promise<IpcResult> =>
  ipcMain.invoke(contents ?? win.webContents, frame, IPC_CHANNELS.request, name, payload) as Promise<IpcResult>;
export const eventsSent = (win: BrowserWindow, name?: string): unknown[] =>
  win.webContents.sent.filter((s) => s.channel === IPC_CHANNELS.event && (name === undefined || s.args[0] === name)).map((s) => s.args[1]);

