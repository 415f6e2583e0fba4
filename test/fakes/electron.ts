// Stand-in for the `electron` module under vitest (see vitest.config.ts). Tests that exercise the
// Electron glue extend these objects; nothing in the core may import `electron` at all.
//
// Modelled on Electron Fiddle's tests/mocks: plain classes with just enough behaviour to drive the main
// process and preload code (events can be emitted, handlers are recorded and can be invoked), plus
// `resetElectronFake()` to start each test clean. Only the shapes our code uses are implemented.
import { EventEmitter } from 'node:events';

// Handlers receive whatever Electron would pass them; the fake does not constrain them.
type Handler = (...args: any[]) => unknown;

/** A Chromium-style event object whose default can be prevented. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void { this.defaultPrevented = true; }
}

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  constructor(public url: string) {}
}

let nextContentsId = 1;
export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly mainFrame = new FakeWebFrame('about:blank');
  windowOpenHandler: Handler | undefined;
  private destroyed = false;
  send(channel: string, ...args: unknown[]): void { this.sent.push({ channel, args }); }
  setWindowOpenHandler(h: Handler): void { this.windowOpenHandler = h; }
  isDestroyed(): boolean { return this.destroyed; }
  destroy(): void { this.destroyed = true; this.emit('destroyed'); }
  getURL(): string { return this.mainFrame.url; }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  shown = false;
  focused = false;
  minimized = false;
  /** flashFrame() calls, in order. */
  readonly flashes: boolean[] = [];
  overlay: { image: unknown; description: string } | null = null;
  private destroyed = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  loadURL(url: string): Promise<void> { this.loadedUrl = url; this.webContents.mainFrame.url = url; return Promise.resolve(); }
  show(): void { this.shown = true; }
  hide(): void { this.shown = false; this.focused = false; }
  isVisible(): boolean { return this.shown; }
  focus(): void { this.focused = true; }
  flashFrame(on: boolean): void { this.flashes.push(on); }
  setOverlayIcon(image: unknown, description: string): void { this.overlay = image === null ? null : { image, description }; }
  /** Test helper: the user closes the window (the app may prevent it, as Electron lets it). Returns whether it closed. */
  userClose(): boolean {
    const e = new FakeEvent();
    this.emit('close', e);
    if (e.defaultPrevented) return false;
    this.destroy();
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
    return true;
  }
  isFocused(): boolean { return this.focused; }
  isMinimized(): boolean { return this.minimized; }
  restore(): void { this.minimized = false; }
  isDestroyed(): boolean { return this.destroyed; }
  destroy(): void { this.destroyed = true; this.webContents.destroy(); }
  static getAllWindows(): BrowserWindow[] { return BrowserWindow.instances.filter((w) => !w.isDestroyed()); }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstance = true;
  quitCalls = 0;
  exitCode: number | undefined;
  badgeCount = 0;
  paths = new Map<string, string>();
  loginItem: { openAtLogin: boolean; args?: string[] } = { openAtLogin: false };
  wasOpenedAtLogin = false;
  /** macOS only; tests set it to a recorder. */
  dock: { bounce(type?: string): number; cancelBounce(id: number): void } | undefined;
  appUserModelId: string | undefined;
  protocolClients: string[] = [];
  private readyResolve: (() => void) | undefined;
  private ready = new Promise<void>((r) => { this.readyResolve = r; });
  getPath(name: string): string { return this.paths.get(name) ?? '/tmp'; }
  setPath(name: string, path: string): void { this.paths.set(name, path); }
  getAppPath(): string { return '/opt/redial-dev'; }
  exit(code = 0): void { this.exitCode = code; }
  setBadgeCount(n: number): boolean { this.badgeCount = n; return true; }
  setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }): void { this.loginItem = s; }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } { return { openAtLogin: this.loginItem.openAtLogin, wasOpenedAtLogin: this.wasOpenedAtLogin }; }
  getVersion(): string { return '0.0.0-test'; }
  requestSingleInstanceLock(): boolean { return this.singleInstance; }
  quit(): void { this.quitCalls++; }
  whenReady(): Promise<void> { return this.ready; }
  /** Test helper: fire 'ready'. */
  makeReady(): void { this.readyResolve?.(); this.emit('ready'); }
  setAppUserModelId(id: string): void { this.appUserModelId = id; }
  setAsDefaultProtocolClient(p: string): boolean { this.protocolClients.push(p); return true; }
  reset(): void {
    this.removeAllListeners();
    this.isPackaged = false; this.singleInstance = true; this.quitCalls = 0; this.appUserModelId = undefined; this.protocolClients = [];
    this.exitCode = undefined; this.badgeCount = 0; this.paths = new Map(); this.loginItem = { openAtLogin: false };
    this.wasOpenedAtLogin = false; this.dock = undefined;
    this.ready = new Promise<void>((r) => { this.readyResolve = r; });
  }
}
export const app = new FakeApp();

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, h: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, h);
  }
  removeHandler(channel: string): void { this.handlers.delete(channel); }
  /** Test helper: what ipcRenderer.invoke would do, from a given frame of a given WebContents. */
  async invoke(sender: FakeWebContents, frame: FakeWebFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ sender, senderFrame: frame }, ...args);
  }
  /** Test helper: what ipcRenderer.send would do. */
  sendFrom(sender: FakeWebContents, frame: FakeWebFrame | null, channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender, senderFrame: frame }, ...args);
  }
  reset(): void { this.handlers.clear(); this.removeAllListeners(); }
}
export const ipcMain = new FakeIpcMain();

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, Handler>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void { this.privileged.push(...schemes); },
  handle(scheme: string, h: Handler): void { this.handlers.set(scheme, h); },
  reset(): void { this.privileged = []; this.handlers.clear(); },
};

export const session = {
  defaultSession: {
    permissionRequestHandler: undefined as Handler | undefined,
    permissionCheckHandler: undefined as Handler | undefined,
    devicePermissionHandler: undefined as Handler | undefined,
    setPermissionRequestHandler(h: Handler): void { this.permissionRequestHandler = h; },
    setPermissionCheckHandler(h: Handler): void { this.permissionCheckHandler = h; },
    setDevicePermissionHandler(h: Handler): void { this.devicePermissionHandler = h; },
  },
};

type StorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/** Reversible "encryption" so tests can tell sealed bytes from plain text. */
export const safeStorage = {
  available: false,
  backend: 'basic_text' as StorageBackend,
  isEncryptionAvailable(): boolean { return this.available; },
  getSelectedStorageBackend(): StorageBackend { return this.backend; },
  encryptString(plain: string): Buffer { return Buffer.from(`sealed:${Buffer.from(plain, 'utf8').toString('hex')}`); },
  decryptString(sealed: Buffer): string {
    const s = sealed.toString();
    if (!s.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(s.slice(7), 'hex').toString('utf8');
  },
};

export class Notification extends EventEmitter {
  static readonly shown: Notification[] = [];
  static supported = true;
  static isSupported(): boolean { return Notification.supported; }
  closed = false;
  constructor(readonly options: { title?: string; body?: string; actions?: { type: string; text?: string }[]; timeoutType?: string }) { super(); }
  show(): void { Notification.shown.push(this); }
  close(): void { this.closed = true; }
}

/** A NativeImage stand-in: remembers where it came from and how it was sized. */
export class FakeNativeImage {
  constructor(readonly path: string, readonly size?: { width?: number; height?: number }) {}
  isEmpty(): boolean { return false; }
  resize(size: { width?: number; height?: number }): FakeNativeImage { return new FakeNativeImage(this.path, size); }
}
export const nativeImage = { createFromPath: (path: string): FakeNativeImage => new FakeNativeImage(path) };

/** A built menu: the template as given, with its click handlers. */
export class FakeMenu {
  constructor(readonly items: { id?: string; label?: string; type?: string; checked?: boolean; enabled?: boolean; click?: () => void }[]) {}
  item(id: string): FakeMenu['items'][number] | undefined { return this.items.find((i) => i.id === id); }
}
export const Menu = { buildFromTemplate: (template: FakeMenu['items']): FakeMenu => new FakeMenu(template) };

export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  tooltip = '';
  title = '';
  menu: FakeMenu | undefined;
  destroyed = false;
  constructor(readonly image: FakeNativeImage) { super(); Tray.instances.push(this); }
  setToolTip(t: string): void { this.tooltip = t; }
  setTitle(t: string): void { this.title = t; }
  setContextMenu(m: FakeMenu): void { this.menu = m; }
  destroy(): void { this.destroyed = true; }
}

/** `idleSeconds`: what getSystemIdleTime() says (no keyboard or pointer input for that long). */
export const powerMonitor = Object.assign(new EventEmitter(), {
  idleSeconds: 0,
  getSystemIdleTime(): number { return this.idleSeconds; },
});

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void { this.exposed.set(key, api); },
};

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly sentMessages: { channel: string; args: unknown[] }[] = [];
  invokeImpl: (channel: string, ...args: unknown[]) => Promise<unknown> = () => Promise.resolve(undefined);
  invoke(channel: string, ...args: unknown[]): Promise<unknown> { this.invoked.push({ channel, args }); return this.invokeImpl(channel, ...args); }
  send(channel: string, ...args: unknown[]): void { this.sentMessages.push({ channel, args }); }
}
export const ipcRenderer = new FakeIpcRenderer();

export const shell = { opened: [] as string[], openExternal(url: string): Promise<void> { this.opened.push(url); return Promise.resolve(); } };

/** Back to a fresh state between tests. */
export function resetElectronFake(): void {
  app.reset();
  ipcMain.reset();
  protocol.reset();
  BrowserWindow.instances.length = 0;
  Tray.instances.length = 0;
  Notification.shown.length = 0;
  Notification.supported = true;
  powerMonitor.removeAllListeners();
  powerMonitor.idleSeconds = 0;
  session.defaultSession.permissionRequestHandler = undefined;
  session.defaultSession.permissionCheckHandler = undefined;
  session.defaultSession.devicePermissionHandler = undefined;
  safeStorage.available = false;
  safeStorage.backend = 'basic_text';
  contextBridge.exposed.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoked.length = 0;
  ipcRenderer.sentMessages.length = 0;
}

export default { app, BrowserWindow, ipcMain, protocol, session, safeStorage, Notification, Tray, Menu, nativeImage, powerMonitor, contextBridge, ipcRenderer, shell };
