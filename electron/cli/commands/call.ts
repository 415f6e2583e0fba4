// `redial call`: place one call, run its audio (WAV files or sound devices), send scripted DTMF/text, and exit
// with a code that says how it ended.
import type { Command } from '../args.js';
import { createCallAudioStarter } from '../call-audio.js';
import { superviseCall } from '../call-session.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import { accountConfig, startRuntime } from '../runtime.js';
import { stopRequested } from '../stop-request.js';

export async function runCall(cmd: Extract<Command, { kind: 'call' }>, secret: string | undefined, out: CliOutput): Promise<ExitCodeValue> {
  const startAudio = await createCallAudioStarter(cmd.common, { play: cmd.play, record: cmd.record, recordBoth: cmd.recordBoth }, out);
  const rt = await startRuntime(cmd.common, out);
  try {
    out.emit({ event: 'calling', number: cmd.number, server: cmd.account.server });
    const call = rt.engine.dial({ account: accountConfig(cmd.account, secret, cmd.common, false), number: cmd.number, codecs: cmd.common.codecs });
    const ended = superviseCall(call, {
      out, startAudio,
      ...(cmd.dtmf !== undefined ? { dtmf: cmd.dtmf } : {}),
      dtmfDelaySeconds: cmd.dtmfDelaySeconds,
      ...(cmd.text !== undefined ? { text: cmd.text } : {}),
      ...(cmd.hangupAfterSeconds !== undefined ? { hangupAfterSeconds: cmd.hangupAfterSeconds } : {}),
      answerTimeoutSeconds: cmd.answerTimeoutSeconds,
      statsEverySeconds: cmd.common.json ? 5 : 0,
    });
    const stop = stopRequested().then(() => { call.hangup(); return ended; });
    return await Promise.race([ended, stop]);
  } catch (err) {
    out.emit({ event: 'error', code: 'internal', message: err instanceof Error ? err.message : String(err) });
    return ExitCode.INTERNAL;
  } finally {
    await rt.close();
  }
}
