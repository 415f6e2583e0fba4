// Electron security checklist (https://www.electronjs.org/docs/latest/tutorial/security; stack-notes §3.1):
// the renderer gets no permissions at all (audio is captured natively in the engine worker), cannot
// navigate, cannot open windows and cannot attach webviews.
import type { App, Session, WebContents } from 'electron';

/** Item 5: deny every permission request and check (camera, microphone, notifications, HID, …). */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> &
  Partial<Pick<Session, 'setDevicePermissionHandler'>>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

/** Items 13–15: no navigation, no new windows, no webviews. The UI is one page; links do nothing. */
export function lockDownContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Applies lockDownContents to every WebContents the app ever creates. */
export function lockDownAllContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
}
