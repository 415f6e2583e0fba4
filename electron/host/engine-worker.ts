// The engine worker (README "Architecture"): the IAX2 engine, the call media and the PhoneService run here,
// on their own event loop, so audio timing never depends on the UI thread (a blocked Electron main thread
// must not glitch a call: test/integration/worker-blocking.test.ts). The host thread talks to it through
// the API messages (electron/shared/rpc.ts) on the worker port, plus a few control messages.
import { parentPort, workerData } from 'node:worker_threads';
import { serveApi, type MessageLink, type WireMessage } from '../shared/rpc.js';
import { composePhone, type ComposedPhone } from './compose-phone.js';
import { RemoteSecretStore } from './secret-bridge.js';
import { createDeviceMedia } from './device-media-factory.js';
import { startEchoPeer } from './echo-peer.js';
import { isWorkerControl, type EngineWorkerData, type WorkerControl } from './worker-protocol.js';

if (!parentPort) throw new Error('engine-worker.js must run as a worker thread');
const port = parentPort;

const data = workerData as EngineWorkerData;
const post = (m: WorkerControl | WireMessage): void => port.postMessage(m);

const link: MessageLink = {
  send: (m) => post(m),
  onMessage: (receive) => port.on('message', (m: unknown) => { if (!isWorkerControl(m)) receive(m); }),
};

let composed: ComposedPhone | undefined;

async function main(): Promise<void> {
  try {
    composed = await composePhone(data.config, {
      ...(data.config.secrets === 'remote' && data.secretPort ? { secrets: new RemoteSecretStore(data.secretPort) } : {}),
      createMedia: createDeviceMedia,
      // The app's and the harness's "Echo test" (the command line has `redial listen --echo` instead).
      echoPeer: () => startEchoPeer(data.config.version),
    });
  } catch (err) {
    post({ ctl: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const stop = serveApi(composed.phone, link);
  port.on('message', (m: unknown) => {
    if (!isWorkerControl(m)) return;
    if (m.ctl === 'shutdown') {
      stop();
      void (composed?.close() ?? Promise.resolve()).finally(() => post({ ctl: 'stopped' }));
    } else if (m.ctl === 'diagnostics') {
      post({ ctl: 'diagnostics', id: m.id, data: composed?.media.diagnostics?.() });
    }
  });
  post({ ctl: 'ready', localPort: composed.localPort });
}

void main();
