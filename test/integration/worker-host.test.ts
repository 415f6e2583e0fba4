// The engine worker end to end: the API over the worker port → PhoneService → the real engine → UDP on
// 127.0.0.1 → a scripted registrar (call token + MD5). Secrets are served from the host thread (as Electron's
// main process does with safeStorage) and never reach the account files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { bundleEngineWorker } from '../support/bundle.js';
import { startEngineWorker, type EngineClient } from '../../electron/host/engine-client.js';
import { MemorySecretStore } from '../../electron/adapters/secret-memory-store.js';
import type { RegistrationView } from '../../electron/shared/api.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import { FrameType, IaxSubclass } from '../../electron/core/iax2/wire/types.js';


describe('engine worker', () => {
  let workerUrl: URL;
  let dataDir: string;
  let peer: ScriptedPeer;
  let engine: EngineClient;
  const secrets = new MemorySecretStore();

  beforeAll(async () => {
    workerUrl = await bundleEngineWorker();
    dataDir = await mkdtemp(join(tmpdir(), 'redial-worker-'));
    peer = await ScriptedPeer.start();
    peer.enableRegistrar({ users: { alice: { secret: 'wonderland', mailbox: { old: 1, new: 3 } } } });
    engine = await startEngineWorker({
      workerUrl, secrets, validate: true,
      config: { host: 'headless', dataDir, version: 'test', localPort: 0, bindAddress: '127.0.0.1', audio: 'none',
        secrets: 'remote', secretStorage: 'os-keychain' },
    });
  });
  afterAll(async () => {
    await engine?.shutdown();
    await peer?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports itself and its bound port', async () => {
    const info = await engine.request('app:info');
    expect(info).toMatchObject({ name: 'Redial', host: 'headless', apiVersion: 1, secretStorage: 'os-keychain' });
    expect(info.localPort).toBe(engine.localPort);
    expect(info.localPort).toBeGreaterThan(0);
  });

  it('saves an account, keeps the secret in the host store only, and registers with the server', async () => {
    const registrations: RegistrationView[] = [];
    const registered = new Promise<RegistrationView>((resolve) => {
      engine.on('registration', (r) => { registrations.push(r); if (r.status === 'registered') resolve(r); });
    });
    const account = await engine.request('accounts:save', { server: peer.server, username: 'alice', secret: 'wonderland', label: 'Test PBX' });
    expect(account.hasSecret).toBe(true);
    const r = await registered;
    expect(r).toMatchObject({ accountId: account.id, status: 'registered', messages: { old: 1, new: 3 } });
    expect(r.apparentAddress?.address).toBe('127.0.0.1');
    // The secret lives in the host thread's store; the files in the data folder never contain it.
    expect(await secrets.get(`account:${account.id}:secret`)).toBe('wonderland');
    for (const f of await readdir(dataDir)) {
      if (f.endsWith('.json')) expect(await readFile(join(dataDir, f), 'utf8')).not.toContain('wonderland');
    }
    expect(JSON.parse(await readFile(join(dataDir, 'accounts.json'), 'utf8')).accounts[0]).toMatchObject({ username: 'alice', label: 'Test PBX' });
    // The trace saw the exchange, with the MD5 result hidden.
    const trace = await engine.request('trace:recent', {});
    const text = trace.map((t) => t.text).join('\n');
    expect(text).toMatch(/REGREQ/);
    expect(text).toMatch(/REGACK/);
    expect(text).not.toContain('wonderland');
    const pcap = await engine.request('trace:export-pcap');
    expect(pcap.frames).toBeGreaterThanOrEqual(4);
    const bytes = await readFile(pcap.path);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
  });

  it('rejects invalid requests at the worker boundary', async () => {
    const loose = engine.request as (n: string, p: unknown) => Promise<unknown>;
    await expect(loose('accounts:save', { server: 'x y' })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('unregisters on shutdown (REGREL) and stops the thread', async () => {
    const before = peer.fullFramesReceived().length;
    await engine.shutdown();
    const after = peer.fullFramesReceived().slice(before);
    // (REGREL goes through the call-token and MD5 rounds too, so it may be sent more than once.)
    expect(after.filter((f) => f.frameType === FrameType.IAX && f.subclass === IaxSubclass.REGREL).length).toBeGreaterThanOrEqual(1);
    await expect(engine.request('call:list')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
