// vitest globalSetup of the interop project: builds dist/ once, before its files start in parallel (each would
// otherwise run the build itself, at the same time, into the same folder). ensureBuilt() then sets REDIAL_BUILT=1,
// which the test workers inherit, so their own ensureBuilt() calls return at once.
import { ensureBuilt } from './cli.js';

export default function setup(): void {
  ensureBuilt();
}
