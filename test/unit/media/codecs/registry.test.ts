// Our codecs: each one in the registry, with its format bit and CODEC_PREFS letter in the one format table
// (spec §6.1), the payload size of one 20 ms frame, and durations from payload length (spec §6.6, the one rule).
import { describe, expect, it } from 'vitest';
import type { CodecName } from '../../../../electron/core/media/codec.js';
import { codecFactory } from '../../../../electron/core/media/codecs/registry.js';
import { payloadDurationMs } from '../../../../electron/core/media/codecs/payload-duration.js';
import { codecNameOfBit, formatInfoOf, formatMaskOf, parsePrefs } from '../../../../electron/core/iax2/wire/formats.js';
import { CODEC_NAMES } from '../../../../electron/shared/api.js';

const allCodecs = () => CODEC_NAMES.map(codecFactory);

// Spec §6.1 table, restated here as the test's own expectation.
const SPEC: Record<CodecName, { bit: number; pref: string; rate: number; bytesPer20ms: number | null }> = {
  gsm: { bit: 1, pref: 'C', rate: 8000, bytesPer20ms: 33 },
  ulaw: { bit: 2, pref: 'D', rate: 8000, bytesPer20ms: 160 },
  alaw: { bit: 3, pref: 'E', rate: 8000, bytesPer20ms: 160 },
  slin: { bit: 6, pref: 'H', rate: 8000, bytesPer20ms: 320 },
  g722: { bit: 12, pref: 'O', rate: 16000, bytesPer20ms: 160 },
  slin16: { bit: 15, pref: 'P', rate: 16000, bytesPer20ms: 640 },
  opus: { bit: 34, pref: 'f', rate: 16000, bytesPer20ms: null },
};

describe('codec registry', () => {
  it('lists every codec once, each with the format bit and CODEC_PREFS letter of spec §6.1', () => {
    const all = allCodecs();
    expect(all.map((f) => f.info.name).sort()).toEqual(Object.keys(SPEC).sort());
    for (const f of all) {
      const s = SPEC[f.info.name];
      expect(formatMaskOf(f.info.name)).toBe(1n << BigInt(s.bit));
      expect(formatInfoOf(f.info.name)?.prefChar).toBe(s.pref);
      expect(f.info.sampleRate).toBe(s.rate);
      expect(f.info.frameMs).toBe(20);
      expect(codecFactory(f.info.name)).toBe(f);
      expect(codecNameOfBit(s.bit)).toBe(f.info.name);
      expect(codecNameOfBit(parsePrefs(s.pref)[0] ?? -1)).toBe(f.info.name);
    }
    expect(codecNameOfBit(8)).toBeUndefined(); // G.729: not ours
    expect(() => codecFactory('g729' as CodecName)).toThrow(/unknown codec/);
  });

  it('every encoder produces the §6.1 payload size for one 20 ms frame and its decoder agrees on 20 ms', async () => {
    for (const f of allCodecs()) {
      const enc = await f.createEncoder();
      const dec = await f.createDecoder();
      const payload = enc.encode(new Int16Array((f.info.sampleRate * 20) / 1000));
      const s = SPEC[f.info.name];
      if (s.bytesPer20ms !== null) expect(payload.length).toBe(s.bytesPer20ms);
      expect(payloadDurationMs(f.info.name, payload)).toBe(20);
      expect(dec.durationMs(payload)).toBe(20);
      expect(dec.decode(payload).length).toBe((f.info.sampleRate * 20) / 1000);
      expect(dec.conceal(80).length).toBe(80);
      enc.close();
      dec.close();
    }
  });

  it('computes durations from payload length per spec §6.6', () => {
    expect(payloadDurationMs('ulaw', new Uint8Array(240))).toBe(30);
    expect(payloadDurationMs('alaw', new Uint8Array(80))).toBe(10);
    expect(payloadDurationMs('g722', new Uint8Array(320))).toBe(40);
    expect(payloadDurationMs('gsm', new Uint8Array(99))).toBe(60);
    expect(payloadDurationMs('slin', new Uint8Array(640))).toBe(40);
    expect(payloadDurationMs('slin16', new Uint8Array(640))).toBe(20);
    expect(payloadDurationMs('opus', new Uint8Array([(9 << 3), 1, 2, 3]))).toBe(20);
    expect(() => payloadDurationMs('gsm', new Uint8Array(34))).toThrow(/whole number/);
    expect(() => payloadDurationMs('slin', new Uint8Array(3))).toThrow(/whole number/);
    expect(() => payloadDurationMs('ulaw', new Uint8Array(0))).toThrow(/whole number/);
  });
});
