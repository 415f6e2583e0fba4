#!/usr/bin/env node
// Launcher for the `redial` command: runs the compiled CLI from dist/ (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/electron/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('redial: the CLI is not built yet. Run `npm run build` in the project folder first.\n');
  process.exit(70);
}
const { run } = await import(pathToFileURL(entry).href);
const code = await run(process.argv.slice(2), process.env);
// Let stdout drain before exiting (pipes are asynchronous).
process.stdout.write('', () => process.exit(code));
