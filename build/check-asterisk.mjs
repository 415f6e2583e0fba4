// CI pre-flight for the real Asterisk 22 peer (see test/support/asterisk.ts): starts one instance with the test
// PBX configuration, asks it for its version and IAX2 peers, and stops it. Exits non-zero with the reason when
// the tarball is missing or Asterisk cannot run on this machine, so CI fails before the suites do.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.env.REDIAL_ASTERISK_DIR ?? new URL('../../shared/asterisk', import.meta.url).pathname;
const script = join(dir, 'start-asterisk');
if (!existsSync(script)) {
  console.error(`check-asterisk: no start-asterisk in ${dir} (set REDIAL_ASTERISK_DIR)`);
  process.exit(1);
}
const templates = new URL('../test/asterisk/pbx/', import.meta.url).pathname;
const run = mkdtempSync(join(tmpdir(), 'redial-ast-check-'));
const conf = join(run, 'conf-src');
mkdirSync(conf);
for (const f of readdirSync(templates).filter((n) => n.endsWith('.conf'))) {
  const text = readFileSync(join(templates, f), 'utf8').replaceAll('{{PORT}}', '45699').replaceAll('{{RUN_DIR}}', run);
  writeFileSync(join(conf, f), text);
}
try {
  console.log(execFileSync(script, [conf, run], { encoding: 'utf8' }).trim());
  const cli = (c) => execFileSync(script, ['--cli', run, c], { encoding: 'utf8' }).trim();
  console.log(cli('core show version'));
  const peers = cli('iax2 show peers');
  console.log(peers.split('\n').at(-1));
  if (!/\balice\b/.test(peers)) throw new Error('the test PBX did not load its IAX2 users');
} catch (err) {
  console.error(`check-asterisk: ${err instanceof Error ? err.message : String(err)}`);
  try { console.error(readFileSync(join(run, 'log', 'console.log'), 'utf8').split('\n').slice(-20).join('\n')); } catch { /* none */ }
  process.exitCode = 1;
} finally {
  try { execFileSync(script, ['--stop', run]); } catch { /* not running */ }
  rmSync(run, { recursive: true, force: true });
}
