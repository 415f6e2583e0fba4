// `redial register`: register an account and stay registered (refreshing) until Ctrl-C, or with --once report the
// first outcome and unregister.
import type { RegistrationState } from '../../core/iax2/engine-api.js';
import type { Command } from '../args.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from '../exit-codes.js';
import { accountConfig, startRuntime } from '../runtime.js';
import { stopRequested } from '../stop-request.js';
import type { CliOutput } from '../output.js';

export async function runRegister(
  cmd: Extract<Command, { kind: 'register' }>, secret: string | undefined, out: CliOutput,
): Promise<ExitCodeValue> {
  const rt = await startRuntime(cmd.common, out);
  const { account } = cmd;
  let exit: ExitCodeValue = ExitCode.OK;
  let settle: ((code: ExitCodeValue) => void) | undefined;
  const firstOutcome = new Promise<ExitCodeValue>((r) => { settle = r; });
  rt.engine.on('registration', (s: RegistrationState) => {
    const who = { server: account.server, user: account.username };
    if (s.status === 'registering') out.emit({ event: 'registering', ...who });
    if (s.status === 'registered') {
      out.emit({
        event: 'registered', ...who,
        ...(s.refreshSeconds !== undefined ? { refresh: s.refreshSeconds } : {}),
        ...(s.apparentAddress ? { apparentAddress: `${s.apparentAddress.address}:${s.apparentAddress.port}` } : {}),
        ...(s.messages ? { messages: s.messages } : {}),
      });
      settle?.(ExitCode.OK);
    }
    if (s.status === 'failed' && s.error) {
      out.emit({ event: 'registration-failed', ...who, code: s.error.code, message: s.error.message });
      settle?.(exitCodeFor(s.error));
    }
    if (s.status === 'unregistered') out.emit({ event: 'unregistered', ...who });
  });
  rt.engine.setAccounts([accountConfig(account, secret, cmd.common, true)]);
  if (cmd.once) {
    exit = await Promise.race([firstOutcome, stopRequested().then(() => ExitCode.OK)]);
  } else {
    await stopRequested();
  }
  await rt.close();
  return exit;
}
