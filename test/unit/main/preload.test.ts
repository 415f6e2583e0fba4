// The preload: exactly one key on window (`redial`), only contract channels, errors with their code, events
// fanned out to listeners, and a bundle that needs nothing but `electron` (sandboxed preloads, stack-notes §3.1).
import { describe, expect, it, vi } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
type Fake = typeof import('../../fakes/electron.js');
type Exposed = { request: (n: string, p?: unknown) => Promise<unknown>; on: (n: string, l: (p: unknown) => void) => () => void };

let contextBridge: Fake['contextBridge'];
let ipcRenderer: Fake['ipcRenderer'];

/** A fresh module registry per test: the preload registers its IPC listener at load time. */
async function loadPreload(): Promise<Exposed> {
  vi.resetModules();
  const fake: Fake = await import('../../fakes/electron.js');
  fake.resetElectronFake();
  contextBridge = fake.contextBridge;
  ipcRenderer = fake.ipcRenderer;
  // (A computed specifier: the preload belongs to tsconfig.preload.json, not the node project this test is in.)
  const preload = '../../../electron/preload/index.js';
  await import(/* @vite-ignore */ preload);
  return contextBridge.exposed.get('redial') as Exposed;
}

describe('preload', () => {

  it('exposes only window.redial with request and on', async () => {
    const api = await loadPreload();
    expect([...contextBridge.exposed.keys()]).toEqual(['redial']);
    expect(Object.keys(api).sort()).toEqual(['on', 'request']);
  });

  it('refuses channels outside the contract without touching IPC', async () => {
    const api = await loadPreload();
    await expect(api.request('shell:exec', {})).rejects.toEqual({ name: 'ApiError', code: 'invalid-request', message: "unknown request 'shell:exec'" });
    expect(api.on('secret:read', () => undefined)).toBeTypeOf('function');
    expect(ipcRenderer.invoked).toEqual([]);
    expect(ipcRenderer.sentMessages).toEqual([]);
  });

  it('invokes the request channel and unwraps results and errors (keeping the code)', async () => {
    const api = await loadPreload();
    ipcRenderer.invokeImpl = (_c, name) => Promise.resolve(name === 'call:list'
      ? { ok: true, result: [] }
      : { ok: false, error: { code: 'unknown-call', message: 'that call has ended' } });
    await expect(api.request('call:list')).resolves.toEqual([]);
    await expect(api.request('call:hangup', { callId: 'x' })).rejects.toEqual({ name: 'ApiError', code: 'unknown-call', message: 'that call has ended' });
    expect(ipcRenderer.invoked).toEqual([
      { channel: 'redial:request', args: ['call:list', {}] },
      { channel: 'redial:request', args: ['call:hangup', { callId: 'x' }] },
    ]);
  });

  it('subscribes once per event name, fans events out, and unsubscribes with the last listener', async () => {
    const api = await loadPreload();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.on('call:dtmf', (p) => a.push(p));
    const offB = api.on('call:dtmf', (p) => b.push(p));
    expect(ipcRenderer.sentMessages).toEqual([{ channel: 'redial:listen', args: ['call:dtmf', true] }]);
    ipcRenderer.emit('redial:event', {}, 'call:dtmf', { callId: 'c', digit: '1' });
    ipcRenderer.emit('redial:event', {}, 'bogus', { x: 1 });
    expect(a).toEqual([{ callId: 'c', digit: '1' }]);
    expect(b).toEqual([{ callId: 'c', digit: '1' }]);
    offA();
    expect(ipcRenderer.sentMessages).toHaveLength(1);
    offB();
    expect(ipcRenderer.sentMessages.at(-1)).toEqual({ channel: 'redial:listen', args: ['call:dtmf', false] });
    ipcRenderer.emit('redial:event', {}, 'call:dtmf', { callId: 'c', digit: '2' });
    expect(a).toHaveLength(1);
  });

  it('bundles into one CommonJS file that requires only electron', async () => {
    const out = await build({
      entryPoints: [fileURLToPath(new URL('../../../electron/preload/index.ts', import.meta.url))],
      bundle: true, platform: 'node', format: 'cjs', target: 'es2022', external: ['electron'], write: false, logLevel: 'silent',
    });
    const code = out.outputFiles[0].text;
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(code).not.toMatch(/exposeInMainWorld\(\s*["']ipcRenderer/);
  });
});
