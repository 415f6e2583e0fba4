#!/usr/bin/env node
// Makes naudiodon's addon find the PortAudio library next to it (stack-notes §1.3): node-gyp links
// naudiodon.node with RUNPATH set to the absolute build directory, so once the module is copied
// elsewhere (app.asar.unpacked, an AppImage) `libportaudio.so.2: cannot open shared object file`.
// `patchelf --set-rpath '$ORIGIN'` makes the loader look in the addon's own directory instead.
//
// Usage: node build/fix-rpath.mjs [file-or-directory ...]   (default: this repo's naudiodon build)
// Idempotent. On non-Linux platforms, or without patchelf, it prints why and does nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORIGIN = '$ORIGIN';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function findAddons(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  const out = [];
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) out.push(...findAddons(p));
    else if (name === 'naudiodon.node') out.push(p);
  }
  return out;
}

function havePatchelf() {
  try { execFileSync('patchelf', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/**
 * Sets RUNPATH to $ORIGIN on every naudiodon.node under `paths`.
 * Returns one entry per addon: 'fixed' | 'already' ; or a single 'skipped' entry with the reason.
 */
export function fixNaudiodonRpath(paths, { log = console.log, platform = process.platform } = {}) {
  if (platform !== 'linux') {
    log(`fix-rpath: nothing to do on ${platform} (only Linux addons carry an absolute RUNPATH)`);
    return [{ status: 'skipped', reason: `platform ${platform}` }];
  }
  if (!havePatchelf()) {
    log('fix-rpath: patchelf not found, RUNPATH left as is (apt-get install patchelf); a relocated naudiodon will not load');
    return [{ status: 'skipped', reason: 'no patchelf' }];
  }
  const addons = paths.flatMap(findAddons);
  if (addons.length === 0) log(`fix-rpath: no naudiodon.node under ${paths.join(', ')}`);
  return addons.map((file) => {
    const current = execFileSync('patchelf', ['--print-rpath', file]).toString().trim();
    if (!existsSync(join(dirname(file), 'libportaudio.so.2'))) {
      log(`fix-rpath: warning: no libportaudio.so.2 next to ${file}`);
    }
    if (current === ORIGIN) {
      log(`fix-rpath: ${file}: RUNPATH already ${ORIGIN}`);
      return { file, status: 'already', previous: current };
    }
    execFileSync('patchelf', ['--set-rpath', ORIGIN, file]);
    log(`fix-rpath: ${file}: RUNPATH ${current || '(none)'} → ${ORIGIN}`);
    return { file, status: 'fixed', previous: current };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const targets = args.length ? args.map((a) => resolve(a)) : [join(root, 'node_modules/naudiodon/build/Release')];
  try {
    fixNaudiodonRpath(targets);
  } catch (err) {
    console.error(`fix-rpath: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
