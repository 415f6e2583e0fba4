// `redial listen`: receive calls, registered to a server (--server/--user) or directly on a UDP port, and
// answer them automatically, reject them, or answer busy. Runs until Ctrl-C or --max-calls calls have ended.
import type { CallView, CodecName, RedialApi } from '../../shared/api.js';
import { rawText } from '../../shared/display-text.js';
import { UsageError, type Command, type ServerAccount } from '../args.js';
import { EchoPhoneMedia } from '../../core/phone/echo-phone-media.js';
import { createCliAudio } from '../cli-audio.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { CallEvents, runCallScript } from '../call-script.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import { stopRequested } from '../stop-request.js';

export async function runListen(cmd: Extract<Command, { kind: 'listen' }>, secret: string | undefined, out: CliOutput): Promise<ExitCodeValue> {
  if (cmd.echo) return runEcho(cmd, secret, out);
  const notice = (message: string): void => out.emit({ event: 'notice', message });
  const audio = await createCliAudio(cmd.common, { play: cmd.play, record: cmd.record, recordBoth: cmd.recordBoth }, notice);
  // No server: accept calls from any address on our port (RFC 5456 peer-to-peer use; spec C-10 otherwise).
  const phone = await startCliPhone({ common: cmd.common, out, audio, acceptDirectCalls: cmd.account === undefined,
    directCallTokens: cmd.callTokens });
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
    if (cmd.account) await registerForCalls(api, cmd.account, secret, cmd.common.codecs, out, (code) => { exit = code; });
    await Promise.race([allDone, stopRequested()]);
    return exit;
  } finally {
    await phone.close();
  }
}

/**
 * `redial listen --echo`: an echo peer. Every call is answered at once and its audio reflected by EchoPhoneMedia
 * (nothing decoded, no timer), as many calls at a time as come; calls do not hold each other. The reflector that
 * `redial load` is measured against (docs/scenarios.md).
 */
async function runEcho(cmd: Extract<Command, { kind: 'listen' }>, secret: string | undefined, out: CliOutput): Promise<ExitCodeValue> {
  if (cmd.play !== undefined || cmd.record !== undefined || cmd.recordBoth !== undefined || cmd.dtmf !== undefined) {
    throw new UsageError('--echo sends back what it hears: it takes no --play, --record, --record-both or --dtmf');
  }
  if (cmd.answer !== 'auto') throw new UsageError('--echo answers every call (--answer auto)');
  const echo = new EchoPhoneMedia();
  const phone = await startCliPhone({ common: cmd.common, out, media: echo, independentCalls: true, acceptDirectCalls: cmd.account === undefined,
    directCallTokens: cmd.callTokens });
  const { api } = phone;
  let exit: ExitCodeValue = ExitCode.OK;
  let ended = 0;
  let done: (() => void) | undefined;
  const allDone = new Promise<void>((r) => { done = r; });
  const timers = new Map<string, NodeJS.Timeout>();
  try {
    api.on('call:incoming', (call) => {
      out.emit({ event: 'incoming', callId: call.id, number: rawText(call.number),
        ...(call.remoteNumber !== undefined ? { from: rawText(call.remoteNumber) } : {}) });
      void api.request('call:answer', { callId: call.id }).catch(() => undefined);
      if (cmd.hangupAfterSeconds !== undefined) {
        timers.set(call.id, setTimeout(() => { void api.request('call:hangup', { callId: call.id }).catch(() => undefined); }, cmd.hangupAfterSeconds * 1000));
      }
    });
    api.on('call:ended', ({ call, end }) => {
      clearTimeout(timers.get(call.id));
      timers.delete(call.id);
      if (call.direction !== 'incoming') return;
      out.emit({ event: 'hangup', callId: call.id, by: end.by, ...(end.causeCode !== undefined ? { causeCode: end.causeCode } : {}) });
      ended++;
      if (cmd.maxCalls !== undefined && ended >= cmd.maxCalls) done?.();
    });
    if (cmd.account) await registerForCalls(api, cmd.account, secret, cmd.common.codecs, out, (code) => { exit = code; });
    await Promise.race([allDone, stopRequested()]);
    return exit;
  } finally {
    for (const t of timers.values()) clearTimeout(t);
    await phone.close();
  }
}

/** Registers the account calls come to, printing registered / registration-failed (a failure sets the exit code). */
async function registerForCalls(api: RedialApi, account: ServerAccount, secret: string | undefined, codecs: readonly CodecName[],
  out: CliOutput, failed: (code: ExitCodeValue) => void): Promise<void> {
  const who = { server: account.server, user: account.username };
  api.on('registration', (s) => {
    if (s.status === 'registered') out.emit({ event: 'registered', ...who, ...(s.refreshSeconds !== undefined ? { refresh: s.refreshSeconds } : {}) });
    if (s.status === 'failed' && s.error) {
      out.emit({ event: 'registration-failed', ...who, code: s.error.code, message: rawText(s.error.message) });
      failed(exitCodeFor(s.error));
    }
  });
  await saveAccount(api, accountInput(account, secret, codecs, true));
}
