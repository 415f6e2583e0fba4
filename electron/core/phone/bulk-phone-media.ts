// The phone's media (media-port.ts PhoneMedia) for many calls at once without sound devices: `redial load` and
// `redial test`. One MediaClock services every call each 20 ms: it sends the call's next prepared payload (a tone,
// silence or a WAV file encoded once for all calls, encoded-audio.ts) and pulls 20 ms from the call's receive path
// (jitter buffer, decoder, concealment), which gives the late/concealed figures and the audio a scenario listens
// to. No timer, encoder or device per call (docs/scenarios.md "Engine efficiency").
import type { CallHandle } from '../iax2/engine-api.js';
import type { Clock } from '../ports.js';
import type { AudioDeviceInfo } from '../media/audio-ports.js';
import type { CodecFactory, CodecName } from '../media/codec.js';
import { ReceivePath } from '../media/call-media-rx.js';
import { payloadDurationMs } from '../media/codecs/payload-duration.js';
import { codecFactory } from '../media/codecs/registry.js';
import { Resampler } from '../media/dsp/resample.js';
import { EncodedAudioCache, EncodedCursor, type EncodedAudio } from '../media/encoded-audio.js';
import type { JitterSettings, JitterStats } from '../media/jitter/types.js';
import { MediaClock, type MediaTick } from '../media/media-clock.js';
import { receptionReportFromJitter } from '../media/reception-report.js';
import type { RecordingSink } from '../media/call-media-types.js';
import type { LevelsView } from '../../shared/api.js';
import type { CallAudio, CallAudioStats, MediaConfig, MediaNotice, PhoneMedia } from './media-port.js';

export interface BulkCallStats extends CallAudioStats {
  readonly droppedFrames: number;
  readonly concealedMs: number;
  readonly framesReceived: number;
  readonly framesSent: number;
  /** How long the call has had media, ms (20 ms per tick serviced). */
  readonly mediaMs: number;
  readonly jitter: JitterStats;
}

/** Codecs whose decoder keeps no state between frames: frames nobody hears need not be decoded (ReceivePath.account). */
const STATELESS: ReadonlySet<CodecName> = new Set(['ulaw', 'alaw', 'slin', 'slin16']);

/** What a call plays when nothing else was asked for: silence unless the media was given a default sound. */
export type DefaultSound = (codec: CodecName, sounds: EncodedAudioCache) => Promise<EncodedAudio>;

export interface BulkPhoneMediaOptions {
  readonly clock: Clock;
  /** The sound every call plays from its start, looped (default: silence). */
  readonly defaultSound?: DefaultSound;
  /** Opens a WAV writer for `record` (mono, at the codec's rate). */
  readonly openRecording?: (path: string) => RecordingSink;
  readonly codecs?: (name: CodecName) => CodecFactory;
  /** A new call's media is ready (the load and scenario runners attach to it here). */
  readonly onCallMedia?: (call: CallHandle, media: BulkCallMedia) => void;
}

export class BulkCallMedia implements CallAudio {
  private cursor: EncodedCursor | undefined;
  private playFramesLeft = Infinity;
  private playEnded: (() => void) | undefined;
  private muted = false;
  private framesSent = 0;
  private ticks = 0;
  private readonly listeners = new Set<(pcm: Int16Array, sampleRate: number) => void>();
  private recording: { sink: RecordingSink; samplesLeft: number } | undefined;
  private removeFromClock: (() => void) | undefined;
  private offs: (() => void)[] = [];
  private closed = false;
  readonly sampleRate: number;
  /** What the call hears each tick, reused (listeners read it during the call, as documented on listen()). */
  private readonly heard: Int16Array;
  /** Prepared sounds shared by every call (tones, files), for play(). */
  readonly sounds: EncodedAudioCache;
  private readonly frameSamples: number;

  /** @internal created by BulkPhoneMedia.startCall */
  constructor(readonly call: CallHandle, readonly codec: CodecName, private readonly rx: ReceivePath, private readonly o: {
    readonly silence: EncodedAudio;
    readonly sounds: EncodedAudioCache;
    readonly now: () => number;
    readonly openRecording: ((path: string) => RecordingSink) | undefined;
    readonly info: { readonly sampleRate: number; readonly frameMs: number };
    readonly onClosed: () => void;
  }) {
    this.sampleRate = o.info.sampleRate;
    this.frameSamples = (o.info.sampleRate * o.info.frameMs) / 1000;
    this.heard = new Int16Array(this.frameSamples);
    this.sounds = o.sounds;
  }

  /** @internal */
  attach(clock: MediaClock): void {
    this.offs.push(
      this.call.on('voice', (f) => { if (!this.closed) this.rx.receive(f.codec, f.timestamp, f.payload, this.o.now()); }),
      this.call.on('cng', (c) => { if (!this.closed) this.rx.receiveComfortNoise(c.timestamp, c.levelDbov, this.o.now()); }),
    );
    this.call.setReceptionReportSource?.(() => receptionReportFromJitter(this.rx.stats()));
    this.removeFromClock = clock.add((tick) => this.tick(tick));
  }

  /**
   * Plays prepared audio from the next frame on, replacing what plays; `frames` limits it (undefined: to its end,
   * or forever if it loops). `onEnd` runs once it is over; replaced audio never calls its onEnd.
   */
  play(audio: EncodedAudio, loop: boolean, frames?: number, onEnd?: () => void): void {
    this.cursor = new EncodedCursor(audio, loop);
    this.playFramesLeft = frames ?? Infinity;
    this.playEnded = onEnd;
  }

  /** Back to silence. */
  stopPlaying(): void {
    this.cursor = undefined;
    this.playEnded = undefined;
  }

  /** The audio we hear (after the jitter buffer), 20 ms at a time at the codec's rate. The buffer is reused. */
  listen(listener: (pcm: Int16Array, sampleRate: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes what we hear to a mono WAV at the codec's rate (for `seconds`, or until the call ends). */
  record(path: string, seconds?: number): void {
    if (!this.o.openRecording) throw new Error('recording is not available here');
    this.recording?.sink.close();
    const sink = this.o.openRecording(path);
    sink.open({ sampleRate: this.sampleRate, channels: 1 });
    this.recording = { sink, samplesLeft: seconds === undefined ? Infinity : Math.round(seconds * this.sampleRate) };
  }

  // CallAudio (the phone's view)

  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  async startRecording(path: string): Promise<void> {
    this.record(path);
  }

  async stopRecording(): Promise<void> {
    this.recording?.sink.close();
    this.recording = undefined;
  }

  stats(): BulkCallStats {
    const j = this.rx.stats();
    return {
      bufferDelayMs: Math.max(0, j.currentDelayMs), lateFrames: j.late, jitterMs: j.jitterMs, droppedFrames: j.dropped,
      concealedMs: this.rx.concealedMs, framesReceived: this.rx.framesReceived, framesSent: this.framesSent,
      mediaMs: this.ticks * (this.frameSamples * 1000) / this.sampleRate, jitter: j,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.removeFromClock?.();
    for (const off of this.offs) off();
    this.call.setReceptionReportSource?.(undefined);
    await this.stopRecording();
    this.listeners.clear();
    this.rx.close();
    this.o.onClosed();
  }

  private tick(tick: MediaTick): void {
    if (this.closed) return;
    this.ticks++;
    // Send: the next prepared payload (silence when nothing plays, or when muted).
    let payload: Uint8Array | undefined;
    const playing = this.cursor;
    if (playing) {
      payload = this.playFramesLeft > 0 ? playing.next() : undefined;
      this.playFramesLeft--;
      if (payload === undefined || playing.ended || this.playFramesLeft <= 0) {
        const ended = this.playEnded;
        this.cursor = undefined;
        this.playEnded = undefined;
        ended?.();
      }
    }
    if (payload === undefined || this.muted) payload = this.o.silence.frames[0];
    this.call.sendVoice(payload, this.o.silence.frameMs);
    this.framesSent++;
    // Receive: 20 ms from the jitter buffer, as a speaker would take it. Audio nobody hears is only accounted for
    // (its late, lost and concealed frames counted), where the codec lets decoding be skipped.
    const rec = this.recording;
    if (this.listeners.size === 0 && !rec && STATELESS.has(this.codec)) {
      this.rx.account(this.frameSamples, tick.nowMs);
      return;
    }
    const pcm = this.rx.pullInto(this.heard, tick.nowMs);
    for (const l of this.listeners) l(pcm, this.sampleRate);
    if (rec) {
      const n = Math.min(pcm.length, rec.samplesLeft);
      rec.sink.write(n === pcm.length ? pcm : pcm.subarray(0, n));
      rec.samplesLeft -= n;
      if (rec.samplesLeft <= 0) { rec.sink.close(); this.recording = undefined; }
    }
  }
}

export class BulkPhoneMedia implements PhoneMedia {
  readonly clock: MediaClock;
  readonly sounds: EncodedAudioCache;
  private readonly calls = new Map<string, BulkCallMedia>();
  private jitter: Partial<JitterSettings> | undefined;
  private readonly noticeListeners: ((n: MediaNotice) => void)[] = [];
  private readonly codecs: (name: CodecName) => CodecFactory;

  constructor(private readonly options: BulkPhoneMediaOptions) {
    this.clock = new MediaClock(options.clock);
    this.codecs = options.codecs ?? codecFactory;
    this.sounds = new EncodedAudioCache(this.codecs);
    this.clock.reportErrors((err) => this.notify('warning', 'audio-failed', `call audio failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** The media of a call that has it (undefined before early media or answer, and after the end). */
  mediaOf(callId: string): BulkCallMedia | undefined {
    return this.calls.get(callId);
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  listDevices(): Promise<AudioDeviceInfo[]> {
    return Promise.resolve([]);
  }

  configure(config: MediaConfig): void {
    this.jitter = { targetExtraMs: config.jitter.targetExtraMs, maxMs: config.jitter.maxMs };
  }

  async startCall(call: CallHandle): Promise<BulkCallMedia> {
    const codec: CodecName = call.codec ?? 'ulaw';
    const info = this.codecs(codec).info;
    const rx = new ReceivePath({
      codecs: this.codecs,
      resampler: (from, to) => new Resampler(from, to),
      payloadDurationMs,
      ...(this.jitter ? { jitter: this.jitter } : {}),
    }, info.sampleRate, info.sampleRate);
    const [silence, sound] = await Promise.all([
      this.sounds.silence(codec),
      this.options.defaultSound?.(codec, this.sounds),
      rx.prepare(codec),
    ]);
    const media: BulkCallMedia = new BulkCallMedia(call, codec, rx, {
      silence, sounds: this.sounds, now: () => this.options.clock.now(), openRecording: this.options.openRecording, info,
      onClosed: () => { if (this.calls.get(call.id) === media) this.calls.delete(call.id); },
    });
    if (sound) media.play(sound, true);
    await this.calls.get(call.id)?.close();
    if (call.state === 'ended') { await media.close(); return media; }
    this.calls.set(call.id, media);
    media.attach(this.clock);
    this.options.onCallMedia?.(call, media);
    return media;
  }

  setRinging(): void { /* no ring device */ }
  setTone(): void { /* no speaker for local tones */ }
  testTone(): Promise<void> { return Promise.resolve(); }
  levels(): LevelsView { return { inputDbfs: null, outputDbfs: null }; }

  onNotice(listener: (notice: MediaNotice) => void): void {
    this.noticeListeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.calls.values()].map((m) => m.close()));
  }

  private notify(level: MediaNotice['level'], code: string, message: string): void {
    for (const l of this.noticeListeners) l({ level, code, message });
  }
}
