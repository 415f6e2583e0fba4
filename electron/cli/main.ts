// `redial`: the headless IAX2 phone. The front process parses the command line, resolves the secret (argument,
// environment or prompt), starts the session process that runs the command (session-protocol.ts says why), prints
// what it reports, and exits with its code (exit-codes.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseCommand, UsageError, type Command, type ServerAccount, type TestCommand } from './args.js';
import { parseScenario } from './scenario/scenario-parser.js';
import { accountsOf, routeCalls } from './scenario/scenario-calls.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { HELP } from './help.js';
import { resolveSecret } from './secret.js';
import { isSessionToFront, type FrontToSession } from './session-protocol.js';
import { version } from './version.js';

export async function run(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<ExitCodeValue> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv, env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`redial: ${err.message}\n\n${HELP}`);
      return ExitCode.USAGE;
    }
    throw err;
  }
  if (cmd.kind === 'help') { process.stdout.write(HELP); return ExitCode.OK; }
  if (cmd.kind === 'version') { process.stdout.write(`redial ${version()}\n`); return ExitCode.OK; }
  let secret: string | undefined;
  let secrets: Record<string, string> | undefined;
  const secretVariables: string[] = [];
  try {
    if (cmd.kind === 'load') {
      secrets = cmd.target.kind === 'accounts' ? await accountSecrets(cmd.target.accounts, env) : {};
    } else if (cmd.kind === 'test') {
      secrets = await scenarioSecrets(cmd, env, secretVariables);
    } else {
      const account = cmd.kind === 'devices' ? undefined : cmd.account;
      secret = account ? await resolveSecret(account.secret, env) : undefined;
    }
  } catch (err) {
    // A bad scenario file (ScenarioError names the line and step), a secret that is missing: usage errors.
    process.stderr.write(`redial: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.USAGE;
  }
  return runSession({ kind: 'run', command: cmd, ...(secret !== undefined ? { secret } : {}), ...(secrets ? { secrets } : {}) },
    sessionEnvironment(env, cmd, secretVariables));
}

/**
 * The session process's environment: ours without any variable that may hold a secret (REDIAL_SECRET,
 * REDIAL_SECRET_<USER>, REDIAL_SECRETS_PASSPHRASE, the one --secret-env names). The secret reaches the session over
 * the private IPC channel only; an environment is readable in /proc by the same user and is inherited by whatever
 * the session starts (docs/security.md §5).
 */
export function sessionEnvironment(env: Readonly<Record<string, string | undefined>>, cmd: Command,
  /** More variables holding secrets (a scenario's accounts' secret-env). */
  alsoSecret: readonly string[] = []): NodeJS.ProcessEnv {
  const named = new Set<string>(alsoSecret);
  const accounts = cmd.kind === 'load' ? (cmd.target.kind === 'accounts' ? cmd.target.accounts : [])
    : cmd.kind === 'devices' || cmd.kind === 'help' || cmd.kind === 'version' || cmd.account === undefined ? [] : [cmd.account];
  for (const a of accounts) if (a.secret.kind === 'env') named.add(a.secret.name);
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || named.has(k) || /^REDIAL_SECRET/.test(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The secrets of the accounts a scenario's calls use (scenario-calls.ts): an account's `secret-env` variable when
 * the scenario names one, else as for `redial load`. The scenario is read here first, so a file with a mistake is a
 * usage error before anything is sent.
 */
async function scenarioSecrets(cmd: TestCommand, env: Readonly<Record<string, string | undefined>>,
  /** Filled with the variables the scenario's accounts read (kept out of the session's environment). */
  variables: string[]): Promise<Record<string, string>> {
  let text: string;
  try { text = readFileSync(cmd.scenarioPath, 'utf8'); } catch (err) {
    throw new UsageError(`cannot read the scenario ${cmd.scenarioPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const routes = routeCalls(parseScenario(text, cmd.scenarioPath), cmd.calls, { ...(cmd.server !== undefined ? { server: cmd.server } : {}), users: cmd.users });
  const out: Record<string, string> = {};
  const rest: ServerAccount[] = [];
  for (const a of accountsOf(routes)) {
    if (a.secretEnv === undefined) {
      if (cmd.account) rest.push({ ...cmd.account, server: a.server, username: a.user });
      continue;
    }
    variables.push(a.secretEnv);
    const value = env[a.secretEnv];
    if (value === undefined) throw new UsageError(`the scenario's account ${a.user} takes its secret from ${a.secretEnv}, which is not set`);
    out[a.user] = value;
  }
  return { ...(await accountSecrets(rest, env)), ...out };
}

/**
 * Secrets of several accounts (`redial load --user a,b,c`): each user's own environment variable
 * REDIAL_SECRET_<USER> (upper case, other characters as _) when set, else the one secret given the usual way
 * (--secret, REDIAL_SECRET, --secret-env, --secret-prompt), asked for at most once.
 */
export async function accountSecrets(accounts: readonly ServerAccount[], env: Readonly<Record<string, string | undefined>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let shared: Promise<string | undefined> | undefined;
  for (const a of accounts) {
    const own = env[`REDIAL_SECRET_${a.username.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
    const value = own ?? await (shared ??= resolveSecret(a.secret, env));
    if (value !== undefined) out[a.username] = value;
  }
  return out;
}

/** Starts the session process, relays its output and stop requests, and resolves with its exit code. */
function runSession(start: Extract<FrontToSession, { kind: 'run' }>, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  // Closing the terminal (SIGHUP) leaves nowhere to print: writes then fail with EIO/EPIPE, which must not end this
  // process before the session has hung up and unregistered.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./session-process.js', import.meta.url)), [], {
      env,
      // The session's stdout carries only what native libraries print: it goes to our stderr. Its stderr (the
      // --debug trace, diagnostics) is ours. Events come over the IPC channel.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    let reported: number | undefined;
    child.on('message', (m: unknown) => {
      if (!isSessionToFront(m)) return;
      if (m.kind === 'stdout') process.stdout.write(m.text);
      else reported = m.code;
    });
    // The secret travels over the private IPC channel, never in argv or the environment of the child (stripped above).
    child.send(start);
    // The first Ctrl-C asks the command to end cleanly (hang up, wait for the ACKs, unregister); a second one ends
    // the session at once, for when that takes longer than the user will wait (redial load with hundreds of calls).
    let stops = 0;
    const stop = (): void => {
      stops++;
      if (stops === 1) { if (child.connected) child.send({ kind: 'stop' } satisfies FrontToSession); return; }
      if (stops === 2) {
        process.stderr.write('redial: stopped at once (second Ctrl-C); calls still up are left to the server to clear\n');
        reported ??= ExitCode.INTERRUPTED;
        child.kill('SIGKILL');
      }
    };
    // SIGHUP: the terminal closed. Like SIGTERM, the command ends cleanly (HANGUP, REGREL) before we leave.
    const hangup = (): void => { if (stops === 0) stop(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', hangup);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', hangup);
      if (reported !== undefined) resolve(reported as ExitCodeValue);
      else {
        process.stderr.write(`redial: the session process ended unexpectedly (${signal ?? `exit ${code}`})\n`);
        resolve(ExitCode.INTERNAL);
      }
    });
  });
}
