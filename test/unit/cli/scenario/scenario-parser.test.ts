import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../../../electron/cli/scenario/scenario-parser.js';
import { describeStep, stepName } from '../../../../electron/cli/scenario/scenario.js';
import { planCall } from '../../../../electron/cli/scenario/scenario-vars.js';

const ECHO = `name: Echo test
description: plays a tone into Echo() and expects it back
codec: [ulaw]
steps:
  - dial: 601
  - expect: answer
    within: 5
  - play: tone
    hz: 1004
    seconds: 3
    background: true
  - expect: tone
    hz: 1004
    tolerance: 15
    within: 2
  - hangup
`;

function errorOf(text: string, file = 'x.yaml'): string {
  try {
    parseScenario(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseScenario: YAML', () => {
  it('reads every step with its line and the defaults filled in', () => {
    const s = parseScenario(ECHO, 'echo.yaml');
    expect(s.name).toBe('Echo test');
    expect(s.codecs).toEqual(['ulaw']);
    expect(s.timeoutS).toBe(120);
    expect(s.steps).toEqual([
      { kind: 'dial', number: '601', index: 1, line: 5 },
      { kind: 'expect-answer', withinS: 5, index: 2, line: 6 },
      { kind: 'play', source: { kind: 'tone', hz: [1004], levelDbfs: -10 }, seconds: 3, background: true, index: 3, line: 8 },
      { kind: 'expect-tone', hz: 1004, toleranceHz: 15, withinS: 2, forS: 0.2, levelDbfs: -50, index: 4, line: 12 },
      { kind: 'hangup', index: 5, line: 16 },
    ]);
    expect(stepName(s.steps[3])).toBe('step 4 (line 12, expect a 1004 Hz tone (±15 Hz) for 0.2 s within 2 s)');
  });

  it('keeps numbers as written where text is meant (leading zeros, yes/no)', () => {
    const s = parseScenario('steps:\n  - dial: 0800\n  - text: no\n  - dtmf: 0012#\n', 'a.yaml');
    expect(s.steps.map((x) => (x.kind === 'dial' ? x.number : x.kind === 'text' ? x.text : x.kind === 'dtmf' ? x.digits : ''))).toEqual(['0800', 'no', '0012#']);
    expect(s.name).toBe('a');
  });

  it('reads every kind of step', () => {
    const s = parseScenario(`steps:
  - dial: 600
  - expect: ringing
  - expect: answer
  - wait: 0.5
  - play: prompt.wav
  - play: silence
    seconds: 1
  - play: tone
    hz: [350, 440]
    level: -20
    seconds: 2
  - dtmf: 12*#
    interval: 0.3
  - text: hello
  - expect: speech
  - expect: energy
    level: -30
  - expect: silence
    for: 2
  - expect: text
    match: ^hello
  - expect: text
    text: hi there
  - expect: dtmf
    digits: "5"
  - record: heard.wav
    seconds: 4
  - expect: hangup
    cause: busy
`, 'all.yaml');
    expect(s.steps.map((x) => describeStep(x))).toEqual([
      'dial 600', 'expect ringing within 10 s', 'expect answer within 30 s', 'wait 0.5 s', 'play prompt.wav',
      'play silence for 1 s', 'play tone 350+440 Hz for 2 s', 'send DTMF 12*#', 'send TEXT "hello"',
      'expect speech above -40 dBFS for 0.3 s within 5 s', 'expect speech above -30 dBFS for 0.3 s within 5 s',
      'expect 2 s of silence (below -45 dBFS) within 5 s', 'expect TEXT matching /^hello/ within 5 s',
      'expect TEXT "hi there" within 5 s', 'expect DTMF 5 within 5 s', 'record to heard.wav for 4 s',
      'expect the far end to hang up with cause 17 within 10 s',
    ]);
    expect(parseScenario('steps:\n  - dial: 1\n  - expect: hangup\n    cause: 16\n    within: 4\n').steps[1]).toMatchObject({ causeCode: 16, withinS: 4 });
    expect(s.steps[7]).toMatchObject({ kind: 'dtmf', intervalS: 0.3 });
  });
});

describe('parseScenario: JSON', () => {
  it('reads the same structure, with lines', () => {
    const s = parseScenario(`{
  "name": "milliwatt",
  "steps": [
    {"dial": "603"},
    {"expect": "answer", "within": 5},
    {"expect": "tone", "hz": 1004, "within": 3},
    "hangup"
  ]
}`, 'mw.json');
    expect(s.steps.map((x) => [x.kind, x.line])).toEqual([['dial', 4], ['expect-answer', 5], ['expect-tone', 6], ['hangup', 7]]);
    expect(s.steps[2]).toMatchObject({ hz: 1004, withinS: 3 });
  });

  it('reports a JSON syntax error with line and column', () => {
    expect(errorOf('{\n  "steps": [\n    {"dial": "601"},,\n  ]\n}', 'bad.json')).toMatch(/^bad\.json:3:\d+: not valid JSON: /);
  });
});

describe('parseScenario: clear errors naming the line and the step', () => {
  it.each([
    ['steps:\n  - dial: 601\n  - expect: answr\n', 'x.yaml:3: step 2: cannot expect \'answr\' (expect one of: answer, ringing, tone, speech, energy, silence, text, dtmf, hangup)'],
    ['steps:\n  - dial: 601\n  - expect: tone\n    hz: 1004\n    tolerence: 5\n', 'x.yaml:5: step 2: expect tone has no option \'tolerence\' (options: hz, tolerance, within, for, level)'],
    ['steps:\n  - dial: 601\n  - expect: answer\n    within: soon\n', 'x.yaml:4: step 2: \'within\' must be a number of seconds (got "soon")'],
    ['steps:\n  - dial: 601\n  - expect: tone\n', 'x.yaml:3: step 2: expect tone needs `hz:` (the frequency to hear)'],
    ['steps:\n  - dial: 601\n  - play: tone\n    hz: 440\n', 'x.yaml:3: step 2: play tone without `seconds:` never ends: give seconds, or `background: true` to play it while the next steps run'],
    ['steps:\n  - dial: 601\n  - dial: 602\n', 'x.yaml:3: step 2: a scenario places one call; only step 1 dials'],
    ['steps:\n  - expect: answer\n', 'x.yaml:2: step 1 must be `dial: NUMBER` (it is: expect answer within 30 s)'],
    ['steps:\n  - dial: 601\n  - hangup:\n    wait: 2\n', 'x.yaml:4: step 2: one action per step (found hangup and wait); make them separate steps'],
    ['steps:\n  - dial: 601\n  - sing: loud\n', 'x.yaml:3: step 2: no action (\'sing\' is not one): each step starts with one of dial, expect, wait, play, dtmf, text, hangup, record'],
    ['steps:\n  - dial: 601\n  - dtmf: 12x\n', 'x.yaml:3: step 2: \'12x\' is not DTMF (0-9 * # A-D)'],
    ['steps:\n  - dial: ${ext}\n', 'x.yaml:2: step 1: dial: unknown variable ${ext} (known: call, user)'],
    ['steps:\n  - dial: 601\n  - expect: hangup\n    cause: 999\n', 'x.yaml:4: step 2: \'cause\' must be at most 127 (got 999)'],
    ['steps:\n  - dial: 601\n  - expect: text\n', 'x.yaml:3: step 2: expect text needs either `text:` (exact) or `match:` (a regular expression)'],
    ['steps:\n  - dial: 601\n  - play: song.mp3\n', 'x.yaml:3: step 2: \'song.mp3\' is not a .wav file (or `tone`, `silence`)'],
    ['stpes:\n  - dial: 601\n', 'x.yaml:1: unknown key \'stpes\' (known: name, description, vars, accounts, codec, timeout, steps)'],
    ['name: x\n', 'x.yaml:1: `steps:` must be a list with at least one step (the first one is `dial: NUMBER`)'],
    ['codec: mp3\nsteps:\n  - dial: 1\n', 'x.yaml:1: unknown codec \'mp3\' (known: ulaw, alaw, gsm, g722, slin, slin16, opus)'],
    ['accounts:\n  - user: alice\n    secret: hunter2\nsteps:\n  - dial: 1\n', 'x.yaml:3: secrets do not belong in scenario files: name an environment variable with `secret-env: VAR`'],
    ['vars:\n  call: 3\nsteps:\n  - dial: 1\n', 'x.yaml:2: \'call\' is set by redial for each call; choose another name'],
    ['steps:\n  - dial: 601\n   - hangup\n', 'x.yaml:3:4: not valid YAML: bad indentation of a sequence entry'],
    ['steps:\n  - dial: 601\n  - hangup\n  - wait: 1\n', 'x.yaml:4: step 3: nothing can follow step 2 (hang up): the call is over by then'],
    ['- dial: 601\n', 'x.yaml:1: a scenario is a mapping with `steps:` (and optionally name, description, vars, accounts, codec, timeout)'],
  ])('%#', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });
});

describe('planCall: variables per call', () => {
  const s = parseScenario(`vars:
  digits: ["1234", "5678", "9"]
  ext: 600
  file: heard-\${call}-\${user}.wav
accounts:
  - alice
  - user: bob
    secret-env: BOB_SECRET
steps:
  - dial: \${ext}
  - expect: answer
  - dtmf: \${digits}#
  - record: \${file}
`, 'ivr.yaml');

  it('cycles lists and accounts over the calls and fills ${call} and ${user}', () => {
    const c1 = planCall(s, 1, 'cli-user');
    const c2 = planCall(s, 2, 'cli-user');
    const c4 = planCall(s, 4, 'cli-user');
    expect(c1.account).toEqual({ user: 'alice', line: 6 });
    expect(c2.account).toEqual({ user: 'bob', secretEnv: 'BOB_SECRET', line: 7 });
    expect(c1.steps[0]).toMatchObject({ kind: 'dial', number: '600' });
    expect([c1, c2, c4].map((c) => (c.steps[2].kind === 'dtmf' ? c.steps[2].digits : ''))).toEqual(['1234#', '5678#', '1234#']);
    expect(c2.steps[3]).toMatchObject({ kind: 'record', path: 'heard-2-bob.wav' });
  });

  it('uses the command line user when the scenario has no accounts', () => {
    const t = parseScenario('steps:\n  - dial: "7${call}"\n  - text: from ${user}\n', 't.yaml');
    const c = planCall(t, 3, 'carol');
    expect(c.account).toBeUndefined();
    expect(c.steps.map((x) => (x.kind === 'dial' ? x.number : x.kind === 'text' ? x.text : ''))).toEqual(['73', 'from carol']);
  });

  it('rejects a value that is not valid once filled in, naming the call and the step', () => {
    const t = parseScenario('vars:\n  d: ["1", "x"]\nsteps:\n  - dial: 600\n  - dtmf: ${d}\n', 'v.yaml');
    expect(() => planCall(t, 1, 'u')).not.toThrow();
    expect(() => planCall(t, 2, 'u')).toThrow("v.yaml:5: call 2, step 2 (line 5, send DTMF X): 'X' is not DTMF (0-9 * # A-D)");
  });
});
