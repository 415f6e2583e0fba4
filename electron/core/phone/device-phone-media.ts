// The PhoneMedia of a real phone: sound devices (an AudioSystem port: PortAudio, the paced fake, WAV files),
// one CallMedia pipeline per call (electron/core/media/call-media.ts), local tones and the ringtone.
//
// Devices are shared, not opened per call: one microphone stream fans its frames out to every active call,
// one speaker stream plays the mix of all calls (held calls are silent) plus local tones. Streams open when
// the first sound is needed and close when the last one stops, so PortAudio can re-enumerate between calls
// (stack-notes §1.2 item 8; DeviceCatalog defers refreshes while a stream is open). The ringtone plays on the ring
// device, every output ("ring on all outputs": ring-devices.ts), or the speaker. Device failures fall back to the system default and
// tell the user, and never crash (softphone-anchors §6.1 item 6).
import type { Clock } from '../ports.js';
import type { CallHandle } from '../iax2/engine-api.js';
import type { AudioDeviceInfo, AudioSystem, CaptureStream, PlaybackStream } from '../media/audio-ports.js';
import type { CodecName } from '../media/codec.js';
import { receptionReportFrom } from '../media/reception-report.js';
import { CallMedia, type CallMediaOptions, type RecordingSink } from '../media/call-media.js';
import { DeviceCatalog } from '../media/devices/device-catalog.js';
import { openCaptureWithFallback, openPlaybackWithFallback } from '../media/devices/open-with-fallback.js';
import { KeyTones, ToneGenerator, progressTone, ringtone } from '../media/tones.js';
import { DTMF_GAP_MS, DTMF_TONE_MS } from '../iax2/call/dtmf.js';
import { CODEC_INFO } from '../media/codecs/codec-info.js';
import { createProcessingChain, settingsFromSwitches, type ProcessingChain } from '../media/dsp/processing-chain.js';
import type { LevelsView } from '../../shared/api.js';
import type { CallAudio, CallAudioStats, LocalTone, MediaConfig, MediaNotice, PhoneMedia } from './media-port.js';
import { DEFAULT_SETTINGS } from './settings-model.js';
import { callDspStats, type CallDspStats } from './call-dsp-stats.js';
import { RingDevices } from './ring-devices.js';

export interface DevicePhoneMediaOptions {
  readonly audio: AudioSystem;
  readonly clock: Clock;
  /** Opens a WAV writer for a call recording (fs adapter); recording is unavailable without it. */
  readonly openRecording?: (path: string) => RecordingSink;
  /** Builds a call's pipeline (default CallMedia.create). */
  readonly createCallMedia?: (options: CallMediaOptions) => Promise<CallMedia>;
  /** Device period (default 20 ms, one IAX2 frame). */
  readonly frameMs?: number;
  /**
   * Ringtone, ringback and busy/congestion tones (default on). The `redial` command turns them off: its speaker is
   * often a WAV file that must hold only the far end (docs/decisions.md).
   */
  readonly localSounds?: boolean;
}

interface ActiveCall {
  readonly media: CallMedia;
  readonly handle: CallHandle;
  readonly off: () => void;
  /** The call's speakerphone processing (AEC / noise suppression / AGC) at the codec rate: Settings.dsp. */
  readonly chain: ProcessingChain;
}

/** CallAudioStats plus the speakerphone figures (not yet in the UI contract). */
export interface DeviceCallAudioStats extends CallAudioStats {
  readonly dsp: CallDspStats;
}

export interface DeviceCallAudio extends CallAudio {
  stats(): DeviceCallAudioStats;
}

interface OpenStream<S> { readonly stream: S; readonly release: () => void }

const TEST_TONE_MS = 1500;

export class DevicePhoneMedia implements PhoneMedia {
  readonly catalog: DeviceCatalog;
  private config: MediaConfig = {
    selection: DEFAULT_SETTINGS.audio, gains: DEFAULT_SETTINGS.gains, dsp: DEFAULT_SETTINGS.dsp, jitter: DEFAULT_SETTINGS.jitter,
  };
  private readonly calls = new Map<string, ActiveCall>();
  /** startCall()s still opening devices or building their pipeline (users of the streams, like `calls`). */
  private starting = 0;
  private mic?: OpenStream<CaptureStream>;
  private speaker?: OpenStream<PlaybackStream>;
  private opening?: Promise<void>;
  private readonly ringDevices: RingDevices;
  private ringOpening?: Promise<void>;
  private ringWanted = false;
  private tone: ToneGenerator | null = null;
  private testToneGen: ToneGenerator | null = null;
  /** Feedback of keys sent as DTMF, at the speaker's rate (made when the first key comes). */
  private keys: KeyTones | null = null;
  private readonly noticeListeners: ((n: MediaNotice) => void)[] = [];
  private closed = false;

  constructor(private readonly options: DevicePhoneMediaOptions) {
    this.catalog = new DeviceCatalog(options.audio);
    this.ringDevices = new RingDevices({
      audio: options.audio, catalog: this.catalog, frameMs: this.frameMs(), notify: (level, code, text) => this.notify(level, code, text),
    });
  }

  // --------------------------------------------------------------------------------------- PhoneMedia

  async listDevices(refresh: boolean): Promise<AudioDeviceInfo[]> {
    if (refresh || !this.catalog.hasEnumerated) {
      const r = await this.catalog.refresh(refresh ? 'user' : 'startup');
      if (r.message) this.notify('info', r.deferred ? 'devices-deferred' : 'devices-error', r.message);
    }
    return [...this.catalog.devices];
  }

  configure(config: MediaConfig): void {
    const previous = this.config;
    this.config = config;
    const devicesChanged = previous.selection.input !== config.selection.input || previous.selection.output !== config.selection.output;
    for (const c of this.calls.values()) {
      this.applyGains(c.media);
      // Switches take effect mid-call; a stage that stays on keeps what it has learnt (echo path, noise floor).
      c.chain.configure(settingsFromSwitches(config.dsp, c.chain.settings.sampleRate));
      if (devicesChanged) c.chain.resetEchoPath();
    }
  }

  async startCall(call: CallHandle): Promise<DeviceCallAudio> {
    if (this.closed) throw new Error('the audio system is shut down');
    // A call being started uses the streams before it is in `calls`: answering a ringing call stops the ringtone
    // in the same tick, and that stop must not close the speaker and microphone this call is opening.
    this.starting++;
    try {
      return await this.openCall(call);
    } finally {
      this.starting--;
      if (!this.calls.has(call.id)) void this.releaseIdleStreams(); // a failed start leaves nothing open
    }
  }

  private async openCall(call: CallHandle): Promise<DeviceCallAudio> {
    await this.ensureCallDevices();
    const speaker = this.speaker;
    const mic = this.mic;
    if (!speaker || !mic) throw new Error('no sound device could be opened');
    const codec: CodecName = call.codec ?? 'ulaw';
    const create = this.options.createCallMedia ?? ((o: CallMediaOptions) => CallMedia.create(o));
    const media = await create({
      codec, now: () => this.options.clock.now(),
      send: (payload, durationMs) => call.sendVoice(payload, durationMs),
      playbackRate: speaker.stream.sampleRate, playbackFrameSamples: speaker.stream.frameSamples,
      captureRate: mic.stream.sampleRate,
      jitter: { targetExtraMs: this.config.jitter.targetExtraMs, maxMs: this.config.jitter.maxMs },
    });
    this.applyGains(media);
    // The speakerphone chain runs on the send path at the codec's rate, with the far reference CallMedia keeps
    // from what this call contributed to the speaker.
    const chain = createProcessingChain(settingsFromSwitches(this.config.dsp, CODEC_INFO[codec].sampleRate));
    media.setProcessor(chain);
    const disconnect = media.connect(call);
    // Our PONGs carry this call's jitter-buffer figures (RR IEs), as Asterisk's do.
    call.setReceptionReportSource?.(() => receptionReportFrom(media.stats()));
    const off = (): void => { disconnect(); call.setReceptionReportSource?.(undefined); };
    const active: ActiveCall = { media, handle: call, off, chain };
    this.calls.set(call.id, active);
    let recordingSink: RecordingSink | undefined;
    return {
      setMuted: (muted) => media.setMuted('input', muted),
      startRecording: async (path) => {
        if (!this.options.openRecording) throw new Error('recording is not available here');
        recordingSink = this.options.openRecording(path);
        media.startRecording(recordingSink, 'stereo');
      },
      stopRecording: async () => { media.stopRecording(); recordingSink = undefined; },
      stats: (): DeviceCallAudioStats => {
        const m = media.stats();
        const j = m.jitter;
        return { bufferDelayMs: Math.max(0, j.currentDelayMs), lateFrames: j.late, jitterMs: j.jitterMs, droppedFrames: j.dropped,
          concealedMs: m.concealedMs, dsp: callDspStats(chain, media, this.config.dsp) };
      },
      close: async () => {
        if (this.calls.get(call.id) !== active) return;
        this.calls.delete(call.id);
        off();
        media.close();
        await this.releaseIdleStreams();
      },
    };
  }

  setRinging(on: boolean): void {
    if (this.options.localSounds === false || on === this.ringWanted) return;
    this.ringWanted = on;
    void this.updateRing();
  }

  setTone(tone: LocalTone | null): void {
    if (this.options.localSounds === false) return;
    const rate = this.speaker?.stream.sampleRate ?? 48_000;
    this.tone = tone ? progressTone(tone, rate) : null;
    if (tone) void this.ensureSpeaker().then(() => {
      // The generator must run at the stream's own rate (no resampling for tones).
      if (this.tone && this.speaker && this.speaker.stream.sampleRate !== rate) this.tone = progressTone(tone, this.speaker.stream.sampleRate);
    }, (err: unknown) => this.notify('warning', 'audio-failed', `Cannot play the ${tone} tone: ${message(err)}`));
    else void this.releaseIdleStreams();
  }

  keyTones(digits: string): void {
    if (this.options.localSounds === false) return;
    // Only on an open speaker (a call's): the keys go with the call's audio, they open no device of their own.
    const rate = this.speaker?.stream.sampleRate;
    if (rate === undefined) return;
    if (!this.keys || this.keys.sampleRate !== rate) this.keys = new KeyTones(rate, DTMF_TONE_MS, DTMF_GAP_MS);
    this.keys.add(digits);
  }

  async testTone(target: 'ring' | 'output'): Promise<void> {
    if (target === 'ring') {
      this.setRinging(true);
      await new Promise<void>((r) => this.options.clock.setTimer(TEST_TONE_MS, r));
      this.setRinging(false);
      return;
    }
    await this.ensureSpeaker();
    const rate = this.speaker?.stream.sampleRate ?? 48_000;
    this.testToneGen = new ToneGenerator({ repeat: false, segments: [{ frequencies: [440], durationMs: TEST_TONE_MS, levelDbfs: -12 }] }, rate);
    await new Promise<void>((r) => this.options.clock.setTimer(TEST_TONE_MS + 100, r));
    this.testToneGen = null;
    await this.releaseIdleStreams();
  }

  levels(): LevelsView {
    if (this.calls.size === 0) return { inputDbfs: null, outputDbfs: null };
    let input = -120;
    let output = -120;
    for (const c of this.calls.values()) {
      const s = c.media.stats();
      input = Math.max(input, s.input.level.displayDbfs);
      output = Math.max(output, s.output.level.displayDbfs);
    }
    return { inputDbfs: Math.max(-120, input), outputDbfs: Math.max(-120, output) };
  }

  onNotice(listener: (notice: MediaNotice) => void): void { this.noticeListeners.push(listener); }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.calls.values()]) { c.off(); c.media.close(); }
    this.calls.clear();
    this.ringWanted = false;
    this.tone = null;
    this.testToneGen = null;
    await this.opening?.catch(() => undefined);
    await this.ringOpening?.catch(() => undefined);
    await this.closeRing();
    await this.closeSpeaker();
    await this.closeMic();
  }

  // ------------------------------------------------------------------------------------------ streams

  /** Microphone and speaker for calls (opened once, shared). */
  private ensureCallDevices(): Promise<void> {
    const run = async (): Promise<void> => {
      await this.ensureSpeaker();
      if (!this.mic) await this.openMic();
    };
    const next = (this.opening ?? Promise.resolve()).catch(() => undefined).then(run);
    this.opening = next;
    return next;
  }

  private async ensureSpeaker(): Promise<void> {
    if (this.speaker) return;
    const devices = await this.listDevices(false);
    const opened = await openPlaybackWithFallback(this.options.audio, devices, this.config.selection.output, 'speaker', { frameMs: this.frameMs() });
    if (this.speaker) { await opened.stream.close(); return; } // lost a race: keep the first
    if (opened.notice) this.notify('warning', 'device-fallback', opened.notice.message);
    const release = this.catalog.streamOpened();
    this.speaker = { stream: opened.stream, release };
    opened.stream.setSource(() => this.mixSpeaker(opened.stream.frameSamples));
    opened.stream.onError((err) => { void this.onSpeakerError(err); });
  }

  private async openMic(): Promise<void> {
    const devices = await this.listDevices(false);
    const opened = await openCaptureWithFallback(this.options.audio, devices, this.config.selection.input, { frameMs: this.frameMs() });
    if (opened.notice) this.notify('warning', 'device-fallback', opened.notice.message);
    const release = this.catalog.streamOpened();
    this.mic = { stream: opened.stream, release };
    opened.stream.onFrame((pcm) => {
      for (const c of this.calls.values()) {
        if (c.handle.state === 'held') continue;
        c.media.capture(pcm);
      }
    });
    opened.stream.onError((err) => { void this.onMicError(err); });
  }

  /** One speaker frame: every call's audio (pulled even when held, so its clock runs) mixed, plus tones. */
  private mixSpeaker(n: number): Int16Array {
    const acc = new Int32Array(n);
    for (const c of this.calls.values()) {
      const pcm = c.media.pull();
      if (c.handle.state === 'held') continue;
      for (let i = 0; i < n && i < pcm.length; i++) acc[i] += pcm[i];
    }
    for (const gen of [this.tone, this.testToneGen, this.keys, this.ringOnSpeaker() ? this.speakerRing : null]) {
      if (!gen) continue;
      const t = gen.read(n);
      for (let i = 0; i < n; i++) acc[i] += t[i];
    }
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = acc[i] > 32767 ? 32767 : acc[i] < -32768 ? -32768 : acc[i];
    return out;
  }

  private speakerRing: ToneGenerator | null = null;
  private ringOnSpeaker(): boolean {
    return this.ringWanted && !this.config.selection.ringAll && this.config.selection.ring === null;
  }

  private async updateRing(): Promise<void> {
    const run = async (): Promise<void> => {
      if (!this.ringWanted) {
        this.speakerRing = null;
        await this.closeRing();
        await this.releaseIdleStreams();
        return;
      }
      if (this.ringOnSpeaker()) {
        await this.ensureSpeaker();
        this.speakerRing = ringtone(this.speaker?.stream.sampleRate ?? 48_000);
        return;
      }
      if (this.ringDevices.open) return;
      await this.ringDevices.start(await this.listDevices(false), this.config.selection);
      if (!this.ringWanted) await this.closeRing();
    };
    const next = (this.ringOpening ?? Promise.resolve()).catch(() => undefined).then(run);
    this.ringOpening = next;
    await next.catch((err: unknown) => this.notify('warning', 'ring-device', `Cannot play the ringtone: ${message(err)}`));
  }

  private async onSpeakerError(err: Error): Promise<void> {
    const old = this.speaker;
    this.speaker = undefined;
    old?.release();
    this.notify('warning', 'device-lost', `The speaker stopped working (${err.message}); switching to the system default.`);
    await this.catalog.refresh('device-error');
    this.echoPathChanged();
    if (this.callsNeedDevices() || this.tone || this.speakerRing) {
      try { await this.ensureSpeaker(); } catch (e) { this.notify('error', 'audio-failed', `No speaker is available: ${message(e)}`); }
    }
  }

  private async onMicError(err: Error): Promise<void> {
    const old = this.mic;
    this.mic = undefined;
    old?.release();
    this.notify('warning', 'device-lost', `The microphone stopped working (${err.message}); switching to the system default.`);
    await this.catalog.refresh('device-error');
    this.echoPathChanged();
    if (this.callsNeedDevices()) {
      try { await this.openMic(); } catch (e) { this.notify('error', 'audio-failed', `No microphone is available: ${message(e)}`); }
    }
  }

  private callsNeedDevices(): boolean { return this.calls.size > 0 || this.starting > 0; }

  /** Closes what nothing needs any more. */
  private async releaseIdleStreams(): Promise<void> {
    if (!this.callsNeedDevices()) await this.closeMic();
    if (!this.callsNeedDevices() && !this.tone && !this.testToneGen && !this.speakerRing) await this.closeSpeaker();
  }

  private async closeMic(): Promise<void> {
    const m = this.mic;
    this.mic = undefined;
    if (!m) return;
    try { await m.stream.close(); } finally { m.release(); }
  }

  private async closeSpeaker(): Promise<void> {
    const s = this.speaker;
    this.speaker = undefined;
    if (!s) return;
    try { await s.stream.close(); } finally { s.release(); }
  }

  private closeRing(): Promise<void> {
    return this.ringDevices.stop();
  }

  /** A different microphone or speaker is a different echo path: the cancellers start learning again. */
  private echoPathChanged(): void {
    for (const c of this.calls.values()) c.chain.resetEchoPath();
  }

  private applyGains(media: CallMedia): void {
    media.setGainDb('input', this.config.gains.inputDb);
    media.setGainDb('output', this.config.gains.outputDb);
  }

  private frameMs(): number { return this.options.frameMs ?? 20; }

  /** Tells the user something about the sound devices (also used by the device adapter's own notices). */
  notify(level: MediaNotice['level'], code: string, text: string): void {
    for (const l of this.noticeListeners) {
      try { l({ level, code, message: text }); } catch { /* a listener's failure is not the device's */ }
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
