// Where the engine worker script is loaded from. In a packaged app the main process runs from
// resources/app.asar, and a worker_threads Worker started on a path inside the archive is not reliable:
// Electron added asar reads to worker threads only in 17.3 (electron/electron#33216) and the ESM loader a worker
// uses resolves its imports and node_modules (naudiodon's .node, opusscript's .wasm) against the real file
// system. electron-builder therefore unpacks dist/electron/** and the worker's packages (asarUnpack in
// build/electron-builder.config.cjs), and this picks the unpacked copy, whose whole import graph is on disk.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sep } from 'node:path';

/** The app.asar.unpacked twin of a file URL inside app.asar, when that file exists; the URL itself otherwise. */
export function unpackedTwin(url: URL, exists: (path: string) => boolean = existsSync): URL {
  if (url.protocol !== 'file:') return url;
  const path = fileURLToPath(url);
  const marker = `${sep}app.asar${sep}`;
  const at = path.lastIndexOf(marker);
  if (at < 0) return url;
  const twin = `${path.slice(0, at)}${sep}app.asar.unpacked${sep}${path.slice(at + marker.length)}`;
  return exists(twin) ? pathToFileURL(twin) : url;
}

/** The engine worker next to electron/host/engine-client.js, from a module URL in dist/electron/main. */
export function engineWorkerUrl(mainModuleUrl: string | URL, exists?: (path: string) => boolean): URL {
  return unpackedTwin(new URL('../host/engine-worker.js', mainModuleUrl), exists);
}
