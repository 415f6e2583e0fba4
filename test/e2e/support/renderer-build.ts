// Builds the renderer for the browser tests with the very bundle step `npm run build` uses
// (build/renderer-bundle.mjs), into a private temporary directory, plus the in-page fake API as an IIFE.

import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRenderer } from '../../../build/renderer-bundle.mjs';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** Where the browser tests leave their screenshots for people to look at (git ignores test/.tmp). */
export const SCREENSHOT_DIR = join(repoRoot, 'test/.tmp/screenshots');

export interface RendererBuild {
  /** Directory holding index.html, app.js, app.css. */
  readonly dir: string;
  /** Source of the fake API script for page.addInitScript(). */
  readonly fakeApiScript: string;
  /** Deletes the directory (also done when the test process exits). */
  remove(): void;
}

export async function buildRenderer(): Promise<RendererBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'redial-e2e-'));
  await bundleRenderer(dir);
  await build({
    entryPoints: [join(repoRoot, 'test/e2e/fixtures/fake-api.ts')],
    outfile: join(dir, 'fake-api.js'),
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning',
  });
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove); // in case a test file forgets to call remove()
  return { dir, fakeApiScript: readFileSync(join(dir, 'fake-api.js'), 'utf8'), remove };
}
