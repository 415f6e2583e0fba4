// Main-process pieces that matter only in the packaged app: the engine worker is loaded from app.asar.unpacked
// (worker threads and asar), macOS is asked for microphone consent before the engine opens a stream, and a
// refusal reaches the user as a notice. Real files on disk for the path logic; the electron fake for the rest.
import { beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as electron from 'electron';
import { engineWorkerUrl, unpackedTwin } from '../../../electron/main/worker-location.js';
import { ensureMicrophoneAccess, MICROPHONE_DENIED, type MediaAccess } from '../../../electron/main/microphone-access.js';
import { startRedialMain, type ElectronParts, type MainEngine } from '../../../electron/main/redial-main.js';
import { IPC_CHANNELS } from '../../../electron/main/ipc-relay.js';
import { mainWindowOptions } from '../../../electron/main/main-window.js';
import { PhoneService } from '../../../electron/core/phone/phone-service.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import type { Settings } from '../../../electron/shared/api.js';
import type { StoredAccounts } from '../../../electron/core/phone/account-book.js';
import type { StoredHistory } from '../../../electron/core/phone/call-history.js';
import { FakeEngine } from '../phone/fake-engine.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import { FakeClock } from '../../support/fake-clock.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { BrowserWindow, app, ipcMain, resetElectronFake } from '../../fakes/electron.js';

const tempDir = tempDirs();

describe('engine worker location', () => {
  it('uses the app.asar.unpacked twin of a worker inside app.asar when it exists', async () => {
    const resources = await tempDir('redial-resources-');
    const unpackedWorker = join(resources, 'app.asar.unpacked', 'dist', 'electron', 'host', 'engine-worker.js');
    await mkdir(join(unpackedWorker, '..'), { recursive: true });
    await writeFile(unpackedWorker, '// worker');
    const mainUrl = pathToFileURL(join(resources, 'app.asar', 'dist', 'electron', 'main', 'index.js'));
    expect(fileURLToPath(engineWorkerUrl(mainUrl))).toBe(unpackedWorker);
  });

  it('keeps the archive path when nothing was unpacked, and dev paths as they are', async () => {
    const resources = await tempDir('redial-resources-');
    const inAsar = pathToFileURL(join(resources, 'app.asar', 'dist', 'electron', 'host', 'engine-worker.js'));
    expect(unpackedTwin(inAsar).href).toBe(inAsar.href);
    const dev = pathToFileURL(join(resources, 'dist', 'electron', 'main', 'index.js'));
    expect(fileURLToPath(engineWorkerUrl(dev))).toBe(join(resources, 'dist', 'electron', 'host', 'engine-worker.js'));
    // "app.asar" as part of a longer folder name is not the archive.
    const lookalike = pathToFileURL(join(resources, 'my-app.asar-notes', 'x.js'));
    expect(unpackedTwin(lookalike, () => true).href).toBe(lookalike.href);
    // Only the last app.asar segment is swapped.
    const nested = pathToFileURL(join(resources, 'app.asar', 'a', 'app.asar', 'w.js'));
    expect(fileURLToPath(unpackedTwin(nested, () => true))).toBe(join(resources, 'app.asar', 'a', `app.asar.unpacked${sep}w.js`));
  });
});

/** A systemPreferences stand-in that records what was asked. */
function prefs(status: ReturnType<MediaAccess['getMediaAccessStatus']>, answer: boolean): MediaAccess & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    getMediaAccessStatus: () => status,
    askForMediaAccess: async (media) => { asked.push(media); return answer; },
  };
}

describe('microphone consent (macOS)', () => {
  it('asks once when undecided and is quiet when the user agrees', async () => {
    const p = prefs('not-determined', true);
    expect(await ensureMicrophoneAccess(p, 'darwin')).toBeUndefined();
    expect(p.asked).toEqual(['microphone']);
  });

  it('explains how to fix a refusal, a denial or a restriction', async () => {
    const refused = prefs('not-determined', false);
    expect(await ensureMicrophoneAccess(refused, 'darwin')).toBe(MICROPHONE_DENIED);
    for (const status of ['denied', 'restricted'] as const) {
      const p = prefs(status, true);
      expect(await ensureMicrophoneAccess(p, 'darwin')).toMatch(/Privacy & Security → Microphone/);
      expect(p.asked).toEqual([]); // macOS shows no prompt again once denied: do not pretend to ask
    }
  });

  it('does nothing on Linux and Windows, or when already granted', async () => {
    for (const platform of ['linux', 'win32']) {
      const p = prefs('not-determined', false);
      expect(await ensureMicrophoneAccess(p, platform)).toBeUndefined();
      expect(p.asked).toEqual([]);
    }
    const granted = prefs('granted', false);
    expect(await ensureMicrophoneAccess(granted, 'darwin')).toBeUndefined();
    expect(granted.asked).toEqual([]);
  });
});

/** startRedialMain on the electron fake with a real PhoneService over a FakeEngine; records the start order. */
async function bootMain(p: MediaAccess, platform = 'darwin'): Promise<{ win: BrowserWindow; order: string[] }> {
  const base = await tempDir('redial-main-mac-');
  await mkdir(join(base, 'renderer'));
  await writeFile(join(base, 'renderer', 'index.html'), '<!doctype html><title>Redial</title>');
  const order: string[] = [];
  const phone = new PhoneService({
    engine: new FakeEngine(), clock: new FakeClock(), secrets: new MemorySecretStore(),
    stores: { accounts: new MemoryDocumentStore<StoredAccounts>(), history: new MemoryDocumentStore<StoredHistory>(), settings: new MemoryDocumentStore<Settings>() },
    info: { name: 'Redial', version: 't', host: 'electron', platform: 'darwin', secretStorage: 'os-keychain' },
  });
  const tracked: MediaAccess = {
    getMediaAccessStatus: (m) => { order.push('status'); return p.getMediaAccessStatus(m); },
    askForMediaAccess: (m) => { order.push('ask'); return p.askForMediaAccess(m); },
  };
  const started = startRedialMain({
    electron: { ...(electron as unknown as ElectronParts), systemPreferences: tracked },
    startEngine: async () => { order.push('engine'); await phone.start(); return Object.assign(phone, { shutdown: () => phone.shutdown(), onStopped: () => undefined }) as MainEngine; },
    preloadPath: '/dist/preload/preload.cjs', rendererDir: join(base, 'renderer'), assetsDir: '/dist/assets', argv: [], platform,
  });
  app.makeReady();
  if (!(await started)) throw new Error('main did not start');
  return { win: BrowserWindow.instances[0], order };
}

describe('main process on macOS', () => {
  beforeEach(() => resetElectronFake());

  const notices = (win: BrowserWindow): unknown[] =>
    win.webContents.sent.filter((s) => s.channel === IPC_CHANNELS.event && s.args[0] === 'notice').map((s) => s.args[1]);

  it('asks for the microphone before the engine starts, and tells the user when refused', async () => {
    const { win, order } = await bootMain(prefs('not-determined', false));
    expect(order).toEqual(['status', 'ask', 'engine']);
    ipcMain.sendFrom(win.webContents, win.webContents.mainFrame, IPC_CHANNELS.listen, 'notice', true);
    expect(notices(win)).toContainEqual(expect.objectContaining({ code: 'microphone-denied', level: 'error', message: MICROPHONE_DENIED }));
  });

  it('says nothing when the user allows it', async () => {
    const { win, order } = await bootMain(prefs('not-determined', true));
    expect(order).toEqual(['status', 'ask', 'engine']);
    ipcMain.sendFrom(win.webContents, win.webContents.mainFrame, IPC_CHANNELS.listen, 'notice', true);
    expect(notices(win).filter((n) => (n as { code: string }).code === 'microphone-denied')).toEqual([]);
  });
});

describe('iax: links registration', () => {
  beforeEach(() => resetElectronFake());

  it('registers both schemes with the OS from the packaged app on Windows and macOS only', async () => {
    const granted = prefs('granted', true);
    for (const [platform, packaged, expected] of [['win32', true, ['iax', 'iax2']], ['darwin', true, ['iax', 'iax2']],
      ['win32', false, []], ['linux', true, []]] as const) {
      resetElectronFake();
      app.isPackaged = packaged;
      await bootMain(granted, platform);
      expect(app.protocolClients).toEqual(expected);
    }
  });
});

describe('main window', () => {
  it('opens wide enough for the dialler beside the calls, and can shrink to the stacked layout', () => {
    const o = mainWindowOptions('/p.cjs');
    expect(o.width).toBeGreaterThanOrEqual(760);
    expect(o.minWidth).toBeLessThan(760);
    expect(o.minWidth).toBeGreaterThanOrEqual(420);
  });
});
