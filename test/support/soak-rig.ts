// A soak rig: many short calls back to back between two Redial ends on 127.0.0.1, each with its full audio side,
// to show that nothing grows per call (softphone-anchors §6.2 item 5: bounded RAM over 100-call soaks).
//
// - The caller is the app's phone: PhoneService (call history, trace ring, stats/levels timers) over a real engine,
//   with DevicePhoneMedia on a paced fake 48 kHz sound card (as the engine worker composes it). It dials through
//   saved accounts (one per codec, register: false) pointing at the callee.
// - The callee is a bare engine plus DevicePhoneMedia, answering at once (as `redial listen --answer auto`). Its
//   account points at the caller so calls from there may use that account's codecs (direct calls are µ-law/A-law
//   only, C-10); the registration attempts it makes towards the caller stay unanswered.
// Both microphones carry tone bursts, so encoders, jitter buffers and the speakerphone chain do real work.
import type { CodecName } from '../../electron/core/media/codec.js';
import type { DocumentStore } from '../../electron/core/ports.js';
import { createIax2Engine, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { CallHandle, CallState } from '../../electron/core/iax2/engine-api.js';
import { ToneGenerator } from '../../electron/core/media/tones.js';
import { DevicePhoneMedia, type DeviceCallAudio } from '../../electron/core/phone/device-phone-media.js';
import { PhoneService } from '../../electron/core/phone/phone-service.js';
import { DEFAULT_SETTINGS } from '../../electron/core/phone/settings-model.js';
import { formatTraceText } from '../../electron/core/iax2/trace/format.js';
import { PacedFakeAudioSystem } from '../../electron/adapters/audio/paced-fake-audio.js';
import { createAudioSystem } from '../../electron/adapters/audio/create-audio-system.js';
import type { AudioSystem } from '../../electron/core/media/audio-ports.js';
import { MemorySecretStore } from '../../electron/adapters/secret-memory-store.js';
import { SystemClock } from '../../electron/adapters/system-clock.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver } from './scripted-peer-calls-net.js';
import { sleep, until } from './wait.js';

/** Keeps the JSON text, as a file would (so history saves cost what they cost). */
class TextDocumentStore<T> implements DocumentStore<T> {
  private text: string | undefined;
  load(): Promise<T | undefined> { return Promise.resolve(this.text === undefined ? undefined : JSON.parse(this.text) as T); }
  save(value: T): Promise<void> { this.text = JSON.stringify(value); return Promise.resolve(); }
}

export interface SoakRigOptions {
  /**
   * The fake sound card: 'lean' = PacedFakeAudioSystem without played-audio capture (timing only);
   * 'harness' = exactly what the engine worker builds for `--audio fake` (createAudioSystem({kind:'fake'})).
   */
  readonly device?: 'lean' | 'harness';
  /** The phone's trace ring (Settings.debug.traceBufferSize, 100-100000; default the app's 5000). */
  readonly traceBufferSize?: number;
  /**
   * Forget the fake cards' closed streams after each call (PacedFakeAudioSystem keeps every stream it opened, with
   * per-frame timing records: a fixture property, not the product's). Default true.
   */
  readonly pruneClosedStreams?: boolean;
}

/** NEW → ACCEPT → ANSWER as seen by the caller, ms after the dial request. */
export interface CallSetupTiming {
  readonly codec: CodecName;
  /** The callee's engine reported the incoming call (NEW after the call-token round trip). */
  readonly newMs: number;
  /** The caller left 'dialing' (ACCEPT received). */
  readonly acceptMs: number;
  /** The caller is 'up' (ANSWER received). */
  readonly answerMs: number;
}

export interface RigSizes {
  readonly callerDialogs: number;
  readonly callerTombstones: number;
  readonly callerCallNumbers: number;
  readonly calleeDialogs: number;
  readonly calleeTombstones: number;
  readonly calleeCallNumbers: number;
  /** Calls the engines still list (ended ones must be dropped). */
  readonly engineCalls: number;
  /** Calls the phone service still tracks. */
  readonly phoneCalls: number;
  /** Streams the fake sound cards still hold (open or closed). */
  readonly deviceStreams: number;
}

function toneSource(hz: number) {
  return (rate: number) => new ToneGenerator({
    repeat: true, segments: [{ frequencies: [hz], durationMs: 300, levelDbfs: -18 }, { frequencies: [], durationMs: 200 }],
  }, rate);
}

function makeAudio(device: 'lean' | 'harness', hz: number): AudioSystem {
  if (device === 'harness') return createAudioSystem({ kind: 'fake', captureTone: { frequencies: [hz], levelDbfs: -12 } });
  return new PacedFakeAudioSystem({ deviceRate: 48_000, keepPlayedAudio: false, captureSource: toneSource(hz) });
}

function pruneClosed(audio: AudioSystem): void {
  if (!(audio instanceof PacedFakeAudioSystem)) return;
  for (const list of [audio.captures, audio.playbacks] as { isClosed: boolean }[][]) {
    const open = list.filter((s) => !s.isClosed);
    list.length = 0;
    list.push(...open);
  }
}

export class SoakRig {
  private callsDone = 0;
  private readonly calleeAudio = new Map<string, Promise<DeviceCallAudio>>();
  private readonly incoming: { handle: CallHandle; at: number }[] = [];

  private constructor(
    readonly callerEngine: Iax2EngineImpl,
    readonly phone: PhoneService,
    private readonly callerSocket: LoopbackUdpPort,
    private readonly callerAudio: AudioSystem,
    readonly calleeEngine: Iax2EngineImpl,
    private readonly calleeMedia: DevicePhoneMedia,
    private readonly calleeSocket: LoopbackUdpPort,
    private readonly calleeAudioSystem: AudioSystem,
    private readonly accountIds: ReadonlyMap<CodecName, string>,
    private readonly pruneStreams: boolean,
  ) {
    calleeEngine.on('incoming', (handle) => {
      this.incoming.push({ handle, at: performance.now() });
      handle.answer();
      const off = handle.on('state', (s: CallState) => {
        if (s !== 'up' || this.calleeAudio.has(handle.id)) return;
        this.calleeAudio.set(handle.id, calleeMedia.startCall(handle));
      });
      handle.on('ended', () => {
        off();
        const audio = this.calleeAudio.get(handle.id);
        this.calleeAudio.delete(handle.id);
        void audio?.then((a) => a.close());
      });
    });
  }

  static async create(codecs: readonly CodecName[], options: SoakRigOptions = {}): Promise<SoakRig> {
    const device = options.device ?? 'lean';
    const clock = new SystemClock();
    const callerSocket = await LoopbackUdpPort.bind(0);
    const calleeSocket = await LoopbackUdpPort.bind(0);
    const common = { clock, random: cryptoRandom, resolver: loopbackResolver, unregisterTimeoutMs: 100, illegalCallTransitions: 'throw' as const };
    const callerEngine = createIax2Engine({ socket: callerSocket, ...common });
    const calleeEngine = createIax2Engine({ socket: calleeSocket, ...common, keepaliveMs: 0 });

    const callerAudio = makeAudio(device, 440);
    const callerMedia = new DevicePhoneMedia({ audio: callerAudio, clock });
    const phone = new PhoneService({
      engine: callerEngine, clock, secrets: new MemorySecretStore(), media: callerMedia,
      stores: { accounts: new TextDocumentStore(), history: new TextDocumentStore(), settings: new TextDocumentStore() },
      formatTrace: formatTraceText,
      info: { name: 'Redial', version: 'soak', host: 'headless', platform: process.platform, secretStorage: 'memory' },
    });
    await phone.start();
    if (options.traceBufferSize !== undefined) await phone.request('settings:update', { debug: { traceBufferSize: options.traceBufferSize } });
    const accountIds = new Map<CodecName, string>();
    for (const codec of codecs) {
      const view = await phone.request('accounts:save', {
        server: `127.0.0.1:${calleeEngine.localPort}`, username: `soak-${codec}`, label: `soak ${codec}`, codecs: [codec], register: false,
      });
      accountIds.set(codec, view.id);
    }

    const calleeAudioSystem = makeAudio(device, 700);
    const calleeMedia = new DevicePhoneMedia({ audio: calleeAudioSystem, clock });
    calleeMedia.configure({ selection: DEFAULT_SETTINGS.audio, gains: DEFAULT_SETTINGS.gains, dsp: DEFAULT_SETTINGS.dsp, jitter: DEFAULT_SETTINGS.jitter });
    // The account's server address resolves (C-10 then knows the caller): its REGREQ reaching the caller says so.
    let regreq = false;
    const off = callerEngine.on('trace', (t) => { if (t.direction === 'rx' && t.subclass === 'REGREQ') regreq = true; });
    calleeEngine.setAccounts([{ id: 'caller', server: `127.0.0.1:${callerEngine.localPort}`, username: 'callee', codecs: [...codecs], refreshSeconds: 3600 }]);
    await until('the callee knows the caller as its server', () => regreq);
    off();
    return new SoakRig(callerEngine, phone, callerSocket, callerAudio, calleeEngine, calleeMedia, calleeSocket, calleeAudioSystem, accountIds, options.pruneClosedStreams ?? true);
  }

  get completedCalls(): number { return this.callsDone; }

  /** One call: dial, the callee answers, `audioMs` of two-way audio, the caller hangs up; resolves when both ends are idle. */
  async call(codec: CodecName, audioMs: number): Promise<CallSetupTiming> {
    const accountId = this.accountIds.get(codec);
    if (!accountId) throw new Error(`the rig has no account for ${codec}`);
    const seen = this.incoming.length;
    const t0 = performance.now();
    const view = await this.phone.request('call:dial', { accountId, number: 'soak' });
    const handle = this.callerEngine.calls().find((c) => c.id === view.id);
    if (!handle) throw new Error('the dialled call is not in the engine');
    let acceptAt = 0;
    let upAt = 0;
    const off = handle.on('state', (s) => {
      const t = performance.now();
      if (s !== 'dialing' && acceptAt === 0) acceptAt = t;
      if (s === 'up' && upAt === 0) upAt = t;
    });
    try {
      await until('the callee sees the call', () => this.incoming.length > seen);
      await until('the call is up', () => handle.state === 'up' || handle.state === 'ended');
      if (handle.state !== 'up') throw new Error('the call ended before it was answered');
      if (handle.codec !== codec) throw new Error(`negotiated ${handle.codec ?? 'nothing'} instead of ${codec}`);
      await sleep(audioMs);
      await this.phone.request('call:hangup', { callId: view.id });
      const callee = this.incoming[seen]!.handle;
      await until('both ends hung up', () => handle.state === 'ended' && callee.state === 'ended');
      await until('the phone forgot the call', () => this.phoneCallCount() === 0);
      await until('the callee closed its audio', () => this.calleeAudio.size === 0);
    } finally {
      off();
    }
    this.callsDone++;
    if (this.pruneStreams) for (const a of [this.callerAudio, this.calleeAudioSystem]) pruneClosed(a);
    const newAt = this.incoming[seen]!.at;
    this.incoming.length = 0; // the rig must not be the thing that grows
    return { codec, newMs: newAt - t0, acceptMs: (acceptAt || upAt) - t0, answerMs: upAt - t0 };
  }

  sizes(): RigSizes {
    const a = this.callerEngine.stateSizes();
    const b = this.calleeEngine.stateSizes();
    const streams = (s: AudioSystem) => (s instanceof PacedFakeAudioSystem ? s.captures.length + s.playbacks.length : 0);
    return {
      callerDialogs: a.dialogs, callerTombstones: a.tombstones, callerCallNumbers: a.callNumbers,
      calleeDialogs: b.dialogs, calleeTombstones: b.tombstones, calleeCallNumbers: b.callNumbers,
      engineCalls: this.callerEngine.calls().length + this.calleeEngine.calls().length,
      phoneCalls: this.phoneCallCount(),
      deviceStreams: streams(this.callerAudio) + streams(this.calleeAudioSystem),
    };
  }

  private phoneCallCount(): number {
    // call:list is async; the live-call supervisor's calls are what we care about, and what call:list reads.
    return (this.phone as unknown as { calls: { size: number } }).calls.size;
  }

  async close(): Promise<void> {
    await this.phone.shutdown();
    await this.calleeMedia.close();
    await this.calleeEngine.shutdown();
    await this.callerSocket.close();
    await this.calleeSocket.close();
  }
}
