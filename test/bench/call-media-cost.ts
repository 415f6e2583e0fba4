// CPU cost of one call's whole media pipeline per 20 ms: capture 48 kHz → resample → encode → (loopback) →
// jitter buffer → decode → resample → pull(), for each wideband/narrowband codec we ship.
import { performance } from 'node:perf_hooks';
import { CallMedia } from '../../electron/core/media/call-media.js';
import type { CodecName } from '../../electron/core/media/codec.js';
import type { BenchSection } from './bench-types.js';

const FRAMES = 1500; // 30 s of call audio per codec

async function measure(codec: CodecName): Promise<number> {
  let now = 0;
  const loop: { payload: Uint8Array; ts: number }[] = [];
  let ts = 0;
  const media = await CallMedia.create({
    codec, now: () => now, send: (payload, ms) => { loop.push({ payload, ts }); ts += ms; },
    playbackRate: 48000, playbackFrameSamples: 960, captureRate: 48000,
  });
  const mic = new Int16Array(960);
  for (let i = 0; i < mic.length; i++) mic[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000));
  const start = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    now = 20 * i;
    media.capture(mic);
    for (const f of loop.splice(0)) media.receive({ codec, timestamp: f.ts, payload: f.payload });
    media.pull();
  }
  const elapsed = performance.now() - start;
  media.close();
  return (elapsed * 1000) / FRAMES;
}

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  for (const codec of ['ulaw', 'g722', 'opus', 'gsm'] as const) {
    const us = await measure(codec);
    rows.push([codec, us.toFixed(1), ((us / 20000) * 100).toFixed(2)]);
  }
  return {
    title: 'Call media pipeline: CPU per 20 ms, both directions (48 kHz devices)',
    columns: ['codec', 'µs per 20 ms', '% of one core'],
    rows,
    notes: ['capture → resample → encode → loopback → jitter buffer → decode → resample → pull(), 1500 frames each.'],
  };
}
