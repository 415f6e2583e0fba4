// `redial test` with the shipped example scenarios (examples/scenarios/) against the real Asterisk 22, as a PBX
// admin's CI would run them: each must pass, write its JUnit XML, and do what it claims on the server; and a
// deliberately wrong expectation must fail, naming the step, its line and what was heard instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../../electron/core/media/wav.js';
import { strongestTone } from '../../electron/core/media/analysis/spectrum.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt, startCli, type RunningCli } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';
import { projectRoot } from '../support/project-root.js';

const example = (name: string): string => join(projectRoot, 'examples', 'scenarios', name);

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'redial test: the example scenarios against Asterisk 22', () => {
  const pbx = useAsterisk();
  const dir = mkdtempSync(join(tmpdir(), 'redial-scenarios-'));
  const running: RunningCli[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  // Tests run two at a time (it.concurrent): leftovers are killed at the end, never under a running test.
  afterAll(() => {
    for (const c of running.splice(0)) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `redial test` in the temporary folder (recordings land there), through alice. */
  function test(file: string, extra: readonly string[] = []): RunningCli {
    const cli = startCli(['test', file, '--server', pbx().server, '--user', 'alice', '--port', '0', ...extra],
      { REDIAL_SECRET: 'alice-secret' }, dir);
    running.push(cli);
    return cli;
  }
  const junit = (name: string): { tests: number; failures: number; skipped: number; xml: string } => {
    const xml = readFileSync(join(dir, name), 'utf8');
    const m = /<testsuites name="redial test" tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)"/.exec(xml);
    if (!m) throw new Error(`not a JUnit report: ${xml.slice(0, 300)}`);
    return { tests: Number(m[1]), failures: Number(m[2]), skipped: Number(m[3]), xml };
  };

  it.concurrent('echo-test.yaml: the tone comes back from Echo(), then silence; exit 0', async () => {
    const cli = test(example('echo-test.yaml'), ['--junit', join(dir, 'echo.xml')]);
    expect(await cli.exited(60_000)).toBe(0);
    expect(junit('echo.xml')).toMatchObject({ tests: 7, failures: 0, skipped: 0 });
  }, 60_000);

  it.concurrent('milliwatt.json: the 1004 Hz tone is heard and recorded; exit 0', async () => {
    const cli = test(example('milliwatt.json'), ['--junit', join(dir, 'mw.xml')]);
    expect(await cli.exited(60_000)).toBe(0);
    expect(junit('mw.xml')).toMatchObject({ tests: 6, failures: 0 });
    const wav = decodeWav(readFileSync(join(dir, 'milliwatt-1.wav')));
    expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(1.9);
    const peak = strongestTone(wav.samples.subarray(8000, 8000 + 320), wav.sampleRate, 300, 3500, 10);
    expect(Math.abs(peak.hz - 1004)).toBeLessThan(5);
  }, 60_000);

  it('ivr-dtmf.yaml, 3 calls at once: each call\'s digits reach Read(), the dialplan hangs up with cause 16; exit 0', async () => {
    const cli = test(example('ivr-dtmf.yaml'), ['--calls', '3', '--junit', join(dir, 'ivr.xml'), '--json']);
    expect(await cli.exited(60_000)).toBe(0);
    expect(junit('ivr.xml')).toMatchObject({ tests: 15, failures: 0 });
    expect(cli.events.filter((e) => e.event === 'scenario-call' && e.passed === true)).toHaveLength(3);
    expect(cli.events.find((e) => e.event === 'report')).toMatchObject({ calls: 3, passed: 3, failed: 0, answered: 3 });
    // The three calls share alice's caller number, so AstDB holds the digits of whichever call finished last.
    expect(['1234', '5678', '9012']).toContain(await pbx().dbGet('redial', '2001'));
  }, 60_000);

  it('a wrong expectation fails: the step, its line and what was heard are named, in the output and the JUnit XML; exit 13', async () => {
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, ['name: wrong tone', 'steps:', '  - dial: 603', '  - expect: answer', '  - expect: tone', '    hz: 440',
      '    within: 2', '  - hangup', ''].join('\n'));
    const cli = test(wrong, ['--junit', join(dir, 'wrong.xml')]);
    expect(await cli.exited(60_000)).toBe(13);
    const line = cli.stdout().split('\n').find((l) => l.startsWith('call 1 (alice): FAILED'));
    expect(line).toMatch(/^call 1 \(alice\): FAILED at step 3 \(line 5, expect a 440 Hz tone \(±20 Hz\) for 0\.2 s within 2 s\): not heard within 2 s; heard loudest -\d+\.\d dBFS, a 100[0-9] Hz tone/);
    const report = junit('wrong.xml');
    expect(report).toMatchObject({ tests: 4, failures: 1, skipped: 1 });
    // The failure sits in step 3's test case (named for the step, with its line), the hangup after it is skipped.
    expect(report.xml).toMatch(/<testcase classname="wrong tone\.call 1 \(alice\)" name="step 3: expect a 440 Hz tone [^"]*"[^>]* line="5">\s*<failure type="step-failed" message="not heard within 2 s; heard loudest [^"]*a 100\d Hz tone/);
    expect(report.xml).toMatch(/name="step 4: hang up"[^>]*>\s*<skipped/);
  }, 60_000);
});
