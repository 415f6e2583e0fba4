// The tray / menu-bar icon (stack-notes §3.2): the phone's state when the window is closed — registration, Do Not
// Disturb, a ringing call (Answer / Decline), unseen missed calls — and the actions Show, Do not disturb, Quit.
// Linux's AppIndicator shows an icon only with a context menu, ignores clicks, and needs setContextMenu again after
// every change, so every action is in the menu and the menu is rebuilt whenever the state changes.
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { registrationSummary } from '../shared/registration-words.js';
import { callerOf, type PhoneStatus, type PhoneStatusWatch } from './phone-status.js';

export interface TrayParts {
  readonly Tray: new (image: NativeImage) => Tray;
  readonly Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu };
  readonly nativeImage: { createFromPath(path: string): NativeImage };
}

export interface TrayActions {
  show(): void;
  setDnd(on: boolean): void;
  answer(callId: string): void;
  decline(callId: string): void;
  quit(): void;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The tray's tooltip: one line with what matters. */
export function trayTooltip(s: PhoneStatus): string {
  const parts = [registrationSummary(s.accounts, s.registrations, s.running).text];
  if (s.ringing.length > 0) parts.push(`${callerOf(s.ringing[0])} is calling`);
  if (s.unseenMissed > 0) parts.push(plural(s.unseenMissed, 'missed call', 'missed calls'));
  if (s.dnd) parts.push('Do not disturb');
  return `Redial — ${parts.join(' · ')}`;
}

/** The tray's menu, from the phone's state (pure, so it is tested without Electron). */
export function trayMenu(s: PhoneStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [
    { id: 'status', label: registrationSummary(s.accounts, s.registrations, s.running).text, enabled: false },
  ];
  for (const c of s.ringing) {
    items.push(
      { id: `ringing-${c.id}`, label: `Incoming call: ${callerOf(c)}`, click: () => actions.show() },
      { id: `answer-${c.id}`, label: 'Answer', click: () => actions.answer(c.id) },
      { id: `decline-${c.id}`, label: 'Decline', click: () => actions.decline(c.id) },
    );
  }
  if (s.unseenMissed > 0) items.push({ id: 'missed', label: `${plural(s.unseenMissed, 'missed call', 'missed calls')} — show`, click: () => actions.show() });
  items.push(
    { type: 'separator' },
    { id: 'show', label: 'Show Redial', click: () => actions.show() },
    { id: 'dnd', label: 'Do not disturb', type: 'checkbox', checked: s.dnd, enabled: s.running, click: () => actions.setDnd(!s.dnd) },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Redial', click: () => actions.quit() },
  );
  return items;
}

export interface InstalledTray { readonly tray: Tray; dispose(): void }

/** Puts the icon in the tray and keeps its menu and tooltip in step with the phone. */
export function installTray(parts: TrayParts, iconPath: string, watch: PhoneStatusWatch, actions: TrayActions, platform: string): InstalledTray {
  const image = parts.nativeImage.createFromPath(iconPath);
  // Tray icons are small (16 px on Windows and the macOS menu bar, 22 px on most Linux panels).
  const tray = new parts.Tray(image.isEmpty() ? image : image.resize({ width: platform === 'linux' ? 22 : 16 }));
  const render = (s: PhoneStatus): void => {
    tray.setToolTip(trayTooltip(s));
    tray.setContextMenu(parts.Menu.buildFromTemplate(trayMenu(s, actions)));
    // The macOS menu bar has room for a count beside the icon.
    if (platform === 'darwin') tray.setTitle(s.unseenMissed > 0 ? String(s.unseenMissed) : '');
  };
  render(watch.current());
  const off = watch.onChange((s) => render(s));
  // Windows and macOS: a click on the icon brings the window (Linux sends no clicks; the menu has Show).
  if (platform !== 'linux') tray.on('click', () => actions.show());
  return { tray, dispose() { off(); tray.destroy(); } };
}
