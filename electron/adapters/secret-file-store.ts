// Secrets in one JSON file, sealed by a cipher: Electron's safeStorage in the app, a passphrase in headless mode
// (secret-passphrase-cipher.ts). Without a cipher the values are only base64-encoded: the product never builds it
// that way (compose-phone.ts keeps secrets in memory instead), tests may.
// Values are never logged; a damaged file reads as empty rather than stopping the phone.
import type { SecretStore } from '../core/ports.js';
import { JsonFileStore } from './fs-document-store.js';

/** Turns a secret into opaque bytes and back (safeStorage.encryptString / decryptString). */
export interface SecretCipher {
  seal(plain: string): Uint8Array;
  open(sealed: Uint8Array): string;
}

interface SecretFile {
  readonly version: 1;
  /** key → base64 of the sealed bytes (or of the UTF-8 text when there is no cipher). */
  readonly secrets: Record<string, string>;
}

export class FileSecretStore implements SecretStore {
  private readonly file: JsonFileStore<SecretFile>;
  private cache?: Map<string, string>;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(path: string, private readonly cipher?: SecretCipher) {
    this.file = new JsonFileStore<SecretFile>(path);
  }

  async get(key: string): Promise<string | undefined> {
    const all = await this.loadAll();
    const b64 = all.get(key);
    if (b64 === undefined) return undefined;
    const bytes = Buffer.from(b64, 'base64');
    try {
      return this.cipher ? this.cipher.open(bytes) : bytes.toString('utf8');
    } catch {
      return undefined; // sealed by another user/keyring: as if not stored
    }
  }

  set(key: string, value: string): Promise<void> {
    return this.mutate((all) => {
      const sealed = this.cipher ? this.cipher.seal(value) : Buffer.from(value, 'utf8');
      all.set(key, Buffer.from(sealed).toString('base64'));
    });
  }

  delete(key: string): Promise<void> {
    return this.mutate((all) => { all.delete(key); });
  }

  private async loadAll(): Promise<Map<string, string>> {
    if (this.cache) return this.cache;
    let doc: SecretFile | undefined;
    try { doc = await this.file.load(); } catch { doc = undefined; }
    const map = new Map<string, string>();
    if (doc && typeof doc.secrets === 'object' && doc.secrets !== null) {
      for (const [k, v] of Object.entries(doc.secrets)) if (typeof v === 'string') map.set(k, v);
    }
    this.cache = map;
    return map;
  }

  private mutate(change: (all: Map<string, string>) => void): Promise<void> {
    const run = async (): Promise<void> => {
      const all = await this.loadAll();
      change(all);
      await this.file.save({ version: 1, secrets: Object.fromEntries(all) });
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
