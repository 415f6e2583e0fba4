// electron-builder afterPack hook: fix naudiodon's RUNPATH on the copy that ships in
// resources/app.asar.unpacked (stack-notes §1.3). Wire it in the electron-builder config:
//   "afterPack": "build/after-pack.cjs",
//   "asarUnpack": ["**/*.node", "**/node_modules/naudiodon*/build/Release/**"]
// (libportaudio.so.2 must be unpacked next to the addon: electron-builder's smart unpack misses `.so.2`.)
'use strict';
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

exports.default = async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') return;
  const { fixNaudiodonRpath } = await import(pathToFileURL(join(__dirname, 'fix-rpath.mjs')).href);
  const unpacked = join(context.appOutDir, 'resources', 'app.asar.unpacked');
  const results = fixNaudiodonRpath([unpacked], { log: (m) => console.log(`  • ${m}`) });
  if (!results.some((r) => r.status === 'fixed' || r.status === 'already')) {
    throw new Error(`afterPack: no naudiodon.node was fixed under ${unpacked}; check asarUnpack (results: ${JSON.stringify(results)})`);
  }
};
