// Seals secrets with a passphrase, for headless mode where no OS keychain is at hand (the harness with
// REDIAL_SECRETS_PASSPHRASE): AES-256-GCM under a key stretched from the passphrase with scrypt, a fresh salt and
// IV per secret, so secrets.json never holds a password in a readable or reversibly encoded form. Without the
// passphrase a sealed secret reads as absent (FileSecretStore then treats it as not stored).
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { SecretCipher } from './secret-file-store.js';

const VERSION = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// scrypt cost: ≈ 50 ms per secret on a laptop, paid once per read or write of an account's password.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export function passphraseCipher(passphrase: string): SecretCipher {
  if (passphrase.length < 8) throw new Error('the secrets passphrase must be at least 8 characters');
  const key = (salt: Uint8Array): Buffer => scryptSync(passphrase, salt, 32, SCRYPT);
  return {
    seal(plain: string): Uint8Array {
      const salt = randomBytes(SALT_BYTES);
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', key(salt), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.of(VERSION), salt, iv, c.getAuthTag(), body]);
    },
    open(sealed: Uint8Array): string {
      const b = Buffer.from(sealed);
      if (b.length < 1 + SALT_BYTES + IV_BYTES + TAG_BYTES || b[0] !== VERSION) throw new Error('not a sealed secret');
      const salt = b.subarray(1, 1 + SALT_BYTES);
      const iv = b.subarray(1 + SALT_BYTES, 1 + SALT_BYTES + IV_BYTES);
      const tag = b.subarray(1 + SALT_BYTES + IV_BYTES, 1 + SALT_BYTES + IV_BYTES + TAG_BYTES);
      const d = createDecipheriv('aes-256-gcm', key(salt), iv);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(b.subarray(1 + SALT_BYTES + IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
    },
  };
}
