// The desktop app's life in the background, through the electron fake and the real PhoneService: the tray menu and
// its actions, closing the window to the tray (a setting), a second launch, starting at login (a setting, per
// platform), starting hidden, the missed-call badge and the ring that flashes or bounces until it stops, and the
// packaged app's --self-test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { autostartEntry } from '../../../electron/main/login-item.js';
import { trayMenu, trayTooltip } from '../../../electron/main/tray.js';
import { INITIAL_STATUS, type PhoneStatus } from '../../../electron/main/phone-status.js';
import { NullPhoneMedia } from '../../../electron/core/phone/media-port.js';
import { account, call } from '../../e2e/support/views.js';
import { BrowserWindow, FakeEvent, Tray, app, resetElectronFake } from '../../fakes/electron.js';
import { appFrame, boot, flush, invoke, startMain } from './boot-main.js';

beforeEach(() => resetElectronFake());

const noActions = { show: () => undefined, setDnd: () => undefined, answer: () => undefined, decline: () => undefined, quit: () => undefined };

describe('tray menu (pure)', () => {
  const status = (over: Partial<PhoneStatus>): PhoneStatus => ({ ...INITIAL_STATUS, running: true, accounts: [account()], ...over });

  it('says the registration, a ringing call, the missed calls and DND, with the actions to match', () => {
    const s = status({
      registrations: { a1: { accountId: 'a1', status: 'registered', server: 'pbx' } }, dnd: true, unseenMissed: 2,
      ringing: [call({ id: 'c9', direction: 'incoming', state: 'ringing', remoteName: 'Carol', remoteNumber: '201' })],
    });
    const labels = trayMenu(s, noActions).map((i) => i.label ?? i.type);
    expect(labels).toEqual(['Office: registered', 'Incoming call: Carol (201)', 'Answer', 'Decline', '2 missed calls — show',
      'separator', 'Show Redial', 'Do not disturb', 'separator', 'Quit Redial']);
    expect(trayMenu(s, noActions).find((i) => i.id === 'dnd')).toMatchObject({ type: 'checkbox', checked: true, enabled: true });
    expect(trayTooltip(s)).toBe('Redial — Office: registered · Carol (201) is calling · 2 missed calls · Do not disturb');
    // With the engine down, nothing pretends to be live.
    const down = trayMenu({ ...s, running: false, ringing: [], registrations: {} }, noActions);
    expect(down[0].label).toBe('Engine offline');
    expect(down.find((i) => i.id === 'dnd')?.enabled).toBe(false);
  });
});

describe('life in the background', () => {
  it('puts the phone in the tray and acts from its menu: Do not disturb, Answer, Show, Quit', async () => {
    const { win, engine, phone } = await boot();
    const tray = Tray.instances[0];
    expect(tray.image).toMatchObject({ path: '/dist/assets/icon.png', size: { width: 22 } });
    await phone.request('accounts:save', { server: 'pbx', username: 'alice', label: 'Office' });
    engine.fire('registration', { accountId: (await phone.request('accounts:list'))[0].id, status: 'registered', server: 'pbx' });
    await flush();
    expect(tray.menu?.items[0].label).toBe('Office: registered');
    expect(tray.tooltip).toBe('Redial — Office: registered');
    tray.menu?.item('dnd')?.click?.();
    await flush();
    expect((await phone.request('settings:get')).dnd).toBe(true);
    expect(tray.menu?.item('dnd')?.checked).toBe(true); // the menu was rebuilt (Linux needs setContextMenu again)
    await phone.request('settings:update', { dnd: false });
    const bob = engine.ring({ number: '201', name: 'Bob' });
    await flush();
    win.hide();
    tray.menu?.item(`answer-${bob.id}`)?.click?.();
    await flush();
    expect(bob.actions).toEqual(['answer']);
    expect(win.shown).toBe(true); // answering brings the window, where the call's controls are
    expect(tray.menu?.items.some((i) => i.id?.startsWith('answer-'))).toBe(false);
    tray.menu?.item('quit')?.click?.();
    const quit = new FakeEvent();
    app.emit('before-quit', quit);
    await flush();
    expect(quit.defaultPrevented).toBe(true); // hangs up and unregisters first
    expect(app.quitCalls).toBeGreaterThanOrEqual(1);
    expect(tray.destroyed).toBe(true);
  });

  it('closing the window keeps Redial running in the tray; with the setting off it quits; a second launch shows it', async () => {
    const { win, phone, running } = await boot();
    win.shown = true;
    expect(win.userClose()).toBe(false); // hidden, not closed
    expect(win.shown).toBe(false);
    expect(app.quitCalls).toBe(0);
    app.emit('second-instance', new FakeEvent(), ['/opt/Redial/redial'], '/');
    expect(win.shown).toBe(true);
    await phone.request('settings:update', { desktop: { closeToTray: false } });
    await flush();
    expect(running.status.current().desktop.closeToTray).toBe(false);
    expect(win.userClose()).toBe(true);
    expect(app.quitCalls).toBe(1);
  });

  it('starts at login through an XDG autostart entry on Linux, and through the login items elsewhere', async () => {
    const { phone, base } = await boot();
    const entry = join(base, 'config', 'autostart', 'redial.desktop');
    expect(existsSync(entry)).toBe(false);
    await phone.request('settings:update', { desktop: { startAtLogin: true } });
    await expect.poll(() => existsSync(entry)).toBe(true);
    // A dev run starts Electron on the app folder; every start from there is hidden in the tray.
    expect(readFileSync(entry, 'utf8')).toBe(autostartEntry([process.execPath, '/opt/redial-dev']));
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=".*" "\/opt\/redial-dev" "--hidden"$/m);
    await phone.request('settings:update', { desktop: { startAtLogin: false } });
    await expect.poll(() => existsSync(entry)).toBe(false);

    resetElectronFake();
    const win = await boot({ platform: 'win32' });
    await win.phone.request('settings:update', { desktop: { startAtLogin: true } });
    await flush();
    expect(app.loginItem).toEqual({ openAtLogin: true, args: ['--hidden'] });
  });

  it('started at login, keeps the window hidden until the user asks', async () => {
    const { win } = await boot({ argv: ['/opt/Redial/redial', '--hidden'] });
    win.emit('ready-to-show');
    expect(win.shown).toBe(false);
    Tray.instances[0].menu?.item('show')?.click?.();
    expect(win.shown).toBe(true);
  });

  it('shows unseen missed calls as the badge, and flashes the window while a call rings until it stops', async () => {
    const { win, engine, phone } = await boot();
    await phone.request('accounts:save', { server: 'pbx', username: 'alice' });
    win.shown = true; win.focused = false;
    const c = engine.ring({ number: '201' });
    await flush();
    expect(win.flashes).toEqual([true]);
    c.end('remote');
    await flush();
    expect(win.flashes).toEqual([true, false]);
    expect(app.badgeCount).toBe(1);
    await phone.request('history:seen');
    await flush();
    expect(app.badgeCount).toBe(0);
  });

  it('on Windows puts a dot on the taskbar button for missed calls; on macOS bounces the dock while ringing', async () => {
    const w = await boot({ platform: 'win32' });
    await w.phone.request('accounts:save', { server: 'pbx', username: 'alice' });
    w.engine.ring({ number: '201' }).end('remote');
    await flush();
    expect(w.win.overlay).toMatchObject({ description: '1 missed call', image: { path: '/dist/assets/badge.png' } });

    resetElectronFake();
    const bounces: string[] = [];
    const m = await boot({ platform: 'darwin', before: () => { app.dock = { bounce: (t) => { bounces.push(`bounce:${t}`); return 7; }, cancelBounce: (id) => { bounces.push(`cancel:${id}`); } }; } });
    await m.phone.request('accounts:save', { server: 'pbx', username: 'alice' });
    const c = m.engine.ring({ number: '202' });
    await flush();
    await m.phone.request('call:answer', { callId: c.id });
    await flush();
    expect(bounces).toEqual(['bounce:critical', 'cancel:7']);
    expect(Tray.instances[0].title).toBe('');
  });
});

describe('--self-test', () => {
  async function selfTest(media?: () => NullPhoneMedia): Promise<{ code: number | undefined; report: { selfTest: string; steps: { name: string; ok: boolean; detail: string }[] } }> {
    const lines: string[] = [];
    const { started } = await startMain({ argv: ['/opt/Redial/redial', '--self-test'], ...(media ? { media } : {}), options: { report: (l) => lines.push(l) } });
    // Play the page: once the window exists it loads and asks the engine for its accounts, as the renderer does.
    await expect.poll(() => BrowserWindow.instances.length).toBe(1);
    const win = BrowserWindow.instances[0];
    await invoke(win, appFrame(win), 'accounts:list');
    await started;
    return { code: app.exitCode, report: JSON.parse(lines[0]) as never };
  }

  it('checks the window, the page, the engine and the sound devices, prints its report and exits 0', async () => {
    const { code, report } = await selfTest();
    expect(report.selfTest).toBe('passed');
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([['window', true], ['renderer', true], ['engine', true], ['audio', true]]);
    expect(report.steps[2].detail).toMatch(/UDP port 45000/);
    expect(code).toBe(0);
    // Its own profile: never the user's accounts, never a running Redial's lock.
    expect(app.getPath('userData')).toMatch(/redial-self-test-/);
    expect(app.protocolClients).toEqual([]);
  });

  it('fails, exit 1, naming the step, when the sound devices cannot be listed (naudiodon did not load)', async () => {
    const { code, report } = await selfTest(() => Object.assign(new NullPhoneMedia(), {
      noticeSink: undefined as ((n: { level: 'error'; code: string; message: string }) => void) | undefined,
      onNotice(sink: (n: { level: 'error'; code: string; message: string }) => void): void { this.noticeSink = sink; },
      listDevices(this: { noticeSink?: (n: { level: 'error'; code: string; message: string }) => void }) {
        this.noticeSink?.({ level: 'error', code: 'devices-error', message: "Cannot find module 'naudiodon'" });
        return Promise.resolve([]);
      },
    }));
    expect(report.selfTest).toBe('failed');
    expect(report.steps.find((s) => s.name === 'audio')).toEqual({ name: 'audio', ok: false,
      detail: "the sound devices could not be listed: Cannot find module 'naudiodon'" });
    expect(code).toBe(1);
  });
});
