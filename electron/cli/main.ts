// `redial`: the headless IAX2 phone. The front process parses the command line, resolves the secret (argument,
// environment or prompt), starts the session process that runs the command (session-protocol.ts says why), prints
// what it reports, and exits with its code (exit-codes.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCommand, UsageError, type Command, type ServerAccount } from './args.js';
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
  try {
    if (cmd.kind === 'load') {
      secrets = cmd.target.kind === 'accounts' ? await accountSecrets(cmd.target.accounts, env) : {};
    } else {
      const account = cmd.kind === 'devices' ? undefined : cmd.account;
      secret = account ? await resolveSecret(account.secret, env) : undefined;
    }
  } catch (err) {
    process.stderr.write(`redial: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.USAGE;
  }
  return runSession({ kind: 'run', command: cmd, ...(secret !== undefined ? { secret } : {}), ...(secrets ? { secrets } : {}) });
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
function runSession(start: Extract<FrontToSession, { kind: 'run' }>): Promise<ExitCodeValue> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./session-process.js', import.meta.url)), [], {
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
    // The secret travels over the private IPC channel, never in argv or the environment of the child.
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
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (reported !== undefined) resolve(reported as ExitCodeValue);
      else {
        process.stderr.write(`redial: the session process ended unexpectedly (${signal ?? `exit ${code}`})\n`);
        resolve(ExitCode.INTERNAL);
      }
    });
  });
}
