// The one application window. Security-relevant webPreferences are spelled out even where they are the
// defaults (sandbox, contextIsolation, no node integration, web security), so a review sees them.
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_URL } from './app-protocol.js';

export type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 420, height: 720, minWidth: 360, minHeight: 520, show: false, title: 'Redial',
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Keep meters and timers running while the window is hidden (the audio does not depend on it anyway).
      backgroundThrottling: true,
    },
  };
}

export function createMainWindow(Ctor: BrowserWindowCtor, preloadPath: string): BrowserWindow {
  const win = new Ctor(mainWindowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_URL);
  return win;
}
