// `redial test SCENARIO`: runs a scenario file (docs/scenarios.md) in one call as a check, or in --calls N calls
// at once under load. Each call is placed through the app's phone (BulkPhoneMedia, independent calls) by the
// LoadRunner, and its steps are run by a ScenarioRunner that hears the call's audio after the jitter buffer. Prints
// each call's outcome naming the failing step, the load report when there are several calls, JUnit XML on
// request; exit code 13 when a step failed.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { CodecName } from '../../core/media/codec.js';
import { decodeWav, monoOf } from '../../core/media/wav.js';
import type { EncodedAudio } from '../../core/media/encoded-audio.js';
import { BulkPhoneMedia, type BulkCallMedia } from '../../core/phone/bulk-phone-media.js';
import { SystemClock } from '../../adapters/system-clock.js';
import { WavFileRecording } from '../../adapters/fs-wav-recording.js';
import { terminalSafeJson } from '../../shared/display-text.js';
import type { RedialApi } from '../../shared/api.js';
import { UsageError, type ServerAccount, type TestCommand } from '../args.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { LoadRunner, type LoadCall, type LoadCallEvents, type LoadDialer } from '../load/load-runner.js';
import { PhoneLoadDialer, type DialRoute } from '../load/phone-dialer.js';
import { ProcessMeter } from '../load/process-meter.js';
import { formatSummary, summarize } from '../load/report.js';
import type { CliOutput } from '../output.js';
import { stopRequested } from '../stop-request.js';
import type { PlaySource, Scenario } from '../scenario/scenario.js';
import { parseScenario } from '../scenario/scenario-parser.js';
import { ScenarioRunner, type ScenarioCall, type ScenarioOutcome } from '../scenario/scenario-runner.js';
import { accountKey, accountsOf, routeCalls, type ScenarioCallRoute } from '../scenario/scenario-calls.js';
import { junitXml } from '../scenario/junit.js';

/** Account options when the command line gave none (scenario accounts with servers of their own). */
const DEFAULT_ACCOUNT: Omit<ServerAccount, 'server' | 'username'> = { secret: { kind: 'none' }, auth: ['md5'], refreshSeconds: 60, encryption: 'off' };

export async function runTest(cmd: TestCommand, secrets: Readonly<Record<string, string>>, out: CliOutput): Promise<ExitCodeValue> {
  let scenario: Scenario;
  try { scenario = parseScenario(readFileSync(cmd.scenarioPath, 'utf8'), cmd.scenarioPath); } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const routes = routeCalls(scenario, cmd.calls, { ...(cmd.server !== undefined ? { server: cmd.server } : {}), users: cmd.users });
  const codecs = scenario.codecs ?? cmd.common.codecs;
  const base = dirname(cmd.scenarioPath);
  const inScenarioFolder = (p: string): string => (isAbsolute(p) ? p : join(base, p));
  const clock = new SystemClock();
  const medias = new Map<string, BulkCallMedia>();
  const waiting = new Map<string, ((m: BulkCallMedia) => void)[]>();
  const bulk = new BulkPhoneMedia({
    clock, openRecording: (path) => new WavFileRecording(path),
    onCallMedia: (call, media) => {
      medias.set(call.id, media);
      for (const fn of waiting.get(call.id) ?? []) fn(media);
      waiting.delete(call.id);
    },
  });
  /** Runs `fn` with the call's media once it has some (answer or early media); at once if it has. */
  const withMedia = (callId: string, fn: (m: BulkCallMedia) => void): void => {
    const m = medias.get(callId);
    if (m) { fn(m); return; }
    waiting.set(callId, [...(waiting.get(callId) ?? []), fn]);
  };
  const phone = await startCliPhone({ common: { ...cmd.common, codecs }, out, media: bulk, independentCalls: true });
  const meter = new ProcessMeter();
  const started = new Date();
  try {
    const { api } = phone;
    const accountIds = new Map<string, string>();
    for (const a of accountsOf(routes)) {
      const template = cmd.account ?? { ...DEFAULT_ACCOUNT, server: a.server, username: a.user };
      const view = await saveAccount(api, accountInput({ ...template, server: a.server, username: a.user }, secrets[a.user], codecs, false));
      accountIds.set(accountKey(a), view.id);
    }
    const route = (index: number): DialRoute => {
      const r = routes[index - 1];
      const number = r.plan.steps[0].kind === 'dial' ? r.plan.steps[0].number : '';
      return r.target.kind === 'direct'
        ? { request: { number, direct: { server: r.target.server }, codecs: [...codecs] }, label: r.target.server }
        : { request: { number, accountId: accountIds.get(accountKey(r.target)) ?? '', codecs: [...codecs] }, label: r.target.user };
    };
    const outcomes = new Map<number, ScenarioOutcome>();
    const inner = new PhoneLoadDialer(api, route, (id) => medias.get(id), (id) => medias.delete(id));
    const sound = soundLoader(inScenarioFolder);
    const dialer: LoadDialer = {
      accountOf: (index) => inner.accountOf(index),
      dial: (index, events) => scenarioCall(routes[index - 1], events, {
        api, clock, scenario, inner, index, withMedia, sound, outcomes,
      }),
    };
    const runner = new LoadRunner({
      calls: cmd.calls, totalCalls: cmd.calls, ratePerS: cmd.ratePerS, durationS: scenario.timeoutS + 30,
      // The scenario's own steps decide about answering; this only bounds a call that never gets that far.
      answerTimeoutS: scenario.timeoutS,
    }, dialer, clock, { cpuPercent: () => meter.cpuPercentSinceLast() });
    out.info(`Test: ${scenario.name} (${cmd.scenarioPath}), ${cmd.calls} call${cmd.calls === 1 ? '' : 's'}`);
    meter.start();
    runner.start();
    void stopRequested().then(() => runner.stop('interrupted'));
    const result = await runner.done;
    const seconds = result.wallMs / 1000;
    const calls = result.records.map((r) => ({
      call: r.index, account: r.account,
      outcome: outcomes.get(r.index) ?? { passed: false, steps: [], failure: r.failure?.message ?? 'the call did not run' },
    }));
    for (const c of calls) printCall(out, cmd.common.json, c.call, c.account, c.outcome);
    const passed = calls.filter((c) => c.outcome.passed).length;
    if (cmd.junit !== undefined) {
      writeFileSync(cmd.junit, junitXml([{ name: scenario.name, file: cmd.scenarioPath, timestamp: started.toISOString(), seconds, calls }]));
    }
    if (cmd.common.json) {
      const summary = cmd.calls > 1 ? summarize(result.records, { cpuPercent: meter.cpuPercentOverall(), rssPeakBytes: meter.rssPeak, rssBaseBytes: meter.rssBase, peakCalls: result.peakCalls }, result.wallMs) : undefined;
      out.raw(`${terminalSafeJson({ event: 'report', scenario: scenario.name, calls: calls.length, passed, failed: calls.length - passed, stopped: result.stopReason, ...(summary ?? {}) })}\n`);
    } else {
      if (cmd.calls > 1) {
        out.raw(`\n${formatSummary(summarize(result.records, { cpuPercent: meter.cpuPercentOverall(), rssPeakBytes: meter.rssPeak, rssBaseBytes: meter.rssBase, peakCalls: result.peakCalls }, result.wallMs))}\n`);
      }
      out.raw(`${passed} of ${calls.length} call${calls.length === 1 ? '' : 's'} passed${cmd.junit !== undefined ? `; JUnit XML in ${cmd.junit}` : ''}\n`);
    }
    return passed === calls.length && calls.length > 0 ? ExitCode.OK : ExitCode.SCENARIO_FAILED;
  } finally {
    await phone.close();
  }
}

interface CallContext {
  readonly api: RedialApi;
  readonly clock: SystemClock;
  readonly scenario: Scenario;
  readonly inner: PhoneLoadDialer;
  readonly index: number;
  readonly withMedia: (callId: string, fn: (m: BulkCallMedia) => void) => void;
  readonly sound: (source: PlaySource, codec: CodecName, m: BulkCallMedia) => Promise<EncodedAudio>;
  readonly outcomes: Map<number, ScenarioOutcome>;
}

/** Places one call and runs its scenario steps; the LoadRunner sees the call as usual, failed when a step failed. */
function scenarioCall(route: ScenarioCallRoute, events: LoadCallEvents, x: CallContext): LoadCall {
  let callId: string | undefined;
  let placed: LoadCall | undefined;
  const ask = (what: (id: string) => Promise<unknown>): void => { if (callId !== undefined) void what(callId).catch(() => undefined); };
  const call: ScenarioCall = {
    hangup: () => placed?.hangup(),
    sendDtmf: (digit) => ask((id) => x.api.request('call:dtmf', { callId: id, digits: digit })),
    sendText: (text) => ask((id) => x.api.request('call:text', { callId: id, text })),
    play: (source, seconds, onEnd) => {
      if (callId === undefined) { onEnd(); return; }
      x.withMedia(callId, (m) => {
        x.sound(source, m.codec, m).then((audio) => {
          const frames = seconds === undefined ? undefined : Math.ceil((seconds * 1000) / audio.frameMs);
          // Files play once; tones and silence repeat until their time is up (or forever, in the background).
          m.play(audio, source.kind !== 'file', frames, onEnd);
        }, () => onEnd());
      });
    },
    // Recordings go where the command runs (play files are found beside the scenario: inputs travel with it).
    record: (path, seconds) => { if (callId !== undefined) x.withMedia(callId, (m) => m.record(path, seconds)); },
  };
  const runner = new ScenarioRunner(route.plan.steps, call, x.clock, {
    timeoutS: x.scenario.timeoutS, onFinished: (o) => x.outcomes.set(x.index, o),
  });
  placed = x.inner.dial(x.index, {
    placed: (id) => {
      callId = id;
      x.withMedia(id, (m) => m.listen((pcm, rate) => runner.audio(pcm, rate)));
      events.placed?.(id);
    },
    ringing: () => { runner.ringing(); events.ringing(); },
    answered: () => { runner.answeredNow(); events.answered(); },
    dtmf: (d) => runner.dtmf(d),
    text: (t) => runner.text(t),
    ended: (end) => {
      runner.ended({ by: end.by, ...(end.failure?.causeCode !== undefined ? { causeCode: end.failure.causeCode } : {}),
        ...(end.failure?.cause !== undefined ? { cause: end.failure.cause } : {}),
        ...(end.failure && end.failure.code !== 'hangup' ? { error: end.failure } : {}) });
      // The scenario judges the call: a passed one ended as planned (even when the far end hung up: `expect
      // hangup`), a failed one is counted by its failing step.
      const o = x.outcomes.get(x.index);
      const media = end.media ? { media: end.media } : {};
      events.ended(o?.passed ? { by: 'local', ...media }
        : { by: end.by, ...media, failure: { code: 'step-failed', message: o?.failure ?? end.failure?.message ?? 'the scenario did not finish' } });
    },
  });
  runner.start();
  return placed;
}

/** Prepared audio for a play step: tones and silence generated, files read once (mono) and encoded per codec. */
function soundLoader(resolve: (p: string) => string): (source: PlaySource, codec: CodecName, m: BulkCallMedia) => Promise<EncodedAudio> {
  return (source, codec, m) => {
    if (source.kind === 'tone') return m.sounds.tone(source.hz, source.levelDbfs, codec);
    if (source.kind === 'silence') return m.sounds.silence(codec);
    const path = resolve(source.path);
    return m.sounds.get(`file:${path}`, codec, () => {
      const wav = decodeWav(readFileSync(path));
      return { pcm: monoOf(wav), rate: wav.sampleRate };
    });
  };
}

function printCall(out: CliOutput, json: boolean, call: number, account: string, o: ScenarioOutcome): void {
  if (json) {
    out.raw(`${terminalSafeJson({ event: 'scenario-call', call, account, passed: o.passed, ...(o.failure !== undefined ? { failure: o.failure } : {}), steps: o.steps })}\n`);
    return;
  }
  out.info(`call ${call} (${account}): ${o.passed ? 'PASSED' : `FAILED at ${o.failure ?? 'an unknown step'}`}`);
}
