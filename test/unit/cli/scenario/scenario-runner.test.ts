import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../../electron/cli/scenario/scenario-parser.js';
import { planCall } from '../../../../electron/cli/scenario/scenario-vars.js';
import { ScenarioRunner, endText, type ScenarioCall, type ScenarioOutcome } from '../../../../electron/cli/scenario/scenario-runner.js';
import type { PlaySource } from '../../../../electron/cli/scenario/scenario.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { sine } from '../../../support/signals.js';

class FakeCall implements ScenarioCall {
  readonly log: string[] = [];
  playing: { source: PlaySource; seconds: number | undefined; onEnd: () => void } | undefined;
  hangup(): void { this.log.push('hangup'); }
  sendDtmf(d: string): void { this.log.push(`dtmf ${d}`); }
  sendText(t: string): void { this.log.push(`text ${t}`); }
  play(source: PlaySource, seconds: number | undefined, onEnd: () => void): void {
    this.log.push(`play ${source.kind}${seconds !== undefined ? ` ${seconds}` : ''}`);
    this.playing = { source, seconds, onEnd };
  }
  record(path: string): void { this.log.push(`record ${path}`); }
}

function rig(yaml: string) {
  const scenario = parseScenario(yaml, 't.yaml');
  const clock = new FakeClock(0);
  const call = new FakeCall();
  let outcome: ScenarioOutcome | undefined;
  const runner = new ScenarioRunner(planCall(scenario, 1, 'alice').steps, call, clock, {
    timeoutS: scenario.timeoutS, onFinished: (o) => { outcome = o; },
  });
  /** Feeds `seconds` of audio in 20 ms frames as time passes (the shared media tick does this in a real run). */
  const hear = (seconds: number, frame: (i: number) => Int16Array): void => {
    for (let i = 0; i < seconds * 50; i++) { clock.advance(20); if (!runner.done) runner.audio(frame(i), 8000); }
  };
  return { clock, call, runner, hear, outcome: () => outcome };
}

const tone = (hz: number) => { const all = sine(8000, 8000 * 10, hz, 8000); return (i: number) => all.subarray(i * 160, i * 160 + 160); };
const silence = () => new Int16Array(160);

describe('ScenarioRunner', () => {
  it('passes an echo test: answer, play a tone in the background, hear it, hang up', () => {
    const r = rig('steps:\n  - dial: 601\n  - expect: answer\n    within: 5\n  - play: tone\n    hz: 1004\n    background: true\n  - expect: tone\n    hz: 1004\n    within: 2\n  - hangup\n');
    r.runner.start();
    r.clock.advance(30);
    r.runner.answeredNow();
    expect(r.call.log).toEqual(['play tone']);
    r.hear(0.1, silence);
    r.hear(1, tone(1004));
    expect(r.outcome()).toMatchObject({ passed: true });
    expect(r.outcome()!.steps.map((s) => [s.index, s.status])).toEqual([[1, 'passed'], [2, 'passed'], [3, 'passed'], [4, 'passed'], [5, 'passed']]);
    expect(r.outcome()!.steps[1]).toMatchObject({ startedMs: 0, durationMs: 30 });
    expect(r.call.log).toEqual(['play tone', 'hangup']);
  });

  it('fails the tone step with what it heard instead, and skips the rest', () => {
    const r = rig('steps:\n  - dial: 601\n  - expect: answer\n  - expect: tone\n    hz: 1004\n    within: 1\n  - dtmf: "1"\n  - hangup\n');
    r.runner.start();
    r.runner.answeredNow();
    r.hear(1.2, tone(440));
    const o = r.outcome()!;
    expect(o.passed).toBe(false);
    expect(o.failure).toMatch(/^step 3 \(line 4, expect a 1004 Hz tone \(±20 Hz\) for 0\.2 s within 1 s\): not heard within 1 s; heard loudest -15\.2 dBFS, a 440 Hz tone \(100 % of its energy\)$/);
    expect(o.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed', 'skipped', 'skipped']);
    expect(r.call.log).toEqual(['hangup']); // the runner hangs up a call whose scenario failed
  });

  it('reports a busy line at the answer step with the cause', () => {
    const r = rig('steps:\n  - dial: 602\n  - expect: answer\n');
    r.runner.start();
    r.runner.ended({ by: 'remote', causeCode: 17, cause: 'User busy', error: { code: 'busy', message: 'The line is busy.' } });
    expect(r.outcome()!.failure).toBe('step 2 (line 3, expect answer within 30 s): not answered: the far end hung up with cause 17 (User busy): The line is busy.');
    expect(r.call.log).toEqual([]); // nothing to hang up
  });

  it('times out an answer that never comes, saying it rang', () => {
    const r = rig('steps:\n  - dial: 609\n  - expect: ringing\n  - expect: answer\n    within: 3\n');
    r.runner.start();
    r.clock.advance(100);
    r.runner.ringing();
    r.clock.advance(3000);
    expect(r.outcome()!.failure).toBe('step 3 (line 4, expect answer within 3 s): not answered within 3 s (it was ringing)');
  });

  it('fails expect ringing when the call is answered straight away', () => {
    const r = rig('steps:\n  - dial: 601\n  - expect: ringing\n');
    r.runner.start();
    r.runner.answeredNow();
    expect(r.outcome()!.failure).toMatch(/step 2 .*: the call was answered without ringing first$/);
  });

  it('sends DTMF digit by digit at the interval, then waits, then checks the hangup cause', () => {
    const r = rig('steps:\n  - dial: 600\n  - expect: answer\n  - dtmf: "12#"\n    interval: 0.5\n  - expect: hangup\n    cause: 16\n');
    r.runner.start();
    r.runner.answeredNow();
    expect(r.call.log).toEqual(['dtmf 1']);
    r.clock.advance(500);
    expect(r.call.log).toEqual(['dtmf 1', 'dtmf 2']);
    r.clock.advance(1000);
    expect(r.call.log).toEqual(['dtmf 1', 'dtmf 2', 'dtmf #']);
    expect(r.outcome()).toBeUndefined();
    r.runner.ended({ by: 'remote', causeCode: 17 });
    expect(r.outcome()!.failure).toBe('step 4 (line 6, expect the far end to hang up with cause 16 within 10 s): the far end hung up with cause 17 (busy), but cause 16 was expected');
  });

  it('matches TEXT that arrived before its step, and lists what came when it does not match', () => {
    const r = rig('steps:\n  - dial: 607\n  - expect: answer\n  - wait: 1\n  - expect: text\n    text: hello from asterisk\n  - expect: text\n    match: ^bye\n    within: 2\n');
    r.runner.start();
    r.runner.answeredNow();
    r.runner.text('hello from asterisk');
    r.clock.advance(1000);
    expect(r.outcome()).toBeUndefined();
    r.runner.text('good night');
    r.clock.advance(2000);
    expect(r.outcome()!.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'failed']);
    expect(r.outcome()!.failure).toMatch(/no such TEXT within 2 s; received: "good night"$/);
  });

  it('waits for a file to finish playing unless it plays in the background', () => {
    const r = rig('steps:\n  - dial: 601\n  - expect: answer\n  - play: prompt.wav\n  - text: done\n');
    r.runner.start();
    r.runner.answeredNow();
    expect(r.call.log).toEqual(['play file']);
    r.call.playing!.onEnd();
    expect(r.call.log).toEqual(['play file', 'text done', 'hangup']);
    expect(r.outcome()!.passed).toBe(true);
  });

  it('fails the current step when the far end hangs up during it', () => {
    const r = rig('steps:\n  - dial: 608\n  - expect: answer\n  - wait: 10\n');
    r.runner.start();
    r.runner.answeredNow();
    r.clock.advance(3000);
    r.runner.ended({ by: 'remote', causeCode: 16 });
    expect(r.outcome()!.failure).toBe('step 3 (line 4, wait 10 s): the far end hung up with cause 16 (normal clearing) during this step');
  });

  it('expects silence, and speech', () => {
    const r = rig('steps:\n  - dial: 601\n  - expect: answer\n  - expect: silence\n    for: 0.5\n  - expect: speech\n    within: 1\n');
    r.runner.start();
    r.runner.answeredNow();
    r.hear(0.3, tone(700));
    expect(r.outcome()).toBeUndefined();
    r.hear(0.6, silence);
    expect(r.outcome()).toBeUndefined();
    r.hear(0.2, tone(300));
    expect(r.outcome()).toBeUndefined();
    r.hear(0.2, tone(300));
    expect(r.outcome()!.passed).toBe(true);
  });

  it('stops at the scenario time limit', () => {
    const r = rig('timeout: 5\nsteps:\n  - dial: 601\n  - expect: answer\n  - wait: 60\n');
    r.runner.start();
    r.runner.answeredNow();
    r.clock.advance(5000);
    expect(r.outcome()!.failure).toBe("step 3 (line 5, wait 60 s): the scenario's time limit (timeout: 5 s) ran out");
  });
});

describe('endText', () => {
  it('says who ended the call and why', () => {
    expect(endText({ by: 'remote', causeCode: 34 })).toBe('the far end hung up with cause 34 (congestion)');
    expect(endText({ by: 'network', error: { code: 'no-answer', message: 'No answer from 1.2.3.4:4569.' } })).toBe('the call was lost: No answer from 1.2.3.4:4569.');
    expect(endText({ by: 'local' })).toBe('we hung up');
  });
});

describe('ScenarioRunner: our own hangup', () => {
  it('passes the hangup step when the phone reports the end while the step is still running', () => {
    const scenario = parseScenario('steps:\n  - dial: 601\n  - expect: answer\n  - hangup\n', 'h.yaml');
    const clock = new FakeClock(0);
    let outcome: ScenarioOutcome | undefined;
    let runner: ScenarioRunner | undefined;
    // As the phone does: the HANGUP request ends the call synchronously, inside the step.
    const call: ScenarioCall = { hangup: () => runner?.ended({ by: 'local', causeCode: 16 }), sendDtmf: () => undefined, sendText: () => undefined, play: () => undefined, record: () => undefined };
    runner = new ScenarioRunner(planCall(scenario, 1, 'a').steps, call, clock, { timeoutS: 60, onFinished: (o) => { outcome = o; } });
    runner.start();
    runner.answeredNow();
    expect(outcome).toMatchObject({ passed: true });
    expect(outcome!.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
  });
});
