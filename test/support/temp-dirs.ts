// Temporary directories for a test file, all removed once its tests have run (so repeated runs leave nothing
// behind in the system temporary directory).
import { afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Call at the top of a test file (or of a describe block): returns a maker of fresh directories under
 * os.tmpdir(), named `<prefix>XXXXXX`, which are deleted after the last test of that scope.
 */
export function tempDirs(): (prefix: string) => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async (prefix) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
