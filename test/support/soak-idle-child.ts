// Child-process entry for the idle bench (test/bench/idle.ts). One mode per process, so each is measured alone:
//   baseline   an empty Node process that only waits (the floor: Node itself)
//   in-process the whole phone (composePhone: engine + PhoneService + fs stores) in this thread, registered
//   worker     the engine worker (electron/host/engine-client.ts) as the app and the harness run it, registered
//   worker-fake the same with the paced fake sound card ('--audio fake'): no call, so no stream should be open
// It prints {"event":"window-start"} when measuring starts, then one JSON line with the figures.
//   node dist/test/support/soak-idle-child.js MODE SERVER SECONDS
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composePhone, type ComposedPhone, type PhoneHostConfig } from '../../electron/host/compose-phone.js';
import { startEngineWorker, type EngineClient } from '../../electron/host/engine-client.js';
import type { RedialApi, RegistrationView } from '../../electron/shared/api.js';

export type IdleMode = 'baseline' | 'in-process' | 'worker' | 'worker-fake';

export interface IdleFigures {
  readonly mode: IdleMode;
  readonly wallMs: number;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** Voluntary context switches over the window (each is one sleep → wake-up of some thread of the process). */
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
  readonly rss: number;
  readonly threads: number;
  readonly iaxPort?: number;
}

const [mode, server, secondsArg] = process.argv.slice(2) as [IdleMode, string, string];
const seconds = Number(secondsArg);

async function registered(api: RedialApi): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not register')), 10_000);
    const done = (r: RegistrationView) => { if (r.status === 'registered') { clearTimeout(timer); resolve(); } };
    api.on('registration', done);
    void api.request('accounts:save', { server, username: 'idle', secret: 'idle-secret', label: 'idle' });
  });
}

async function threadCount(): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  try { return (await readdir('/proc/self/task')).length; } catch { return 0; }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'redial-idle-'));
  const config: PhoneHostConfig = {
    host: 'headless', dataDir, version: 'idle', localPort: 0, bindAddress: '127.0.0.1',
    audio: mode === 'worker-fake' ? 'fake' : 'none', secrets: 'memory', secretStorage: 'memory',
  };
  let composed: ComposedPhone | undefined;
  let worker: EngineClient | undefined;
  let iaxPort: number | undefined;
  if (mode === 'in-process') {
    composed = await composePhone(config);
    iaxPort = composed.localPort;
    await registered(composed.phone);
  } else if (mode === 'worker' || mode === 'worker-fake') {
    worker = await startEngineWorker({ config });
    iaxPort = worker.localPort;
    await registered(worker);
  }
  await new Promise((r) => setTimeout(r, 500)); // the registration's last ACKs and the start-up garbage settle
  process.stdout.write(JSON.stringify({ event: 'window-start', iaxPort }) + '\n');
  const cpu0 = process.cpuUsage();
  const ru0 = process.resourceUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const ru = process.resourceUsage();
  const figures: IdleFigures = {
    mode, wallMs: performance.now() - t0, cpuUserUs: cpu.user, cpuSystemUs: cpu.system,
    voluntarySwitches: ru.voluntaryContextSwitches - ru0.voluntaryContextSwitches,
    involuntarySwitches: ru.involuntaryContextSwitches - ru0.involuntaryContextSwitches,
    rss: process.memoryUsage().rss, threads: await threadCount(), ...(iaxPort !== undefined ? { iaxPort } : {}),
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
  await composed?.close();
  await worker?.shutdown();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`idle child: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
