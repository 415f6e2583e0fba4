// Bundles a TypeScript entry (and what it imports) into one ES module that plain node can run: the engine
// worker for the worker-thread tests, the PortAudio child for the ALSA tests.
//
// The bundle is written to node_modules/.cache/redial-tests (so bare imports such as `naudiodon` resolve from
// the repository as they do in the app) under a name that carries a hash of its content: parallel test
// processes share one file, a run with unchanged code writes nothing, and bundles of older code are pruned
// once nothing has used them for an hour (a parallel run of other code may still be using its own).

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE_DIR = join(repoRoot, 'node_modules/.cache/redial-tests');

const STALE_MS = 60 * 60 * 1000;

export interface BundleOptions {
  /**
   * What stays outside the bundle: 'packages' keeps every npm package external (resolved from node_modules at
   * run time), a list keeps just those.
   */
  readonly external: 'packages' | readonly string[];
}

const bundles = new Map<string, Promise<string>>();

/** The path of the bundled entry (built once per test process). */
export function bundleEntry(entry: string, options: BundleOptions = { external: ['naudiodon'] }): Promise<string> {
  const key = `${entry}\0${JSON.stringify(options.external)}`;
  let p = bundles.get(key);
  if (!p) {
    p = writeBundle(entry, options);
    bundles.set(key, p);
  }
  return p;
}

/** electron/host/engine-worker.ts as a runnable module URL, for startEngineWorker({ workerUrl }). */
export async function bundleEngineWorker(): Promise<URL> {
  return pathToFileURL(await bundleEntry(join(repoRoot, 'electron/host/engine-worker.ts'), { external: 'packages' }));
}

async function writeBundle(entry: string, options: BundleOptions): Promise<string> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const name = basename(entry).replace(/\.tsx?$/, '');
  const result = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    write: false, outfile: join(BUNDLE_DIR, `${name}.mjs`),
    ...(options.external === 'packages' ? { packages: 'external' as const } : { external: [...options.external] }),
  });
  const code = result.outputFiles[0].contents;
  const outfile = join(BUNDLE_DIR, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (existsSync(outfile)) {
    const now = new Date();
    utimesSync(outfile, now, now); // in use: keep it out of the pruning below
  } else {
    const tmp = `${outfile}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, outfile); // atomic: a parallel process never imports a half-written file
  }
  pruneStale(name, outfile);
  return outfile;
}

/** Deletes bundles of `name` (and temporary files) other than `keep` that nothing has used for an hour. */
function pruneStale(name: string, keep: string): void {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{16}\\.mjs(\\.\\d+\\.tmp)?$`);
  const cutoff = Date.now() - STALE_MS;
  for (const file of readdirSync(BUNDLE_DIR)) {
    const path = join(BUNDLE_DIR, file);
    if (path === keep || !pattern.test(file)) continue;
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    } catch { /* removed by a parallel process meanwhile */ }
  }
}
