// Packaging, validated statically (electron-builder itself needs the network to package): the config passes
// electron-builder's own schema validation and says what stack-notes §3.3 asks; the entitlements are sane;
// `npm start` without an Electron binary fails clearly, at once and downloads nothing; the Node versions in
// package.json `engines` install without a warning.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';
import { minimatch } from 'minimatch';
import { ensureBuilt } from '../../support/cli.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const config = require(join(root, 'build/electron-builder.config.cjs')) as Record<string, any>;

describe('electron-builder config', () => {
  it('passes electron-builder\'s own validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    // …and the validator does refuse a broken config (so the pass above means something).
    await expect(validateConfiguration({ ...config, electronFusez: {} }, { isEnabled: false, add: () => undefined })).rejects.toThrow(/electronFusez/);
    await expect(validateConfiguration({ ...config, mac: { ...config.mac, hardenedRuntime: 'yes' } }, { isEnabled: false, add: () => undefined })).rejects.toThrow();
  });

  it('names the app, ships only dist/** and never rebuilds native modules', () => {
    expect(config.appId).toBe('org.redial.softphone');
    expect(config.productName).toBe('Redial');
    expect(config.files[0]).toBe('dist/**');
    expect(config.files.slice(1).every((f: string) => f.startsWith('!dist/'))).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.asarUnpack.slice(0, 2)).toEqual(['**/*.node', '**/node_modules/naudiodon*/build/Release/**']);
    expect(config.afterPack).toBe('build/after-pack.cjs');
    expect(existsSync(join(root, config.afterPack))).toBe(true);
    expect(config.extraMetadata.main).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false, enableCookieEncryption: true, enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('registers iax: everywhere and targets AppImage+deb (with ALSA), dmg (hardened, microphone), nsis', () => {
    expect(config.protocols).toEqual([expect.objectContaining({ schemes: ['iax', 'iax2'] })]);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/iax');
    expect(config.deb.depends.some((d: string) => d.split('|').map((s) => s.trim()).includes('libasound2'))).toBe(true);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
    expect(config.mac.extendInfo.NSUserNotificationAlertStyle).toBe('alert'); // Answer / Decline on the notification
    expect(config.win.target).toEqual(['nsis']);
  });

  it('grants the mac app audio input and the JIT, and its helpers only the JIT', () => {
    const app = readFileSync(join(root, config.mac.entitlements), 'utf8');
    const inherit = readFileSync(join(root, config.mac.entitlementsInherit), 'utf8');
    const keys = (plist: string): string[] => [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]).sort();
    expect(keys(app)).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.device.audio-input',
      'com.apple.security.network.client', 'com.apple.security.network.server']);
    expect(keys(inherit)).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.inherit']);
  });
});

/** Is `path` (relative to the app folder) unpacked from app.asar by the config? electron-builder uses minimatch. */
const unpacked = (path: string): boolean => (config.asarUnpack as string[]).some((p) => minimatch(path, p, { dot: true }));

/** The npm packages the built engine worker loads: its static import graph (esbuild's metafile), the packages it
 * loads lazily (createRequire(...)('x'), import('x/…')), and, recursively, their own dependencies. */
async function workerPackages(workerFile: string): Promise<{ packages: Set<string>; ownFiles: string[] }> {
  const result = await build({ entryPoints: [workerFile], bundle: true, platform: 'node', format: 'esm', write: false,
    metafile: true, logLevel: 'silent', external: ['*.node'] });
  const packages = new Set<string>();
  const ownFiles: string[] = [];
  const nameOf = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2) : spec.split('/').slice(0, 1)).join('/');
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (m) { packages.add(m[1]); continue; }
    ownFiles.push(input);
    const text = readFileSync(join(root, input), 'utf8');
    for (const lazy of text.matchAll(/require\('([^'.][^']*)'\)|import\('([^'.][^']*)'\)|specifier = '([^'.][^']*)'/g)) {
      const spec = lazy[1] ?? lazy[2] ?? lazy[3];
      if (!spec.startsWith('node:')) packages.add(nameOf(spec));
    }
  }
  const queue = [...packages];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (!packages.has(dep)) { packages.add(dep); queue.push(dep); }
  }
  return { packages, ownFiles };
}

describe('the engine worker in a packaged app', () => {
  const worker = join(root, 'dist/electron/host/engine-worker.js');

  it('is unpacked from app.asar with every file and package it loads', async () => {
    ensureBuilt();
    const { packages, ownFiles } = await workerPackages(worker);
    // The worker really does load native and wasm packages (so this test checks something).
    expect([...packages]).toEqual(expect.arrayContaining(['naudiodon', 'opusscript', 'opus-decoder', 'bindings']));
    const missing = [...packages].filter((p) => !unpacked(`node_modules/${p}/package.json`));
    expect(missing).toEqual([]);
    expect(ownFiles.length).toBeGreaterThan(20);
    expect(ownFiles.filter((f) => !unpacked(f))).toEqual([]);
    expect(unpacked('node_modules/naudiodon/build/Release/naudiodon.node')).toBe(true);
    expect(unpacked('node_modules/naudiodon/build/Release/libportaudio.so.2')).toBe(true);
    expect(unpacked('node_modules/opusscript/build/opusscript_native_wasm.wasm')).toBe(true);
    // The UI stays inside the archive (integrity-checked, never loaded by the worker).
    expect(unpacked('dist/renderer/index.html')).toBe(false);
    expect(unpacked('dist/preload/preload.cjs')).toBe(false);
    expect(unpacked('node_modules/preact/package.json')).toBe(false);
  }, 120_000);
});

describe('npm start without the Electron binary', () => {
  it('stops at once, before building, and points at the CLI and the harness, without downloading', () => {
    // An override folder with no binary in it stands for "Electron not installed", whatever this machine has.
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(root, 'build/start.mjs')], {
      encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(root, 'test/no-such-electron') }, timeout: 10_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Electron binary is not installed/);
    expect(r.stderr).toMatch(/npm run harness/);
    expect(r.stderr).toMatch(/npx redial/);
    // The check comes first: nothing was built (the build prints "build: ok" and takes many seconds).
    expect(r.stdout + r.stderr).not.toMatch(/build: ok/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.stderr + r.stdout).not.toMatch(/Downloading/i);
  });

  it('is what `npm start` runs (no build step in front of the check)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node build/start.mjs');
  });
});

describe('supported Node.js versions', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as
    { packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }> };
  const semver = require('semver') as { satisfies(v: string, range: string): boolean; minVersion(range: string): { version: string } | null };

  it('are what Electron\'s installer needs, so npm install is quiet on every supported version', () => {
    // Electron 45's own package (its installer) declares node >= 22.12: the project cannot promise less.
    const electron = lock.packages['node_modules/electron']?.engines as { node: string };
    const floor = semver.minVersion(pkg.engines.node)?.version;
    expect(floor).toBe(semver.minVersion(electron.node)?.version);
    // EBADENGINE comes from any installed package whose engines.node refuses the running Node (npm does not check
    // optional ones, e.g. platform bindings): none may refuse the supported floor or the current LTS lines.
    const refusing = (version: string): string[] => Object.entries(lock.packages)
      .filter(([, p]) => !p.optional && p.engines && !Array.isArray(p.engines) && typeof p.engines.node === 'string' && !semver.satisfies(version, p.engines.node))
      .map(([name, p]) => `${name} (${(p.engines as { node: string }).node})`);
    for (const version of [floor!, '22.20.0', '24.0.0']) expect(refusing(version), version).toEqual([]);
    // …and the check can fail: Node 20 (end of life) is refused by Electron's installer chain.
    expect(refusing('20.19.0')).toEqual(expect.arrayContaining([expect.stringMatching(/node_modules\/electron /)]));
  });
});
