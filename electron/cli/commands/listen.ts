// `redial listen`: receive calls, registered to a server (--server/--user) or directly on a UDP port, and
// answer them automatically, reject them, or answer busy. Runs until Ctrl-C or --max-calls calls have ended.
import type { CallView } from '../../shared/api.js';
import { rawText } from '../../shared/display-text.js';
import type { Command } from '../args.js';
import { createCliAudio } from '../cli-audio.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { CallEvents, runCallScript } from '../call-script.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import { stopRequested } from '../stop-request.js';

export async function runListen(cmd: Extract<Command, { kind: 'listen' }>, secret: string | undefined, out: CliOutput): Promise<ExitCodeValue> {
  const notice = (message: string): void => out.emit({ event: 'notice', message });
  const audio = await createCliAudio(cmd.common, { play: cmd.play, record: cmd.record, recordBoth: cmd.recordBoth }, notice);
  // No server: accept calls from any address on our port (RFC 5456 peer-to-peer use; spec C-10 otherwise).
  const phone = await startCliPhone({ common: cmd.common, out, audio, acceptDirectCalls: cmd.account === undefined });
  const { api } = phone;
  let exit: ExitCodeValue = ExitCode.OK;
  let handled = 0;
  let active: CallView | undefined;
  let done: (() => void) | undefined;
  const allDone = new Promise<void>((r) => { done = r; });
  const countEnded = (): void => {
    handled++;
    if (cmd.maxCalls !== undefined && handled >= cmd.maxCalls) done?.();
  };
  try {
    const events = new CallEvents(api);
    api.on('call:incoming', (call) => {
      out.emit({
        event: 'incoming', callId: call.id, number: rawText(call.number),
        ...(call.remoteNumber !== undefined ? { from: rawText(call.remoteNumber) } : {}),
        ...(call.remoteName !== undefined ? { fromName: rawText(call.remoteName) } : {}),
        ...(call.autoAnswerRequested ? { autoAnswer: true } : {}),
      });
      const reject = (reason: 'busy' | 'declined'): void => { void api.request('call:reject', { callId: call.id, reason }).catch(() => undefined); };
      // One call at a time: a second caller hears busy.
      if (active) { reject('busy'); return; }
      if (cmd.answer === 'reject') { reject('declined'); countEnded(); return; }
      if (cmd.answer === 'busy') { reject('busy'); countEnded(); return; }
      active = call;
      const ended = runCallScript(api, events, call, {
        out, audio,
        ...(cmd.dtmf !== undefined ? { dtmf: cmd.dtmf } : {}),
        ...(cmd.hangupAfterSeconds !== undefined ? { hangupAfterSeconds: cmd.hangupAfterSeconds } : {}),
        statsEverySeconds: cmd.common.json ? 5 : 0,
        recordBoth: cmd.recordBoth !== undefined,
      });
      const answer = (): void => { void api.request('call:answer', { callId: call.id }).catch(() => undefined); };
      // The server asked for auto-answer (AUTOANSWER IE, Asterisk Dial option /a: intercom): answer at once.
      if (cmd.answerAfterSeconds > 0 && !call.autoAnswerRequested) {
        const t = setTimeout(answer, cmd.answerAfterSeconds * 1000);
        void ended.then(() => clearTimeout(t));
      } else {
        answer();
      }
      void ended.then(() => { active = undefined; countEnded(); });
    });
    if (cmd.account) {
      const who = { server: cmd.account.server, user: cmd.account.username };
      api.on('registration', (s) => {
        if (s.status === 'registered') out.emit({ event: 'registered', ...who, ...(s.refreshSeconds !== undefined ? { refresh: s.refreshSeconds } : {}) });
        if (s.status === 'failed' && s.error) {
          out.emit({ event: 'registration-failed', ...who, code: s.error.code, message: rawText(s.error.message) });
          exit = exitCodeFor(s.error);
        }
      });
      await saveAccount(api, accountInput(cmd.account, secret, cmd.common.codecs, true));
    }
    await Promise.race([allDone, stopRequested()]);
    return exit;
  } finally {
    await phone.close();
  }
}
