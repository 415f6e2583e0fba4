#!/usr/bin/env node
// `npm run harness`: Redial without Electron. Starts the engine worker (the real engine, sound through
// naudiodon, the paced fake device or none) and the loopback ws-host serving dist/renderer, then prints the
// URL to open in a browser (Chromium, Firefox). Used by the browser end-to-end tests and for headless use.
//
//   node dist/electron/host/harness.js [--port 8750] [--data-dir DIR] [--audio naudiodon|fake|none]
//                                      [--tone HZ] [--iax-port N] [--token T] [--no-renderer]
//
// --tone HZ (with --audio fake, default 440): the fake microphone plays a HZ sine at -12 dBFS so the meters,
// the far end (Echo) and recordings have something to show; --tone 0 makes it silent.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEngineWorker } from './engine-client.js';
import { superviseEngine } from './engine-supervisor.js';
import { startWsHost } from './ws-host.js';
import type { AudioBackend } from './compose-phone.js';

// naudiodon streams each hold a libuv threadpool thread (stack-notes §1.2 item 3): size the pool before first use.
process.env.UV_THREADPOOL_SIZE ??= '16';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/electron/host → the package root. */
const packageRoot = resolve(here, '../../..');

function usage(): never {
  console.error('usage: harness [--port N] [--data-dir DIR] [--audio naudiodon|fake|none] [--tone HZ] [--iax-port N] [--token T] [--no-renderer]');
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        audio: { type: 'string', default: 'naudiodon' },
        'iax-port': { type: 'string' },
        tone: { type: 'string' },
        token: { type: 'string' },
        'no-renderer': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    console.error((err as Error).message);
    usage();
  }
  if (args.help) usage();
  const audio = args.audio as AudioBackend;
  if (!['naudiodon', 'fake', 'none'].includes(audio)) usage();
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage();
  const iaxPort = args['iax-port'] !== undefined ? Number(args['iax-port']) : undefined;
  if (iaxPort !== undefined && (!Number.isInteger(iaxPort) || iaxPort < 0 || iaxPort > 65535)) usage();
  const toneArg = args.tone !== undefined ? Number(args.tone) : (audio === 'fake' ? 440 : undefined);
  if (toneArg !== undefined && (!Number.isFinite(toneArg) || toneArg < 0 || toneArg >= 4000 || audio !== 'fake')) {
    console.error('--tone needs --audio fake and a frequency from 0 (silence) to 3999 Hz');
    usage();
  }
  const toneHz = toneArg === 0 ? undefined : toneArg;

  const dataDir = resolve(args['data-dir'] ?? join(homedir(), '.config', 'redial-headless'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let version = '0.0.0';
  try { version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version; } catch { /* dev tree */ }

  // Headless: no OS keychain here. Passwords are kept in memory only, unless REDIAL_SECRETS_PASSPHRASE is set:
  // then secrets.json holds them sealed with it (AES-256-GCM, scrypt), never readable or merely encoded.
  const passphrase = process.env.REDIAL_SECRETS_PASSPHRASE;
  if (passphrase !== undefined && passphrase.length < 8) {
    console.error('REDIAL_SECRETS_PASSPHRASE must be at least 8 characters');
    process.exit(64);
  }
  // Supervised like the desktop app's: if the engine worker dies, the page says so, a new one starts, the page
  // reloads what it shows (electron/host/engine-supervisor.ts).
  let localPort = 0;
  const engine = await superviseEngine(async () => {
    const worker = await startEngineWorker({
      config: { host: 'headless', dataDir, version, audio,
        ...(passphrase !== undefined
          ? { secrets: 'file' as const, secretStorage: 'file' as const, secretsPassphrase: passphrase }
          : { secrets: 'memory' as const, secretStorage: 'memory' as const }),
        ...(iaxPort !== undefined ? { localPort: iaxPort } : {}),
        ...(toneHz !== undefined ? { fakeCaptureToneHz: toneHz } : {}) },
    });
    localPort = worker.localPort;
    return worker;
  }, { log: (m) => console.error(`harness: ${m}`) });
  const rendererDir = join(packageRoot, 'dist/renderer');
  const serveRenderer = !args['no-renderer'] && existsSync(join(rendererDir, 'index.html'));
  const host = await startWsHost({
    api: engine, port, ...(args.token !== undefined ? { token: args.token } : {}),
    ...(serveRenderer ? { rendererDir } : {}),
  });

  // Stop handlers first: a script may send SIGTERM as soon as it reads the ready line.
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await engine.shutdown();
    process.exit(0);
  };
  // SIGHUP: the terminal it ran in closed. Every way of being asked to stop hangs up the calls and unregisters
  // (engine.shutdown), and output to a terminal that is gone must not end the process first.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  process.on('SIGINT', () => { void stop(); });
  process.on('SIGTERM', () => { void stop(); });
  process.on('SIGHUP', () => { void stop(); });
  console.log(`Redial headless engine on UDP port ${localPort} (data: ${dataDir}, audio: ${audio}${toneHz ? `, microphone tone ${toneHz} Hz` : ''})`);
  if (serveRenderer) console.log(`Open ${host.pageUrl}`);
  else console.log('No built renderer found (run `npm run build`); API only.');
  console.log(`API: ${host.apiUrl}`);
  if (passphrase === undefined) {
    console.log('Passwords are kept in memory only (set REDIAL_SECRETS_PASSPHRASE to keep them, encrypted, in the data folder).');
  }
  // One machine-readable line for scripts and tests.
  console.log(JSON.stringify({ event: 'ready', page: serveRenderer ? host.pageUrl : null, api: host.apiUrl, iaxPort: localPort,
    audio, toneHz: toneHz ?? null }));

}

main().catch((err: unknown) => {
  console.error(`harness: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
