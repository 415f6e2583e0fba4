// Secrets kept in memory only (the CLI with --secret/env, "don't remember password", tests).
import type { SecretStore } from '../core/ports.js';

export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  get(key: string): Promise<string | undefined> { return Promise.resolve(this.values.get(key)); }
  set(key: string, value: string): Promise<void> { this.values.set(key, value); return Promise.resolve(); }
  delete(key: string): Promise<void> { this.values.delete(key); return Promise.resolve(); }
}
