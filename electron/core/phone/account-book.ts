// The user's accounts: persisted without secrets through a DocumentStore, secrets through the SecretStore
// (OS keychain in the app). A secret is write-only from the UI's side: it can be set or forgotten, never
// read back. "Don't remember password" keeps it in memory for this session only.
import type { DocumentStore, SecretStore } from '../ports.js';
import type { AccountConfig } from '../iax2/engine-api.js';
import { DEFAULT_CODECS, type AccountInput, type AccountView } from '../../shared/api.js';
import { accountView as isAccountView } from '../../shared/api-guards.js';
import { ApiError } from '../../shared/api.js';

/**
 * An account as stored on disk: everything in AccountView except what is derived, plus whether the user gave it a
 * password (so a password that did not survive a restart is known to be missing, not absent by design).
 */
export type StoredAccount = Omit<AccountView, 'hasSecret' | 'secretMissing'> & { readonly secretExpected?: boolean };
export interface StoredAccounts {
  readonly version: 1;
  readonly accounts: readonly StoredAccount[];
}


const secretKey = (accountId: string): string => `account:${accountId}:secret`;

export class AccountBook {
  private readonly accounts = new Map<string, StoredAccount>();
  /** Secrets known this session (loaded from the store, or not to be remembered). */
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly store: DocumentStore<StoredAccounts>,
    private readonly secretStore: SecretStore,
    private readonly newId: () => string,
  ) {}

  /** Loads the accounts and their secrets; unreadable entries are skipped (and reported), never fatal. */
  async load(): Promise<{ skipped: number }> {
    let doc: StoredAccounts | undefined;
    try { doc = await this.store.load(); } catch { doc = undefined; }
    let skipped = 0;
    const list = doc && Array.isArray(doc.accounts) ? doc.accounts : [];
    for (const raw of list) {
      // Accounts saved before encryption existed have no such field: they load as 'off' (what they did then).
      const { secretExpected, ...read } = raw as Partial<StoredAccount>;
      const candidate = { ...read, encryption: read.encryption ?? 'off', hasSecret: false };
      if (!isAccountView(candidate)) { skipped++; continue; }
      const { hasSecret: _h, ...view } = candidate;
      // Saved before the flag existed: "don't remember" implies there was a password to forget.
      const stored: StoredAccount = { ...view, secretExpected: secretExpected === true || (secretExpected === undefined && !view.rememberSecret) };
      this.accounts.set(stored.id, stored);
      if (stored.rememberSecret) {
        try {
          const secret = await this.secretStore.get(secretKey(stored.id));
          if (secret !== undefined) this.secrets.set(stored.id, secret);
        } catch { /* keychain unavailable: the account shows hasSecret=false and registration says why */ }
      }
    }
    return { skipped };
  }

  list(): AccountView[] {
    return [...this.accounts.values()].map((a) => this.view(a));
  }

  get(id: string): AccountView | undefined {
    const a = this.accounts.get(id);
    return a ? this.view(a) : undefined;
  }

  /** Creates or updates; validates the result (a new account needs a server and a user name). */
  async save(input: AccountInput): Promise<AccountView> {
    const existing = input.id !== undefined ? this.accounts.get(input.id) : undefined;
    if (input.id !== undefined && !existing) throw new ApiError('unknown-account', `there is no account '${input.id}'`);
    const base: StoredAccount = existing ?? {
      id: this.newId(), label: '', server: '', username: '', rememberSecret: true, auth: ['md5'],
      callerIdName: '', callerIdNumber: '', codecs: DEFAULT_CODECS, register: true, enabled: true,
      refreshSeconds: 60, voicemailNumber: '', encryption: 'off',
    };
    const next: StoredAccount = {
      ...base,
      ...pick(input, ['label', 'server', 'username', 'rememberSecret', 'auth', 'callerIdName', 'callerIdNumber',
        'codecs', 'register', 'enabled', 'refreshSeconds', 'voicemailNumber', 'encryption']),
      ...(input.secret !== undefined ? { secretExpected: input.secret !== null } : {}),
    };
    if (!next.server) throw new ApiError('invalid-request', 'the account needs a server');
    if (!next.username) throw new ApiError('invalid-request', 'the account needs a user name');
    if (next.auth.length === 0) throw new ApiError('invalid-request', 'choose at least one authentication method');
    if (next.codecs.length === 0) throw new ApiError('invalid-request', 'choose at least one codec');
    const withLabel: StoredAccount = next.label ? next : { ...next, label: `${next.username}@${next.server}` };

    // Secret first: if the keychain refuses it, nothing else changes.
    if (input.secret === null) {
      this.secrets.delete(withLabel.id);
      await this.secretStore.delete(secretKey(withLabel.id));
    } else if (input.secret !== undefined) {
      if (withLabel.rememberSecret) await this.secretStore.set(secretKey(withLabel.id), input.secret);
      this.secrets.set(withLabel.id, input.secret);
    }
    if (existing && existing.rememberSecret && !withLabel.rememberSecret) {
      await this.secretStore.delete(secretKey(withLabel.id));
    } else if (existing && !existing.rememberSecret && withLabel.rememberSecret && input.secret === undefined) {
      const s = this.secrets.get(withLabel.id);
      if (s !== undefined) await this.secretStore.set(secretKey(withLabel.id), s);
    }
    this.accounts.set(withLabel.id, withLabel);
    await this.persist();
    return this.view(withLabel);
  }

  async delete(id: string): Promise<void> {
    if (!this.accounts.delete(id)) throw new ApiError('unknown-account', `there is no account '${id}'`);
    this.secrets.delete(id);
    await this.secretStore.delete(secretKey(id));
    await this.persist();
  }

  /** What the engine gets: enabled accounts with their secrets. */
  engineAccounts(): AccountConfig[] {
    return [...this.accounts.values()].filter((a) => a.enabled).map((a) => this.engineAccount(a));
  }

  private engineAccount(a: StoredAccount): AccountConfig {
    const secret = this.secrets.get(a.id);
    return {
      id: a.id, server: a.server, username: a.username, auth: a.auth, refreshSeconds: a.refreshSeconds,
      // Without its password the server would refuse it again and again (and say "wrong password"): wait for it.
      codecs: a.codecs, register: a.register && !this.secretMissing(a), encryption: a.encryption,
      ...(secret !== undefined ? { secret } : {}),
      ...(a.callerIdName ? { callerIdName: a.callerIdName } : {}),
      ...(a.callerIdNumber ? { callerIdNumber: a.callerIdNumber } : {}),
    };
  }

  private secretMissing(a: StoredAccount): boolean {
    return a.secretExpected === true && !this.secrets.has(a.id);
  }

  private view(a: StoredAccount): AccountView {
    const { secretExpected: _e, ...rest } = a;
    return { ...rest, hasSecret: this.secrets.has(a.id), ...(this.secretMissing(a) ? { secretMissing: true } : {}) };
  }

  private async persist(): Promise<void> {
    await this.store.save({ version: 1, accounts: [...this.accounts.values()] });
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
