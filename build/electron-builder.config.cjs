// electron-builder configuration (run with `electron-builder --config build/electron-builder.config.cjs`).
// Choices follow stack-notes §3.3: no native rebuild (naudiodon is Node-API, built with node-gyp per OS; the
// rebuild would try to download Electron headers), only dist/** shipped (plus production node_modules),
// naudiodon and libportaudio unpacked from the asar and their RUNPATH fixed after packing (build/after-pack.cjs),
// fuses flipped for a hardened binary, and the iax: scheme registered on every platform.
// Packaging downloads Electron and its tools from GitHub: run it in an online CI (see README).
'use strict';

/** npm packages the engine worker loads at run time (static imports, lazy require/import, and theirs). */
const WORKER_PACKAGES = [
  'naudiodon', 'bindings', 'file-uri-to-path', 'segfault-handler',
  'opusscript', 'opus-decoder', '@wasm-audio-decoders/common', 'simple-yenc', '@eshaz/web-worker',
];

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.redial.softphone',
  productName: 'Redial',
  copyright: 'Copyright © Redial contributors',
  directories: { output: 'release', buildResources: 'build' },
  // Only the build output (package.json and production dependencies are added by electron-builder).
  files: [
    'dist/**',
    '!dist/test/**',
    '!dist/**/*.map',
    '!dist/**/*.d.ts',
    '!dist/.tsbuildinfo*',
    '!dist/.types-*/**',
    '!dist/bench-results.json',
  ],
  extraMetadata: { main: 'dist/electron/main/index.js' },
  asar: true,
  // The engine runs in a worker_threads Worker, started from the unpacked copy of dist/electron (see
  // electron/main/worker-location.ts): its ESM import graph, naudiodon's .node + libportaudio, opusscript's .wasm
  // and the packages they import must all be real files. test/unit/main/packaging.test.ts derives the worker's
  // package closure from the build and checks every package in it is listed here.
  asarUnpack: [
    '**/*.node',
    '**/node_modules/naudiodon*/build/Release/**',
    'dist/electron/**',
    ...WORKER_PACKAGES.map((name) => `node_modules/${name}/**`),
  ],
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  afterPack: 'build/after-pack.cjs',
  protocols: [{ name: 'IAX call', schemes: ['iax', 'iax2'], role: 'Viewer' }],
  // https://www.electron.build/tutorials/adding-electron-fuses (stack-notes §3.1 item 8).
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    // The binary in linux-unpacked/ and the .desktop file's Exec (the release workflow's smoke test starts it).
    executableName: 'redial',
    category: 'Network;Telephony',
    mimeTypes: ['x-scheme-handler/iax', 'x-scheme-handler/iax2'],
    synopsis: 'IAX2 softphone for Asterisk',
    description: 'Redial is an open-source IAX2 softphone that works with stock Asterisk.',
  },
  deb: {
    // electron-builder's own defaults, plus ALSA for PortAudio (libasound2t64 on Debian 13 / Ubuntu 24.04).
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1',
      'libsecret-1-0', 'libasound2 | libasound2t64'],
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.business',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.inherit.plist',
    extendInfo: {
      NSMicrophoneUsageDescription: 'Redial uses the microphone for your voice during calls.',
      // Notifications that stay and carry buttons (Answer / Decline on an incoming call): macOS shows a signed
      // app's notification actions only in the "alert" style (Electron docs, NotificationAction).
      NSUserNotificationAlertStyle: 'alert',
    },
  },
  dmg: { sign: false },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};

module.exports = config;

