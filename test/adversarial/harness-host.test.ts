// The harness's loopback WebSocket host under a local process that connects in a loop (docs/security.md
// "Local attackers"): API clients are capped (503 beyond), a slot frees when a client leaves, and the host stays
// usable for the legitimate client throughout.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_API_CLIENTS, startWsHost, type WsHost } from '../../electron/host/ws-host.js';
import type { RedialApi } from '../../electron/shared/api.js';
import { until } from '../support/wait.js';

const api = {
  request: async () => ({ name: 'Redial' }),
  on: () => () => undefined,
} as unknown as RedialApi;

/** Opens a client; resolves with it once open, or with the HTTP status the server refused it with. */
function connect(url: string): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => { resolve({ status: res.statusCode ?? 0 }); ws.terminate(); });
    ws.on('error', () => undefined);
  });
}

describe('ws-host connection cap', () => {
  let host: WsHost | undefined;
  const open: WebSocket[] = [];
  afterEach(async () => {
    for (const ws of open.splice(0)) ws.terminate();
    await host?.close();
  });

  it(`accepts ${MAX_API_CLIENTS} API clients, refuses more with 503, and takes a new one once a slot frees`, async () => {
    host = await startWsHost({ api });
    for (let i = 0; i < MAX_API_CLIENTS; i++) {
      const r = await connect(host.apiUrl);
      if (!('ws' in r)) throw new Error(`client ${i + 1} refused with ${r.status}`);
      open.push(r.ws);
    }
    expect(host.connections()).toBe(MAX_API_CLIENTS);
    // A burst of further attempts: every one refused, none counted.
    const refused = await Promise.all(Array.from({ length: 50 }, () => connect(host!.apiUrl)));
    expect(refused.map((r) => ('status' in r ? r.status : 101))).toEqual(Array(50).fill(503));
    expect(host.connections()).toBe(MAX_API_CLIENTS);
    open.shift()?.close();
    await until('slot freed', () => host!.connections() === MAX_API_CLIENTS - 1);
    const again = await connect(host.apiUrl);
    expect('ws' in again).toBe(true);
    if ('ws' in again) open.push(again.ws);
  });
});
