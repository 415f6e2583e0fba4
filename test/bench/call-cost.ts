// End-to-end cost of a call: two engines in this process call each other over loopback UDP, each with its full audio
// side (DevicePhoneMedia with the default speakerphone processing: echo canceller + noise suppression, on the paced
// fake sound card at 48 kHz, real time), both microphones carrying tone bursts. CPU time from process.cpuUsage()
// over ~10 s of the established call, as % of one core: both ends together (one end is about half).
import type { BenchSection } from './bench-types.js';
import { createIax2Engine, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { CallHandle } from '../../electron/core/iax2/engine-api.js';
import type { CodecName } from '../../electron/core/media/codec.js';
import { CODEC_INFO } from '../../electron/core/media/codecs/codec-info.js';
import { ToneGenerator } from '../../electron/core/media/tones.js';
import { DevicePhoneMedia } from '../../electron/core/phone/device-phone-media.js';
import { DEFAULT_SETTINGS } from '../../electron/core/phone/settings-model.js';
import { PacedFakeAudioSystem } from '../../electron/adapters/audio/paced-fake-audio.js';
import { SystemClock } from '../../electron/adapters/system-clock.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../support/scripted-peer-calls-net.js';
import { formatInfoOf } from '../../electron/core/iax2/wire/formats.js';

const CALL_SECONDS = 10;
const CODECS: readonly CodecName[] = ['ulaw', 'g722', 'opus'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error('call did not come up');
    await sleep(5);
  }
}

interface End { engine: Iax2EngineImpl; socket: LoopbackUdpPort; media: DevicePhoneMedia }

async function end(toneHz: number, dsp: typeof DEFAULT_SETTINGS.dsp): Promise<End> {
  const socket = await LoopbackUdpPort.bind(0);
  const engine = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0, unregisterTimeoutMs: 100 });
  const audio = new PacedFakeAudioSystem({
    deviceRate: 48_000, keepPlayedAudio: false,
    captureSource: (rate) => new ToneGenerator({
      repeat: true, segments: [{ frequencies: [toneHz], durationMs: 300, levelDbfs: -18 }, { frequencies: [], durationMs: 200 }],
    }, rate),
  });
  const media = new DevicePhoneMedia({ audio, clock: new SystemClock() });
  media.configure({ selection: DEFAULT_SETTINGS.audio, gains: DEFAULT_SETTINGS.gains, dsp, jitter: DEFAULT_SETTINGS.jitter });
  return { engine, socket, media };
}

async function measure(codec: CodecName, dsp = DEFAULT_SETTINGS.dsp): Promise<{ corePercent: number; framesSent: number }> {
  const caller = await end(440, dsp);
  const callee = await end(700, dsp);
  try {
    // Calls from an account's server may use the account's codecs (direct calls only µ-law/A-law), so the callee's
    // account points at the caller (its registration attempts go unanswered; see test/integration/wideband-call).
    callee.engine.setAccounts([{ id: 'bench', server: `127.0.0.1:${caller.engine.localPort}`, username: 'callee', codecs: [codec] }]);
    await sleep(50);
    const incoming: CallHandle[] = [];
    callee.engine.on('incoming', (c) => incoming.push(c));
    const out = caller.engine.dial({
      number: 'bench', codecs: [codec],
      account: { id: 'direct', server: `127.0.0.1:${callee.engine.localPort}`, username: 'bench', register: false, codecs: [codec] },
    });
    await until(() => incoming.length === 1);
    incoming[0]!.answer();
    await until(() => out.state === 'up' && incoming[0]!.state === 'up');
    if (out.codec !== codec) throw new Error(`negotiated ${out.codec ?? 'nothing'} instead of ${codec}`);
    const a = await caller.media.startCall(out);
    const b = await callee.media.startCall(incoming[0]!);
    await sleep(1000); // warm-up: JIT, WASM codec start, jitter buffer settling
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(CALL_SECONDS * 1000);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const stats = out.stats();
    await a.close();
    await b.close();
    out.hangup();
    return { corePercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, framesSent: stats.framesSent };
  } finally {
    for (const e of [caller, callee]) {
      await e.media.close();
      await e.engine.shutdown();
      await e.socket.close();
    }
  }
}

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  const row = (label: string, codec: CodecName, r: { corePercent: number; framesSent: number }) =>
    rows.push([label, `${CODEC_INFO[codec].sampleRate / 1000} kHz`, r.corePercent.toFixed(1), (r.corePercent / 2).toFixed(1), r.framesSent]);
  for (const codec of CODECS) row(formatInfoOf(codec)?.label ?? codec, codec, await measure(codec));
  row('G.722, speakerphone processing off', 'g722', await measure('g722', { echoCancellation: false, noiseSuppression: false, autoGain: false }));
  return {
    title: 'Call cost: a full loopback call, both ends in one process',
    columns: ['codec', 'codec rate', '% of one core (both ends)', '≈ per end', 'frames sent by the caller'],
    rows,
    notes: [
      `process.cpuUsage() over ${CALL_SECONDS} s of an answered call (after 1 s of warm-up): two Iax2Engines on 127.0.0.1 UDP,`,
      'each with DevicePhoneMedia on the paced fake 48 kHz device (default settings: echo canceller + noise suppression on,',
      'except the last row), both microphones sending tone bursts. Includes timers, UDP sockets and GC of the whole process.',
    ],
  };
}
