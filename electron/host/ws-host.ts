// The API (electron/shared/api.ts) over a loopback WebSocket, for the browser test harness and headless use:
// the same requests and events the Electron preload offers, so the very same renderer runs in Chromium
// against a real engine. It can also serve the built renderer (dist/renderer) over http on the same port.
//
// Security: bound to 127.0.0.1 only; the API needs a random token (`/api?token=…`, compared in constant
// time); the Host header must name the loopback address (defeats DNS rebinding) and a browser's Origin must
// be this server itself (other local pages cannot connect); payloads are checked by the API guards. Concurrent
// API clients are capped (a browser tab or two and a script are all the harness serves; every client holds
// subscriptions and buffers in the engine), and so are TCP connections, so a local process that loops on connect
// cannot exhaust memory or file descriptors.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { readRendererFile, rendererCsp, rendererRoot } from '../adapters/renderer-files.js';
import type { RedialApi } from '../shared/api.js';
import { serveApi, type MessageLink, type WireMessage } from '../shared/rpc.js';

export interface WsHostOptions {
  readonly api: RedialApi;
  /** TCP port on 127.0.0.1 (0 = any free port). */
  readonly port?: number;
  /** Serve this folder (the built renderer) at `/`. */
  readonly rendererDir?: string;
  /** Fixed token (tests); random 32 bytes otherwise. */
  readonly token?: string;
  /** Check responses against the guards before sending (tests). */
  readonly checkResponses?: boolean;
  /** API (WebSocket) clients at once; more are refused with 503. Default {@link MAX_API_CLIENTS}. */
  readonly maxClients?: number;
}

export interface WsHost {
  readonly port: number;
  readonly token: string;
  /** The renderer page, token included: open this in a browser. */
  readonly pageUrl: string;
  /** The API endpoint, token included. */
  readonly apiUrl: string;
  /** Connected API clients right now. */
  connections(): number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const MAX_MESSAGE_BYTES = 1 << 20;
/** Default cap on API clients at once. */
export const MAX_API_CLIENTS = 8;
/** TCP connections at once (page loads, API clients, refused attempts still closing). */
const MAX_TCP_CONNECTIONS = 64;

export function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWsHost(options: WsHostOptions): Promise<WsHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const root = options.rendererDir === undefined ? undefined : await rendererRoot(options.rendererDir);
  let port = 0;
  const hostOk = (req: IncomingMessage): boolean => req.headers.host === `${LOOPBACK}:${port}` || req.headers.host === `localhost:${port}`;
  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    // Non-browser clients (the CLI, tests) send no Origin; browsers must be on a page we served.
    return origin === undefined || origin === `http://${LOOPBACK}:${port}` || origin === `http://localhost:${port}`;
  };

  const maxClients = options.maxClients ?? MAX_API_CLIENTS;
  const server = createServer((req, res) => { void serveHttp(req, res); });
  server.maxConnections = Math.max(MAX_TCP_CONNECTIONS, maxClients + 8);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const deny = (code: number, text: string): void => { res.writeHead(code, { 'content-type': 'text/plain' }).end(text); };
    if (!hostOk(req)) return deny(421, 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    if (!root) return deny(404, 'no renderer is served here; use the WebSocket API at /api');
    const found = await readRendererFile(root, new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`).pathname);
    if (!found.ok) return deny(found.status, found.reason);
    res.writeHead(200, {
      'content-type': found.contentType,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // The app's policy, plus the API socket on this very origin.
      'content-security-policy': rendererCsp(`ws://${LOOPBACK}:${port} ws://localhost:${port}`),
    });
    res.end(req.method === 'HEAD' ? undefined : found.body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (url.pathname !== '/api') return refuse('404 Not Found');
    if (!hostOk(req)) return refuse('421 Misdirected Request');
    if (!originOk(req)) return refuse('403 Forbidden');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse('401 Unauthorized');
    // handleUpgrade() attaches synchronously (no verifyClient), so `sockets` is exact here.
    if (sockets.size >= maxClients) return refuse('503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    sockets.add(ws);
    const receivers: ((m: unknown) => void)[] = [];
    const closers: (() => void)[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed: unknown;
      try { parsed = JSON.parse(data.toString()); } catch { return; }
      for (const r of receivers) r(parsed);
    });
    ws.on('close', () => { sockets.delete(ws); for (const c of closers) c(); });
    ws.on('error', () => ws.terminate());
    const link: MessageLink = {
      send: (m: WireMessage) => { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m)); },
      onMessage: (r) => { receivers.push(r); },
      onClose: (c) => { closers.push(c); },
    };
    serveApi(options.api, link, { checkResponses: options.checkResponses ?? false });
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(options.port ?? 0, LOOPBACK, () => { server.off('error', rej); res(); });
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const t = encodeURIComponent(token);

  return {
    port, token,
    pageUrl: `http://${LOOPBACK}:${port}/?token=${t}`,
    apiUrl: `ws://${LOOPBACK}:${port}/api?token=${t}`,
    connections: () => sockets.size,
    async close(): Promise<void> {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
