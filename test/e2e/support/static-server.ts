// A minimal static file server on 127.0.0.1 for the built renderer, for the browser tests that run it against
// the in-page fake API. It serves files exactly as Electron's app:// handler does (electron/adapters/
// renderer-files.ts: only files inside the folder) and with the app's own Content-Security-Policy
// (stack-notes §3.1 item 3): the page gets its API from the preload stand-in, so it may connect nowhere.

import { createServer, type Server } from 'node:http';
import { readRendererFile, rendererCsp, rendererRoot } from '../../../electron/adapters/renderer-files.js';

/** The Electron app's policy (electron/main/app-protocol.ts CONTENT_SECURITY_POLICY). */
export const CSP = rendererCsp("'none'");

export interface StaticServer { readonly url: string; close(): Promise<void> }

export async function serveDirectory(dir: string): Promise<StaticServer> {
  const root = await rendererRoot(dir);
  const server: Server = createServer((req, res) => {
    void readRendererFile(root, new URL(req.url ?? '/', 'http://127.0.0.1').pathname).then((found) => {
      if (!found.ok) res.writeHead(found.status, { 'content-type': 'text/plain' }).end(found.reason);
      else res.writeHead(200, { 'content-type': found.contentType, 'content-security-policy': CSP }).end(found.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
