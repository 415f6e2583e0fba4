#!/usr/bin/env node
// Layer rules (README "Architecture"): dependencies point inward only.
//  - electron/core/**   : pure TypeScript. No electron, no I/O modules, no imports from outer layers.
//  - electron/core/media/** : the media layer stands alone: no imports from the IAX2 engine or the phone (it defines
//    its own frame and report types; the engine adopts them).
//  - electron/shared/** : the renderer ↔ engine contract. No node:* and no electron (it runs in the renderer too).
//  - renderer/**        : may import only preact and electron/shared.
//  - product code never looks at the test runner (VITEST, JEST_WORKER_ID …): a policy a test needs is injected.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const IO_MODULES = ['electron', 'dgram', 'fs', 'fs/promises', 'net', 'tls', 'http', 'https', 'child_process',
  'worker_threads', 'os', 'dns', 'readline', 'naudiodon', 'ws', 'process', 'cluster', 'inspector'];

function walk(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(p);
  }
  return out;
}

function specifiers(src) {
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  const found = [];
  for (const m of src.matchAll(re)) found.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return found;
}

const problems = [];
function check(files, rule) {
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const spec of specifiers(src)) {
      const why = rule(spec, f);
      if (why) problems.push(`${relative(root, f)}: imports '${spec}': ${why}`);
    }
  }
}
const bare = (s) => s.replace(/^node:/, '');
const target = (spec, from) => relative(root, resolve(dirname(from), spec));

check(walk(join(root, 'electron/core')), (spec, f) => {
  if (IO_MODULES.includes(bare(spec))) return 'the core does no I/O; take it through a port (electron/core/ports.ts)';
  if (spec.startsWith('.')) {
    const t = target(spec, f);
    if (!t.startsWith('electron/core') && !t.startsWith('electron/shared')) return 'the core may not depend on outer layers';
  }
  return null;
});
check(walk(join(root, 'electron/core/media')), (spec, f) => {
  if (spec.startsWith('.') && /^electron\/core\/(iax2|phone)\//.test(target(spec, f))) {
    return 'the media layer does not depend on the engine or the phone (docs/architecture.md §1)';
  }
  return null;
});
check(walk(join(root, 'electron/shared')), (spec, f) => {
  if (spec.startsWith('node:') || IO_MODULES.includes(spec)) return 'the contract runs in the renderer as well';
  if (spec.startsWith('.') && !target(spec, f).startsWith('electron/shared')) return 'the contract depends on nothing else';
  return null;
});
check(walk(join(root, 'renderer')), (spec, f) => {
  if (spec.startsWith('.')) {
    const t = target(spec, f);
    if (!t.startsWith('renderer') && !t.startsWith('electron/shared')) return 'the renderer talks to the engine only through electron/shared';
    return null;
  }
  if (spec === 'preact' || spec.startsWith('preact/')) return null;
  return 'the renderer may import only preact and the contract';
});

for (const dir of ['electron', 'renderer']) {
  for (const f of walk(join(root, dir))) {
    const m = /\b(VITEST|JEST_WORKER_ID|NODE_ENV\s*===?\s*['"]test['"])\b/.exec(readFileSync(f, 'utf8'));
    if (m) problems.push(`${relative(root, f)}: reads '${m[1]}': product code must not sniff the test runner; inject the policy`);
  }
}

if (problems.length) {
  console.error('Layer check failed:\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log('layer check: ok');
