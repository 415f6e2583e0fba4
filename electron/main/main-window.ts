// The one application window. Security-relevant webPreferences are spelled out even where they are the
// defaults (sandbox, contextIsolation, no node integration, web security), so a review sees them.
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_URL } from './app-protocol.js';

export type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    // The renderer lays the dialler beside the calls from 760 px up and stacks them below (styles.css).
    width: 1024, height: 720, minWidth: 480, minHeight: 560, show: false, title: 'Redial',
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
      // Hidden or minimised, the page may be throttled: meters can lag, the call cannot (its audio and
      // signalling run in the engine worker of the main process, not in this page).
      backgroundThrottling: true,
    },
  };
}

/**
 * Opens the window on the app page; `show: false` keeps it hidden (Redial started at login, in the tray). `loaded`
 * settles when the page has loaded (or failed to).
 */
export function createMainWindow(Ctor: BrowserWindowCtor, preloadPath: string, options: { show: boolean } = { show: true }):
  { window: BrowserWindow; loaded: Promise<void> } {
  const win = new Ctor(mainWindowOptions(preloadPath));
  if (options.show) win.once('ready-to-show', () => win.show());
  return { window: win, loaded: win.loadURL(APP_URL) };
}
