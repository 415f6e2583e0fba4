#!/usr/bin/env node
// `npm start`: builds, then launches the desktop app with the Electron binary on dist/electron/main/index.js.
// The binary is looked for first: where it is absent (Electron installed for its types only,
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, or an offline machine) it stops at once, before the build, with a clear
// message that points at the headless ways to run Redial. It never downloads anything: `require('electron')`
// would try to (stack-notes §3.4), so the binary is located by hand. Arguments after `--` go to the app
// (`npm start -- --self-test`, `npm start -- iax:pbx/600`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/electron/main/index.js');

/** The Electron executable as the electron package records it (path.txt), or ELECTRON_OVERRIDE_DIST_PATH. */
export function findElectronBinary(env = process.env, platform = process.platform) {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const names = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' };
  if (override) {
    const p = join(override, names[platform] ?? 'electron');
    return existsSync(p) ? p : undefined;
  }
  const pkg = join(root, 'node_modules/electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const p = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(p) ? p : undefined;
}

function main() {
  const binary = findElectronBinary();
  if (!binary) {
    console.error([
      'npm start: the Electron binary is not installed here (the electron package has no dist/).',
      'Nothing is downloaded automatically. To run Redial:',
      '  • desktop app: install Electron on a machine with network access',
      '      (npm install electron, without ELECTRON_SKIP_BINARY_DOWNLOAD), then `npm start`;',
      '  • an Electron already unpacked elsewhere: ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron-dist npm start;',
      '  • without Electron, in a browser: `npm run harness` and open the printed http://127.0.0.1 URL',
      '      (`npm run harness -- --audio fake` on a machine without a sound card: the microphone plays a tone);',
      '  • on the command line: `npx redial register|call|listen …` (see README "Command line").',
    ].join('\n'));
    process.exit(2);
  }
  const built = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  if (!existsSync(entry)) {
    console.error(`npm start: ${entry} is missing after the build.`);
    process.exit(1);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make Electron behave as plain Node
  const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
