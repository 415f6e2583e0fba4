// Control messages between the engine worker and its host thread, beside the API messages (rpc.ts).
import type { MessagePort } from 'node:worker_threads';
import type { PhoneHostConfig } from './compose-phone.js';

export interface EngineWorkerData {
  readonly config: PhoneHostConfig;
  /** Present when config.secrets === 'remote': the worker's end of the secret bridge. */
  readonly secretPort?: MessagePort;
}

export type WorkerControl =
  | { readonly ctl: 'ready'; readonly localPort: number }
  | { readonly ctl: 'failed'; readonly message: string }
  | { readonly ctl: 'shutdown' }
  | { readonly ctl: 'stopped' }
  | { readonly ctl: 'diagnostics'; readonly id: number; readonly data?: unknown };

export function isWorkerControl(m: unknown): m is WorkerControl {
  return typeof m === 'object' && m !== null && typeof (m as { ctl?: unknown }).ctl === 'string';
}
