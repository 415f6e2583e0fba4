// DocumentStore<T> as a JSON file (settings, accounts without secrets, call history). Writes are atomic
// (temp file + rename) so a crash mid-write never leaves half a document, and private (mode 0600): the
// account list names servers and users. A missing file loads as undefined; a damaged one is moved aside.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DocumentStore } from '../core/ports.js';

export class JsonFileStore<T> implements DocumentStore<T> {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async load(): Promise<T | undefined> {
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
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.path);
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
