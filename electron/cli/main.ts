// `redial`: the headless IAX2 phone. Parses the command line, resolves the secret (argument, environment or
// prompt), runs the command and exits with a documented code (exit-codes.ts).
import { readFileSync } from 'node:fs';
import { parseCommand, UsageError, type Command } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { HELP } from './help.js';
import { CliOutput } from './output.js';
import { resolveSecret } from './secret.js';

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
  const out = new CliOutput(cmd.common.json);
  try {
    switch (cmd.kind) {
      case 'register': {
        const secret = await resolveSecret(cmd.account.secret, env);
        return await (await import('./commands/register.js')).runRegister(cmd, secret, out);
      }
      case 'call': {
        const secret = await resolveSecret(cmd.account.secret, env);
        return await (await import('./commands/call.js')).runCall(cmd, secret, out);
      }
      case 'listen': {
        const secret = cmd.account ? await resolveSecret(cmd.account.secret, env) : undefined;
        return await (await import('./commands/listen.js')).runListen(cmd, secret, out);
      }
      case 'devices':
        return await (await import('./commands/devices.js')).runDevices(cmd, out);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out.emit({ event: 'error', code: 'usage', message: err.message });
      return ExitCode.USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      out.emit({ event: 'error', code: 'network', message: `cannot open the UDP socket: ${message}` });
      return ExitCode.NETWORK;
    }
    out.emit({ event: 'error', code: 'internal', message });
    return ExitCode.INTERNAL;
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
