// Two CallMedia instances wired back to back through a simulated network, driven by a manual clock.
import { CallMedia, type CallMediaOptions } from '../../../electron/core/media/call-media.js';
import type { CodecFactory, CodecName } from '../../../electron/core/media/codec.js';
import { codecFactory } from '../../../electron/core/media/codecs/registry.js';

export interface Sent {
  readonly payload: Uint8Array;
  readonly durationMs: number;
  readonly at: number;
}

/**
 * The real codecs, with every decoder creation recorded: a format change mid-call prepares its decoder
 * asynchronously (WASM may load), so a test awaits `decodersReady()` instead of sleeping.
 */
export function trackedCodecs(): { codecs: (name: CodecName) => CodecFactory; decodersReady: () => Promise<void> } {
  const creating: Promise<unknown>[] = [];
  const codecs = (name: CodecName): CodecFactory => {
    const real = codecFactory(name);
    return {
      info: real.info,
      createEncoder: () => real.createEncoder(),
      createDecoder: () => {
        const decoder = real.createDecoder();
        creating.push(decoder.catch(() => undefined));
        return decoder;
      },
    };
  };
  return { codecs, decodersReady: async () => { await Promise.all(creating); } };
}

export class ManualClock {
  t = 0;
  now = (): number => this.t;
}

export async function makeMedia(
  codec: CodecName,
  clock: ManualClock,
  overrides: Partial<CallMediaOptions> = {},
): Promise<{ media: CallMedia; sent: Sent[] }> {
  const sent: Sent[] = [];
  const media = await CallMedia.create({
    codec,
    now: clock.now,
    send: (payload, durationMs) => sent.push({ payload, durationMs, at: clock.t }),
    playbackRate: 48000,
    playbackFrameSamples: 960,
    captureRate: 48000,
    noiseSeed: 7,
    ...overrides,
  });
  return { media, sent };
}

/**
 * Plays `sent` into `rx` as if over a network (timestamp 20·i, arrival 20·i + delay(i), null = lost) while pulling
 * one playback frame every 20 ms. Returns every pulled frame.
 */
export function deliver(
  rx: CallMedia,
  clock: ManualClock,
  sent: readonly Sent[],
  codec: CodecName,
  delay: (i: number) => number | null = () => 30,
  /** Pulls after the last frame was sent: enough to drain the buffer, not so many that the end counts as loss. */
  extraMs = 40,
): Int16Array[] {
  const arrivals = sent
    .map((s, i) => ({ i, s, at: delay(i) }))
    .filter((a): a is { i: number; s: Sent; at: number } => a.at !== null)
    .map((a) => ({ ...a, at: 20 * a.i + a.at }))
    .sort((a, b) => a.at - b.at);
  const out: Int16Array[] = [];
  let next = 0;
  const end = 20 * sent.length + extraMs;
  for (let t = 0; t < end; t += 20) {
    while (next < arrivals.length && arrivals[next].at <= t) {
      const a = arrivals[next++];
      clock.t = a.at;
      rx.receive({ codec, timestamp: 20 * a.i, payload: a.s.payload });
    }
    clock.t = t;
    out.push(rx.pull());
  }
  return out;
}
