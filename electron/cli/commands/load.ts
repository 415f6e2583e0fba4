// `redial load`: many calls from one process (docs/scenarios.md "redial load"). The app's phone composed with
// BulkPhoneMedia (one media clock for every call, the tone or WAV file encoded once) and independent calls; the
// LoadRunner dials at --rate up to --calls and keeps them up for --duration; a live progress line on stderr; the
// report at the end; the exit code says whether a --max-failures / --max-setup-ms threshold was crossed.
import { readFileSync } from 'node:fs';
import type { CodecName } from '../../core/media/codec.js';
import { decodeWav, monoOf } from '../../core/media/wav.js';
import { BulkPhoneMedia, type BulkCallMedia } from '../../core/phone/bulk-phone-media.js';
import type { EncodedAudioCache, EncodedAudio } from '../../core/media/encoded-audio.js';
import { SystemClock } from '../../adapters/system-clock.js';
import { UsageError, type LoadCommand, type LoadSound } from '../args.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { distribution } from '../load/distribution.js';
import { LoadRunner, type LoadResult } from '../load/load-runner.js';
import { PhoneLoadDialer, cycleRoutes, type DialTarget } from '../load/phone-dialer.js';
import { formatSummary, summarize, type LoadSummary, type Progress } from '../load/report.js';
import type { CliOutput } from '../output.js';
import { terminalSafeJson } from '../../shared/display-text.js';
import { stopRequested } from '../stop-request.js';
import { ProcessMeter, ProgressPrinter } from '../load/process-meter.js';

/** Level of the generated tone (dBFS): loud enough to measure after any codec, well below clipping. */
const TONE_LEVEL_DBFS = -10;

export async function runLoad(cmd: LoadCommand, secrets: Readonly<Record<string, string>>, out: CliOutput): Promise<ExitCodeValue> {
  const soundOf = prepareSound(cmd.sound);
  const clock = new SystemClock();
  const medias = new Map<string, BulkCallMedia>();
  const bulk = new BulkPhoneMedia({
    clock, defaultSound: soundOf,
    onCallMedia: (call, media) => medias.set(call.id, media),
  });
  const phone = await startCliPhone({ common: cmd.common, out, media: bulk, independentCalls: true });
  const meter = new ProcessMeter();
  try {
    const { api } = phone;
    let target: DialTarget;
    if (cmd.target.kind === 'direct') target = { kind: 'direct', server: cmd.target.server };
    else {
      const accounts = [];
      for (const a of cmd.target.accounts) {
        const view = await saveAccount(api, accountInput(a, secrets[a.username], cmd.common.codecs, false));
        accounts.push({ id: view.id, user: a.username });
      }
      target = { kind: 'accounts', accounts };
    }
    const dialer = new PhoneLoadDialer(api, cycleRoutes(target, cmd.dial), (id) => medias.get(id), (id) => medias.delete(id));
    const printer = new ProgressPrinter(out, cmd.common.json);
    const runner = new LoadRunner({
      calls: cmd.calls, ratePerS: cmd.ratePerS, durationS: cmd.durationS, answerTimeoutS: cmd.answerTimeoutS,
      ...(cmd.holdForS !== undefined ? { holdForS: cmd.holdForS } : {}),
      ...(cmd.maxFailures !== undefined ? { maxFailures: cmd.maxFailures } : {}),
      ...(cmd.maxSetupMs !== undefined ? { maxSetupMs: cmd.maxSetupMs } : {}),
    }, dialer, clock, {
      progress: (p: Progress) => { meter.sampleMemory(); printer.progress(p); },
      cpuPercent: () => meter.cpuPercentSinceLast(),
    });
    const where = cmd.target.kind === 'direct' ? cmd.target.server : `${cmd.target.accounts[0].server} as ${cmd.target.accounts.map((a) => a.username).join(', ')}`;
    out.info(`Load: ${cmd.calls} calls to ${cmd.dial} at ${where}, ${cmd.ratePerS}/s, for ${cmd.durationS} s${cmd.holdForS !== undefined ? `, each held ${cmd.holdForS} s` : ''} (Ctrl-C ends it early; a second Ctrl-C at once)`);
    meter.start();
    runner.start();
    void stopRequested().then(() => {
      printer.note('stopping: hanging up every call and waiting for the server to acknowledge…');
      runner.stop('interrupted');
    });
    const result = await runner.done;
    printer.done();
    const summary = summarize(result.records, {
      cpuPercent: meter.cpuPercentOverall(), rssPeakBytes: meter.rssPeak, rssBaseBytes: meter.rssBase, peakCalls: result.peakCalls,
      ...(bulk.clock.stats().ticks > 0 ? { tickLateMs: distribution(bulk.clock.recentLateness())! } : {}),
    }, result.wallMs);
    report(out, cmd, summary, result);
    return exitCode(summary, result);
  } finally {
    await phone.close();
  }
}

/** The sound every call sends: a generated tone, or a WAV file (mono, any rate), encoded once per codec. */
function prepareSound(sound: LoadSound): (codec: CodecName, sounds: EncodedAudioCache) => Promise<EncodedAudio> {
  if (sound.kind === 'tone') return (codec, sounds) => sounds.tone(sound.hz, TONE_LEVEL_DBFS, codec);
  let bytes: Uint8Array;
  try { bytes = readFileSync(sound.path); } catch (err) {
    throw new UsageError(`--play: cannot read ${sound.path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let wav;
  try { wav = decodeWav(bytes); } catch (err) {
    throw new UsageError(`--play: ${sound.path} is not a WAV file redial can play (${err instanceof Error ? err.message : String(err)})`);
  }
  const mono = monoOf(wav);
  return (codec, sounds) => sounds.get(`file:${sound.path}`, codec, () => ({ pcm: mono, rate: wav.sampleRate }));
}

function report(out: CliOutput, cmd: LoadCommand, s: LoadSummary, r: LoadResult): void {
  const stopped = r.stopReason === 'duration' ? `after ${cmd.durationS} s` : r.stopReason === 'max-failures'
    ? `early: more than ${cmd.maxFailures} calls failed` : r.stopReason === 'interrupted' ? 'early: interrupted' : 'after the last call';
  const thresholds: string[] = [];
  const t = r.thresholds;
  if (t.maxFailures) thresholds.push(`failures ${t.maxFailures.failed} (limit ${t.maxFailures.limit}): ${t.maxFailures.crossed ? 'CROSSED' : 'ok'}`);
  if (t.maxSetupMs) thresholds.push(`slowest set-up ${Math.round(t.maxSetupMs.slowest)} ms (limit ${t.maxSetupMs.limit} ms, ${t.maxSetupMs.slowCalls} calls over): ${t.maxSetupMs.crossed ? 'CROSSED' : 'ok'}`);
  if (cmd.common.json) {
    out.raw(`${terminalSafeJson({ event: 'report', stopped: r.stopReason, undrained: r.undrained, thresholds: t, ...s })}\n`);
    return;
  }
  out.raw(`\nLoad run ended ${stopped}.\n${formatSummary(s)}\n`);
  if (r.undrained > 0) out.raw(`${r.undrained} calls had not ended when the run stopped waiting for them.\n`);
  if (thresholds.length > 0) out.raw(`Thresholds: ${thresholds.join('; ')}\n`);
}

function exitCode(s: LoadSummary, r: LoadResult): ExitCodeValue {
  if (r.thresholds.maxFailures?.crossed || r.thresholds.maxSetupMs?.crossed) return ExitCode.THRESHOLD;
  if (s.attempted > 0 && s.answered === 0) return ExitCode.THRESHOLD; // nothing got through: never a pass
  return ExitCode.OK;
}
