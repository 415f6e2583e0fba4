// Reads a scenario file (docs/scenarios.md) from YAML or JSON into a checked Scenario. Every error names the file,
// the line when it is known, and the step, and says what was expected: a scenario is written by hand, often by
// someone new to it, and "invalid scenario" helps nobody.
//
// YAML is read with js-yaml's failsafe schema: every value arrives as a string and this module decides what is a
// number, so `dial: 0800` stays "0800" and `text: no` stays "no" (YAML 1.1's guessing would turn them into 800 and
// false). JSON files go through the same reader (JSON is YAML), so they get line numbers too.
import { FAILSAFE_SCHEMA, YAMLException, load } from 'js-yaml';
import type { CodecName } from '../../core/media/codec.js';
import { parseCodecs } from '../args.js';
import type { PlaySource, Scenario, ScenarioAccount, Step, StepAction, Template } from './scenario.js';
import { describeStep } from './scenario.js';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Variables every call has without declaring them. */
export const BUILTIN_VARS = ['call', 'user'] as const;

const DEFAULTS = {
  ringingWithinS: 10, answerWithinS: 30, audioWithinS: 5, textWithinS: 5, dtmfWithinS: 5, hangupWithinS: 10,
  toneToleranceHz: 20, toneForS: 0.2, toneLevelDbfs: -50, speechForS: 0.3, speechLevelDbfs: -40,
  silenceForS: 1, silenceLevelDbfs: -45, playLevelDbfs: -10, dtmfIntervalS: 0.25, timeoutS: 120,
} as const;

/** Named hangup causes accepted by `expect: hangup` (Q.850 numbers, as Asterisk's HANGUPCAUSE reports them). */
const CAUSE_NAMES: Readonly<Record<string, number>> = { normal: 16, busy: 17, 'no-answer': 19, rejected: 21, congestion: 34 };

const EXPECTATIONS = ['answer', 'ringing', 'tone', 'speech', 'energy', 'silence', 'text', 'dtmf', 'hangup'] as const;
const ACTIONS = ['dial', 'expect', 'wait', 'play', 'dtmf', 'text', 'hangup', 'record'] as const;
const TOP_KEYS = ['name', 'description', 'vars', 'accounts', 'codec', 'timeout', 'steps'] as const;

// ------------------------------------------------------------------------------------------------------------------
// Where things are in the file: js-yaml's listener reports every node as it opens (with the line) and closes (with
// the value), so the value objects can be mapped back to lines.

interface NodeFrame { line: number; result: unknown; children: NodeFrame[] }

class Locations {
  private readonly frames = new Map<object, NodeFrame>();

  constructor(root: NodeFrame | undefined) {
    const visit = (f: NodeFrame): void => {
      if (f.result !== null && typeof f.result === 'object' && !this.frames.has(f.result)) this.frames.set(f.result, f);
      f.children.forEach(visit);
    };
    if (root) visit(root);
  }

  lineOf(value: unknown): number | undefined {
    return value !== null && typeof value === 'object' ? this.frames.get(value)?.line : undefined;
  }

  /** Lines of a list's items, in order (scalar items have no identity of their own, so they are found this way). */
  itemLines(list: readonly unknown[]): (number | undefined)[] {
    const f = this.frames.get(list);
    return list.map((_, i) => f?.children[i]?.line);
  }

  /** Line of a mapping's key (children alternate key, value). */
  keyLine(map: object, key: string): number | undefined {
    const f = this.frames.get(map);
    if (!f) return undefined;
    for (let i = 0; i < f.children.length; i += 2) if (f.children[i].result === key) return f.children[i].line;
    return f.line;
  }
}

function readDocument(text: string, file: string): { doc: unknown; where: Locations } {
  const stack: NodeFrame[] = [];
  let root: NodeFrame | undefined;
  let doc: unknown;
  try {
    doc = load(text, {
      filename: file, schema: FAILSAFE_SCHEMA, json: file.toLowerCase().endsWith('.json'),
      listener(event, state) {
        if (event === 'open') { stack.push({ line: state.line + 1, result: undefined, children: [] }); return; }
        const f = stack.pop();
        if (!f) return;
        f.result = state.result;
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(f);
        else root = f;
      },
    });
  } catch (err) {
    if (err instanceof YAMLException) {
      const at = err.mark ? `${file}:${err.mark.line + 1}:${err.mark.column + 1}` : file;
      throw new ScenarioError(`${at}: not valid ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${err.reason}`);
    }
    throw err;
  }
  return { doc, where: new Locations(root) };
}

// ------------------------------------------------------------------------------------------------------------------

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses scenario text; `file` names it in messages (and picks JSON when it ends in .json). */
export function parseScenario(text: string, file = 'scenario.yaml'): Scenario {
  const { doc, where } = readDocument(text, file);
  const at = (line: number | undefined): string => (line !== undefined ? `${file}:${line}` : file);
  const fail = (line: number | undefined, message: string): never => { throw new ScenarioError(`${at(line)}: ${message}`); };
  if (!isMap(doc)) fail(1, 'a scenario is a mapping with `steps:` (and optionally name, description, vars, accounts, codec, timeout)');
  const root = doc as Raw;
  for (const key of Object.keys(root)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) fail(where.keyLine(root, key), `unknown key '${key}' (known: ${TOP_KEYS.join(', ')})`);
  }
  const name = optString(root.name, 'name', () => where.keyLine(root, 'name'), fail) ?? file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/i, '');
  const description = optString(root.description, 'description', () => where.keyLine(root, 'description'), fail);

  const vars = new Map<string, readonly string[]>();
  if (root.vars !== undefined && root.vars !== null) {
    if (!isMap(root.vars)) fail(where.keyLine(root, 'vars'), '`vars:` is a mapping of names to a value or a list of values');
    const v = root.vars as Raw;
    for (const [k, value] of Object.entries(v)) {
      const line = where.keyLine(v, k);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(line, `variable name '${k}' must be letters, digits and _ (not starting with a digit)`);
      if ((BUILTIN_VARS as readonly string[]).includes(k)) fail(line, `'${k}' is set by redial for each call; choose another name`);
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0) fail(line, `variable '${k}' has an empty list`);
      vars.set(k, values.map((x) => {
        if (typeof x !== 'string') return fail(line, `variable '${k}': each value is a plain string or number`);
        return x;
      }));
    }
  }
  const known = new Set<string>([...BUILTIN_VARS, ...vars.keys()]);
  const checkTemplate = (t: string, line: number | undefined, what: string): Template => {
    for (const m of t.matchAll(/\$\{([^}]*)\}/g)) {
      if (!known.has(m[1])) fail(line, `${what}: unknown variable \${${m[1]}} (known: ${[...known].join(', ')})`);
    }
    return t;
  };
  for (const [k, values] of vars) for (const v of values) checkTemplate(v, where.keyLine(root.vars as Raw, k), `variable '${k}'`);

  const accounts: ScenarioAccount[] = [];
  if (root.accounts !== undefined && root.accounts !== null) {
    if (!Array.isArray(root.accounts)) fail(where.keyLine(root, 'accounts'), '`accounts:` is a list (of user names, or of {user, server, secret-env})');
    const list = root.accounts as unknown[];
    const lines = where.itemLines(list);
    list.forEach((a, i) => accounts.push(parseAccount(a, lines[i], fail, checkTemplate, where)));
  }

  let codecs: CodecName[] | undefined;
  if (root.codec !== undefined && root.codec !== null) {
    const text = Array.isArray(root.codec) ? root.codec.join(',') : root.codec;
    if (typeof text !== 'string') fail(where.keyLine(root, 'codec'), '`codec:` is a codec name or a list of them');
    try { codecs = parseCodecs(text as string); } catch (err) { fail(where.keyLine(root, 'codec'), (err as Error).message); }
  }
  const timeoutS = root.timeout === undefined ? DEFAULTS.timeoutS
    : numberValue(root.timeout, 'timeout', where.keyLine(root, 'timeout'), fail, { min: 1 });

  if (!Array.isArray(root.steps) || root.steps.length === 0) {
    fail(where.keyLine(root, 'steps'), '`steps:` must be a list with at least one step (the first one is `dial: NUMBER`)');
  }
  const list = root.steps as unknown[];
  const lines = where.itemLines(list);
  const steps: Step[] = list.map((raw, i) => {
    const line = where.lineOf(raw) ?? lines[i];
    const action = parseStep(raw, i + 1, line, file, checkTemplate, where);
    return { ...action, index: i + 1, ...(line !== undefined ? { line } : {}) } as Step;
  });
  if (steps[0].kind !== 'dial') fail(steps[0].line, `step 1 must be \`dial: NUMBER\` (it is: ${describeStep(steps[0])})`);
  const ending = steps.findIndex((s) => s.kind === 'hangup' || s.kind === 'expect-hangup');
  if (ending >= 0 && ending < steps.length - 1) {
    fail(steps[ending + 1].line, `step ${ending + 2}: nothing can follow step ${ending + 1} (${describeStep(steps[ending])}): the call is over by then`);
  }
  const another = steps.slice(1).find((s) => s.kind === 'dial');
  if (another) fail(another.line, `step ${another.index}: a scenario places one call; only step 1 dials`);

  return {
    name, ...(description !== undefined ? { description } : {}), file, vars, accounts,
    ...(codecs ? { codecs } : {}), timeoutS, steps,
  };
}

type Fail = (line: number | undefined, message: string) => never;
type CheckTemplate = (t: string, line: number | undefined, what: string) => Template;

function parseAccount(a: unknown, line: number | undefined, fail: Fail, check: CheckTemplate, where: Locations): ScenarioAccount {
  if (typeof a === 'string') return { user: check(a, line, 'account'), ...(line !== undefined ? { line } : {}) };
  if (!isMap(a)) return fail(line, 'each account is a user name or {user, server, secret-env}');
  for (const k of Object.keys(a)) {
    if (k === 'secret') fail(where.keyLine(a, k), 'secrets do not belong in scenario files: name an environment variable with `secret-env: VAR`');
    if (!['user', 'server', 'secret-env'].includes(k)) fail(where.keyLine(a, k), `unknown account key '${k}' (user, server, secret-env)`);
  }
  if (typeof a.user !== 'string' || a.user === '') fail(line, 'an account needs `user:`');
  const secretEnv = a['secret-env'];
  if (secretEnv !== undefined && (typeof secretEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(secretEnv))) {
    fail(where.keyLine(a, 'secret-env'), '`secret-env:` is the name of an environment variable');
  }
  if (a.server !== undefined && typeof a.server !== 'string') fail(where.keyLine(a, 'server'), '`server:` is HOST[:PORT]');
  return {
    user: check(a.user as string, line, 'account user'),
    ...(typeof a.server === 'string' ? { server: check(a.server, line, 'account server') } : {}),
    ...(typeof secretEnv === 'string' ? { secretEnv } : {}),
    ...(line !== undefined ? { line } : {}),
  };
}

function parseStep(raw: unknown, index: number, line: number | undefined, file: string, checkAny: CheckTemplate, where: Locations): StepAction {
  const check: CheckTemplate = (t, l, what) => checkAny(t, l, `step ${index}: ${what}`);
  const fail = (l: number | undefined, message: string): never => {
    throw new ScenarioError(`${l !== undefined ? `${file}:${l}` : file}: step ${index}: ${message}`);
  };
  let map: Raw;
  if (typeof raw === 'string') map = { [raw]: null };
  else if (isMap(raw)) map = raw;
  else return fail(line, `a step is an action such as \`dial: 601\`, \`expect: answer\` or \`hangup\` (got ${Array.isArray(raw) ? 'a list' : String(raw)})`);
  // The action is the step's first key ("each step starts with its action"); the others are its options, which may
  // share a name with an action (`expect: text` takes `text:`).
  const first = Object.keys(map)[0];
  if (first === undefined || !(ACTIONS as readonly string[]).includes(first)) {
    return fail(line, `no action${first !== undefined ? ` ('${first}' is not one)` : ''}: each step starts with one of ${ACTIONS.join(', ')}`);
  }
  const action = first as (typeof ACTIONS)[number];
  const value = map[action];
  const params = Object.keys(map).filter((k) => k !== action);
  const kl = (key: string): number | undefined => (isMap(raw) ? where.keyLine(raw, key) : line);
  const allow = (what: string, allowed: readonly string[]): void => {
    for (const p of params) {
      if (allowed.includes(p)) continue;
      if ((ACTIONS as readonly string[]).includes(p)) fail(kl(p), `one action per step (found ${action} and ${p}); make them separate steps`);
      fail(kl(p), `${what} has no option '${p}'${allowed.length ? ` (options: ${allowed.join(', ')})` : ''}`);
    }
  };
  const num = (key: string, o: NumOpts = {}): number | undefined => (map[key] === undefined ? undefined : numberValue(map[key], key, kl(key), fail, o));
  const str = (key: string): string | undefined => {
    const v = map[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return fail(kl(key), `'${key}' is a text value`);
    return v;
  };
  const valueText = (what: string): string => {
    if (typeof value !== 'string' || value === '') return fail(line, `\`${action}:\` needs ${what}`);
    return value;
  };

  switch (action) {
    case 'dial': {
      allow('dial', []);
      const number = check(valueText('the number (extension) to call'), line, 'dial');
      if (!/^[A-Za-z0-9*#+_.${}-]+$/.test(number)) fail(line, `'${number}' is not an extension to dial`);
      return { kind: 'dial', number };
    }
    case 'wait':
      allow('wait', []);
      return { kind: 'wait', seconds: numberValue(value, 'wait', line, fail, { min: 0 }) };
    case 'hangup':
      allow('hangup', []);
      if (value !== null && value !== '' && value !== 'true') fail(line, '`hangup` takes no value');
      return { kind: 'hangup' };
    case 'text':
      allow('text', []);
      return { kind: 'text', text: check(valueText('the text to send'), line, 'text') };
    case 'dtmf': {
      allow('dtmf', ['interval']);
      const digits = check(valueText('the digits to send (0-9 * # A-D)'), line, 'dtmf');
      if (!/^([0-9*#A-D]|\$\{[^}]*\})+$/i.test(digits)) fail(line, `'${digits}' is not DTMF (0-9 * # A-D)`);
      return { kind: 'dtmf', digits, intervalS: num('interval', { min: 0.05, max: 10 }) ?? DEFAULTS.dtmfIntervalS };
    }
    case 'record': {
      allow('record', ['seconds']);
      const path = check(valueText('the WAV file to write'), line, 'record');
      const secs = num('seconds', { min: 0.1 });
      return { kind: 'record', path, ...(secs !== undefined ? { seconds: secs } : {}) };
    }
    case 'play': {
      const what = valueText('what to play: a .wav file, `tone` (with hz:) or `silence`');
      const secs = num('seconds', { min: 0.02 });
      const background = bool(map.background, 'background', kl('background'), fail) ?? false;
      let source: PlaySource;
      if (what === 'tone') {
        allow('play tone', ['hz', 'level', 'seconds', 'background']);
        const hzRaw = map.hz;
        if (hzRaw === undefined) fail(line, 'play tone needs `hz:` (a frequency, or a list for several at once)');
        const hzList = (Array.isArray(hzRaw) ? hzRaw : [hzRaw]).map((h) => numberValue(h, 'hz', kl('hz'), fail, { min: 20, max: 20_000, unit: 'Hz' }));
        source = { kind: 'tone', hz: hzList, levelDbfs: num('level', { min: -90, max: 0, unit: 'dBFS' }) ?? DEFAULTS.playLevelDbfs };
      } else if (what === 'silence') {
        allow('play silence', ['seconds', 'background']);
        source = { kind: 'silence' };
      } else {
        allow('play FILE', ['seconds', 'background']);
        if (!/\.wav$/i.test(what) && !what.includes('${')) fail(line, `'${what}' is not a .wav file (or \`tone\`, \`silence\`)`);
        source = { kind: 'file', path: check(what, line, 'play') };
      }
      if (source.kind !== 'file' && secs === undefined && !background) {
        fail(line, `play ${source.kind} without \`seconds:\` never ends: give seconds, or \`background: true\` to play it while the next steps run`);
      }
      return { kind: 'play', source, ...(secs !== undefined ? { seconds: secs } : {}), background };
    }
    case 'expect': {
      const what = valueText(`what to expect: ${EXPECTATIONS.join(', ')}`);
      const within = (fallback: number): number => num('within', { min: 0.05 }) ?? fallback;
      switch (what) {
        case 'answer':
          allow('expect answer', ['within']);
          return { kind: 'expect-answer', withinS: within(DEFAULTS.answerWithinS) };
        case 'ringing':
          allow('expect ringing', ['within']);
          return { kind: 'expect-ringing', withinS: within(DEFAULTS.ringingWithinS) };
        case 'tone': {
          allow('expect tone', ['hz', 'tolerance', 'within', 'for', 'level']);
          const hz = num('hz', { min: 20, max: 20_000, unit: 'Hz' });
          if (hz === undefined) return fail(line, 'expect tone needs `hz:` (the frequency to hear)');
          return {
            kind: 'expect-tone', hz, toleranceHz: num('tolerance', { min: 1, max: 1000, unit: 'Hz' }) ?? DEFAULTS.toneToleranceHz,
            withinS: within(DEFAULTS.audioWithinS), forS: num('for', { min: 0.04 }) ?? DEFAULTS.toneForS,
            levelDbfs: num('level', { min: -90, max: 0, unit: 'dBFS' }) ?? DEFAULTS.toneLevelDbfs,
          };
        }
        case 'speech':
        case 'energy':
          allow(`expect ${what}`, ['within', 'for', 'level']);
          return {
            kind: 'expect-speech', withinS: within(DEFAULTS.audioWithinS), forS: num('for', { min: 0.04 }) ?? DEFAULTS.speechForS,
            levelDbfs: num('level', { min: -90, max: 0, unit: 'dBFS' }) ?? DEFAULTS.speechLevelDbfs,
          };
        case 'silence':
          allow('expect silence', ['within', 'for', 'level']);
          return {
            kind: 'expect-silence', withinS: within(DEFAULTS.audioWithinS), forS: num('for', { min: 0.04 }) ?? DEFAULTS.silenceForS,
            levelDbfs: num('level', { min: -90, max: 0, unit: 'dBFS' }) ?? DEFAULTS.silenceLevelDbfs,
          };
        case 'text': {
          allow('expect text', ['text', 'match', 'within']);
          const text = str('text');
          const match = str('match');
          if ((text === undefined) === (match === undefined)) fail(line, 'expect text needs either `text:` (exact) or `match:` (a regular expression)');
          if (match !== undefined) {
            try { new RegExp(match); } catch (err) { fail(kl('match'), `match: not a regular expression (${(err as Error).message})`); }
          }
          return {
            kind: 'expect-text', ...(text !== undefined ? { text: check(text, kl('text'), 'text') } : {}),
            ...(match !== undefined ? { match } : {}), withinS: within(DEFAULTS.textWithinS),
          };
        }
        case 'dtmf': {
          allow('expect dtmf', ['digits', 'within']);
          const digits = str('digits');
          if (digits === undefined || !/^([0-9*#A-D]|\$\{[^}]*\})+$/i.test(digits)) fail(kl('digits'), 'expect dtmf needs `digits:` (0-9 * # A-D)');
          return { kind: 'expect-dtmf', digits: check(digits as string, kl('digits'), 'digits'), withinS: within(DEFAULTS.dtmfWithinS) };
        }
        case 'hangup': {
          allow('expect hangup', ['cause', 'within']);
          let causeCode: number | undefined;
          const c = map.cause;
          if (c !== undefined) {
            if (typeof c === 'string' && CAUSE_NAMES[c.toLowerCase()] !== undefined) causeCode = CAUSE_NAMES[c.toLowerCase()];
            else causeCode = numberValue(c, 'cause', kl('cause'), fail, { min: 1, max: 127, integer: true, unit: '', names: Object.keys(CAUSE_NAMES) });
          }
          return { kind: 'expect-hangup', withinS: within(DEFAULTS.hangupWithinS), ...(causeCode !== undefined ? { causeCode } : {}) };
        }
        default:
          return fail(line, `cannot expect '${what}' (expect one of: ${EXPECTATIONS.join(', ')})`);
      }
    }
  }
}

interface NumOpts {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** 's' by default. */
  readonly unit?: string;
  readonly names?: readonly string[];
}

/** A number written as such ("5", "0.25", "-10"); anything else is an error naming the key. */
function numberValue(v: unknown, key: string, line: number | undefined, fail: Fail, o: NumOpts = {}): number {
  const unit = o.unit ?? 's';
  const what = unit === 's' ? 'a number of seconds' : unit === '' ? 'a whole number' : `a number (${unit})`;
  const names = o.names?.length ? ` or one of ${o.names.join(', ')}` : '';
  const text = typeof v === 'string' ? v.trim() : undefined;
  if (text === undefined || !/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return fail(line, `'${key}' must be ${what}${names} (got ${JSON.stringify(v)})`);
  const n = Number(text);
  if (o.integer && !Number.isInteger(n)) fail(line, `'${key}' must be ${what}${names} (got ${text})`);
  if (o.min !== undefined && n < o.min) fail(line, `'${key}' must be at least ${o.min}${unit ? ` ${unit}` : ''} (got ${text})`);
  if (o.max !== undefined && n > o.max) fail(line, `'${key}' must be at most ${o.max}${unit ? ` ${unit}` : ''} (got ${text})`);
  return n;
}

function bool(v: unknown, key: string, line: number | undefined, fail: Fail): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return fail(line, `'${key}' must be true or false (got ${JSON.stringify(v)})`);
}

function optString(v: unknown, key: string, line: () => number | undefined, fail: Fail): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return fail(line(), `'${key}' is a text value`);
  return v;
}
