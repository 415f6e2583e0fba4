// Variables per call (docs/scenarios.md "Variables"): call n (1-based) takes value (n−1) mod length of each list,
// plus the built-ins ${call} and ${user}; the account is cycled the same way. The result is the scenario's steps
// with every ${name} filled in, ready to run.
import type { PlaySource, Scenario, ScenarioAccount, Step } from './scenario.js';
import { stepName } from './scenario.js';
import { ScenarioError } from './scenario-parser.js';

export interface CallPlan {
  /** 1-based. */
  readonly call: number;
  /** The scenario's account for this call (undefined: the command line's). */
  readonly account?: ScenarioAccount;
  readonly vars: ReadonlyMap<string, string>;
  readonly steps: readonly Step[];
}

export function fill(template: string, vars: ReadonlyMap<string, string>): string {
  return template.replace(/\$\{([^}]*)\}/g, (m, name: string) => vars.get(name) ?? m);
}

/** The concrete steps of call `call` (1-based); `defaultUser` is the command line's user, for ${user}. */
export function planCall(scenario: Scenario, call: number, defaultUser: string): CallPlan {
  const account = scenario.accounts.length > 0 ? scenario.accounts[(call - 1) % scenario.accounts.length] : undefined;
  const vars = new Map<string, string>([['call', String(call)]]);
  for (const [name, values] of scenario.vars) vars.set(name, values[(call - 1) % values.length]);
  // Variables may refer to ${call} and to each other once; ${user} comes from the account, which may itself use them.
  for (const [name, v] of vars) vars.set(name, fill(v, vars));
  const user = account ? fill(account.user, vars) : defaultUser;
  vars.set('user', user);
  for (const [name, v] of vars) vars.set(name, fill(v, vars));
  const filledAccount = account
    ? { ...account, user, ...(account.server !== undefined ? { server: fill(account.server, vars) } : {}) }
    : undefined;
  const steps = scenario.steps.map((s) => checked(fillStep(s, vars), call, scenario.file));
  return { call, ...(filledAccount ? { account: filledAccount } : {}), vars, steps };
}

function fillStep(s: Step, vars: ReadonlyMap<string, string>): Step {
  const f = (t: string): string => fill(t, vars);
  switch (s.kind) {
    case 'dial': return { ...s, number: f(s.number) };
    case 'dtmf': return { ...s, digits: f(s.digits).toUpperCase() };
    case 'text': return { ...s, text: f(s.text) };
    case 'expect-text': return s.text !== undefined ? { ...s, text: f(s.text) } : s;
    case 'expect-dtmf': return { ...s, digits: f(s.digits).toUpperCase() };
    case 'record': return { ...s, path: f(s.path) };
    case 'play': {
      const source: PlaySource = s.source.kind === 'file' ? { kind: 'file', path: f(s.source.path) } : s.source;
      return { ...s, source };
    }
    default: return s;
  }
}

/** Values from variables are only known per call: check them as the parser checks literal ones. */
function checked(s: Step, call: number, file: string | undefined): Step {
  const bad = (what: string, value: string): never => {
    throw new ScenarioError(`${file ?? 'scenario'}${s.line !== undefined ? `:${s.line}` : ''}: call ${call}, ${stepName(s)}: '${value}' is not ${what}`);
  };
  if (s.kind === 'dial' && !/^[A-Za-z0-9*#+_.-]+$/.test(s.number)) bad('an extension to dial', s.number);
  if ((s.kind === 'dtmf' || s.kind === 'expect-dtmf') && !/^[0-9*#A-D]+$/.test(s.digits)) bad('DTMF (0-9 * # A-D)', s.digits);
  return s;
}
