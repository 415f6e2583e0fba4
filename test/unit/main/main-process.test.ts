// The Electron main-process glue, driven through the electron fake: single instance, app:// with CSP,
// permission denial, blocked navigation, IPC sender and payload checks, events, iax: links, notifications,
// secret-storage warning, shutdown on quit. The engine behind it is the real PhoneService over a FakeEngine.
import { beforeEach, describe, expect, it } from 'vitest';
import * as electron from 'electron';
import type { SafeStorage } from 'electron';
import { startRedialMain, type ElectronParts } from '../../../electron/main/redial-main.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/app-protocol.js';
import { IPC_CHANNELS } from '../../../electron/main/ipc-relay.js';
import {
  BrowserWindow, FakeEvent, FakeWebFrame, Notification, app, ipcMain, powerMonitor, protocol,
  resetElectronFake, safeStorage, session,
} from '../../fakes/electron.js';
import { appFrame, boot, eventsSent, flush, invoke } from './boot-main.js';
import { until } from '../../support/wait.js';

describe('Electron main process', () => {
  beforeEach(() => resetElectronFake());

  it('quits at once when another instance holds the lock', async () => {
    app.singleInstance = false;
    const r = await startRedialMain({
      electron: electron as unknown as ElectronParts, startEngine: () => Promise.reject(new Error('must not start')),
      preloadPath: '', rendererDir: '', assetsDir: '', argv: [], platform: 'linux',
    });
    expect(r).toBeUndefined();
    expect(app.quitCalls).toBe(1);
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('opens one sandboxed, isolated window on app://redial with the preload', async () => {
    const { win } = await boot();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(win.loadedUrl).toBe('app://redial/index.html');
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ preload: '/dist/preload/preload.cjs', sandbox: true, contextIsolation: true,
      nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
  });

  it('serves the renderer over app:// with the strict CSP, and nothing outside its folder', async () => {
    await boot();
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const handler = protocol.handlers.get('app');
    expect(handler).toBeDefined();
    const ok = await handler!({ url: 'app://redial/index.html', method: 'GET' }) as Response;
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(await ok.text()).toContain('<title>Redial</title>');
    const escape = await handler!({ url: 'app://redial/..%2fredial-secret-outside.txt', method: 'GET' }) as Response;
    expect(escape.status).toBe(403);
    expect((await handler!({ url: 'app://other/index.html', method: 'GET' }) as Response).status).toBe(404);
    expect((await handler!({ url: 'app://redial/index.html', method: 'POST' }) as Response).status).toBe(405);
  });

  it('denies every permission request and check', async () => {
    await boot();
    const d = session.defaultSession;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid']) {
      let granted: boolean | undefined;
      d.permissionRequestHandler!(null, permission, (g: boolean) => { granted = g; });
      expect(granted).toBe(false);
      expect(d.permissionCheckHandler!(null, permission)).toBe(false);
    }
    expect(d.devicePermissionHandler!({})).toBe(false);
  });

  it('blocks navigation, redirects, webviews and new windows in every WebContents', async () => {
    const { win } = await boot();
    const other = new BrowserWindow({}); // any WebContents created later is locked down too
    for (const contents of [win.webContents, other.webContents]) {
      for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
        const e = new FakeEvent();
        contents.emit(ev, e, 'https://evil.example/');
        expect(e.defaultPrevented, ev).toBe(true);
      }
      expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    }
  });

  it('answers requests only from the app page in our window, and only valid ones', async () => {
    const { win } = await boot();
    expect(await invoke(win, appFrame(win), 'app:info')).toMatchObject({ ok: true, result: { name: 'Redial', host: 'electron' } });
    const saved = await invoke(win, appFrame(win), 'accounts:save', { server: 'pbx', username: 'alice', secret: 'pw' });
    expect(saved).toMatchObject({ ok: true, result: { username: 'alice', hasSecret: true } });
    // Another page in our window (navigated away, or an injected frame), another window, no frame at all:
    const evilTop = new FakeWebFrame('https://evil.example/');
    const sub = new FakeWebFrame('app://redial/index.html');
    sub.parent = appFrame(win);
    const stranger = new BrowserWindow({});
    stranger.webContents.mainFrame.url = 'app://redial/index.html';
    for (const [frame, contents] of [[evilTop, undefined], [sub, undefined], [null, undefined],
      [stranger.webContents.mainFrame, stranger.webContents]] as const) {
      expect(await invoke(win, frame, 'accounts:list', {}, contents)).toEqual({ ok: false, error: { code: 'forbidden', message: 'not allowed from this page' } });
    }
    expect(await invoke(win, appFrame(win), 'accounts:save', { server: 'bad host' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await invoke(win, appFrame(win), 'fs:readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await invoke(win, appFrame(win), 'call:hangup', { callId: 'gone' })).toEqual({ ok: false, error: { code: 'unknown-call', message: 'that call has ended' } });
    // The secret never comes back.
    expect(JSON.stringify(await invoke(win, appFrame(win), 'accounts:list'))).not.toContain('"pw"');
  });

  it('sends events only to a trusted renderer that listens, and stops when it goes away', async () => {
    const { win, engine } = await boot();
    const evil = new FakeWebFrame('https://evil.example/');
    ipcMain.sendFrom(win.webContents, evil, IPC_CHANNELS.listen, 'registration', true);
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'no-such-event', true);
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'call:incoming', true);
    engine.fire('registration', { accountId: 'a', status: 'registering', server: 'pbx' });
    expect(eventsSent(win, 'registration')).toEqual([]);
    await invoke(win, appFrame(win), 'accounts:save', { server: 'pbx', username: 'alice' });
    engine.ring({ number: '201', name: 'Bob' });
    expect(eventsSent(win, 'call:incoming')).toEqual([expect.objectContaining({ remoteName: 'Bob', state: 'ringing' })]);
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'call:incoming', false);
    engine.ring({ number: '202' });
    expect(eventsSent(win, 'call:incoming')).toHaveLength(1);
  });

  it('turns an iax: link into a dial-request for the UI to confirm (never dials by itself)', async () => {
    const { win, engine, running } = await boot({ argv: ['/opt/Redial/redial', 'iax:alice@pbx.example.org/600'] });
    // Queued until the renderer listens.
    expect(eventsSent(win, 'dial-request')).toEqual([]);
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'dial-request', true);
    expect(eventsSent(win, 'dial-request')).toEqual([{ uri: 'iax:alice@pbx.example.org/600', number: '600', host: 'pbx.example.org', user: 'alice' }]);
    expect(engine.dials).toEqual([]);
    // From a second instance, the window comes forward (which account the link goes through is the UI's question).
    win.shown = false;
    app.emit('second-instance', new FakeEvent(), ['/opt/Redial/redial', 'iax:pbx.example.org/601'], '/');
    await flush();
    expect(eventsSent(win, 'dial-request').at(-1)).toEqual({ uri: 'iax:pbx.example.org/601', number: '601', host: 'pbx.example.org' });
    expect(win.shown).toBe(true);
    // A bad link becomes a notice.
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'notice', true);
    await running.openLink('iax:evil@pbx/600;rm -rf');
    expect(eventsSent(win, 'notice').at(-1)).toMatchObject({ code: 'bad-link', level: 'warning' });
    expect(engine.dials).toEqual([]);
  });

  it('warns when secrets would only be obfuscated (Linux basic_text)', async () => {
    const { win } = await boot({ before: () => { safeStorage.available = true; safeStorage.backend = 'basic_text'; } });
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'notice', true);
    expect(eventsSent(win, 'notice')).toEqual([expect.objectContaining({ code: 'secret-storage-weak', level: 'warning' })]);
  });

  it('does not warn with a real keyring', async () => {
    const { win } = await boot({ before: () => { safeStorage.available = true; safeStorage.backend = 'gnome_libsecret'; } });
    ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, 'notice', true);
    expect(eventsSent(win, 'notice')).toEqual([]);
  });

  it('notifies a ringing call in the background with Answer / Decline, and closes it once the ring stops anywhere', async () => {
    const { win, engine, phone } = await boot();
    await phone.request('accounts:save', { server: 'pbx', username: 'alice' });
    win.shown = true; win.focused = false;
    const bob = engine.ring({ number: '201', name: 'Bob' });
    await flush();
    expect(Notification.shown.map((n) => n.options)).toEqual([expect.objectContaining({
      title: 'Incoming call', body: 'Bob (201)', timeoutType: 'never',
      actions: [{ type: 'button', text: 'Answer' }, { type: 'button', text: 'Decline' }],
    })]);
    // Answer from the notification: the call is answered and the window comes forward; the notification goes.
    Notification.shown[0].emit('action', new FakeEvent(), 0);
    await flush();
    expect(bob.actions).toEqual(['answer']);
    expect(win.focused).toBe(true);
    expect(Notification.shown[0].closed).toBe(true);
    // Declined from the notification.
    win.focused = false;
    const carol = engine.ring({ number: '202', name: 'Carol' });
    await flush();
    Notification.shown[1].emit('action', new FakeEvent(), 1);
    await flush();
    expect(carol.actions).toEqual(['reject:declined']);
    expect(Notification.shown[1].closed).toBe(true);
    // Answered in the window (or the caller gave up): the notification goes too, and a missed call leaves one.
    const dave = engine.ring({ number: '203' });
    await flush();
    expect(Notification.shown).toHaveLength(3);
    dave.end('remote');
    await flush();
    expect(Notification.shown[2].closed).toBe(true);
    expect(Notification.shown.at(-1)?.options).toEqual(expect.objectContaining({ title: 'Missed call', body: '203' }));
    // In front, the window's own card says it all: no notification, and none for the missed call.
    win.focused = true;
    const count = Notification.shown.length;
    const erin = engine.ring({ number: '204' });
    await flush();
    expect(Notification.shown).toHaveLength(count);
    erin.end('remote');
    await flush();
    expect(Notification.shown).toHaveLength(count);
    // In front, but nobody has touched the computer since it started ringing: the missed call is notified all the same.
    powerMonitor.idleSeconds = 600;
    const fred = engine.ring({ number: '205' });
    await flush();
    expect(Notification.shown).toHaveLength(count);
    fred.end('remote');
    await flush();
    expect(Notification.shown.map((n) => n.options)).toEqual([...Notification.shown.slice(0, count).map((n) => n.options),
      expect.objectContaining({ title: 'Missed call', body: '205' })]);
  });

  it('says when the engine dies, restarts it, and moves the renderer\'s events over to the new one', async () => {
    const { win, phones } = await boot();
    for (const name of ['engine', 'registration', 'call:incoming']) ipcMain.sendFrom(win.webContents, appFrame(win), IPC_CHANNELS.listen, name, true);
    await invoke(win, appFrame(win), 'accounts:save', { server: 'pbx', username: 'alice' });
    phones[0].crash('its worker exited with code 1');
    expect(eventsSent(win, 'engine')).toEqual([{ running: false, message: 'The phone engine stopped (its worker exited with code 1). Redial is restarting it.' }]);
    // Until the new one runs, requests get a clear refusal, not silence.
    const refused = await invoke(win, appFrame(win), 'accounts:list');
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // The restart waits on a timer (0 ms here, at least 1 ms in Node), then starts the new phone: wait for it, a
    // fixed number of event-loop turns can all pass within that millisecond.
    await until('the engine restarted', () => phones.length === 2 && eventsSent(win, 'engine').length === 2);
    expect(phones).toHaveLength(2);
    expect(eventsSent(win, 'engine').at(-1)).toEqual({ running: true });
    expect(phones[0].phone.shutDownCalls).toBe(1);
    // The renderer's subscriptions moved: the new engine's incoming call reaches it.
    await invoke(win, appFrame(win), 'accounts:save', { server: 'pbx', username: 'alice' });
    phones[1].engine.ring({ number: '201', name: 'Bob' });
    expect(eventsSent(win, 'call:incoming')).toEqual([expect.objectContaining({ remoteName: 'Bob' })]);
    expect(await invoke(win, appFrame(win), 'accounts:list')).toMatchObject({ ok: true });
  });

  it('re-registers after resume, and hangs up / unregisters before quitting', async () => {
    const { engine, phone } = await boot();
    powerMonitor.emit('resume');
    await flush();
    expect(engine.reregistered).toEqual([undefined]);
    const e = new FakeEvent();
    app.emit('before-quit', e);
    expect(e.defaultPrevented).toBe(true);
    await flush();
    expect(phone.shutDownCalls).toBe(1);
    expect(engine.shutDown).toBe(true);
    expect(app.quitCalls).toBe(1);
    // The second before-quit (from our own quit()) goes through.
    const e2 = new FakeEvent();
    app.emit('before-quit', e2);
    expect(e2.defaultPrevented).toBe(false);
  });
});

// Keep the type import used (SafeStorage shape matches the fake).
export type { SafeStorage };
