// The account form's model: the editable fields as strings, validation with messages per field, and the
// conversion to the API's AccountInput. Kept free of Preact so it can be unit-tested in Node.
// The rules mirror the engine's request guards (electron/shared/api-guards.ts) so the user hears about a
// mistake next to the field instead of as a rejected request.

import {
  DEFAULT_CODECS, type AccountInput, type AccountView, type AuthMethod, type CodecName, type EncryptionMode,
} from '../../electron/shared/api.js';

/** The codecs in the order the form lists them (wideband first). */
export const ALL_CODECS: readonly CodecName[] = ['opus', 'g722', 'slin16', 'ulaw', 'alaw', 'gsm', 'slin'];

export const CODEC_LABELS: Record<CodecName, string> = {
  ulaw: 'G.711 µ-law (8 kHz)', alaw: 'G.711 A-law (8 kHz)', gsm: 'GSM 06.10 (8 kHz)', g722: 'G.722 (16 kHz)',
  slin: 'Signed linear (8 kHz)', slin16: 'Signed linear (16 kHz)', opus: 'Opus (wideband)',
};

export type AuthChoice = 'md5' | 'md5+plaintext' | 'plaintext';
export const AUTH_CHOICES: Record<AuthChoice, { label: string; methods: AuthMethod[] }> = {
  md5: { label: 'MD5 challenge (recommended)', methods: ['md5'] },
  'md5+plaintext': { label: 'MD5, or plaintext if the server asks', methods: ['md5', 'plaintext'] },
  plaintext: { label: 'Plaintext only (insecure)', methods: ['plaintext'] },
};

/** The account form's "Encryption (AES-128)" choices, in the order shown (spec §7). */
export const ENCRYPTION_CHOICES: Record<EncryptionMode, string> = {
  off: 'Off', on: 'When the server supports it', required: 'Required',
};
export const ENCRYPTION_HINT = 'Needs encryption=yes for this user in the server\'s iax.conf; the key comes from the password.';

export interface CodecChoice { readonly name: CodecName; readonly enabled: boolean }

export interface AccountDraft {
  readonly id?: string;
  readonly label: string;
  readonly server: string;
  readonly username: string;
  /** Empty: keep the stored secret (or none). */
  readonly secret: string;
  readonly forgetSecret: boolean;
  readonly hasSecret: boolean;
  readonly rememberSecret: boolean;
  readonly auth: AuthChoice;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  /** All codecs in preference order; disabled ones are not offered. */
  readonly codecs: readonly CodecChoice[];
  readonly register: boolean;
  readonly enabled: boolean;
  readonly refreshSeconds: string;
  readonly voicemailNumber: string;
  readonly encryption: EncryptionMode;
}

export type DraftErrors = Partial<Record<keyof AccountDraft, string>>;

export function emptyDraft(): AccountDraft {
  return draftFrom(undefined);
}

export function draftFrom(a: AccountView | undefined): AccountDraft {
  const chosen = a?.codecs ?? DEFAULT_CODECS;
  return {
    ...(a ? { id: a.id } : {}),
    label: a?.label ?? '',
    server: a?.server ?? '',
    username: a?.username ?? '',
    secret: '',
    forgetSecret: false,
    hasSecret: a?.hasSecret ?? false,
    rememberSecret: a?.rememberSecret ?? true,
    auth: authChoiceOf(a?.auth ?? ['md5']),
    callerIdName: a?.callerIdName ?? '',
    callerIdNumber: a?.callerIdNumber ?? '',
    codecs: [
      ...chosen.map((name) => ({ name, enabled: true })),
      ...ALL_CODECS.filter((n) => !chosen.includes(n)).map((name) => ({ name, enabled: false })),
    ],
    register: a?.register ?? true,
    enabled: a?.enabled ?? true,
    refreshSeconds: String(a?.refreshSeconds ?? 60),
    voicemailNumber: a?.voicemailNumber ?? '',
    encryption: a?.encryption ?? 'off',
  };
}

function authChoiceOf(methods: readonly AuthMethod[]): AuthChoice {
  const m = methods.filter((x) => x !== 'rsa');
  if (m.length === 1 && m[0] === 'plaintext') return 'plaintext';
  if (m.includes('plaintext')) return 'md5+plaintext';
  return 'md5';
}

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?::(\d{1,5}))?$/;
const DIAL = /^[A-Za-z0-9*#+_.@\-]{1,80}$/;

export function validateDraft(d: AccountDraft): DraftErrors {
  const e: DraftErrors = {};
  const server = d.server.trim();
  const m = HOST.exec(server);
  if (!server) e.server = 'Enter the server: host name or address, optionally :port';
  else if (!m) e.server = 'Use host, host:port or [IPv6]:port, without iax:// or a path';
  else if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) e.server = 'Port must be 1–65535';
  const user = d.username.trim();
  if (!user) e.username = 'Enter the user name from the server’s iax.conf';
  else if (/\s/.test(user)) e.username = 'User names cannot contain spaces';
  else if (user.length > 128) e.username = 'At most 128 characters';
  if (d.secret.length > 256) e.secret = 'At most 256 characters';
  if (d.label.length > 128) e.label = 'At most 128 characters';
  if (d.callerIdName.length > 128) e.callerIdName = 'At most 128 characters';
  if (d.callerIdNumber.length > 128) e.callerIdNumber = 'At most 128 characters';
  else if (d.callerIdNumber && !/^[0-9+*#\- ]+$/.test(d.callerIdNumber)) e.callerIdNumber = 'Digits, +, *, # only';
  if (!d.codecs.some((c) => c.enabled)) e.codecs = 'Enable at least one codec';
  const refresh = Number(d.refreshSeconds);
  if (!/^\d+$/.test(d.refreshSeconds.trim()) || refresh < 10 || refresh > 3600) e.refreshSeconds = 'Whole seconds, 10–3600';
  if (d.voicemailNumber && !DIAL.test(d.voicemailNumber)) e.voicemailNumber = 'Digits, letters, * # + only';
  // Spec §7.2: the AES key is MD5(challenge ‖ password); an account without one cannot encrypt.
  const noPassword = d.forgetSecret || (!d.hasSecret && d.secret === '');
  if (d.encryption !== 'off' && noPassword) e.encryption = 'Encryption needs the password: the key comes from it';
  return e;
}

export function inputFrom(d: AccountDraft): AccountInput {
  const secret = d.forgetSecret ? null : d.secret !== '' ? d.secret : undefined;
  return {
    ...(d.id ? { id: d.id } : {}),
    label: d.label.trim() || `${d.username.trim()}@${d.server.trim()}`,
    server: d.server.trim(),
    username: d.username.trim(),
    ...(secret !== undefined ? { secret } : {}),
    rememberSecret: d.rememberSecret,
    auth: AUTH_CHOICES[d.auth].methods,
    callerIdName: d.callerIdName.trim(),
    callerIdNumber: d.callerIdNumber.trim(),
    codecs: d.codecs.filter((c) => c.enabled).map((c) => c.name),
    register: d.register,
    enabled: d.enabled,
    refreshSeconds: Number(d.refreshSeconds),
    voicemailNumber: d.voicemailNumber.trim(),
    encryption: d.encryption,
  };
}

/** Moves the item at `from` to index `to` (drag-and-drop and the up/down buttons). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= list.length) return [...list];
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, item as T);
  return out;
}
