// The CLI's call audio: a WAV file, the paced fake device or a real sound device as the microphone; a WAV file,
// the fake device or a real speaker as the output; and between them the same per-call media pipeline the app uses
// (electron/core/media/call-media.ts: jitter buffer, codecs, concealment, resampling).
import { readFileSync } from 'node:fs';
import type { CallHandle } from '../core/iax2/engine-api.js';
import type { AudioSystem, CaptureStream, PlaybackStream } from '../core/media/audio-ports.js';
import { CallMedia } from '../core/media/call-media.js';
import type { RecordingFormat } from '../core/media/call-media-types.js';
import { CODEC_INFO } from '../core/media/codecs/codec-info.js';
import { receptionReportFrom } from '../core/media/reception-report.js';
import { createProcessingChain, settingsFromSwitches } from '../core/media/dsp/processing-chain.js';
import { matchDeviceArgument } from '../core/media/devices/device-arguments.js';
import { decodeWav } from '../core/media/wav.js';
import { createAudioSystem, type AudioSystemSpec } from '../adapters/audio/create-audio-system.js';
import { WavFileRecording } from '../adapters/fs-wav-recording.js';
import { UsageError, type CommonOptions, type DspChoice } from './args.js';
import type { CallAudio } from './call-session.js';
import type { CliOutput } from './output.js';

export interface CallFiles {
  readonly play?: string | undefined;
  /** What we hear (the far end after the jitter buffer), mono at the output rate. */
  readonly record?: string | undefined;
  /** Both directions, stereo: left = our microphone as sent, right = the far end (CallMedia's recorder). */
  readonly recordBoth?: string | undefined;
}

type Side = { readonly spec: AudioSystemSpec; readonly deviceArg?: string };

/** Validates the files and devices once, up front, and returns what starts a call's audio. */
export async function createCallAudioStarter(
  common: CommonOptions, files: CallFiles, out: CliOutput,
): Promise<(call: CallHandle) => Promise<CallAudio>> {
  if (files.play !== undefined) checkPlayable(files.play);
  const capture = side(files.play !== undefined ? { kind: 'wav', playPath: files.play } : undefined, common.inputDevice);
  const playback = side(files.record !== undefined ? { kind: 'wav', recordPath: files.record } : undefined, common.outputDevice);
  const notice = (message: string): void => out.emit({ event: 'notice', message });
  const captureSystem = createAudioSystem(capture.spec, { onNotice: notice });
  const playbackSystem = createAudioSystem(playback.spec, { onNotice: notice });
  const inputKey = await deviceKey(captureSystem, capture, 'input');
  const outputKey = await deviceKey(playbackSystem, playback, 'output');
  // Echo cancellation and noise suppression are for a microphone that hears a speaker; with a WAV file or the fake
  // device on either side there is no acoustic path, and they would only alter the audio.
  const realDevices = capture.spec.kind === 'portaudio' && playback.spec.kind === 'portaudio';
  const dsp: DspChoice = common.dsp ?? { echoCancellation: realDevices, noiseSuppression: realDevices, autoGain: false };

  return async (call) => {
    const codec = call.codec;
    if (!codec) throw new Error('the call has no negotiated codec yet');
    const mic = await openOr(() => captureSystem.openCapture({ deviceKey: inputKey }), 'microphone', notice,
      () => createAudioSystem({ kind: 'fake' }).openCapture({ deviceKey: null }));
    const spk = await openOr(() => playbackSystem.openPlayback({ deviceKey: outputKey }), 'speaker', notice,
      () => createAudioSystem({ kind: 'fake' }).openPlayback({ deviceKey: null }));
    const media = await CallMedia.create({
      codec, now: () => performance.now(), send: (payload, ms) => call.sendVoice(payload, ms),
      playbackRate: spk.sampleRate, playbackFrameSamples: spk.frameSamples, captureRate: mic.sampleRate,
    });
    if (dsp.echoCancellation || dsp.noiseSuppression || dsp.autoGain) {
      media.setProcessor(createProcessingChain(settingsFromSwitches(dsp, CODEC_INFO[codec].sampleRate)));
    }
    const disconnect = media.connect(call);
    call.setReceptionReportSource?.(() => receptionReportFrom(media.stats()));
    let played = 0;
    mic.onFrame((pcm) => media.capture(pcm));
    spk.setSource(() => { played += spk.frameSamples; return media.pull(); });
    for (const s of [mic, spk]) s.onError((err) => notice(`sound device error: ${err.message}`));
    let both: { path: string; rate: number; frames: () => number } | undefined;
    if (files.recordBoth !== undefined) {
      const sink = new WavFileRecording(files.recordBoth);
      let written = 0;
      const counting = { open: (f: RecordingFormat) => sink.open(f), close: () => sink.close(),
        write: (samples: Int16Array) => { written += samples.length; sink.write(samples); } };
      const format = media.startRecording(counting, 'stereo');
      both = { path: files.recordBoth, rate: format.sampleRate, frames: () => written / format.channels };
    }
    let stopped: ReturnType<CallAudio['stop']> | undefined;
    return {
      stats() {
        const m = media.stats();
        return { bufferDelayMs: m.jitter.currentDelayMs, jitterBufferMs: m.jitter.jitterMs, lateFrames: m.jitter.late,
          droppedFrames: m.jitter.dropped, concealedMs: m.concealedMs };
      },
      stop() {
        stopped ??= (async () => {
          disconnect();
          call.setReceptionReportSource?.(undefined);
          await Promise.allSettled([mic.close(), spk.close()]);
          if (both) media.stopRecording();
          media.close();
          const recordings = [
            ...(files.record !== undefined ? [{ path: files.record, seconds: played / spk.sampleRate }] : []),
            ...(both ? [{ path: both.path, seconds: both.frames() / both.rate }] : []),
          ];
          return { recordings };
        })();
        return stopped;
      },
    };
  };
}

function side(file: AudioSystemSpec | undefined, deviceArg: string | undefined): Side {
  if (file) return { spec: file };
  if (deviceArg !== undefined && deviceArg.trim().toLowerCase() === 'fake') return { spec: { kind: 'fake' } };
  return { spec: { kind: 'portaudio' }, ...(deviceArg !== undefined ? { deviceArg } : {}) };
}

async function deviceKey(system: AudioSystem, s: Side, direction: 'input' | 'output'): Promise<string | null> {
  if (s.deviceArg === undefined) return null;
  const match = matchDeviceArgument(s.deviceArg, await system.listDevices(), direction);
  if (match.kind === 'device') return match.device.key;
  return null;
}

function checkPlayable(path: string): void {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (err) {
    throw new UsageError(`--play: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try { decodeWav(bytes); } catch (err) {
    throw new UsageError(`--play: ${path} is not a WAV file redial can play (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Opens a device; when that fails (no sound card on a server, device gone) the call goes on with a silent fake. */
async function openOr<S extends CaptureStream | PlaybackStream>(
  open: () => Promise<S>, what: string, notice: (m: string) => void, fallback: () => Promise<S>,
): Promise<S> {
  try {
    return await open();
  } catch (err) {
    notice(`cannot open the ${what} (${err instanceof Error ? err.message : String(err)}); continuing without it`);
    return fallback();
  }
}
