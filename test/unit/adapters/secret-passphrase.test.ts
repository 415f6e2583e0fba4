// Headless secret storage: secrets.json sealed with a passphrase (AES-256-GCM, scrypt), never readable.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { passphraseCipher } from '../../../electron/adapters/secret-passphrase-cipher.js';
import { FileSecretStore } from '../../../electron/adapters/secret-file-store.js';
import { tempDirs } from '../../support/temp-dirs.js';

const tempDir = tempDirs();

describe('passphrase-sealed secrets', () => {
  it('round-trips, differs every time it seals, and does not open with another passphrase', () => {
    const c = passphraseCipher('correct horse battery');
    const a = c.seal('s3cret-pässword');
    const b = c.seal('s3cret-pässword');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(c.open(a)).toBe('s3cret-pässword');
    expect(() => passphraseCipher('wrong horse battery').open(a)).toThrow();
    const tampered = Uint8Array.from(a);
    tampered[tampered.length - 1] ^= 1;
    expect(() => c.open(tampered)).toThrow();
    expect(() => passphraseCipher('short')).toThrow(/at least 8/);
  });

  it('keeps the password out of the file, and reads as absent without the passphrase', async () => {
    const path = join(await tempDir('redial-secrets-'), 'secrets.json');
    await new FileSecretStore(path, passphraseCipher('correct horse battery')).set('acc-1', 'builder');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('builder');
    expect(text).not.toContain(Buffer.from('builder').toString('base64').slice(0, 8));
    expect(await new FileSecretStore(path, passphraseCipher('correct horse battery')).get('acc-1')).toBe('builder');
    expect(await new FileSecretStore(path, passphraseCipher('another passphrase')).get('acc-1')).toBeUndefined();
  });
});
