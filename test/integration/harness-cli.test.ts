// `npm run harness` as a user starts it (the built dist/electron/host/harness.js in a child process): the fake
// sound device's microphone plays a 440 Hz tone by default (so meters, Echo and recordings show something),
// --tone chooses another or silence, nonsense is refused with the usage, and SIGTERM stops it cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/support/renderer-build.js';
import { tempDirs } from '../support/temp-dirs.js';
import { ensureBuilt } from '../support/cli.js';

const harness = join(repoRoot, 'dist/electron/host/harness.js');
const tempDir = tempDirs();

/** Starts the harness, returns its `ready` line, then stops it with SIGTERM and returns the exit code too. */
async function readyLine(args: string[]): Promise<{ ready: Record<string, unknown>; code: number | null }> {
  const dataDir = await tempDir('redial-harness-');
  const child = spawn(process.execPath, [harness, '--port', '0', '--iax-port', '0', '--no-renderer', '--data-dir', dataDir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 15_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"event":"ready"'));
      if (line) { clearTimeout(timer); resolve(JSON.parse(line) as Record<string, unknown>); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out}`)); });
  });
  const code = await new Promise<number | null>((resolve) => { child.removeAllListeners('exit'); child.on('exit', resolve); child.kill('SIGTERM'); });
  return { ready, code };
}

describe('npm run harness', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('plays a 440 Hz tone on the fake microphone unless told otherwise', async () => {
    const byDefault = await readyLine(['--audio', 'fake']);
    expect(byDefault.ready).toMatchObject({ event: 'ready', audio: 'fake', toneHz: 440, page: null });
    expect(byDefault.ready.api).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\?token=/);
    expect(byDefault.code).toBe(0);
    expect((await readyLine(['--audio', 'fake', '--tone', '1004'])).ready).toMatchObject({ toneHz: 1004 });
    expect((await readyLine(['--audio', 'fake', '--tone', '0'])).ready).toMatchObject({ toneHz: null });
  }, 40_000);

  it('refuses a tone without the fake device, or out of range, with the usage', () => {
    for (const args of [['--audio', 'none', '--tone', '440'], ['--audio', 'fake', '--tone', '5000'], ['--audio', 'fake', '--tone', 'loud']]) {
      const r = spawnSync(process.execPath, [harness, '--no-renderer', ...args], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--tone needs --audio fake/);
      expect(r.stderr).toMatch(/usage: harness .*--tone HZ/);
    }
  });
});
