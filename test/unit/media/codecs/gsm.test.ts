// GSM 06.10 full rate: format bit and 33-byte frames (spec §6.1), bit packing (RFC 3551 §4.5.8), coding quality,
// multi-frame payloads, malformed payloads, silence and full scale.
import { describe, expect, it } from 'vitest';
import { gsmCodec } from '../../../../electron/core/media/codecs/gsm.js';
import { packFrame, unpackFrame, type GsmFrame } from '../../../../electron/core/media/codecs/gsm-shared.js';
import { concat, frames, noise, snrDb } from '../../../support/signals.js';
// The codec's IAX2 identity is the wire's one format table.
import { formatInfoOf, formatMaskOf } from '../../../../electron/core/iax2/wire/formats.js';

/** A crude voiced sound: a 125 Hz pulse train through two resonators (formants at 700 and 1200 Hz). */
function vowel(samples: number): Int16Array {
  const out = new Int16Array(samples);
  const res = (f: number, bw: number) => {
    const r = Math.exp((-Math.PI * bw) / 8000);
    return { a1: 2 * r * Math.cos((2 * Math.PI * f) / 8000), a2: -r * r, y1: 0, y2: 0 };
  };
  const f1 = res(700, 80);
  const f2 = res(1200, 100);
  for (let i = 0; i < samples; i++) {
    const x = i % 64 === 0 ? 3000 : 0;
    const y = x + f1.a1 * f1.y1 + f1.a2 * f1.y2;
    f1.y2 = f1.y1;
    f1.y1 = y;
    const z = y + f2.a1 * f2.y1 + f2.a2 * f2.y2;
    f2.y2 = f2.y1;
    f2.y1 = z;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(z * 0.5)));
  }
  return out;
}

describe('GSM 06.10', () => {
  it('has bit 1, letter C, and standard 33-byte frames with the 0xD signature per 20 ms', async () => {
    expect(formatMaskOf(gsmCodec.info.name)).toBe(1n << 1n);
    expect(formatInfoOf(gsmCodec.info.name)?.prefChar).toBe('C');
    const enc = await gsmCodec.createEncoder();
    const frame = enc.encode(vowel(160));
    expect(frame.length).toBe(33);
    expect(frame[0] >> 4).toBe(0xd);
  });

  it('packs and unpacks every field at its bit width (RFC 3551 §4.5.8 order)', () => {
    let seed = 3;
    const rnd = (bits: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) & ((1 << bits) - 1);
    };
    for (let t = 0; t < 50; t++) {
      const frame: GsmFrame = {
        larc: [6, 6, 5, 5, 4, 4, 3, 3].map(rnd),
        sub: [0, 1, 2, 3].map(() => ({
          nc: rnd(7), bc: rnd(2), mc: rnd(2), xmaxc: rnd(6), xmc: Array.from({ length: 13 }, () => rnd(3)),
        })),
      };
      const bytes = new Uint8Array(33);
      packFrame(frame, bytes);
      expect(unpackFrame(bytes)).toEqual(frame);
    }
    // Field placement: LARc[0] is the 6 bits right after the signature.
    const bytes = new Uint8Array(33);
    packFrame({ larc: [0x3f, 0, 0, 0, 0, 0, 0, 0], sub: [0, 1, 2, 3].map(() => ({ nc: 0, bc: 0, mc: 0, xmaxc: 0, xmc: new Array(13).fill(0) })) }, bytes);
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0xdf, 0xc0]);
  });

  it('codes a voiced sound at better than 8 dB SNR (typical for RPE-LTP)', async () => {
    const x = vowel(8000);
    const enc = await gsmCodec.createEncoder();
    const dec = await gsmCodec.createDecoder();
    const y = concat(frames(x, 160).map((f) => dec.decode(enc.encode(f))));
    expect(snrDb(x, y, 0, 800)).toBeGreaterThan(8);
  });

  it('decodes a payload of several frames like the frames one at a time, and times it by length', async () => {
    const enc = await gsmCodec.createEncoder();
    const payloads = frames(noise(480, 6000, 5), 160).map((f) => enc.encode(f));
    const a = await gsmCodec.createDecoder();
    const separately = concat(payloads.map((p) => a.decode(p)));
    const b = await gsmCodec.createDecoder();
    const joined = new Uint8Array(payloads.flatMap((p) => Array.from(p)));
    expect(b.durationMs(joined)).toBe(60);
    expect(Array.from(b.decode(joined))).toEqual(Array.from(separately));
  });

  it('rejects malformed payloads with a clear error', async () => {
    const dec = await gsmCodec.createDecoder();
    expect(() => dec.decode(new Uint8Array(32))).toThrow(/not a whole number of 33-byte frames/);
    const wav49 = new Uint8Array(33);
    wav49[0] = 0x20;
    expect(() => dec.decode(wav49)).toThrow(/signature 0x2.*WAV49/);
    expect(() => dec.durationMs(new Uint8Array(0))).toThrow(/not a whole number/);
  });

  it('handles silence and full-scale input without overflow artefacts', async () => {
    const enc = await gsmCodec.createEncoder();
    const dec = await gsmCodec.createDecoder();
    const silent = dec.decode(enc.encode(new Int16Array(160)));
    expect(Math.max(...Array.from(silent, Math.abs))).toBeLessThan(64);
    const loud = new Int16Array(160).map((_, i) => (i % 40 < 20 ? 32767 : -32768));
    for (let f = 0; f < 5; f++) dec.decode(enc.encode(loud));
    expect(dec.decode(enc.encode(loud)).length).toBe(160);
  });
});
