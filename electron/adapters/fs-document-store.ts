// DocumentStore<T> as a JSON file (settings, accounts without secrets, call history). Writes are atomic and
// durable: the new text goes to a temp file that is fsync-ed before it is renamed over the document (and the
// folder is fsync-ed after), so neither a crash nor a power cut leaves half a document or an empty one. Files are
// private (mode 0600): the account list names servers and users, the history names callers. A missing file loads
// as undefined; a damaged one is moved aside. Temp files that a killed process left behind
// (`NAME.<pid>.tmp`) are removed on the first load.
import { readdir, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DocumentStore } from '../core/ports.js';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.js';

/** A temp file older than this is an orphan whatever its pid says (pids are reused). */
const ORPHAN_AGE_MS = 10 * 60_000;

export class JsonFileStore<T> implements DocumentStore<T> {
  private queue: Promise<void> = Promise.resolve();
  private swept = false;

  constructor(readonly path: string) {}

  async load(): Promise<T | undefined> {
    await this.sweepTempFiles();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      // Keep the damaged file for the user to inspect, start afresh.
      await rename(this.path, `${this.path}.damaged-${Date.now()}`).catch(() => undefined);
      return undefined;
    }
  }

  /** Saves are serialised: the last call's value is what ends up on disk. */
  save(value: T): Promise<void> {
    const text = JSON.stringify(value, null, 2) + '\n';
    const run = async (): Promise<void> => {
      const dir = dirname(this.path);
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const tmp = `${this.path}.${process.pid}.tmp`;
      try {
        await writePrivateFile(tmp, text, true);
        await rename(tmp, this.path);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      await syncFolder(dir);
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Removes `NAME.<pid>.tmp` files of processes that are gone (or that are older than any save takes). */
  private async sweepTempFiles(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    let names: string[];
    try { names = await readdir(dir); } catch { return; }
    const now = Date.now();
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const pidText = name.slice(prefix.length, -'.tmp'.length);
      if (!/^\d+$/.test(pidText)) continue;
      const pid = Number(pidText);
      const file = join(dir, name);
      let old = false;
      try { old = now - (await stat(file)).mtimeMs > ORPHAN_AGE_MS; } catch { continue; }
      if (old || (pid !== process.pid && !processAlive(pid))) await unlink(file).catch(() => undefined);
    }
  }
}

/** True when a process with this id exists (EPERM: it does, and belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** fsync of the folder, so the rename itself survives a power cut. Not possible on Windows: skipped there. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  } catch { /* best effort: the data itself is already on disk */ }
}
