// G.711 µ-law and A-law (ITU-T G.711): decoding tables, encoder decision values, known vectors, the spec §6.1
// format bits and frames, tone round trip, multi-frame payloads.
import { describe, expect, it } from 'vitest';
import { ALAW_DECODE, ULAW_DECODE, alawCodec, alawEncodeSample, ulawCodec, ulawEncodeSample } from '../../../../electron/core/media/codecs/g711.js';
import { sine, snrDb } from '../../../support/signals.js';
// The codec's IAX2 identity is the wire's one format table.
import { formatInfoOf, formatMaskOf } from '../../../../electron/core/iax2/wire/formats.js';

// Independent statements of ITU-T G.711, written from the Recommendation's tables rather than from our code:
// µ-law (Table 2a): 14-bit uniform values; in segment e (0..7) the 16 intervals are 2^(e+1) wide, output value
// ((2m + 33)·2^e − 33), lower decision value ((m + 16)·2^(e+1) − 33) (0 for the very first interval).
// A-law (Table 1a): 13-bit uniform values; segment 0 has 16 intervals of width 2 starting at 0, segment s >= 1
// intervals of width 2^s starting at (16 + m)·2^s; output value at the interval's centre.
// Codes: µ-law transmits the one's complement of sign|segment|mantissa (sign bit 1 = positive after inversion);
// A-law transmits sign|segment|mantissa with bit 7 = 1 for positive, then inverts the even bits (XOR 0x55).

function ulawReference(code: number): number {
  const c = ~code & 0xff;
  const e = (c >> 4) & 7;
  const m = c & 15;
  const v14 = ((2 * m + 33) << e) - 33;
  return (c & 0x80 ? -v14 : v14) * 4 + 0; // + 0 turns −0 into 0
}

function alawReference(code: number): number {
  const a = code ^ 0x55;
  const s = (a >> 4) & 7;
  const m = a & 15;
  const v13 = s === 0 ? 2 * m + 1 : ((16 + m) << s) + (1 << (s - 1));
  return (a & 0x80 ? v13 : -v13) * 8;
}

/** Expected code for a 16-bit sample from the decision values (sign-magnitude, one's complement for negatives). */
function ulawEncodeReference(x: number): number {
  const neg = x < 0;
  const mag14 = (neg ? -x - 1 : x) / 4; // exact real value in 14-bit units
  let code = 0x7f; // top interval (clip)
  search: for (let e = 0; e < 8; e++) {
    for (let m = 0; m < 16; m++) {
      const upper = m === 15 ? (e === 7 ? Infinity : ((16 << (e + 2)) - 33)) : ((m + 17) << (e + 1)) - 33;
      if (mag14 < upper) {
        code = (e << 4) | m;
        break search;
      }
    }
  }
  return ~((neg ? 0x80 : 0) | code) & 0xff;
}

function alawEncodeReference(x: number): number {
  const neg = x < 0;
  const mag13 = (neg ? -x - 1 : x) / 8;
  let code = 0x7f;
  search: for (let s = 0; s < 8; s++) {
    for (let m = 0; m < 16; m++) {
      const upper = s === 0 ? 2 * (m + 1) : (16 + m + 1) << s;
      if (mag13 < upper) {
        code = (s << 4) | m;
        break search;
      }
    }
  }
  return ((neg ? 0 : 0x80) | code) ^ 0x55;
}

describe('G.711', () => {
  it('decoding tables equal the G.711 output values for all 256 codes', () => {
    for (let c = 0; c < 256; c++) {
      expect(ULAW_DECODE[c]).toBe(ulawReference(c));
      expect(ALAW_DECODE[c]).toBe(alawReference(c));
    }
  });

  it('encoders pick the interval given by the G.711 decision values for every 16-bit input', () => {
    let uMismatch = 0;
    let aMismatch = 0;
    for (let x = -32768; x < 32768; x++) {
      if (ulawEncodeSample(x) !== ulawEncodeReference(x)) uMismatch++;
      if (alawEncodeSample(x) !== alawEncodeReference(x)) aMismatch++;
    }
    expect(uMismatch).toBe(0);
    expect(aMismatch).toBe(0);
  });

  it('every code survives decode → encode (µ-law negative zero 0x7f becomes 0xff)', () => {
    for (let c = 0; c < 256; c++) {
      expect(ulawEncodeSample(ULAW_DECODE[c])).toBe(c === 0x7f ? 0xff : c);
      expect(alawEncodeSample(ALAW_DECODE[c])).toBe(c);
    }
  });

  it('known vectors: silence, full scale and the sign conventions', () => {
    expect(ulawEncodeSample(0)).toBe(0xff);
    expect(ulawEncodeSample(32767)).toBe(0x80);
    expect(ulawEncodeSample(-32768)).toBe(0x00);
    expect(alawEncodeSample(0)).toBe(0xd5);
    expect(alawEncodeSample(-1)).toBe(0x55);
    expect(alawEncodeSample(32767)).toBe(0xaa);
    expect(alawEncodeSample(-32768)).toBe(0x2a);
  });

  for (const [name, factory, bit, pref] of [['ulaw', ulawCodec, 1n << 2n, 'D'], ['alaw', alawCodec, 1n << 3n, 'E']] as const) {
    describe(name, () => {
      it('has the IAX2 format bit, CODEC_PREFS letter and 160-byte 20 ms frames of spec §6.1', async () => {
        expect(formatMaskOf(factory.info.name)).toBe(bit);
        expect(formatInfoOf(factory.info.name)?.prefChar).toBe(pref);
        expect(factory.info.sampleRate).toBe(8000);
        const enc = await factory.createEncoder();
        expect(enc.encode(new Int16Array(160)).length).toBe(160);
        expect(() => enc.encode(new Int16Array(159))).toThrow(/160 samples/);
      });

      it('round-trips a 1 kHz tone at better than 37 dB SNR', async () => {
        const enc = await factory.createEncoder();
        const dec = await factory.createDecoder();
        const x = sine(8000, 1600, 1020, 10000);
        const y = new Int16Array(1600);
        for (let f = 0; f < 10; f++) y.set(dec.decode(enc.encode(x.subarray(f * 160, f * 160 + 160))), f * 160);
        expect(snrDb(x, y)).toBeGreaterThan(37);
      });

      it('decodes a payload of several frames (and odd sizes) and reports its duration from the length', async () => {
        const enc = await factory.createEncoder();
        const dec = await factory.createDecoder();
        const x = sine(8000, 480, 440, 8000);
        const payload = new Uint8Array([...enc.encode(x.subarray(0, 160)), ...enc.encode(x.subarray(160, 320)),
          ...enc.encode(x.subarray(320, 480))]);
        expect(dec.durationMs(payload)).toBe(60);
        expect(dec.decode(payload).length).toBe(480);
        expect(dec.decode(new Uint8Array(80)).length).toBe(80); // 10 ms, as some bridges send
        expect(() => dec.decode(new Uint8Array(0))).toThrow(/not a whole number/);
      });
    });
  }
});
