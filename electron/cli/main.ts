// `redial`: the headless IAX2 phone. The front process parses the command line, resolves the secret (argument,
// environment or prompt), starts the session process that runs the command (session-protocol.ts says why), prints
// what it reports, and exits with its code (exit-codes.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCommand, UsageError, type Command } from './args.js';
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
  try {
    const account = cmd.kind === 'devices' ? undefined : cmd.account;
    secret = account ? await resolveSecret(account.secret, env) : undefined;
  } catch (err) {
    process.stderr.write(`redial: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.USAGE;
  }
  return runSession({ kind: 'run', command: cmd, ...(secret !== undefined ? { secret } : {}) });
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
    const stop = (): void => { if (child.connected) child.send({ kind: 'stop' } satisfies FrontToSession); };
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
