// The API (./api.ts) carried as messages over any duplex link: the worker's MessagePort, a WebSocket, a
// test pipe. One side serves a RedialApi (serveApi), the other gets a RedialApi back (createApiClient).
// Events only travel when the client listens to them ('listen' messages), so the 5 Hz meters and the
// per-frame trace cost nothing while no one looks.

import {
  ApiError, isEventName, type EventName, type EventPayload, type RedialApi, type RequestName,
  type RequestPayload, type ResponsePayload,
} from './api.js';
import { checkRequest, eventGuards, responseGuards } from './api-guards.js';
import { isPlainObject } from './guard-kit.js';

export type WireMessage =
  | { readonly t: 'req'; readonly id: number; readonly name: string; readonly payload: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: { readonly code: string; readonly message: string } }
  | { readonly t: 'evt'; readonly name: string; readonly payload: unknown }
  | { readonly t: 'listen'; readonly name: string; readonly on: boolean };

/** A duplex message link. `onMessage` receives whatever the other side sent: untrusted until checked. */
export interface MessageLink {
  send(message: WireMessage): void;
  onMessage(receive: (message: unknown) => void): void;
  /** Optional: the link went away (the client fails pending requests; the server drops listeners). */
  onClose?(closed: () => void): void;
}

/** Parse-level check of an envelope (the payload is checked separately against the API guards). */
export function isWireMessage(m: unknown): m is WireMessage {
  if (!isPlainObject(m)) return false;
  switch (m.t) {
    case 'req': return Number.isSafeInteger(m.id) && typeof m.name === 'string';
    case 'res':
      if (!Number.isSafeInteger(m.id) || typeof m.ok !== 'boolean') return false;
      return m.ok || (isPlainObject(m.error) && typeof m.error.code === 'string' && typeof m.error.message === 'string');
    case 'evt': return typeof m.name === 'string';
    case 'listen': return typeof m.name === 'string' && typeof m.on === 'boolean';
    default: return false;
  }
}

/** Turns anything thrown by a handler into the error sent back (never a stack trace, never a secret). */
export function toWireError(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: String(err) };
}

export interface ServeOptions {
  /** Check results against the response guards before sending (tests; catches backend bugs). */
  readonly checkResponses?: boolean;
}

/** Serves `backend` on `link` until the returned function is called or the link closes. */
export function serveApi(backend: RedialApi, link: MessageLink, options: ServeOptions = {}): () => void {
  const listening = new Map<EventName, () => void>();
  let closed = false;

  const stop = (): void => {
    closed = true;
    for (const off of listening.values()) off();
    listening.clear();
  };

  link.onMessage((raw) => {
    if (closed || !isWireMessage(raw)) return;
    if (raw.t === 'listen') {
      if (!isEventName(raw.name)) return;
      const name = raw.name;
      if (raw.on && !listening.has(name)) {
        listening.set(name, backend.on(name, (payload) => {
          if (!closed) link.send({ t: 'evt', name, payload });
        }));
      } else if (!raw.on) {
        listening.get(name)?.();
        listening.delete(name);
      }
      return;
    }
    if (raw.t !== 'req') return;
    const { id } = raw;
    const checked = checkRequest(raw.name, raw.payload);
    if (!checked.ok) {
      link.send({ t: 'res', id, ok: false, error: { code: 'invalid-request', message: checked.message } });
      return;
    }
    const name = checked.name;
    const call = backend.request as (n: RequestName, p: unknown) => Promise<unknown>;
    Promise.resolve()
      .then(() => call.call(backend, name, raw.payload))
      .then((result) => {
        if (closed) return;
        const value = result === undefined ? null : result;
        if (options.checkResponses && !responseGuards[name](value)) {
          link.send({ t: 'res', id, ok: false, error: { code: 'internal', message: `invalid response for '${name}'` } });
          return;
        }
        link.send({ t: 'res', id, ok: true, result: value });
      }, (err: unknown) => {
        if (!closed) link.send({ t: 'res', id, ok: false, error: toWireError(err) });
      });
  });
  link.onClose?.(stop);
  return stop;
}

export interface ClientOptions {
  /** Reject a request that has no answer after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Check responses and events against the guards (drop invalid events, reject invalid responses). */
  readonly validate?: boolean;
  /** Called once when the link closes (the engine went away): e.g. a "lost the engine" banner. */
  readonly onClose?: () => void;
}

export interface ApiClient extends RedialApi {
  /** Fails pending requests and drops all listeners. */
  close(): void;
}

/** A RedialApi whose requests and events travel over `link`. */
export function createApiClient(link: MessageLink, options: ClientOptions = {}): ApiClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout>; name: RequestName }>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let nextId = 1;
  let closed = false;

  const failAll = (why: string): void => {
    for (const p of pending.values()) { clearTimeout(p.timer); p.reject(new ApiError('unavailable', why)); }
    pending.clear();
  };

  link.onMessage((raw) => {
    if (!isWireMessage(raw)) return;
    if (raw.t === 'res') {
      const p = pending.get(raw.id);
      if (!p) return;
      pending.delete(raw.id);
      clearTimeout(p.timer);
      if (!raw.ok) { p.reject(new ApiError(raw.error.code, raw.error.message)); return; }
      if (options.validate && !responseGuards[p.name](raw.result)) {
        p.reject(new ApiError('invalid-response', `invalid response for '${p.name}'`));
        return;
      }
      p.resolve(raw.result);
    } else if (raw.t === 'evt') {
      if (!isEventName(raw.name)) return;
      const set = listeners.get(raw.name);
      if (!set) return;
      if (options.validate && !eventGuards[raw.name](raw.payload)) return;
      for (const l of [...set]) {
        try { (l as (p: unknown) => void)(raw.payload); } catch { /* one broken listener must not stop the others */ }
      }
    }
  });
  link.onClose?.(() => {
    if (closed) return;
    closed = true;
    failAll('the engine connection closed');
    try { options.onClose?.(); } catch { /* the UI's problem, not the link's */ }
  });

  return {
    request<K extends RequestName>(name: K, ...args: [payload?: RequestPayload<K>]): Promise<ResponsePayload<K>> {
      if (closed) return Promise.reject(new ApiError('unavailable', 'the engine connection is closed'));
      const id = nextId++;
      return new Promise<ResponsePayload<K>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new ApiError('timeout', `no answer to '${name}' within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, name });
        try {
          link.send({ t: 'req', id, name, payload: args[0] ?? {} });
        } catch (err) {
          pending.delete(id);
          clearTimeout(timer);
          reject(new ApiError('unavailable', err instanceof Error ? err.message : String(err)));
        }
      });
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
        if (!closed) link.send({ t: 'listen', name, on: true });
      }
      set.add(listener as (payload: never) => void);
      return () => {
        const s = listeners.get(name);
        if (!s || !s.delete(listener as (payload: never) => void)) return;
        if (s.size === 0) {
          listeners.delete(name);
          if (!closed) { try { link.send({ t: 'listen', name, on: false }); } catch { /* link gone */ } }
        }
      };
    },
    close(): void {
      closed = true;
      failAll('the client was closed');
      listeners.clear();
    },
  } as ApiClient;
}
