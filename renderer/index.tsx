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

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  let lost: (() => void) | null = null;
  let api: RedialApi;
  if (window.redial) {
    api = window.redial;
  } else {
    // Watch the socket so the UI can say when the engine goes away.
    const Watched = class extends WebSocket {
      constructor(url: string) {
        super(url);
        this.addEventListener('close', () => lost?.());
      }
    };
    try {
      api = await connectWebSocket(webSocketUrl(location), { WebSocket: Watched });
    } catch (err) {
      root.textContent = `Redial cannot reach its phone engine: ${err instanceof Error ? err.message : String(err)}`;
      root.setAttribute('role', 'alert');
      return;
    }
  }
  const store = new PhoneStore(api);
  lost = () => store.markConnectionLost();
  render(<StoreContext.Provider value={store}><App /></StoreContext.Provider>, root);
  await store.start();
}

void start();
