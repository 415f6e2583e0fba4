// `redial register`: register an account and stay registered (refreshing) until Ctrl-C, or with --once report the
// first outcome and unregister.
import { rawText } from '../../shared/display-text.js';
import type { Command } from '../args.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import { stopRequested } from '../stop-request.js';

export async function runRegister(
  cmd: Extract<Command, { kind: 'register' }>, secret: string | undefined, out: CliOutput,
): Promise<ExitCodeValue> {
  const phone = await startCliPhone({ common: cmd.common, out });
  try {
    const { account } = cmd;
    const who = { server: account.server, user: account.username };
    let settle: ((code: ExitCodeValue) => void) | undefined;
    const firstOutcome = new Promise<ExitCodeValue>((r) => { settle = r; });
    phone.api.on('registration', (s) => {
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
        out.emit({ event: 'registration-failed', ...who, code: s.error.code, message: rawText(s.error.message) });
        settle?.(exitCodeFor(s.error));
      }
      if (s.status === 'unregistered') out.emit({ event: 'unregistered', ...who });
    });
    await saveAccount(phone.api, accountInput(account, secret, cmd.common.codecs, true));
    if (!cmd.once) {
      await stopRequested();
      return ExitCode.OK;
    }
    return await Promise.race([firstOutcome, stopRequested().then(() => ExitCode.OK)]);
  } finally {
    await phone.close();
  }
}
