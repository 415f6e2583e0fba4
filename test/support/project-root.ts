// The project folder, from a test file under test/ or its compiled copy under dist/test/ (npm run bench runs the
// compiled helpers, which still need test/asterisk/ configs, ../shared/asterisk and electron/cli/bin.mjs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const twoUp = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute path of the project folder, with a trailing slash. */
export const projectRoot: string = existsSync(join(twoUp, 'package.json')) ? twoUp : join(twoUp, '..', '/');
