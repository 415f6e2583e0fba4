// The app's SecretStore: secrets sealed with Electron's safeStorage (Keychain on macOS, DPAPI on Windows,
// libsecret/kwallet on Linux) in userData/secrets.json (stack-notes §3.1 item 7). Only usable after
// app.whenReady(), in the main process. On Linux without a keyring safeStorage falls back to 'basic_text'
// (a hard-coded password: obfuscation, not protection); `describeBackend` lets the UI say so.
import type { SafeStorage } from 'electron';
import { FileSecretStore, type SecretCipher } from './secret-file-store.js';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface SecretBackendInfo {
  readonly storage: 'os-keychain' | 'basic-text' | 'memory';
  /** Set when the user should be told something about where their passwords go. */
  readonly warning?: string;
}

export function describeBackend(safeStorage: SafeStorageLike, platform: string): SecretBackendInfo {
  if (!safeStorage.isEncryptionAvailable()) {
    return { storage: 'memory', warning: 'No system keychain is available: passwords are kept for this session only.' };
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return {
      storage: 'basic-text',
      warning: 'No keyring (GNOME Keyring or KWallet) was found: saved passwords are only obfuscated on disk. ' +
        'Install a keyring, or untick "Remember password" in the account.',
    };
  }
  return { storage: 'os-keychain' };
}

export function safeStorageCipher(safeStorage: SafeStorageLike): SecretCipher {
  return {
    seal: (plain) => new Uint8Array(safeStorage.encryptString(plain)),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed)),
  };
}

/** A FileSecretStore sealed by safeStorage, or undefined when encryption is unavailable (use memory then). */
export function createSafeStorageSecretStore(path: string, safeStorage: SafeStorageLike): FileSecretStore | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return new FileSecretStore(path, safeStorageCipher(safeStorage));
}
