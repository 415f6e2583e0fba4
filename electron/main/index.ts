// Electron entry point (package.json "main": dist/electron/main/index.js). All the logic is in
// redial-main.ts; this file only hands it the real Electron modules and the engine worker.
import {
  app, BrowserWindow, ipcMain, Menu, nativeImage, Notification, powerMonitor, protocol, safeStorage, session, systemPreferences, Tray,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngineWorker } from '../host/engine-client.js';
import { startRedialMain } from './redial-main.js';
import { engineWorkerUrl } from './worker-location.js';

// Each open naudiodon stream holds one libuv threadpool thread for good (stack-notes §1.2 item 3); the pool is
// created on first use, so size it before anything asynchronous runs.
process.env.UV_THREADPOOL_SIZE ??= '16';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron/main
const dist = join(here, '../..');

void startRedialMain({
  electron: { app, BrowserWindow, ipcMain, protocol, session, safeStorage, Notification, Tray, Menu, nativeImage, powerMonitor, systemPreferences },
  preloadPath: join(dist, 'preload/preload.cjs'),
  rendererDir: join(dist, 'renderer'),
  assetsDir: join(dist, 'assets'),
  argv: process.argv,
  startEngine: (secrets, dataDir) => startEngineWorker({
    // The unpacked copy in a packaged app (worker threads and asar: see worker-location.ts).
    workerUrl: engineWorkerUrl(import.meta.url),
    secrets: secrets.store,
    config: {
      host: 'electron', dataDir, version: app.getVersion(), audio: 'naudiodon', secrets: 'remote',
      secretStorage: secrets.info.storage,
    },
  }),
}).catch((err: unknown) => {
  console.error('Redial failed to start:', err);
  app.quit();
});
