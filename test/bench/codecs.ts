// Codec micro-benchmark: mean µs to encode and to decode one 20 ms frame, per codec. Wired into `npm run bench` by
// test/bench/index.ts. Figures are for information (CI machines vary); nothing asserts on them.

import { codecFactory } from '../../electron/core/media/codecs/registry.js';
import { CODEC_NAMES } from '../../electron/shared/api.js';
import { frameSamples } from '../../electron/core/media/codecs/codec-info.js';
import { Resampler } from '../../electron/core/media/dsp/resample.js';
import type { CodecName } from '../../electron/core/media/codec.js';
import type { BenchSection } from './bench-types.js';

export interface CodecBenchRow {
  codec: CodecName | string;
  encodeUsPerFrame: number;
  decodeUsPerFrame: number;
}

function testFrames(rate: number, samples: number, count: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let f = 0; f < count; f++) {
    const x = new Int16Array(samples);
    for (let i = 0; i < samples; i++) {
      const t = (f * samples + i) / rate;
      x[i] = Math.round(6000 * Math.sin(2 * Math.PI * 220 * t) + 3000 * Math.sin(2 * Math.PI * 1330 * t)
        + 1500 * Math.sin(2 * Math.PI * 3100 * t));
    }
    out.push(x);
  }
  return out;
}

/** Runs every codec over `frames` frames (after a warm-up of 50) and returns one row per codec. */
export async function benchCodecs(frames = 1000): Promise<CodecBenchRow[]> {
  const rows: CodecBenchRow[] = [];
  for (const factory of CODEC_NAMES.map(codecFactory)) {
    const n = frameSamples(factory.info);
    const input = testFrames(factory.info.sampleRate, n, frames);
    const enc = await factory.createEncoder();
    const dec = await factory.createDecoder();
    for (let i = 0; i < 50; i++) dec.decode(enc.encode(input[i % input.length]));
    const payloads: Uint8Array[] = new Array(frames);
    let t0 = performance.now();
    for (let i = 0; i < frames; i++) payloads[i] = enc.encode(input[i]);
    const encodeMs = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < frames; i++) dec.decode(payloads[i]);
    const decodeMs = performance.now() - t0;
    enc.close();
    dec.close();
    rows.push({
      codec: factory.info.name,
      encodeUsPerFrame: Math.round((encodeMs * 1000) / frames * 10) / 10,
      decodeUsPerFrame: Math.round((decodeMs * 1000) / frames * 10) / 10,
    });
  }
  // Resamplers as extra rows ("encode" = down, "decode" = up), since every call path runs one.
  for (const [a, b] of [[8000, 16000], [16000, 48000], [44100, 48000]] as const) {
    const down = new Resampler(b, a);
    const up = new Resampler(a, b);
    const hi = testFrames(b, b / 50, frames);
    const lo = testFrames(a, a / 50, frames);
    let t0 = performance.now();
    for (const f of hi) down.process(f);
    const downMs = performance.now() - t0;
    t0 = performance.now();
    for (const f of lo) up.process(f);
    const upMs = performance.now() - t0;
    rows.push({
      codec: `resample ${a}↔${b}`,
      encodeUsPerFrame: Math.round((downMs * 1000) / frames * 10) / 10,
      decodeUsPerFrame: Math.round((upMs * 1000) / frames * 10) / 10,
    });
  }
  return rows;
}

/** The `npm run bench` section (contract in test/bench/bench-types.ts). */
export async function run(): Promise<BenchSection> {
  const rows = await benchCodecs(1000);
  return {
    title: 'Codecs: mean time per 20 ms frame',
    columns: ['codec', 'encode µs/frame', 'decode µs/frame', 'encode × real time'],
    rows: rows.map((r) => [r.codec, r.encodeUsPerFrame, r.decodeUsPerFrame,
      Math.round(20000 / Math.max(r.encodeUsPerFrame, 0.1))]),
    notes: [
      'G.711, G.722, GSM 06.10, slin and the resamplers are our own TypeScript; Opus is libopus 1.4 in WASM '
        + '(encode: opusscript\'s build through our binding, complexity 9, 32 kbit/s; decode: opus-decoder).',
      'Resampler rows: "encode" = down-sampling one 20 ms frame, "decode" = up-sampling one.',
    ],
  };
}
