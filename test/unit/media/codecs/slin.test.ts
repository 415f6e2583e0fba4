// Signed linear: slin big-endian and slin16 little-endian on the wire by default (as Asterisk sends them), the
// byte order as a factory option, several frames per payload, odd byte counts refused.
import { describe, expect, it } from 'vitest';
import { slin16Codec, slinCodec } from '../../../../electron/core/media/codecs/slin.js';
// The codec's IAX2 identity is the wire's one format table.
import { formatInfoOf, formatMaskOf } from '../../../../electron/core/iax2/wire/formats.js';

describe('signed linear', () => {
  it('slin (bit 6, H) is big-endian on the wire by default, 320 bytes per 20 ms', async () => {
    const f = slinCodec();
    expect(formatMaskOf(f.info.name)).toBe(1n << 6n);
    expect(formatInfoOf(f.info.name)?.prefChar).toBe('H');
    const pcm = new Int16Array(160);
    pcm[0] = 0x1234;
    pcm[1] = -2; // 0xfffe
    const bytes = (await f.createEncoder()).encode(pcm);
    expect(bytes.length).toBe(320);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x12, 0x34, 0xff, 0xfe]);
    const back = (await f.createDecoder()).decode(bytes);
    expect(Array.from(back)).toEqual(Array.from(pcm));
  });

  it('slin16 (bit 15, P) is little-endian (server host order) by default, 640 bytes per 20 ms', async () => {
    const f = slin16Codec();
    expect(formatMaskOf(f.info.name)).toBe(1n << 15n);
    expect(formatInfoOf(f.info.name)?.prefChar).toBe('P');
    expect(f.info.sampleRate).toBe(16000);
    const pcm = new Int16Array(320);
    pcm[0] = 0x1234;
    const bytes = (await f.createEncoder()).encode(pcm);
    expect(bytes.length).toBe(640);
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x34, 0x12]);
  });

  it('byte order is an option of the factory', async () => {
    const pcm = new Int16Array(320).map((_, i) => i * 97 - 15000);
    const be = await slin16Codec('big').createEncoder();
    const bytes = be.encode(pcm);
    expect(bytes[0]).toBe((pcm[0] >> 8) & 0xff);
    expect(Array.from((await slin16Codec('big').createDecoder()).decode(bytes))).toEqual(Array.from(pcm));
    expect(Array.from((await slinCodec('little').createDecoder()).decode(new Uint8Array([0x01, 0x80])))).toEqual([-32767]);
  });

  it('accepts several frames per payload, rejects an odd byte count, and times payloads by length', async () => {
    const dec = await slinCodec().createDecoder();
    expect(dec.decode(new Uint8Array(960)).length).toBe(480);
    expect(dec.durationMs(new Uint8Array(960))).toBe(60);
    expect(() => dec.decode(new Uint8Array(321))).toThrow(/whole number/);
    const dec16 = await slin16Codec().createDecoder();
    expect(dec16.durationMs(new Uint8Array(640))).toBe(20);
  });
});
