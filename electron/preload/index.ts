// The sandboxed preload (bundled to dist/preload/preload.cjs, `electron` its only import): exposes
// `window.redial`, a RedialApi (electron/shared/api.ts), through contextBridge. It never exposes ipcRenderer
// itself, only the contract's channels: unknown request or event names are refused here, and main checks
// the sender and every payload again (stack-notes §3.1 item 6).
//
// Errors: only an Error's message survives contextBridge, so a failed request rejects with a plain object
// { name: 'ApiError', code, message } (use `err.code` / `err.message`, not instanceof).
import { contextBridge, ipcRenderer } from 'electron';
import { isEventName, isRequestName, type EventName, type RedialApi } from '../shared/api.js';

const CHANNELS = { request: 'redial:request', listen: 'redial:listen', event: 'redial:event' } as const;

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(CHANNELS.event, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  const set = listeners.get(name);
  if (!set) return;
  for (const l of [...set]) {
    try { l(payload); } catch (err) { console.error(`redial: listener for '${name}' threw`, err); }
  }
});

interface IpcResult { ok: boolean; result?: unknown; error?: { code: string; message: string } }

function apiError(code: string, message: string): { name: 'ApiError'; code: string; message: string } {
  return { name: 'ApiError', code, message };
}

export const redialBridge: RedialApi = {
  request(name: string, payload?: unknown): Promise<never> {
    if (!isRequestName(name)) return Promise.reject(apiError('invalid-request', `unknown request '${String(name).slice(0, 40)}'`));
    return (ipcRenderer.invoke(CHANNELS.request, name, payload ?? {}) as Promise<IpcResult>).then((r) => {
      if (r && r.ok) return r.result as never;
      const e = r?.error ?? { code: 'internal', message: 'no answer from the engine' };
      throw apiError(e.code, e.message);
    });
  },
  on(name: string, listener: (payload: never) => void): () => void {
    if (!isEventName(name) || typeof listener !== 'function') return () => undefined;
    let set = listeners.get(name);
    if (!set) {
      set = new Set();
      listeners.set(name, set);
      ipcRenderer.send(CHANNELS.listen, name, true);
    }
    set.add(listener as Listener);
    return () => {
      const s = listeners.get(name);
      if (!s || !s.delete(listener as Listener)) return;
      if (s.size === 0) {
        listeners.delete(name);
        ipcRenderer.send(CHANNELS.listen, name, false);
      }
    };
  },
} as RedialApi;

contextBridge.exposeInMainWorld('redial', {
  request: (name: string, payload?: unknown) => (redialBridge.request as (n: string, p?: unknown) => Promise<unknown>)(name, payload),
  on: (name: string, listener: (payload: unknown) => void) => (redialBridge.on as (n: string, l: (p: unknown) => void) => () => void)(name, listener),
});
