// Secret stores: safeStorage-sealed file (no plaintext on disk), describeBackend's warnings, the plain file
// store used headless (mode 0600), and the cross-thread bridge the engine worker uses.
import { describe, expect, it } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { MessageChannel } from 'node:worker_threads';
import { join } from 'node:path';
import { createSafeStorageSecretStore, describeBackend } from '../../../electron/adapters/secret-safe-storage.js';
import { FileSecretStore } from '../../../electron/adapters/secret-file-store.js';
import { MemorySecretStore } from '../../../electron/adapters/secret-memory-store.js';
import { JsonFileStore } from '../../../electron/adapters/fs-document-store.js';
import { RemoteSecretStore, serveSecrets } from '../../../electron/host/secret-bridge.js';
import { safeStorage } from '../../fakes/electron.js';
import { tempDirs } from '../../support/temp-dirs.js';

const tempDir = tempDirs();
const tmp = (): Promise<string> => tempDir('redial-secrets-');

describe('secret stores', () => {
  it('seals secrets with safeStorage: nothing readable on disk, round trip works, a new instance reads them', async () => {
    safeStorage.available = true;
    const path = join(await tmp(), 'secrets.json');
    const store = createSafeStorageSecretStore(path, safeStorage)!;
    await store.set('account:a:secret', 'correct horse');
    await store.set('account:b:secret', 'battery staple');
    await store.delete('account:b:secret');
    const disk = await readFile(path, 'utf8');
    expect(disk).not.toContain('correct horse');
    expect(disk).not.toContain(Buffer.from('correct horse').toString('base64'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = createSafeStorageSecretStore(path, safeStorage)!;
    expect(await again.get('account:a:secret')).toBe('correct horse');
    expect(await again.get('account:b:secret')).toBeUndefined();
    safeStorage.available = false;
    expect(createSafeStorageSecretStore(path, safeStorage)).toBeUndefined();
  });

  it('says where secrets go and warns when that is weak', () => {
    expect(describeBackend({ ...safeStorage, isEncryptionAvailable: () => false }, 'linux')).toMatchObject({ storage: 'memory', warning: expect.stringContaining('session') });
    expect(describeBackend({ ...safeStorage, isEncryptionAvailable: () => true, getSelectedStorageBackend: () => 'basic_text' }, 'linux'))
      .toMatchObject({ storage: 'basic-text', warning: expect.stringContaining('obfuscated') });
    expect(describeBackend({ ...safeStorage, isEncryptionAvailable: () => true, getSelectedStorageBackend: () => 'kwallet5' }, 'linux')).toEqual({ storage: 'os-keychain' });
    expect(describeBackend({ ...safeStorage, isEncryptionAvailable: () => true }, 'darwin')).toEqual({ storage: 'os-keychain' });
  });

  it('a value sealed by another keyring reads as absent, and a damaged file as empty', async () => {
    const dir = await tmp();
    const path = join(dir, 's.json');
    await writeFile(path, JSON.stringify({ version: 1, secrets: { k: Buffer.from('garbage').toString('base64') } }));
    safeStorage.available = true;
    expect(await createSafeStorageSecretStore(path, safeStorage)!.get('k')).toBeUndefined();
    await writeFile(join(dir, 'bad.json'), '{not json');
    expect(await new FileSecretStore(join(dir, 'bad.json')).get('k')).toBeUndefined();
  });

  it('JsonFileStore writes atomically, privately, last write wins, and sets a damaged file aside', async () => {
    const dir = await tmp();
    const s = new JsonFileStore<{ n: number }>(join(dir, 'sub', 'doc.json'));
    expect(await s.load()).toBeUndefined();
    await Promise.all([1, 2, 3, 4, 5].map((n) => s.save({ n })));
    expect(await s.load()).toEqual({ n: 5 });
    expect((await stat(join(dir, 'sub', 'doc.json'))).mode & 0o777).toBe(0o600);
    await writeFile(join(dir, 'sub', 'doc.json'), '{"n":');
    expect(await s.load()).toBeUndefined();
  });

  it('bridges a SecretStore across a MessagePort (worker ↔ main)', async () => {
    const { port1, port2 } = new MessageChannel();
    const backing = new MemorySecretStore();
    const stop = serveSecrets(backing, port1);
    const remote = new RemoteSecretStore(port2);
    await remote.set('account:x:secret', 'over the bridge');
    expect(await backing.get('account:x:secret')).toBe('over the bridge');
    expect(await remote.get('account:x:secret')).toBe('over the bridge');
    await remote.delete('account:x:secret');
    expect(await remote.get('account:x:secret')).toBeUndefined();
    // Malformed requests are ignored, not answered.
    port2.postMessage({ id: 99, op: 'dump' });
    stop();
    port2.close();
  });
});
