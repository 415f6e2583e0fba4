// The Electron main process, assembled (stack-notes §3.1–3.2): single instance, app:// protocol with CSP,
// no permissions, no navigation, a sandboxed window, safeStorage secrets, the engine in a supervised worker, the IPC
// relay with sender and payload checks, iax: links (asking before dialling), life in the background (tray / menu
// bar, closing the window keeps Redial running, start at login), incoming calls that reach the user (notifications
// with Answer / Decline, badge, flashing), re-registration after resume, and the packaged app's --self-test.
// Every Electron object comes in through `ElectronParts`, so the glue is tested with the fake in test/fakes/electron.ts.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
import { notifyCalls, type NotificationCtor } from './incoming-notification.js';
import { denyAllPermissions, lockDownAllContents } from './security.js';
import type { SecretBackendInfo } from '../adapters/secret-safe-storage.js';
import { superviseEngine, type SupervisableEngine, type SupervisedEngine } from '../host/engine-supervisor.js';
import { writePrivateFile } from '../adapters/private-files.js';
import { watchPhoneStatus, type PhoneStatusWatch } from './phone-status.js';
import { installTray, type TrayParts } from './tray.js';
import { followAttention } from './attention.js';
import { applyStartAtLogin, HIDDEN_ARG, type LoginItemHost } from './login-item.js';
import { runSelfTest, SELF_TEST_ARG } from './self-test.js';

export const APP_ID = 'org.redial.softphone';

export interface ElectronParts {
  readonly app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'exit' | 'on' | 'whenReady' | 'getPath' | 'setPath' |
    'setAppUserModelId' | 'setAsDefaultProtocolClient' | 'isPackaged' | 'setBadgeCount' | 'getLoginItemSettings' |
    'setLoginItemSettings' | 'getAppPath'> & { readonly dock?: Pick<NonNullable<App['dock']>, 'bounce' | 'cancelBounce'> };
  readonly BrowserWindow: BrowserWindowCtor;
  readonly ipcMain: Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeListener'>;
  readonly protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  readonly session: { readonly defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & Partial<Pick<Session, 'setDevicePermissionHandler'>> };
  readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;
  readonly Notification: NotificationCtor;
  readonly Tray: TrayParts['Tray'];
  readonly Menu: TrayParts['Menu'];
  readonly nativeImage: TrayParts['nativeImage'];
  readonly powerMonitor: Pick<PowerMonitor, 'on' | 'getSystemIdleTime'>;
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
  /** dist/assets: the icon (window, tray, notifications) and the taskbar's missed-call dot. */
  readonly assetsDir: string;
  readonly argv: readonly string[];
  readonly platform?: string;
  /** Waits before restarting an engine that stopped by itself (default: engine-supervisor.ts). */
  readonly restartDelaysMs?: readonly number[];
  /** Where "start at login" writes on Linux (default: $XDG_CONFIG_HOME or ~/.config), and how. */
  readonly autostart?: Partial<Pick<LoginItemHost, 'configDir' | 'writeFile' | 'removeFile'>>;
  /** Writes the self-test's report line (default: stdout). */
  readonly report?: (line: string) => void;
}

export interface RunningMain {
  /** The engine as everything in main uses it: one API that outlives a crashed engine (engine-supervisor.ts). */
  readonly engine: SupervisedEngine;
  readonly relay: IpcRelay;
  readonly status: PhoneStatusWatch;
  readonly window: () => BrowserWindow | undefined;
  /** Brings the window forward (opening it again if it was closed). */
  showWindow(): void;
  /** Handles an iax: link as if the OS had opened it. */
  openLink(link: string): Promise<void>;
}

/** Returns undefined when another instance already runs (this one quits). */
export async function startRedialMain(options: MainOptions): Promise<RunningMain | undefined> {
  const { app, protocol } = options.electron;
  const platform = options.platform ?? process.platform;
  const selfTest = options.argv.includes(SELF_TEST_ARG);
  // The self-test runs with a profile of its own: it never meets a running Redial nor touches the user's accounts.
  if (selfTest) app.setPath('userData', mkdtempSync(join(tmpdir(), 'redial-self-test-')));
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
  // A second launch (the desktop icon again, or an iax: link the OS handed to a new process) comes to this one.
  app.on('second-instance', (_event, argv) => {
    running?.showWindow();
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

  const status = watchPhoneStatus(engine);
  await status.reload();

  let win: BrowserWindow | undefined;
  const trusted = (frame: WebFrameMain | null, contents: WebContents): boolean =>
    frame !== null && win !== undefined && !win.isDestroyed() && contents.id === win.webContents.id &&
    frame.parent === null && isAppUrl(frame.url);
  let reached: () => void = () => undefined;
  const rendererReached = new Promise<void>((resolve) => { reached = resolve; });
  const relay = installIpcRelay({ ipcMain: options.electron.ipcMain, api: engine, isTrustedSender: trusted, onServed: () => reached() });

  if (microphoneWarning) {
    relay.emitLocal('notice', { id: 'microphone-access', level: 'error', code: 'microphone-denied', message: microphoneWarning, at: Date.now() });
  }
  if (secrets.info.warning) {
    relay.emitLocal('notice', {
      id: 'secret-storage', level: 'warning', code: 'secret-storage-weak', message: secrets.info.warning, at: Date.now(),
    });
  }

  let quitting = false;
  const iconPath = join(options.assetsDir, 'icon.png');
  let trayShown = false;
  const openWindow = (show: boolean): Promise<void> => {
    const opened = createMainWindow(options.electron.BrowserWindow, options.preloadPath, { show });
    const w = opened.window;
    win = w;
    // Closing the window keeps Redial running in the tray (a setting): calls still ring, the tray brings it back.
    w.on('close', (event) => {
      if (quitting || !trayShown || !status.current().desktop.closeToTray) return;
      event.preventDefault();
      w.hide();
    });
    return opened.loaded;
  };
  const showWindow = (): void => {
    const w = win;
    if (!w || w.isDestroyed()) { void openWindow(true); return; }
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  };
  // Started at login: in the tray, the window hidden until the user asks for it.
  const startHidden = !selfTest && (options.argv.includes(HIDDEN_ARG) || (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin));
  const windowLoaded = openWindow(!startHidden);

  const tray = installTray({ Tray: options.electron.Tray, Menu: options.electron.Menu, nativeImage: options.electron.nativeImage }, iconPath, status, {
    show: showWindow,
    setDnd: (on) => { void engine.request('settings:update', { dnd: on }).catch(() => undefined); },
    answer: (callId) => { showWindow(); void engine.request('call:answer', { callId }).catch(() => undefined); },
    decline: (callId) => { void engine.request('call:reject', { callId, reason: 'declined' }).catch(() => undefined); },
    quit: () => app.quit(),
  }, platform);
  trayShown = true;
  const windowInFront = (): boolean => win !== undefined && !win.isDestroyed() && win.isVisible() && win.isFocused();
  notifyCalls({ api: engine, Notification: options.electron.Notification, watch: status, windowInFront, show: showWindow, iconPath,
    idleSeconds: () => options.electron.powerMonitor.getSystemIdleTime() });
  followAttention(status, {
    setBadgeCount: (n) => app.setBadgeCount(n), window: () => win,
    overlay: options.electron.nativeImage.createFromPath(join(options.assetsDir, 'badge.png')),
    ...(app.dock ? { dock: app.dock } : {}),
  }, platform);

  if (!selfTest) {
    const login: LoginItemHost = {
      platform,
      setLoginItemSettings: (s) => app.setLoginItemSettings(s),
      // An AppImage runs from a temporary mount: the entry must start the image itself. A dev run needs the app folder.
      command: process.env.APPIMAGE ? [process.env.APPIMAGE] : app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()],
      configDir: options.autostart?.configDir ?? process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
      // Private like every file Redial writes (docs/security.md §3): the session reads it as the same user.
      writeFile: options.autostart?.writeFile ?? (async (path, text) => { await mkdir(dirname(path), { recursive: true }); await writePrivateFile(path, text); }),
      removeFile: options.autostart?.removeFile ?? ((path) => rm(path, { force: true })),
    };
    const startAtLogin = (on: boolean): void => {
      void applyStartAtLogin(on, login).catch((err: unknown) => relay.emitLocal('notice', {
        id: `login-item-${Date.now()}`, level: 'warning', code: 'login-item',
        message: `Could not change "start at login": ${err instanceof Error ? err.message : String(err)}`, at: Date.now(),
      }));
    };
    startAtLogin(status.current().desktop.startAtLogin);
    status.onChange((s, before) => { if (s.running && s.desktop.startAtLogin !== before.desktop.startAtLogin) startAtLogin(s.desktop.startAtLogin); });
  }

  if (platform === 'win32' || platform === 'darwin') {
    // Linux registers the scheme through the .desktop file electron-builder writes (MimeType=x-scheme-handler/iax).
    // Both spellings, like the installers' `protocols` (build/electron-builder.config.cjs). In a dev run the
    // registration would point the OS at the bare Electron binary, so only the packaged app registers.
    if (app.isPackaged && !selfTest) for (const scheme of ['iax', 'iax2']) app.setAsDefaultProtocolClient(scheme);
  }
  options.electron.powerMonitor.on('resume', () => { void engine.request('registration:refresh', {}).catch(() => undefined); });

  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    // Hang up and REGREL before the process goes (spec A-5), then quit for real.
    void engine.shutdown().catch(() => undefined).finally(() => { relay.dispose(); tray.dispose(); app.quit(); });
  });
  // The window closed for good (closing to the tray is off): nothing is left to use, so Redial ends.
  app.on('window-all-closed', () => app.quit());
  // macOS: a click on the dock icon brings the window back.
  app.on('activate', () => showWindow());

  running = {
    engine, relay, status, window: () => win, showWindow,
    async openLink(link: string): Promise<void> {
      const r = dialRequestFromLink(link);
      if (r.ok) {
        relay.emitLocal('dial-request', r.request);
        showWindow();
      } else {
        relay.emitLocal('notice', { id: `link-${Date.now()}`, level: 'warning', code: 'bad-link', message: `Cannot call this link: ${r.error}.`, at: Date.now() });
      }
    },
  };
  const initial = findIaxUriArg(options.argv);
  if (initial) earlyLinks.unshift(initial);
  for (const link of earlyLinks.splice(0)) await running.openLink(link);
  if (selfTest) {
    const report = await runSelfTest({ engine, windowLoaded, rendererReached });
    (options.report ?? ((line: string) => { process.stdout.write(`${line}\n`); }))(JSON.stringify(report));
    quitting = true;
    await engine.shutdown().catch(() => undefined);
    relay.dispose();
    tray.dispose();
    app.exit(report.selfTest === 'passed' ? 0 : 1);
  }
  return running;
}
