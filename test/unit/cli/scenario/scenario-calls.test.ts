import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../../electron/cli/scenario/scenario-parser.js';
import { accountsOf, routeCalls } from '../../../../electron/cli/scenario/scenario-calls.js';

describe('routeCalls: where each call of redial test goes', () => {
  it('cycles the scenario accounts, each on its own server or --server', () => {
    const s = parseScenario('accounts:\n  - alice\n  - user: bob\n    server: other:4570\n    secret-env: BOB\nsteps:\n  - dial: 600\n', 'a.yaml');
    const r = routeCalls(s, 3, { server: 'pbx', users: ['ignored'] });
    expect(r.map((x) => x.target)).toEqual([
      { kind: 'account', user: 'alice', server: 'pbx' },
      { kind: 'account', user: 'bob', server: 'other:4570', secretEnv: 'BOB' },
      { kind: 'account', user: 'alice', server: 'pbx' },
    ]);
    expect(accountsOf(r).map((a) => `${a.user}@${a.server}`)).toEqual(['alice@pbx', 'bob@other:4570']);
  });

  it('uses the --user list, or calls the peer directly, when the scenario names no accounts', () => {
    const s = parseScenario('steps:\n  - dial: "${user}"\n', 'b.yaml');
    const viaUsers = routeCalls(s, 2, { server: 'pbx', users: ['u1', 'u2'] });
    expect(viaUsers.map((x) => [x.target, x.plan.steps[0]])).toEqual([
      [{ kind: 'account', user: 'u1', server: 'pbx' }, expect.objectContaining({ number: 'u1' })],
      [{ kind: 'account', user: 'u2', server: 'pbx' }, expect.objectContaining({ number: 'u2' })],
    ]);
    const t = parseScenario('steps:\n  - dial: echo\n', 'c.yaml');
    expect(routeCalls(t, 1, { server: '127.0.0.1:4570', users: [] })[0].target).toEqual({ kind: 'direct', server: '127.0.0.1:4570' });
  });

  it('says what is missing when a call has nowhere to go', () => {
    const t = parseScenario('steps:\n  - dial: echo\n', 'c.yaml');
    expect(() => routeCalls(t, 1, { users: [] })).toThrow('where should the calls go? Give --server (with --user to call through an account), or accounts in the scenario');
    const s = parseScenario('accounts:\n  - alice\nsteps:\n  - dial: 1\n', 'd.yaml');
    expect(() => routeCalls(s, 1, { users: [] })).toThrow('d.yaml:2: account alice names no server, and no --server was given');
  });
});
