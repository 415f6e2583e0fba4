// The renderer's second way to reach the engine (the first is Electron's `window.redial`): the loopback
// WebSocket of electron/host/ws-host.ts, used by the browser test harness and headless mode.
// Browser WebSocket only (no node imports); Node ≥ 22 and tests may pass their own WebSocket constructor.

import { createApiClient, type ApiClient, type ClientOptions, type MessageLink, type WireMessage } from './rpc.js';

/** The part of the WHATWG WebSocket this needs (so tests can hand in the `ws` package's class). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** The ws:// URL of the API for a page the ws-host served: same host and port, token from `?token=`. */
export function apiUrlFromLocation(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}

/** Opens the WebSocket and resolves with a RedialApi once connected (rejects if the host refuses us). */
export function connectWebSocket(url: string, options: ClientOptions & { WebSocket?: WebSocketConstructor } = {}): Promise<ApiClient> {
  const Ctor: WebSocketConstructor | undefined =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) return Promise.reject(new Error('no WebSocket implementation available'));
  const socket = new Ctor(url);
  return new Promise<ApiClient>((resolve, reject) => {
    let opened = false;
    const receivers: ((m: unknown) => void)[] = [];
    const closers: (() => void)[] = [];
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      let parsed: unknown;
      try { parsed = JSON.parse(event.data); } catch { return; }
      for (const r of receivers) r(parsed);
    });
    socket.addEventListener('close', () => {
      if (!opened) reject(new Error(`the engine at ${url.replace(/token=[^&]*/, 'token=…')} refused the connection`));
      for (const c of closers) c();
    });
    socket.addEventListener('error', () => { /* 'close' follows and says what happened */ });
    socket.addEventListener('open', () => {
      opened = true;
      const link: MessageLink = {
        send(message: WireMessage): void {
          if (socket.readyState !== OPEN) throw new Error('the engine connection is closed');
          socket.send(JSON.stringify(message));
        },
        onMessage(receive): void { receivers.push(receive); },
        onClose(closed): void { closers.push(closed); },
      };
      const client = createApiClient(link, options);
      resolve({
        request: client.request,
        on: client.on,
        close(): void { client.close(); socket.close(1000, 'bye'); },
      } as ApiClient);
    });
  });
}
