// ws-host end to end: a WebSocket client (our browser transport, fed the `ws` package's WebSocket) performs
// requests and receives events from the real engine in its worker; wrong tokens, foreign origins and
// wrong Host headers are refused; the server listens on 127.0.0.1 only; the renderer folder is served safely.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { WebSocket } from 'ws';
import { bundleEngineWorker } from '../support/bundle.js';
import { startEngineWorker, type EngineClient } from '../../electron/host/engine-client.js';
import { startWsHost, type WsHost } from '../../electron/host/ws-host.js';
import { connectWebSocket, type WebSocketConstructor } from '../../electron/shared/ws-transport.js';
import type { RegistrationView } from '../../electron/shared/api.js';
import { ScriptedPeer } from '../support/scripted-peer.js';

const WS = WebSocket as unknown as WebSocketConstructor;

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw upgrade attempt: the HTTP status the server answers. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('error', () => undefined);
  });
}

describe('ws-host', () => {
  let dataDir: string;
  let rendererDir: string;
  let peer: ScriptedPeer;
  let engine: EngineClient;
  let host: WsHost;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'redial-ws-'));
    rendererDir = join(dataDir, 'renderer');
    await mkdir(rendererDir);
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Redial</title><script type="module" src="app.js"></script>');
    await writeFile(join(rendererDir, 'app.js'), 'console.log("hi")');
    await writeFile(join(dataDir, 'outside.txt'), 'not for you');
    peer = await ScriptedPeer.start();
    peer.enableRegistrar({ users: { bob: { secret: 'builder' } } });
    engine = await startEngineWorker({
      workerUrl: await bundleEngineWorker(),
      config: { host: 'headless', dataDir, version: 'test', localPort: 0, bindAddress: '127.0.0.1', audio: 'none',
        secrets: 'file', secretStorage: 'file', secretsPassphrase: 'correct horse battery' },
    });
    host = await startWsHost({ api: engine, rendererDir, checkResponses: true });
  });
  afterAll(async () => {
    await host?.close();
    await engine?.shutdown();
    await peer?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('carries requests and events between a WebSocket client and the engine', async () => {
    expect(host.apiUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\?token=/);
    const api = await connectWebSocket(host.apiUrl, { WebSocket: WS, validate: true });
    try {
      expect(await api.request('app:info')).toMatchObject({ name: 'Redial', host: 'headless', secretStorage: 'file' });
      const registered = new Promise<RegistrationView>((resolve) => {
        api.on('registration', (r) => { if (r.status === 'registered') resolve(r); });
      });
      const changed = new Promise<unknown>((resolve) => api.on('accounts:changed', resolve));
      const acc = await api.request('accounts:save', { server: peer.server, username: 'bob', secret: 'builder' });
      expect(await registered).toMatchObject({ accountId: acc.id, status: 'registered' });
      expect(await changed).toEqual([acc]);
      await expect(api.request('call:hangup', { callId: 'nope' })).rejects.toMatchObject({ code: 'unknown-call' });
      // Headless secrets are sealed in their own file, never in the account document, readable or merely encoded.
      expect(await readFile(join(dataDir, 'accounts.json'), 'utf8')).not.toContain('builder');
      const sealed = await readFile(join(dataDir, 'secrets.json'), 'utf8');
      expect(sealed).not.toContain('builder');
      expect(sealed).not.toContain(Buffer.from('builder').toString('base64').slice(0, 8));
      expect(host.connections()).toBe(1);
    } finally {
      api.close();
    }
  });

  it('refuses a wrong or missing token, a foreign Origin and a wrong Host', async () => {
    const base = host.apiUrl.replace(/token=.*$/, '');
    expect(await upgradeStatus(`${base}token=wrong`)).toBe(401);
    expect(await upgradeStatus(base.replace('?', ''))).toBe(401);
    expect(await upgradeStatus(host.apiUrl, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(host.apiUrl, { Origin: `http://127.0.0.1:${host.port}` })).toBe(101);
    expect(await upgradeStatus(host.apiUrl, { Host: `rebind.example:${host.port}` })).toBe(421);
    await expect(connectWebSocket(`${base}token=wrong`, { WebSocket: WS })).rejects.toThrow(/refused/);
  });

  it('listens on 127.0.0.1 only', async () => {
    if (!existsSync('/proc/net/tcp')) return;
    const rows = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    const hex = host.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = rows.filter((r) => r[1]?.endsWith(`:${hex}`) && r[3] === '0A'); // 0A = LISTEN
    expect(listening.map((r) => r[1])).toEqual([`0100007F:${hex}`]);
    const six = existsSync('/proc/net/tcp6') ? (await readFile('/proc/net/tcp6', 'utf8')) : '';
    expect(six).not.toMatch(new RegExp(`:${hex} [0-9A-F]{32}:0000 0A`));
  });

  it('serves the renderer folder with a strict CSP and nothing outside it', async () => {
    const page = await get(host.port, '/?token=x');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Redial</title>');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain(`connect-src ws://127.0.0.1:${host.port}`);
    expect((await get(host.port, '/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get(host.port, '/../outside.txt')).body).not.toContain('not for you');
    expect((await get(host.port, '/%2e%2e/outside.txt')).body).not.toContain('not for you');
    // An encoded slash survives URL normalisation and decodes to '/../outside.txt': the folder check stops it.
    expect((await get(host.port, '/..%2foutside.txt')).status).toBe(403);
    expect((await get(host.port, '/missing.js')).status).toBe(404);
    expect((await get(host.port, '/', { Host: `evil.example:${host.port}` })).status).toBe(421);
  });
});
