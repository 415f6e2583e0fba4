// The Electron main process, assembled (stack-notes §3.1–3.2): single instance, app:// protocol with CSP,
// no permissions, no navigation, a sandboxed window, safeStorage secrets, the engine in a worker, the IPC
// relay with sender and payload checks, iax: links (asking before dialling), incoming-call notifications,
// re-registration after resume. Every Electron object comes in through `ElectronParts`, so the glue is
// tested with the fake in test/fakes/electron.ts.
import { join } from 'node:path';
import type {
  App, BrowserWindow, IpcMain, Protocol, PowerMonitor, SafeStorage, Session, WebContents, WebFrameMain,
} from 'electron';
import { ensureMicrophoneAccess, type MediaAccess } from './microphone-access.js';
import type { SecretStore } from '../core/ports.js';

import { findIaxUriArg } from '../shared/iax-uri.js';
import { handleAppProtocol, isAppUrl, registerAppScheme } from './app-protocol.js';
import { dialRequestFromLink } from './iax-links.js';
import { installIpcRelay, type IpcRelay } from './ipc-relay.js';
import { createMainWindow, type BrowserWindowCtor } from './main-window.js';
import { createMainSecretStore } from './main-secrets.js';
import { notifyIncomingCalls, type NotificationCtor } from './incoming-notification.js';
import { denyAllPermissions, lockDownAllContents } from './security.js';
import type { SecretBackendInfo } from '../adapters/secret-safe-storage.js';
import { superviseEngine, type SupervisableEngine, type SupervisedEngine } from '../host/engine-supervisor.js';

export const APP_ID = 'org.redial.softphone';

export interface ElectronParts {
  readonly app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on' | 'whenReady' | 'getPath' | 'setAppUserModelId' |
    'setAsDefaultProtocolClient' | 'isPackaged'>;
  readonly BrowserWindow: BrowserWindowCtor;
  readonly ipcMain: Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeListener'>;
  readonly protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  readonly session: { readonly defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & Partial<Pick<Session, 'setDevicePermissionHandler'>> };
  readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;
  readonly Notification: NotificationCtor;
  readonly powerMonitor: Pick<PowerMonitor, 'on'>;
  /** macOS microphone consent (absent in tests that do not care). */
  readonly systemPreferences?: MediaAccess;
}

/** One running engine as main starts it (electron/host/engine-client.ts in the app): supervised, restarted if it dies. */
export type MainEngine = SupervisableEngine;

export interface MainOptions {
  readonly electron: ElectronParts;
  readonly startEngine: (secrets: { store: SecretStore; info: SecretBackendInfo }, dataDir: string) => Promise<MainEngine>;
  readonly preloadPath: string;
  readonly rendererDir: string;
  readonly argv: readonly string[];
  readonly platform?: string;
  /** Waits before restarting an engine that stopped by itself (default: engine-supervisor.ts). */
  readonly restartDelaysMs?: readonly number[];
}

export interface RunningMain {
  /** The engine as everything in main uses it: one API that outlives a crashed engine (engine-supervisor.ts). */
  readonly engine: SupervisedEngine;
  readonly relay: IpcRelay;
  readonly window: () => BrowserWindow | undefined;
  /** Handles an iax: link as if the OS had opened it. */
  openLink(link: string): Promise<void>;
}

/** Returns undefined when another instance already runs (this one quits). */
export async function startRedialMain(options: MainOptions): Promise<RunningMain | undefined> {
  const { app, protocol } = options.electron;
  const platform = options.platform ?? process.platform;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  if (platform === 'win32') app.setAppUserModelId(APP_ID);
  registerAppScheme(protocol);
  lockDownAllContents(app);

  let running: RunningMain | undefined;
  const earlyLinks: string[] = [];
  const takeLink = (link: string): void => {
    if (running) void running.openLink(link); else earlyLinks.push(link);
  };
  // macOS delivers links through open-url, possibly before 'ready'.
  app.on('open-url', (event, url) => { event.preventDefault(); takeLink(url); });
  app.on('second-instance', (_event, argv) => {
    const win = running?.window();
    if (win) { if (win.isMinimized()) win.restore(); win.show(); win.focus(); }
    const link = findIaxUriArg(argv);
    if (link) takeLink(link);
  });

  await app.whenReady();
  denyAllPermissions(options.electron.session.defaultSession);
  handleAppProtocol(protocol, options.rendererDir);

  const userData = app.getPath('userData');
  const secrets = createMainSecretStore(userData, options.electron.safeStorage, platform);
  // Before the engine opens the microphone: on macOS the first capture without consent records silence.
  const microphoneWarning = await ensureMicrophoneAccess(options.electron.systemPreferences, platform);
  const engine = await superviseEngine(() => options.startEngine(secrets, join(userData, 'phone')), {
    log: (m) => console.warn(`Redial: ${m}`),
    ...(options.restartDelaysMs ? { retryDelaysMs: options.restartDelaysMs } : {}),
  });

  let win: BrowserWindow | undefined;
  const trusted = (frame: WebFrameMain | null, contents: WebContents): boolean =>
    frame !== null && win !== undefined && !win.isDestroyed() && contents.id === win.webContents.id &&
    frame.parent === null && isAppUrl(frame.url);
  const relay = installIpcRelay({ ipcMain: options.electron.ipcMain, api: engine, isTrustedSender: trusted });

  if (microphoneWarning) {
    relay.emitLocal('notice', { id: 'microphone-access', level: 'error', code: 'microphone-denied', message: microphoneWarning, at: Date.now() });
  }
  if (secrets.info.warning) {
    relay.emitLocal('notice', {
      id: 'secret-storage', level: 'warning', code: 'secret-storage-weak', message: secrets.info.warning, at: Date.now(),
    });
  }

  win = createMainWindow(options.electron.BrowserWindow, options.preloadPath);
  notifyIncomingCalls(engine, options.electron.Notification, () => win);

  if (platform === 'win32' || platform === 'darwin') {
    // Linux registers the scheme through the .desktop file electron-builder writes (MimeType=x-scheme-handler/iax).
    // Both spellings, like the installers' `protocols` (build/electron-builder.config.cjs). In a dev run the
    // registration would point the OS at the bare Electron binary, so only the packaged app registers.
    if (app.isPackaged) for (const scheme of ['iax', 'iax2']) app.setAsDefaultProtocolClient(scheme);
  }
  options.electron.powerMonitor.on('resume', () => { void engine.request('registration:refresh', {}).catch(() => undefined); });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    // Hang up and REGREL before the process goes (spec A-5), then quit for real.
    void engine.shutdown().catch(() => undefined).finally(() => { relay.dispose(); app.quit(); });
  });
  app.on('window-all-closed', () => app.quit());

  running = {
    engine, relay, window: () => win,
    async openLink(link: string): Promise<void> {
      const r = dialRequestFromLink(link);
      if (r.ok) {
        relay.emitLocal('dial-request', r.request);
        const w = win;
        if (w && !w.isDestroyed()) { w.show(); w.focus(); }
      } else {
        relay.emitLocal('notice', { id: `link-${Date.now()}`, level: 'warning', code: 'bad-link', message: `Cannot call this link: ${r.error}.`, at: Date.now() });
      }
    },
  };
  const initial = findIaxUriArg(options.argv);
  if (initial) earlyLinks.unshift(initial);
  for (const link of earlyLinks.splice(0)) await running.openLink(link);
  return running;
}
