// The app's secret store: safeStorage-sealed file in userData, or memory when the OS offers no encryption.
import { join } from 'node:path';
import type { SecretStore } from '../core/ports.js';
import { MemorySecretStore } from '../adapters/secret-memory-store.js';
import { createSafeStorageSecretStore, describeBackend, type SafeStorageLike, type SecretBackendInfo } from '../adapters/secret-safe-storage.js';

export function createMainSecretStore(userDataDir: string, safeStorage: SafeStorageLike, platform: string):
  { store: SecretStore; info: SecretBackendInfo } {
  const info = describeBackend(safeStorage, platform);
  const store = createSafeStorageSecretStore(join(userDataDir, 'secrets.json'), safeStorage) ?? new MemorySecretStore();
  return { store, info };
}
