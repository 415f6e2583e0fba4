// Packaging trap (stack-notes §1.3): the addon's RUNPATH points at the build machine's directory.
// Copy naudiodon's build/Release elsewhere, fix it with build/fix-rpath.mjs, and load the copy in a
// child process: /proc/self/maps must show libportaudio.so.2 loaded from the copy, not the original.
import { afterAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { naudiodonAvailable, repoRoot } from '../support/alsa.js';
import { describeWithPeer } from '../support/peers.js';

const release = join(repoRoot, 'node_modules/naudiodon/build/Release');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function hasPatchelf(): boolean {
  try { execFileSync('patchelf', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

function copyRelease(): string {
  const dir = mkdtempSync(join(tmpdir(), 'redial-rpath-'));
  dirs.push(dir);
  for (const f of ['naudiodon.node', 'libportaudio.so.2']) copyFileSync(join(release, f), join(dir, f));
  return dir;
}

/** Loads the addon in a fresh node and returns the directory libportaudio was mapped from. */
function portaudioLoadedFrom(addon: string): string {
  const script = `
    const m = { exports: {} };
    process.dlopen(m, ${JSON.stringify(addon)});
    if (typeof m.exports.getDevices !== 'function') throw new Error('not naudiodon');
    const line = require('fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => l.includes('libportaudio.so'));
    process.stdout.write(line ? line.slice(line.indexOf('/')) : 'none');`;
  return execFileSync(process.execPath, ['-e', script], { env: { ...process.env, LD_LIBRARY_PATH: '' } }).toString().trim();
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describeWithPeer('patchelf and naudiodon on Linux', process.platform === 'linux' && naudiodonAvailable() && hasPatchelf(), 'fix-rpath', () => {
  it('a copied addon loads PortAudio from its own directory only after the fix, and the fix is idempotent', async () => {
    const dir = copyRelease();
    const addon = join(dir, 'naudiodon.node');
    // Before: the copy still reaches back into the build directory (what breaks once that is gone).
    expect(portaudioLoadedFrom(addon)).toBe(join(release, 'libportaudio.so.2'));

    const { fixNaudiodonRpath } = await import(pathToFileURL(join(repoRoot, 'build/fix-rpath.mjs')).href);
    const logs: string[] = [];
    const first = fixNaudiodonRpath([dir], { log: (m: string) => logs.push(m) });
    expect(first).toEqual([{ file: addon, status: 'fixed', previous: release }]);
    expect(execFileSync('patchelf', ['--print-rpath', addon]).toString().trim()).toBe('$ORIGIN');
    expect(portaudioLoadedFrom(addon)).toBe(join(dir, 'libportaudio.so.2'));

    const hash = sha(addon);
    const second = fixNaudiodonRpath([dir], { log: (m: string) => logs.push(m) });
    expect(second[0].status).toBe('already');
    expect(sha(addon)).toBe(hash);
    expect(logs.join('\n')).toMatch(/already \$ORIGIN/);
  });

  it('is a no-op with a message on other platforms, and the CLI works on a directory', async () => {
    const { fixNaudiodonRpath } = await import(pathToFileURL(join(repoRoot, 'build/fix-rpath.mjs')).href);
    const logs: string[] = [];
    expect(fixNaudiodonRpath(['/nonexistent'], { log: (m: string) => logs.push(m), platform: 'darwin' }))
      .toEqual([{ status: 'skipped', reason: 'platform darwin' }]);
    expect(logs[0]).toMatch(/nothing to do on darwin/);
    const dir = copyRelease();
    const out = execFileSync(process.execPath, [join(repoRoot, 'build/fix-rpath.mjs'), dir]).toString();
    expect(out).toMatch(/→ \$ORIGIN/);
  });

  it('the afterPack hook fixes the unpacked copy inside an app output directory', async () => {
    const app = mkdtempSync(join(tmpdir(), 'redial-afterpack-'));
    dirs.push(app);
    const rel = join(app, 'resources/app.asar.unpacked/node_modules/naudiodon/build/Release');
    execFileSync('mkdir', ['-p', rel]);
    for (const f of ['naudiodon.node', 'libportaudio.so.2']) copyFileSync(join(release, f), join(rel, f));
    const mod = await import(pathToFileURL(join(repoRoot, 'build/after-pack.cjs')).href);
    // electron-builder require()s the hook and takes `.default`; ESM import may or may not unwrap it.
    const hook = typeof mod.default === 'function' ? mod.default : mod.default.default;
    await hook({ electronPlatformName: 'linux', appOutDir: app });
    expect(portaudioLoadedFrom(join(rel, 'naudiodon.node'))).toBe(join(rel, 'libportaudio.so.2'));
    await hook({ electronPlatformName: 'win32', appOutDir: '/nonexistent' }); // other OS: untouched, no throw
  });
});
