// What the Electron main process shows of the phone outside the window (tray / menu bar, dock and taskbar badge,
// notifications, window flashing): registration, Do Not Disturb, ringing calls, unseen missed calls, and the desktop
// settings it acts on. Kept current from the engine's events through the supervised API, reloaded when a new engine
// runs; the phone owns every one of these facts, this only mirrors them.
import {
  type AccountView, type CallView, type DesktopSettings, type RedialApi, type RegistrationView,
} from '../shared/api.js';

export interface PhoneStatus {
  /** The engine runs (false while the supervisor restarts it). */
  readonly running: boolean;
  readonly accounts: readonly AccountView[];
  readonly registrations: Readonly<Record<string, RegistrationView>>;
  readonly dnd: boolean;
  /** Incoming calls ringing now, oldest first. */
  readonly ringing: readonly CallView[];
  readonly unseenMissed: number;
  readonly desktop: DesktopSettings;
}

export const INITIAL_STATUS: PhoneStatus = {
  running: false, accounts: [], registrations: {}, dnd: false, ringing: [], unseenMissed: 0,
  desktop: { closeToTray: true, startAtLogin: false },
};

export interface PhoneStatusWatch {
  current(): PhoneStatus;
  /** `listener` runs after every change (not for the current state). */
  onChange(listener: (status: PhoneStatus, before: PhoneStatus) => void): () => void;
  /** Loads what the engine says now (done at start and whenever a new engine runs). */
  reload(): Promise<void>;
  dispose(): void;
}

const isRinging = (c: CallView): boolean => c.direction === 'incoming' && c.state === 'ringing';

export function watchPhoneStatus(api: RedialApi): PhoneStatusWatch {
  let status: PhoneStatus = INITIAL_STATUS;
  const listeners = new Set<(s: PhoneStatus, before: PhoneStatus) => void>();
  const set = (patch: Partial<PhoneStatus>): void => {
    const before = status;
    status = { ...status, ...patch };
    for (const l of [...listeners]) {
      try { l(status, before); } catch { /* one broken view must not stop the others */ }
    }
  };
  const upsertRinging = (c: CallView): void => {
    const others = status.ringing.filter((x) => x.id !== c.id);
    if (isRinging(c)) set({ ringing: [...others, c] });
    else if (others.length !== status.ringing.length) set({ ringing: others });
  };
  const reload = async (): Promise<void> => {
    try {
      const [accounts, registrations, settings, calls, missed] = await Promise.all([
        api.request('accounts:list'), api.request('registration:list'), api.request('settings:get'),
        api.request('call:list'), api.request('history:missed'),
      ]);
      const regs: Record<string, RegistrationView> = {};
      for (const r of registrations) regs[r.accountId] = r;
      set({
        running: true, accounts, registrations: regs, dnd: settings.dnd, desktop: settings.desktop,
        ringing: calls.filter(isRinging), unseenMissed: missed.unseen,
      });
    } catch {
      set({ running: false });
    }
  };
  const offs = [
    api.on('engine', (s) => { if (s.running) void reload(); else set({ running: false, ringing: [], registrations: {} }); }),
    api.on('accounts:changed', (accounts) => set({ accounts })),
    api.on('registration', (r) => set({ registrations: { ...status.registrations, [r.accountId]: r } })),
    api.on('settings:changed', (s) => set({ dnd: s.dnd, desktop: s.desktop })),
    api.on('call:incoming', upsertRinging),
    api.on('call:updated', upsertRinging),
    api.on('call:ended', ({ call }) => { if (status.ringing.some((c) => c.id === call.id)) set({ ringing: status.ringing.filter((c) => c.id !== call.id) }); }),
    api.on('history:missed', (m) => set({ unseenMissed: m.unseen })),
  ];
  return {
    current: () => status,
    onChange(listener) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    reload,
    dispose() { for (const off of offs) off(); listeners.clear(); },
  };
}

/** "Carol (201)", "201", or the address of a direct call: who is calling, for a notification or a menu. */
export function callerOf(c: CallView): string {
  const number = c.remoteNumber ?? '';
  if (c.remoteName && number && c.remoteName !== number) return `${c.remoteName} (${number})`;
  return c.remoteName || number || c.remoteAddress || 'Unknown caller';
}
