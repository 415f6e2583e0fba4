// An OS notification for an incoming call while the window is not in front (stack-notes §3.2).
import type { BrowserWindow, Notification, NotificationConstructorOptions } from 'electron';
import type { RedialApi } from '../shared/api.js';

export type NotificationCtor = (new (options: NotificationConstructorOptions) => Notification) & { isSupported(): boolean };

export function notifyIncomingCalls(api: RedialApi, NotificationClass: NotificationCtor, window: () => BrowserWindow | undefined): () => void {
  return api.on('call:incoming', (call) => {
    const win = window();
    if (win?.isFocused() || !NotificationClass.isSupported()) return;
    const who = call.remoteName ? `${call.remoteName} (${call.remoteNumber ?? call.number})` : (call.remoteNumber ?? call.number);
    const n = new NotificationClass({ title: 'Incoming call', body: who || 'Unknown caller', silent: true });
    n.on('click', () => { win?.show(); win?.focus(); });
    n.show();
  });
}
