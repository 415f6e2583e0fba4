// Main-process side of the API: relays the renderer's requests (ipcMain.handle) to the engine worker and the
// engine's events back (webContents.send), after checking who is asking (item 17: the sender frame must be
// our app page in one of our windows) and what (the API guards). Events go only to renderers that listen.
// Main itself can also raise API events (dial-request for iax: links, notices about secret storage); those
// raised before any renderer listens are kept and delivered to the first one that does.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { isEventName, type EventName, type Events, type RedialApi } from '../shared/api.js';
import { checkRequest } from '../shared/api-guards.js';
import { toWireError } from '../shared/rpc.js';

export const IPC_CHANNELS = { request: 'redial:request', listen: 'redial:listen', event: 'redial:event' } as const;

/** What ipcMain.handle returns to the preload (Errors would lose their code crossing IPC). */
export type IpcResult = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export interface IpcRelayOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeListener'>;
  readonly api: RedialApi;
  /** The sender check: typically "frame is the main frame of one of our windows and shows app://redial/". */
  readonly isTrustedSender: (frame: WebFrameMain | null, contents: WebContents) => boolean;
  /** Told about refused IPC (tests, logs). */
  readonly onRefused?: (why: string) => void;
  /** Told when a request from the page was answered (the self-test's proof that the page reaches the engine). */
  readonly onServed?: (name: string) => void;
}

export interface IpcRelay {
  /** Raise an API event from the main process to listening renderers. */
  emitLocal<K extends EventName>(name: K, payload: Events[K]): void;
  dispose(): void;
}

const KEEP_UNDELIVERED = 20;

export function installIpcRelay(options: IpcRelayOptions): IpcRelay {
  const { ipcMain, api } = options;
  /** Per renderer: its event subscriptions (name → unsubscribe from the engine). */
  const renderers = new Map<number, { contents: WebContents; subs: Map<EventName, () => void> }>();
  const undelivered: { name: EventName; payload: unknown }[] = [];
  const refused = (why: string): void => options.onRefused?.(why);

  const send = (contents: WebContents, name: EventName, payload: unknown): void => {
    if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, name, payload);
  };

  const onRequest = async (event: IpcMainInvokeEvent, name: unknown, payload: unknown): Promise<IpcResult> => {
    if (!options.isTrustedSender(event.senderFrame, event.sender)) {
      refused(`request '${String(name).slice(0, 40)}' from an untrusted sender`);
      return { ok: false, error: { code: 'forbidden', message: 'not allowed from this page' } };
    }
    const checked = checkRequest(name, payload === undefined ? {} : payload);
    if (!checked.ok) {
      refused(checked.message);
      return { ok: false, error: { code: 'invalid-request', message: checked.message } };
    }
    try {
      const call = api.request as (n: string, p: unknown) => Promise<unknown>;
      const result = await call.call(api, checked.name, payload === undefined ? {} : payload);
      options.onServed?.(checked.name);
      return { ok: true, result: result === undefined ? null : result };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  };

  const onListen = (event: IpcMainEvent, name: unknown, on: unknown): void => {
    if (!options.isTrustedSender(event.senderFrame, event.sender)) { refused('listen from an untrusted sender'); return; }
    if (!isEventName(name) || typeof on !== 'boolean') { refused('invalid listen message'); return; }
    const contents = event.sender;
    let entry = renderers.get(contents.id);
    if (!entry) {
      const created = { contents, subs: new Map<EventName, () => void>() };
      renderers.set(contents.id, created);
      contents.once('destroyed', () => {
        for (const off of created.subs.values()) off();
        renderers.delete(contents.id);
      });
      entry = created;
    }
    if (on && !entry.subs.has(name)) {
      const off = name === 'dial-request' ? () => undefined : api.on(name, (payload) => send(contents, name, payload));
      entry.subs.set(name, off);
      // Deliver what main raised before anyone listened.
      for (let i = 0; i < undelivered.length;) {
        if (undelivered[i].name === name) { send(contents, name, undelivered[i].payload); undelivered.splice(i, 1); } else i++;
      }
    } else if (!on) {
      entry.subs.get(name)?.();
      entry.subs.delete(name);
    }
  };

  ipcMain.handle(IPC_CHANNELS.request, onRequest);
  ipcMain.on(IPC_CHANNELS.listen, onListen);

  return {
    emitLocal(name, payload): void {
      let delivered = false;
      for (const r of renderers.values()) {
        if (r.subs.has(name)) { send(r.contents, name, payload); delivered = true; }
      }
      if (!delivered) {
        undelivered.push({ name, payload });
        if (undelivered.length > KEEP_UNDELIVERED) undelivered.shift();
      }
    },
    dispose(): void {
      ipcMain.removeHandler(IPC_CHANNELS.request);
      ipcMain.removeListener(IPC_CHANNELS.listen, onListen as (...args: unknown[]) => void);
      for (const r of renderers.values()) for (const off of r.subs.values()) off();
      renderers.clear();
    },
  };
}
