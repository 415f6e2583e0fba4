#!/usr/bin/env node
// Builds everything that runs outside vitest:
//  - tsc (tsconfig.node.json) → dist/: the core, adapters, hosts, CLI, Electron main, benchmarks.
//  - esbuild → dist/preload/preload.cjs (sandboxed preloads must be a single CommonJS file).
//  - esbuild → dist/renderer/ (the Preact app, one ES module bundle plus index.html and styles).
import { build } from 'esbuild';
import { bundleRenderer } from './renderer-bundle.mjs';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const dist = join(root, 'dist');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.node.json')], { stdio: 'inherit' });

await build({
  entryPoints: [join(root, 'electron/preload/index.ts')],
  outfile: join(dist, 'preload/preload.cjs'),
  bundle: true, platform: 'node', format: 'cjs', target: 'es2022',
  external: ['electron'], sourcemap: true, logLevel: 'warning',
});

const rendererOut = join(dist, 'renderer');
rmSync(rendererOut, { recursive: true, force: true });
mkdirSync(rendererOut, { recursive: true });
await bundleRenderer(rendererOut);
if (existsSync(join(root, 'assets'))) cpSync(join(root, 'assets'), join(dist, 'assets'), { recursive: true });
console.log('build: ok');
