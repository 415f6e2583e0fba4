// Getting the user's attention outside the window: unseen missed calls as the app's badge (the macOS dock and Linux
// launchers that show one take app.setBadgeCount; Windows has no count, so its taskbar button gets an overlay dot
// with the count in its description), and a ringing call flashes the taskbar button (Windows, Linux) or bounces the
// dock icon (macOS) until it is answered, declined or gone.
import type { BrowserWindow, NativeImage } from 'electron';
import type { PhoneStatus, PhoneStatusWatch } from './phone-status.js';

export interface AttentionParts {
  readonly setBadgeCount: (count: number) => boolean;
  readonly dock?: { bounce(type?: 'critical' | 'informational'): number; cancelBounce(id: number): void };
  readonly window: () => BrowserWindow | undefined;
  /** Windows: the dot drawn over the taskbar button while missed calls are unseen. */
  readonly overlay?: NativeImage;
}

export function followAttention(watch: PhoneStatusWatch, parts: AttentionParts, platform: string): () => void {
  let bounce: number | undefined;
  const live = (): BrowserWindow | undefined => { const w = parts.window(); return w && !w.isDestroyed() ? w : undefined; };
  const apply = (s: PhoneStatus, before?: PhoneStatus): void => {
    if (s.unseenMissed !== before?.unseenMissed) {
      parts.setBadgeCount(s.unseenMissed);
      if (platform === 'win32' && parts.overlay) {
        const n = s.unseenMissed;
        live()?.setOverlayIcon(n > 0 ? parts.overlay : null, n > 0 ? `${n} missed call${n === 1 ? '' : 's'}` : '');
      }
    }
    const ringing = s.ringing.length > 0;
    if (ringing === ((before?.ringing.length ?? 0) > 0)) return;
    if (platform === 'darwin') {
      if (ringing && bounce === undefined && parts.dock) bounce = parts.dock.bounce('critical');
      if (!ringing && bounce !== undefined) { parts.dock?.cancelBounce(bounce); bounce = undefined; }
    } else {
      const w = live();
      if (w && (!ringing || !w.isFocused())) w.flashFrame(ringing);
    }
  };
  apply(watch.current());
  const off = watch.onChange(apply);
  return () => { off(); if (bounce !== undefined) parts.dock?.cancelBounce(bounce); };
}
