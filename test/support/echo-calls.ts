// Calls into an echo (Asterisk's 601 Echo()) as a user's phone makes them, for set-up-under-loss measurements:
// each call is its own engine on its own loopback socket (one user, one phone), dials, and once the call is up
// sends a steady tone through the app's per-call media pipeline (CallMedia: encoder, jitter buffer, decoder,
// concealment) and plays out what comes back at the device pace. Measured per call: set-up time (dial → up) and, in
// 200 ms windows after the first second of talk, whether the tone came back (what the user would hear).
import { createIax2Engine } from '../../electron/core/iax2/engine.js';
import type { CallEndInfo, CallHandle, CallState, RegistrationState } from '../../electron/core/iax2/engine-api.js';
import type { RetransmitPolicy } from '../../electron/core/iax2/transport/retransmit-policy.js';
import { CallMedia } from '../../electron/core/media/call-media.js';
import type { Logger } from '../../electron/core/ports.js';
import { cryptoRandom, LoopbackUdpPort, loopbackResolver, systemClock } from './scripted-peer-calls-net.js';
import { rms, toneFraction } from './signals.js';
import { until } from './wait.js';

export interface EchoCallOptions {
  /** `127.0.0.1:port` of the echo server (or of the impairment proxy in front of it). */
  readonly server: string;
  readonly username: string;
  readonly secret: string;
  /** The echo extension (default 601). */
  readonly number?: string;
  /** A call not up within this is counted as failed and hung up (default 10 s). */
  readonly setupTimeoutMs?: number;
  /** How long to talk once up (default 4 s). */
  readonly talkMs?: number;
  /** Retransmission policy override (default: the product's). */
  readonly retransmit?: RetransmitPolicy;
  /** Where engine warnings/errors go (default: dropped). */
  readonly logger?: Logger;
  /** Full frames sent and received, one line each (for looking into a failed call). */
  readonly trace?: (line: string) => void;
  /** Called at the end of the talk, before hanging up, with our call number of the live dialog. */
  readonly beforeHangup?: (localCall: number) => Promise<void>;
}

export interface EchoCallResult {
  /** dial() → state 'up', in ms; undefined when the call was not up within the timeout. */
  readonly setupMs?: number;
  /** 200 ms windows after the first second of talk, and those in which our tone came back. */
  readonly windows: number;
  readonly echoWindows: number;
  /** Set when the call ended before we hung up (or failed to set up). */
  readonly endedEarly?: CallEndInfo;
  readonly states: readonly CallState[];
  /** Full-frame retransmissions by our side (engine stats at the end). */
  readonly retransmissions: number;
  /** What the receive path did (jitter buffer and concealment), at the end of the talk. */
  readonly media?: EchoMediaFigures;
}

/** The receive path's figures for one call: where the echo went missing, if it did. */
export interface EchoMediaFigures {
  readonly framesReceived: number;
  readonly concealedMs: number;
  readonly lost: number;
  readonly late: number;
  readonly dropped: number;
  readonly resyncs: number;
  readonly delayMs: number;
  /** Windows without the tone whose audio had faded below the level threshold (concealment ran out). */
  readonly quietWindows: number;
}

const RATE = 8000;
const FRAME = 160; // 20 ms at 8 kHz
const WINDOW_FRAMES = 10; // 200 ms
const TONE_HZ = 440;
const TONE_AMPLITUDE = 8000;

/**
 * The tone came back in this window: most of its energy is at our frequency (summed frame by frame, so the phase jumps
 * a jitter buffer makes when it conceals, drops or stretches do not cancel it out) and it is not faded into
 * concealment silence.
 */
export function windowHasTone(pcm: Int16Array): boolean {
  let tone = 0;
  let total = 0;
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
    const frame = pcm.subarray(i, i + FRAME);
    const energy = rms(frame) ** 2 * FRAME;
    tone += toneFraction(frame, TONE_HZ, RATE) * energy;
    total += energy;
  }
  return total > 0 && tone / total >= 0.5 && rms(pcm) >= TONE_RMS_FLOOR;
}

/** A quarter of the sent tone's RMS: below it, concealment has faded the window to near silence. */
const TONE_RMS_FLOOR = (TONE_AMPLITUDE / Math.SQRT2) * 0.25;

function toneFrames(): () => Int16Array {
  let phase = 0;
  const step = (2 * Math.PI * TONE_HZ) / RATE;
  return () => {
    const f = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) { f[i] = Math.round(TONE_AMPLITUDE * Math.sin(phase)); phase += step; }
    phase %= 2 * Math.PI;
    return f;
  };
}

/** One call: dial, wait for up (or the timeout), talk, hang up; never throws for a failed call. */
export async function echoCall(options: EchoCallOptions): Promise<EchoCallResult> {
  const socket = await LoopbackUdpPort.bind(0);
  const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver,
    keepaliveMs: 0, ...(options.retransmit ? { retransmit: options.retransmit } : {}),
    ...(options.logger ? { logger: options.logger } : {}) });
  engine.setAccounts([{ id: 'a', server: options.server, username: options.username, secret: options.secret,
    register: false, codecs: ['ulaw'] }]);
  if (options.trace) {
    const trace = options.trace;
    const t0 = performance.now();
    engine.on('trace', (e) => {
      if (e.kind !== 'full') return;
      trace(`${((performance.now() - t0) / 1000).toFixed(3)} ${e.direction}${e.retry ? ' R' : ''} ${e.subclass ?? e.frameType} `
        + `s=${e.sourceCall} d=${e.destCall ?? 0} o=${e.oseqno ?? ''} i=${e.iseqno ?? ''} ts=${e.timestamp}`);
    });
  }
  // Our call number of the live dialog: the source of what we sent last (a restart changes it until the answer).
  let localCall = 0;
  engine.on('trace', (e) => { if (e.direction === 'tx' && e.kind === 'full' && e.sourceCall > 1 && e.destCall !== 0) localCall = e.sourceCall; });
  const states: CallState[] = [];
  let endedEarly: CallEndInfo | undefined;
  let call: CallHandle | undefined;
  try {
    const t0 = performance.now();
    call = engine.dial({ accountId: 'a', number: options.number ?? '601' });
    const c = call;
    const up = new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), options.setupTimeoutMs ?? 10_000);
      c.on('state', (s) => {
        states.push(s);
        if (s === 'up') { clearTimeout(timer); resolve(performance.now() - t0); }
      });
      c.on('ended', (e) => { endedEarly ??= e; clearTimeout(timer); resolve(undefined); });
    });
    const setupMs = await up;
    if (setupMs === undefined || endedEarly) {
      return { windows: 0, echoWindows: 0, states, retransmissions: 0, ...(endedEarly ? { endedEarly } : {}) };
    }
    const { windows, echoWindows, media } = await talk(c, options.talkMs ?? 4000);
    if (c.state === 'up') await options.beforeHangup?.(localCall);
    const retransmissions = c.stats().retransmissions;
    return { setupMs, windows, echoWindows, states, retransmissions, media, ...(endedEarly ? { endedEarly } : {}) };
  } finally {
    if (call && call.state !== 'ended') call.hangup();
    await engine.shutdown();
    await socket.close();
  }
}

/** Sends the tone and plays out what comes back at the device pace (catching up after timer lateness). */
async function talk(call: CallHandle, talkMs: number): Promise<{ windows: number; echoWindows: number; media: EchoMediaFigures }> {
  const codec = call.codec ?? 'ulaw';
  const media = await CallMedia.create({ codec, now: () => performance.now(), send: (p, ms) => call.sendVoice(p, ms),
    playbackRate: RATE, playbackFrameSamples: FRAME, captureRate: RATE });
  const disconnect = media.connect(call);
  const tone = toneFrames();
  const start = performance.now();
  const totalFrames = Math.floor(talkMs / 20);
  const skipFrames = 1000 / 20;
  let done = 0;
  let windows = 0;
  let echoWindows = 0;
  let quietWindows = 0;
  const windowPcm = new Int16Array(FRAME * WINDOW_FRAMES);
  let inWindow = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(totalFrames, Math.floor((performance.now() - start) / 20));
      for (; done < due; done++) {
        if (call.state === 'ended') break;
        media.capture(tone());
        const out = media.pull();
        if (done < skipFrames) continue;
        windowPcm.set(out, inWindow * FRAME);
        if (++inWindow === WINDOW_FRAMES) {
          inWindow = 0;
          windows++;
          if (windowHasTone(windowPcm)) echoWindows++;
          else if (rms(windowPcm) < TONE_RMS_FLOOR) quietWindows++;
        }
      }
      if (done >= totalFrames || call.state === 'ended') { clearInterval(timer); resolve(); }
    };
    const timer = setInterval(tick, 10);
  });
  disconnect();
  const m = media.stats();
  media.close();
  return { windows, echoWindows, media: { framesReceived: m.framesReceived, concealedMs: m.concealedMs, lost: m.jitter.lost,
    late: m.jitter.late, dropped: m.jitter.dropped, resyncs: m.jitter.resyncs, delayMs: m.jitter.currentDelayMs, quietWindows } };
}

export interface EchoRunSummary {
  readonly calls: number;
  readonly upWithin10s: number;
  readonly medianSetupMs: number;
  readonly p95SetupMs: number;
  /** Calls whose tone came back in at least 90 % of the windows. */
  readonly carryingEcho: number;
  /** The worst call's share of windows with the tone (0-1). */
  readonly worstEchoShare: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

/** Set-up times of failed calls count as +∞ (so a median over a run with failures is honest). */
export function summarise(results: readonly EchoCallResult[], setupLimitMs = 10_000): EchoRunSummary {
  const times = results.map((r) => r.setupMs ?? Infinity);
  const shares = results.map((r) => (r.windows === 0 ? 0 : r.echoWindows / r.windows));
  return {
    calls: results.length,
    upWithin10s: times.filter((t) => t <= setupLimitMs).length,
    medianSetupMs: percentile(times, 0.5),
    p95SetupMs: percentile(times, 0.95),
    carryingEcho: shares.filter((s) => s >= 0.9).length,
    worstEchoShare: shares.length ? Math.min(...shares) : 0,
  };
}

/** `count` calls, at most `parallel` at a time, started `staggerMs` apart. */
export async function echoCalls(count: number, parallel: number, options: EchoCallOptions & { staggerMs?: number }): Promise<EchoCallResult[]> {
  const results: EchoCallResult[] = new Array(count);
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    if (options.staggerMs) await new Promise((r) => setTimeout(r, w * options.staggerMs!));
    for (;;) {
      const i = next++;
      if (i >= count) return;
      results[i] = await echoCall(options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, (_, w) => worker(w)));
  return results;
}

/**
 * Registers `count` times, one after another, each a fresh engine on its own socket as a user's phone starting up:
 * the time from setAccounts to "registered" (Infinity for one refused; one with no answer within 15 s throws). Each engine
 * shuts down (REGREL) before the next starts, through the same network.
 */
export async function timeRegistrations(count: number, account: { server: string; username: string; secret: string }): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const socket = await LoopbackUdpPort.bind(0);
    const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0 });
    try {
      const states: RegistrationState[] = [];
      engine.on('registration', (r) => states.push(r));
      const t0 = performance.now();
      engine.setAccounts([{ id: 'a', ...account }]);
      await until('registered', () => states.some((r) => r.status === 'registered' || r.status === 'failed'), 15_000);
      times.push(states.some((r) => r.status === 'registered') ? performance.now() - t0 : Infinity);
    } finally {
      await engine.shutdown(); // REGREL, through the same network
      await socket.close();
    }
  }
  return times;
}
