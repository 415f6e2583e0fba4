// OS notifications for calls while the window is not in front (stack-notes §3.2): a ringing call gets one with
// Answer and Decline buttons (macOS and Windows show notification actions; Linux's libnotify path in Electron does
// not, there a click brings the window with Answer focused), it stays while the call rings and goes as soon as the
// call is answered, declined or ends anywhere (the window, the tray, the caller hanging up); a call that ends
// unanswered leaves a "Missed call" notification — also with the window in front when nobody touched the computer
// while it rang (a desk phone left on screen: the notification centre keeps what the window's card soon drops).
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { CallView, RedialApi } from '../shared/api.js';
import { callerOf, type PhoneStatusWatch } from './phone-status.js';

export type NotificationCtor = (new (options: NotificationConstructorOptions) => Notification) & { isSupported(): boolean };

export interface CallNotificationDeps {
  readonly api: RedialApi;
  readonly Notification: NotificationCtor;
  readonly watch: PhoneStatusWatch;
  /** The window is visible and focused: its own card says it, no notification needed. */
  readonly windowInFront: () => boolean;
  readonly show: () => void;
  readonly iconPath?: string;
  /** Seconds since the last keyboard or pointer input anywhere (Electron's powerMonitor.getSystemIdleTime()). */
  readonly idleSeconds?: () => number;
}

/** Button order in the notification: 'action' events carry the index. */
export const CALL_ACTIONS = ['Answer', 'Decline'] as const;

export function notifyCalls(deps: CallNotificationDeps): () => void {
  const { api, Notification: N } = deps;
  const open = new Map<string, Notification>();
  /** When each ringing call was first seen ringing (this process's clock). */
  const ringingSince = new Map<string, number>();
  const close = (id: string): void => { open.get(id)?.close(); open.delete(id); };

  const ring = (c: CallView): void => {
    if (open.has(c.id) || deps.windowInFront() || !N.isSupported()) return;
    const n = new N({
      title: 'Incoming call', body: callerOf(c),
      // We ring through the chosen ring device ourselves; the notification must not add its own sound.
      silent: true, timeoutType: 'never', urgency: 'critical',
      actions: CALL_ACTIONS.map((text) => ({ type: 'button' as const, text })),
      ...(deps.iconPath ? { icon: deps.iconPath } : {}),
    });
    n.on('action', (_event, index) => {
      if (index === 0) { deps.show(); void api.request('call:answer', { callId: c.id }).catch(() => undefined); }
      if (index === 1) void api.request('call:reject', { callId: c.id, reason: 'declined' }).catch(() => undefined);
    });
    n.on('click', () => deps.show());
    open.set(c.id, n);
    n.show();
  };

  const offStatus = deps.watch.onChange((s) => {
    for (const c of s.ringing) {
      if (!ringingSince.has(c.id)) ringingSince.set(c.id, Date.now());
      ring(c);
    }
    // Answered, declined or gone, here or anywhere else: the ring stops everywhere, this notification too.
    for (const id of [...open.keys()]) if (!s.ringing.some((c) => c.id === id)) close(id);
  });
  const offEnded = api.on('call:ended', ({ call, history }) => {
    close(call.id);
    const since = ringingSince.get(call.id);
    ringingSince.delete(call.id);
    if (history.direction !== 'incoming' || history.outcome !== 'missed' || history.reason === 'dnd') return;
    // Idle since before it started ringing: nobody saw it, whatever window is in front.
    const unattended = deps.idleSeconds !== undefined && since !== undefined && deps.idleSeconds() * 1000 > Date.now() - since;
    if ((deps.windowInFront() && !unattended) || !N.isSupported()) return;
    const n = new N({ title: 'Missed call', body: callerOf(call), silent: true, ...(deps.iconPath ? { icon: deps.iconPath } : {}) });
    n.on('click', () => deps.show());
    n.show();
  });
  return () => { offStatus(); offEnded(); for (const id of [...open.keys()]) close(id); };
}
