// `redial call`: place one call, run its audio (WAV files or sound devices), send scripted DTMF/text, and exit
// with a code that says how it ended.
import type { Command } from '../args.js';
import { createCliAudio } from '../cli-audio.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { CallEvents, runCallScript } from '../call-script.js';
import type { ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import { stopRequested } from '../stop-request.js';

export async function runCall(cmd: Extract<Command, { kind: 'call' }>, secret: string | undefined, out: CliOutput): Promise<ExitCodeValue> {
  const notice = (message: string): void => out.emit({ event: 'notice', message });
  const audio = await createCliAudio(cmd.common, { play: cmd.play, record: cmd.record, recordBoth: cmd.recordBoth }, notice);
  const phone = await startCliPhone({ common: cmd.common, out, audio });
  try {
    const { api } = phone;
    const account = await saveAccount(api, accountInput(cmd.account, secret, cmd.common.codecs, false));
    const events = new CallEvents(api);
    out.emit({ event: 'calling', number: cmd.number, server: cmd.account.server });
    const call = await api.request('call:dial', { number: cmd.number, accountId: account.id, codecs: cmd.common.codecs });
    const ended = runCallScript(api, events, call, {
      out, audio,
      ...(cmd.dtmf !== undefined ? { dtmf: cmd.dtmf } : {}),
      dtmfDelaySeconds: cmd.dtmfDelaySeconds,
      ...(cmd.text !== undefined ? { text: cmd.text } : {}),
      ...(cmd.hangupAfterSeconds !== undefined ? { hangupAfterSeconds: cmd.hangupAfterSeconds } : {}),
      answerTimeoutSeconds: cmd.answerTimeoutSeconds,
      statsEverySeconds: cmd.common.json ? 5 : 0,
      recordBoth: cmd.recordBoth !== undefined,
    });
    const stop = stopRequested().then(async () => {
      await api.request('call:hangup', { callId: call.id }).catch(() => undefined);
      return ended;
    });
    return await Promise.race([ended, stop]);
  } finally {
    await phone.close();
  }
}
