// One shard of `redial load`: the app's phone composed with BulkPhoneMedia (one media clock for every call of the
// shard, the tone or WAV file encoded once) and independent calls, and a LoadRunner dialling the shard's share of the
// calls. The whole run when it has one shard; otherwise each worker thread runs one (load-worker.ts).
import { readFileSync } from 'node:fs';
import type { CodecName } from '../../core/media/codec.js';
import { decodeWav, monoOf } from '../../core/media/wav.js';
import { BulkPhoneMedia, type BulkCallMedia } from '../../core/phone/bulk-phone-media.js';
import type { EncodedAudioCache, EncodedAudio } from '../../core/media/encoded-audio.js';
import { SystemClock } from '../../adapters/system-clock.js';
import { UsageError, type LoadCommand, type LoadSound } from '../args.js';
import { accountInput, saveAccount, startCliPhone } from '../cli-phone.js';
import { LoadRunner, type FrameTotals, type LoadResult, type StopReason } from './load-runner.js';
import { PhoneLoadDialer, cycleRoutes, type DialTarget } from './phone-dialer.js';
import type { Progress } from './report.js';
import type { CliOutput } from '../output.js';

/** Level of the generated tone (dBFS): loud enough to measure after any codec, well below clipping. */
const TONE_LEVEL_DBFS = -10;

export interface ShardHooks {
  /** The phone is up and the accounts saved: the run starts when the returned promise resolves. */
  ready(): Promise<void>;
  /** Once a second while the run lasts. */
  progress(p: Progress, frames: FrameTotals): void;
  /** CPU % of one core for the progress line (NaN where the front measures it). */
  cpuPercent(): number;
  /** Resolves when the run must stop early (Ctrl-C, or a threshold crossed over every shard). */
  readonly stop: Promise<StopReason>;
}

export interface ShardOutcome {
  readonly result: LoadResult;
  /** How late the shard's media clock ticks ran, ms past due (recent ones); empty when it never ticked. */
  readonly tickLateness: readonly number[];
}

export async function runShard(cmd: LoadCommand, secrets: Readonly<Record<string, string>>, out: CliOutput, hooks: ShardHooks): Promise<ShardOutcome> {
  const soundOf = prepareSound(cmd.sound);
  const clock = new SystemClock();
  const medias = new Map<string, BulkCallMedia>();
  const bulk = new BulkPhoneMedia({
    clock, defaultSound: soundOf,
    onCallMedia: (call, media) => medias.set(call.id, media),
  });
  const phone = await startCliPhone({ common: cmd.common, out, media: bulk, independentCalls: true });
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
    const runner: LoadRunner = new LoadRunner({
      calls: cmd.calls, ratePerS: cmd.ratePerS, durationS: cmd.durationS, answerTimeoutS: cmd.answerTimeoutS,
      ...(cmd.holdForS !== undefined ? { holdForS: cmd.holdForS } : {}),
      ...(cmd.maxFailures !== undefined ? { maxFailures: cmd.maxFailures } : {}),
      ...(cmd.maxSetupMs !== undefined ? { maxSetupMs: cmd.maxSetupMs } : {}),
    }, dialer, clock, {
      progress: (p: Progress) => hooks.progress(p, runner.frameTotals()), // called a second after start, never during construction
      cpuPercent: () => hooks.cpuPercent(),
    });
    await hooks.ready();
    runner.start();
    void hooks.stop.then((reason) => runner.stop(reason));
    const result = await runner.done;
    return { result, tickLateness: bulk.clock.stats().ticks > 0 ? Array.from(bulk.clock.recentLateness()) : [] };
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
