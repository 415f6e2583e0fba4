// `redial listen`: receive calls, registered to a server (--server/--user) or directly on a UDP port, and
// answer them automatically, reject them, or answer busy. Runs until Ctrl-C or --max-calls calls have ended.
import type { CallHandle, RegistrationState } from '../../core/iax2/engine-api.js';
import type { Command } from '../args.js';
import { createCallAudioStarter } from '../call-audio.js';
import { superviseCall } from '../call-session.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import { accountConfig, startRuntime } from '../runtime.js';
import { stopRequested } from '../stop-request.js';

export async function runListen(cmd: Extract<Command, { kind: 'listen' }>, secret: string | undefined, out: CliOutput): Promise<ExitCodeValue> {
  const startAudio = await createCallAudioStarter(cmd.common, { play: cmd.play, record: cmd.record, recordBoth: cmd.recordBoth }, out);
  const rt = await startRuntime(cmd.common, out);
  let exit: ExitCodeValue = ExitCode.OK;
  let handled = 0;
  let active: CallHandle | undefined;
  let done: (() => void) | undefined;
  const allDone = new Promise<void>((r) => { done = r; });

  if (cmd.account) {
    const who = { server: cmd.account.server, user: cmd.account.username };
    rt.engine.on('registration', (s: RegistrationState) => {
      if (s.status === 'registered') out.emit({ event: 'registered', ...who, ...(s.refreshSeconds !== undefined ? { refresh: s.refreshSeconds } : {}) });
      if (s.status === 'failed' && s.error) {
        out.emit({ event: 'registration-failed', ...who, code: s.error.code, message: s.error.message });
        exit = exitCodeFor(s.error);
      }
    });
    rt.engine.setAccounts([accountConfig(cmd.account, secret, cmd.common, true)]);
  } else {
    // No server: accept calls from any address on our port (RFC 5456 peer-to-peer use; spec C-10 otherwise).
    rt.engine.setAcceptDirectCalls(true, cmd.common.codecs);
  }

  rt.engine.on('incoming', (call) => {
    out.emit({
      event: 'incoming', callId: call.id, number: call.number,
      ...(call.remote.number !== undefined ? { from: call.remote.number } : {}),
      ...(call.remote.name !== undefined ? { fromName: call.remote.name } : {}),
      ...(call.autoAnswerRequested ? { autoAnswer: true } : {}),
    });
    if (active && active.state !== 'ended') { call.reject('busy'); return; }
    if (cmd.answer === 'reject') { call.reject('declined'); countEnded(); return; }
    if (cmd.answer === 'busy') { call.reject('busy'); countEnded(); return; }
    active = call;
    const ended = superviseCall(call, {
      out, startAudio,
      ...(cmd.dtmf !== undefined ? { dtmf: cmd.dtmf } : {}),
      ...(cmd.hangupAfterSeconds !== undefined ? { hangupAfterSeconds: cmd.hangupAfterSeconds } : {}),
      statsEverySeconds: cmd.common.json ? 5 : 0,
    });
    // The server asked for auto-answer (AUTOANSWER IE, Asterisk Dial option /a: intercom): answer at once.
    if (cmd.answerAfterSeconds > 0 && !call.autoAnswerRequested) {
      const t = setTimeout(() => { if (call.state === 'ringing') call.answer(); }, cmd.answerAfterSeconds * 1000);
      call.on('ended', () => clearTimeout(t));
    } else {
      call.answer();
    }
    void ended.then(() => countEnded());
  });

  function countEnded(): void {
    handled++;
    if (cmd.maxCalls !== undefined && handled >= cmd.maxCalls) done?.();
  }

  await Promise.race([allDone, stopRequested()]);
  await rt.close();
  return exit;
}
