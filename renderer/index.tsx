// Renderer entry. Picks the transport to the engine: Electron's preload API (`window.redial`) when present,
// otherwise the loopback WebSocket of the headless host / browser harness — the page's own origin
// (`/api?token=…`), or an explicit `?ws=ws://127.0.0.1:PORT/api&token=…`, which must be loopback.

import { render } from 'preact';
import type { RedialApi } from '../electron/shared/api.js';
import { apiUrlFromLocation, connectWebSocket } from '../electron/shared/ws-transport.js';
import { App } from './components/App.js';
import { StoreContext } from './state/context.js';
import { PhoneStore } from './state/store.js';
import './styles.css';

declare global {
  interface Window { redial?: RedialApi }
}

const LOOPBACK_WS = /^wss?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?\/[^\s]*$/;

/** The WebSocket URL to use, or an error message. */
export function webSocketUrl(loc: { protocol: string; host: string; search: string }): string {
  const params = new URLSearchParams(loc.search);
  const explicit = params.get('ws');
  if (explicit) {
    if (!LOOPBACK_WS.test(explicit)) throw new Error('the ws= parameter must be a loopback ws:// URL');
    const url = new URL(explicit);
    const token = params.get('token');
    if (token && !url.searchParams.has('token')) url.searchParams.set('token', token);
    return url.toString();
  }
  return apiUrlFromLocation(loc);
}

/** Waits before each attempt to reach a host that went away; the last one repeats. */
export const RECONNECT_DELAYS_MS: readonly number[] = [1000, 2000, 5000, 10_000];

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  if (window.redial) {
    // Electron: the preload's API lives as long as the page; the main process says when its engine restarts.
    const store = new PhoneStore(window.redial);
    render(<StoreContext.Provider value={store}><App /></StoreContext.Provider>, root);
    await store.start();
    return;
  }
  let url: string;
  let api: RedialApi;
  let store: PhoneStore | undefined;
  // Watch each socket, so the UI says when the host goes away and tries the same address again until it is back
  // (a harness restarted with the same --port and --token, or a network hiccup on loopback).
  let reconnecting = false;
  const onClose = (): void => {
    if (!store || reconnecting) return;
    reconnecting = true;
    store.markConnectionLost('Lost the connection to the phone engine.');
    void (async () => {
      for (let attempt = 0; ; attempt++) {
        await new Promise((r) => setTimeout(r, RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]));
        try {
          const next = await connectWebSocket(url, { WebSocket: Watched });
          reconnecting = false;
          await store.attach(next);
          return;
        } catch { /* not back yet */ }
      }
    })();
  };
  const Watched = class extends WebSocket {
    constructor(u: string) {
      super(u);
      this.addEventListener('close', onClose);
    }
  };
  try {
    url = webSocketUrl(location);
    api = await connectWebSocket(url, { WebSocket: Watched });
  } catch (err) {
    root.textContent = `Redial cannot reach its phone engine: ${err instanceof Error ? err.message : String(err)}`;
    root.setAttribute('role', 'alert');
    return;
  }
  store = new PhoneStore(api);
  render(<StoreContext.Provider value={store}><App /></StoreContext.Provider>, root);
  await store.start();
}

void start();
