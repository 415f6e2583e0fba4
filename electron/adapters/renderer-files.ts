// The built renderer's files, read from its folder for the two ways it is served: Electron's app:// handler
// (electron/main/app-protocol.ts) and the ws-host's loopback http server (electron/host/ws-host.ts). Both
// send only files inside that folder (symbolic links resolved, so a link cannot lead out of it) and the same
// strict Content-Security-Policy (stack-notes §3.1 item 3), which differs only in where the page may connect.
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wav': 'audio/wav',
};

/** The renderer's Content-Security-Policy: nothing but its own files, and `connectSrc` for the network. */
export function rendererCsp(connectSrc: string): string {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "media-src 'self'", `connect-src ${connectSrc}`, "object-src 'none'", "base-uri 'none'", "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The folder's real path (symbolic links resolved), the root every served file must be inside. */
export function rendererRoot(dir: string): Promise<string> {
  return realpath(resolve(dir)).catch(() => resolve(dir));
}

export type RendererFile =
  | { readonly ok: true; readonly body: Buffer; readonly contentType: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string };

/**
 * Reads the file a URL path names inside `root` (from rendererRoot()). `pathname` is the URL's, still
 * percent-encoded; a path ending in `/` means its index.html. Anything resolving outside the root is 403.
 */
export async function readRendererFile(root: string, pathname: string): Promise<RendererFile> {
  let rel: string;
  try { rel = decodeURIComponent(pathname); } catch { return { ok: false, status: 400, reason: 'bad path' }; }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = resolve(join(root, rel));
  if (!file.startsWith(root + sep)) return { ok: false, status: 403, reason: 'forbidden' };
  try {
    const real = await realpath(file);
    if (!real.startsWith(root + sep)) return { ok: false, status: 403, reason: 'forbidden' };
    return { ok: true, body: await readFile(real), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
}
