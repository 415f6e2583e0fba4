// The renderer is loaded from app://redial/, not file:// (Electron security checklist item 18,
// stack-notes §3.1 item 3), with a strict Content-Security-Policy sent as a response header. The scheme must be
// registered as privileged before the app is ready.
import type { Protocol } from 'electron';
import { readRendererFile, rendererCsp, rendererRoot } from '../adapters/renderer-files.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'redial';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The renderer never touches the network: the engine lives in the worker, reached through IPC only. */
export const CONTENT_SECURITY_POLICY = rendererCsp("'none'");

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
  const found = await readRendererFile(await rendererRoot(rendererDir), new URL(requestUrl).pathname);
  if (!found.ok) return text(found.status, found.reason);
  return new Response(method === 'HEAD' ? null : new Uint8Array(found.body), {
    status: 200,
    headers: {
      'content-type': found.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, request.method, rendererDir));
}
