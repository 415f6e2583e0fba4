// The host thread's side of the engine worker: starts electron/host/engine-worker.js and gives back a
// RedialApi whose requests and events travel over the worker's port. The Electron main process relays it
// to the renderer; the ws-host serves it to browsers; the blocking test drives it directly.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { SecretStore } from '../core/ports.js';
import { createApiClient, type ApiClient, type MessageLink, type WireMessage } from '../shared/rpc.js';
import type { PhoneHostConfig } from './compose-phone.js';
import { serveSecrets } from './secret-bridge.js';
import { isWorkerControl, type EngineWorkerData, type WorkerControl } from './worker-protocol.js';

export interface EngineWorkerOptions {
  readonly config: PhoneHostConfig;
  /** Served to the worker when config.secrets === 'remote' (Electron: the safeStorage store). */
  readonly secrets?: SecretStore;
  /** The worker script (default: engine-worker.js next to this file, i.e. in dist/). */
  readonly workerUrl?: URL;
  readonly startTimeoutMs?: number;
  /** Check every event and response against the guards (tests). */
  readonly validate?: boolean;
}

export interface EngineClient extends ApiClient {
  readonly localPort: number;
  readonly worker: Worker;
  /** The media backend's diagnostics (fake-device timing in tests). */
  diagnostics(): Promise<unknown>;
  /** Hangs up, unregisters and stops the worker (terminated if it does not stop within `graceMs`). */
  shutdown(graceMs?: number): Promise<void>;
  /** `listener` runs once if the worker ends without shutdown() (an uncaught error, a crash): see engine-supervisor.ts. */
  onStopped(listener: (reason: string) => void): void;
}

export async function startEngineWorker(options: EngineWorkerOptions): Promise<EngineClient> {
  const url = options.workerUrl ?? new URL('./engine-worker.js', import.meta.url);
  let secretChannel: MessageChannel | undefined;
  let stopSecrets: (() => void) | undefined;
  const data: { config: PhoneHostConfig; secretPort?: EngineWorkerData['secretPort'] } = { config: options.config };
  const transferList = [];
  if (options.config.secrets === 'remote') {
    if (!options.secrets) throw new Error("config.secrets is 'remote' but no secret store was given");
    secretChannel = new MessageChannel();
    stopSecrets = serveSecrets(options.secrets, secretChannel.port1);
    data.secretPort = secretChannel.port2;
    transferList.push(secretChannel.port2);
  }
  const worker = new Worker(url, { workerData: data, transferList, name: 'redial-engine' });

  const receivers: ((m: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  const controls: ((m: WorkerControl) => void)[] = [];
  worker.on('message', (m: unknown) => {
    if (isWorkerControl(m)) { for (const c of [...controls]) c(m); return; }
    for (const r of receivers) r(m);
  });
  let exited = false;
  let stopping = false;
  let lastError: string | undefined;
  const stoppedListeners: ((reason: string) => void)[] = [];
  worker.on('error', (err) => { lastError = err instanceof Error ? err.message : String(err); });
  worker.on('exit', (code) => {
    exited = true;
    stopSecrets?.();
    for (const c of closers) c();
    if (stopping) return;
    const reason = lastError ?? `its worker exited with code ${code}`;
    for (const l of stoppedListeners.splice(0)) l(reason);
  });

  const localPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => { void worker.terminate(); reject(new Error('the engine did not start in time')); },
      options.startTimeoutMs ?? 15_000);
    const onControl = (m: WorkerControl): void => {
      if (m.ctl === 'ready') { clearTimeout(timer); resolve(m.localPort); }
      if (m.ctl === 'failed') { clearTimeout(timer); void worker.terminate(); reject(new Error(`the engine could not start: ${m.message}`)); }
    };
    controls.push(onControl);
    worker.once('error', (err) => { clearTimeout(timer); reject(err); });
    worker.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the engine worker exited (${code}) before it was ready`)); });
  });

  const link: MessageLink = {
    send: (m: WireMessage) => { if (!exited) worker.postMessage(m); else throw new Error('the engine has stopped'); },
    onMessage: (r) => { receivers.push(r); },
    onClose: (c) => { closers.push(c); },
  };
  const client = createApiClient(link, { validate: options.validate ?? false });
  let diagId = 0;

  return {
    request: client.request,
    on: client.on,
    close: client.close,
    localPort,
    worker,
    diagnostics(): Promise<unknown> {
      const id = ++diagId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no diagnostics from the engine')), 5000);
        const onControl = (m: WorkerControl): void => {
          if (m.ctl === 'diagnostics' && m.id === id) {
            clearTimeout(timer);
            controls.splice(controls.indexOf(onControl), 1);
            resolve(m.data);
          }
        };
        controls.push(onControl);
        worker.postMessage({ ctl: 'diagnostics', id } satisfies WorkerControl);
      });
    },
    onStopped(listener: (reason: string) => void): void {
      if (!exited) stoppedListeners.push(listener);
    },
    async shutdown(graceMs = 8000): Promise<void> {
      stopping = true;
      if (exited) return;
      const stopped = new Promise<void>((resolve) => {
        controls.push((m) => { if (m.ctl === 'stopped') resolve(); });
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ ctl: 'shutdown' } satisfies WorkerControl);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([stopped, new Promise<void>((r) => { timer = setTimeout(r, graceMs); })]);
      clearTimeout(timer);
      client.close();
      await worker.terminate();
    },
  } as EngineClient;
}
