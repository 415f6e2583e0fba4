#!/usr/bin/env node
// Prints vitest's JSON report as one closing line, 'N passed, N failed, N skipped', for CI logs.
import { readFileSync } from 'node:fs';
const file = process.argv[2];
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} catch (err) {
  console.log(`test summary unavailable (${err instanceof Error ? err.message : String(err)})`);
  process.exit(1);
}
