// Where each call of `redial test` goes (docs/scenarios.md §2): through the scenario's accounts in turn (their
// server, or --server), else through the --user list, else directly to the peer at --server. The front process
// uses this to know whose secrets to resolve; the session process to save the accounts and dial.
import type { Scenario } from './scenario.js';
import { ScenarioError } from './scenario-parser.js';
import { planCall, type CallPlan } from './scenario-vars.js';

export type CallTarget =
  | { readonly kind: 'account'; readonly user: string; readonly server: string; readonly secretEnv?: string }
  | { readonly kind: 'direct'; readonly server: string };

export interface ScenarioCallRoute {
  /** 1-based. */
  readonly call: number;
  readonly plan: CallPlan;
  readonly target: CallTarget;
}

export interface CommandLineTarget {
  readonly server?: string;
  readonly users: readonly string[];
}

export function routeCalls(scenario: Scenario, calls: number, cli: CommandLineTarget): ScenarioCallRoute[] {
  const out: ScenarioCallRoute[] = [];
  for (let call = 1; call <= calls; call++) {
    const cliUser = cli.users.length > 0 ? cli.users[(call - 1) % cli.users.length] : '';
    const plan = planCall(scenario, call, cliUser);
    let target: CallTarget;
    if (plan.account) {
      const server = plan.account.server ?? cli.server;
      if (server === undefined) {
        throw new ScenarioError(`${scenario.file ?? 'scenario'}${plan.account.line !== undefined ? `:${plan.account.line}` : ''}: `
          + `account ${plan.account.user} names no server, and no --server was given`);
      }
      target = { kind: 'account', user: plan.account.user, server, ...(plan.account.secretEnv !== undefined ? { secretEnv: plan.account.secretEnv } : {}) };
    } else if (cli.users.length > 0) {
      if (cli.server === undefined) throw new ScenarioError('--user needs --server');
      target = { kind: 'account', user: cliUser, server: cli.server };
    } else {
      if (cli.server === undefined) {
        throw new ScenarioError('where should the calls go? Give --server (with --user to call through an account), or accounts in the scenario');
      }
      target = { kind: 'direct', server: cli.server };
    }
    out.push({ call, plan, target });
  }
  return out;
}

/** The distinct accounts the calls use, each once ("user@server" is the key). */
export function accountsOf(routes: readonly ScenarioCallRoute[]): Extract<CallTarget, { kind: 'account' }>[] {
  const seen = new Map<string, Extract<CallTarget, { kind: 'account' }>>();
  for (const r of routes) if (r.target.kind === 'account') seen.set(accountKey(r.target), r.target);
  return [...seen.values()];
}

export function accountKey(t: { readonly user: string; readonly server: string }): string {
  return `${t.user}@${t.server}`;
}
