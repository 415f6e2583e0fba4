// Every file Redial creates is readable by its owner only (mode 0600): recordings, pcaps and traces hold
// conversations and addresses, settings and history name servers, users and callers. `open(…, 0o600)` sets the
// mode only when it creates the file, so an existing file (an older recording overwritten with --record) is
// chmod-ed too. The umask can only narrow 0600 further.
import { fchmodSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Opens (creating or truncating, by `flags`) a file that only its owner can read. */
export function openPrivateSync(path: string, flags: 'w' | 'wx' | 'a' = 'w'): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  fchmodSync(fd, PRIVATE_FILE_MODE);
  return fd;
}

/** The promise form of {@link openPrivateSync}. */
export async function openPrivate(path: string, flags: 'w' | 'wx' | 'a' = 'w'): Promise<FileHandle> {
  const handle = await open(path, flags, PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/**
 * Writes a whole private file. With `durable`, the data is flushed to the disk (fsync) before this resolves, for
 * files that are renamed into place afterwards (fs-document-store.ts).
 */
export async function writePrivateFile(path: string, data: Uint8Array | string, durable = false): Promise<void> {
  const handle = await openPrivate(path);
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}
