// `npm run bench`: builds, then runs this file (dist/test/bench/index.js). It prints the machine, then one table per
// bench module, and writes everything as JSON to dist/bench-results.json. Other helpers' modules join by exporting
// `run(): Promise<BenchSection | BenchSection[]>` (contract in test/bench/bench-types.ts).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { BenchSection } from './bench-types.js';
import { formatSection } from './format-section.js';
import { run as runCallMediaCost } from './call-media-cost.js';
import { run as runJitterQuality } from './jitter-quality.js';

/** Optional modules written by others; a missing file is skipped. */
const OPTIONAL_MODULES = ['./codecs.js', './dsp.js', './call-cost.js', './idle.js', './startup.js', './soak.js', './caller-anchor.js', './security.js',
  './setup-loss.js', './load-500.js', './echo-test.js'];

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.arch()}`;
}

async function main(): Promise<void> {
  const sections: BenchSection[] = [];
  const started = Date.now();
  sections.push(await runJitterQuality());
  sections.push(await runCallMediaCost());
  for (const path of OPTIONAL_MODULES) {
    let mod: { run?: () => Promise<BenchSection | BenchSection[]> };
    try {
      mod = (await import(path)) as typeof mod;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') continue;
      console.error(`bench module ${path} failed to load: ${(error as Error).message}`);
      process.exitCode = 1;
      continue;
    }
    if (typeof mod.run !== 'function') continue;
    try {
      const result = await mod.run();
      sections.push(...(Array.isArray(result) ? result : [result]));
    } catch (error) {
      console.error(`bench module ${path} failed: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
  console.log(`Machine: ${machine()}\n`);
  for (const s of sections) console.log(formatSection(s) + '\n');
  console.log(`(bench took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const outFile = new URL('../../bench-results.json', import.meta.url);
  writeFileSync(outFile, JSON.stringify({ machine: machine(), date: new Date().toISOString(), sections }, null, 2));
}

await main();
