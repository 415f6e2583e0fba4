import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { junitXml, xmlEscape, type SuiteReport } from '../../../../electron/cli/scenario/junit.js';

const suite: SuiteReport = {
  name: 'Echo <test>', file: 'examples/echo.yaml', timestamp: '2026-01-01T00:00:00.000Z', seconds: 4.2,
  calls: [
    { call: 1, account: 'alice', outcome: { passed: true, steps: [
      { index: 1, line: 5, description: 'dial 601', status: 'passed', startedMs: 0, durationMs: 0 },
      { index: 2, line: 6, description: 'expect answer within 5 s', status: 'passed', startedMs: 0, durationMs: 31 },
    ] } },
    { call: 2, account: 'bob', outcome: { passed: false, failure: 'step 2 (line 6, expect answer within 5 s): not answered: the far end hung up with cause 17 (busy) & "gone"', steps: [
      { index: 1, line: 5, description: 'dial 601', status: 'passed', startedMs: 0, durationMs: 0 },
      { index: 2, line: 6, description: 'expect answer within 5 s', status: 'failed', startedMs: 0, durationMs: 12, message: 'not answered: the far end hung up with cause 17 (busy) & "gone"' },
      { index: 3, line: 7, description: 'hang up', status: 'skipped' },
    ] } },
  ],
};

describe('junitXml', () => {
  const xml = junitXml([suite]);

  it('has one testcase per step of each call, with failures and skips', () => {
    expect(xml).toContain('<testsuites name="redial test" tests="5" failures="1" errors="0" skipped="1" time="4.200">');
    expect(xml).toContain('<testsuite name="Echo &lt;test&gt;" tests="5" failures="1" errors="0" skipped="1" time="4.200" timestamp="2026-01-01T00:00:00.000Z" file="examples/echo.yaml">');
    expect(xml).toContain('<testcase classname="Echo &lt;test&gt;.call 1 (alice)" name="step 2: expect answer within 5 s" time="0.031" file="examples/echo.yaml" line="6"/>');
    expect(xml).toContain('<failure type="step-failed" message="not answered: the far end hung up with cause 17 (busy) &amp; &quot;gone&quot;">step 2 (line 6, expect answer within 5 s): not answered');
    expect(xml).toContain('name="step 3: hang up" time="0.000" file="examples/echo.yaml" line="7">\n      <skipped message="an earlier step failed"/>');
  });

  it('is well-formed XML (checked by an independent parser)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redial-junit-'));
    try {
      const file = join(dir, 'report.xml');
      writeFileSync(file, xml);
      // python3 (installed by .ci/run) parses strictly: an unescaped & or < would fail here.
      const out = execFileSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(len(r.findall(".//testcase")), len(r.findall(".//failure")))', file], { encoding: 'utf8' });
      expect(out.trim()).toBe('5 1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlEscape('a<b>&"c\'\u0001d\n')).toBe('a&lt;b&gt;&amp;&quot;c&apos;d\n');
  });
});
