// The renderer is loaded from app://redial/, not file:// (Electron security checklist item 18, stack-notes
// §3.1 item 3), with a strict Content-Security-Policy sent as a response header. The scheme must be
// registered as privileged before the app is ready.
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'redial';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The renderer never touches the network: the engine lives in the worker, reached through IPC only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "media-src 'self'", "connect-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wav': 'audio/wav',
};

/** True for URLs of our own app origin (app://redial/…). Non-special schemes have no URL.origin, so compare parts. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false } },
  ]);
}

/** Answers one app:// request from `rendererDir`: only files inside it, only GET, always with the CSP. */
export async function serveAppRequest(requestUrl: string, method: string, rendererDir: string): Promise<Response> {
  const text = (status: number, body: string): Response =>
    new Response(body, { status, headers: { 'content-type': 'text/plain', 'content-security-policy': CONTENT_SECURITY_POLICY } });
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed');
  if (!isAppUrl(requestUrl)) return text(404, 'not found');
  const root = await realpath(resolve(rendererDir)).catch(() => resolve(rendererDir));
  let rel: string;
  try { rel = decodeURIComponent(new URL(requestUrl).pathname); } catch { return text(400, 'bad path'); }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = resolve(join(root, rel));
  if (!file.startsWith(root + sep)) return text(403, 'forbidden');
  let body: Buffer;
  try {
    const real = await realpath(file);
    if (!real.startsWith(root + sep)) return text(403, 'forbidden');
    body = await readFile(real);
  } catch {
    return text(404, 'not found');
  }
  return new Response(method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, request.method, rendererDir));
}
