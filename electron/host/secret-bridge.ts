// A SecretStore across threads. Electron's safeStorage exists only in the main process, while the phone runs
// in a worker: the worker asks the main process over a dedicated MessagePort. Values cross the port, never
// a log, and only get/set/delete with string keys and values are honoured.
import type { MessagePort } from 'node:worker_threads';
import type { SecretStore } from '../core/ports.js';

type SecretRequest = { id: number; op: 'get' | 'delete'; key: string } | { id: number; op: 'set'; key: string; value: string };
type SecretReply = { id: number; ok: true; value?: string } | { id: number; ok: false; error: string };

function isSecretRequest(m: unknown): m is SecretRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (!Number.isSafeInteger(r.id) || typeof r.key !== 'string' || r.key.length > 256) return false;
  if (r.op === 'get' || r.op === 'delete') return true;
  return r.op === 'set' && typeof r.value === 'string' && r.value.length <= 4096;
}

/** Main-process side: answers the worker's requests from `store`. Returns a function that stops serving. */
export function serveSecrets(store: SecretStore, port: MessagePort): () => void {
  const onMessage = (m: unknown): void => {
    if (!isSecretRequest(m)) return;
    const reply = (r: SecretReply): void => port.postMessage(r);
    const work: Promise<string | undefined> = m.op === 'get' ? store.get(m.key)
      : m.op === 'set' ? store.set(m.key, m.value).then(() => undefined)
      : store.delete(m.key).then(() => undefined);
    work.then(
      (value) => reply({ id: m.id, ok: true, ...(typeof value === 'string' ? { value } : {}) }),
      (err: unknown) => reply({ id: m.id, ok: false, error: err instanceof Error ? err.message : 'secret store failed' }),
    );
  };
  port.on('message', onMessage);
  return () => { port.off('message', onMessage); port.close(); };
}

/** Worker side: a SecretStore whose every call is answered by the main process. */
export class RemoteSecretStore implements SecretStore {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: string | undefined) => void; reject: (e: Error) => void }>();

  constructor(private readonly port: MessagePort, private readonly timeoutMs = 10_000) {
    port.on('message', (m: unknown) => {
      if (typeof m !== 'object' || m === null) return;
      const r = m as SecretReply;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value); else p.reject(new Error(`secret store: ${r.error}`));
    });
    // Do not keep the worker alive just for this port.
    port.unref();
  }

  get(key: string): Promise<string | undefined> { return this.ask({ op: 'get', key }); }
  async set(key: string, value: string): Promise<void> { await this.ask({ op: 'set', key, value }); }
  async delete(key: string): Promise<void> { await this.ask({ op: 'delete', key }); }

  private ask(req: { op: 'get' | 'delete'; key: string } | { op: 'set'; key: string; value: string }): Promise<string | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('secret store: no answer from the main process'));
      }, this.timeoutMs);
      this.pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.port.postMessage({ id, ...req });
    });
  }
}
