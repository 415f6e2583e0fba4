// JUnit XML for `redial test --junit FILE` (docs/scenarios.md "JUnit XML"): one <testsuite> per scenario, one
// <testcase> per step of each call, so a CI page lists exactly which step of which call failed. The layout is the
// one Jenkins, GitLab and GitHub test reporters read (testsuites › testsuite › testcase with failure/skipped).
import type { ScenarioOutcome } from './scenario-runner.js';

export interface CallReport {
  /** 1-based. */
  readonly call: number;
  readonly account: string;
  readonly outcome: ScenarioOutcome;
}

export interface SuiteReport {
  readonly name: string;
  readonly file?: string;
  /** When the run started (ISO 8601). */
  readonly timestamp: string;
  readonly seconds: number;
  readonly calls: readonly CallReport[];
}

/** Text safe inside XML attributes and elements (and without the control characters XML 1.0 forbids). */
export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const secs = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

export function junitXml(suites: readonly SuiteReport[]): string {
  const count = (s: SuiteReport, status: string) => s.calls.reduce((n, c) => n + c.outcome.steps.filter((x) => x.status === status).length, 0);
  const tests = (s: SuiteReport) => s.calls.reduce((n, c) => n + c.outcome.steps.length, 0);
  const all = { tests: 0, failures: 0, skipped: 0, seconds: 0 };
  const body: string[] = [];
  for (const s of suites) {
    const t = tests(s);
    const f = count(s, 'failed');
    const k = count(s, 'skipped');
    all.tests += t; all.failures += f; all.skipped += k; all.seconds += s.seconds;
    body.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${t}" failures="${f}" errors="0" skipped="${k}" time="${s.seconds.toFixed(3)}" timestamp="${xmlEscape(s.timestamp)}"${s.file !== undefined ? ` file="${xmlEscape(s.file)}"` : ''}>`);
    for (const c of s.calls) {
      const classname = xmlEscape(`${s.name}.call ${c.call} (${c.account})`);
      for (const step of c.outcome.steps) {
        const attrs = `classname="${classname}" name="${xmlEscape(`step ${step.index}: ${step.description}`)}" time="${secs(step.durationMs)}"`
          + `${s.file !== undefined ? ` file="${xmlEscape(s.file)}"` : ''}${step.line !== undefined ? ` line="${step.line}"` : ''}`;
        if (step.status === 'passed') body.push(`    <testcase ${attrs}/>`);
        else if (step.status === 'skipped') body.push(`    <testcase ${attrs}>\n      <skipped message="an earlier step failed"/>\n    </testcase>`);
        else {
          const message = step.message ?? 'failed';
          body.push(`    <testcase ${attrs}>\n      <failure type="step-failed" message="${xmlEscape(message)}">${xmlEscape(c.outcome.failure ?? message)}</failure>\n    </testcase>`);
        }
      }
    }
    body.push('  </testsuite>');
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="redial test" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}" time="${all.seconds.toFixed(3)}">\n${body.join('\n')}\n</testsuites>\n`;
}
