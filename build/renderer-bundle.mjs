// The renderer bundle, in one place: `npm run build` (build/build.mjs → dist/renderer) and the browser tests
// (test/e2e/support/renderer-build.ts → a temporary folder) build exactly the same app.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Bundles renderer/index.tsx (app.js + app.css) and copies index.html into `outDir`, which must exist. */
export async function bundleRenderer(outDir) {
  await build({
    entryPoints: [join(root, 'renderer/index.tsx')],
    outfile: join(outDir, 'app.js'),
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
    jsx: 'automatic', jsxImportSource: 'preact', sourcemap: true, logLevel: 'warning',
    loader: { '.css': 'css' },
  });
  copyFileSync(join(root, 'renderer/index.html'), join(outDir, 'index.html'));
}
