// G.722: format bit and frames (spec §6.1), wideband round-trip quality with the QMF delay, streaming across
// frames, multi-frame payloads, saturation.
import { describe, expect, it } from 'vitest';
import { g722Codec } from '../../../../electron/core/media/codecs/g722.js';
import { G722Decoder, G722Encoder } from '../../../../electron/core/media/codecs/g722-core.js';
import { alignedSnr, concat, frames, multiTone, noise, toneAmplitude } from '../../../support/signals.js';
// The codec's IAX2 identity is the wire's one format table.
import { formatInfoOf, formatMaskOf } from '../../../../electron/core/iax2/wire/formats.js';

describe('G.722', () => {
  it('has bit 12, letter O, 16 kHz PCM and 160-byte 20 ms frames (spec §6.1)', async () => {
    expect(formatMaskOf(g722Codec.info.name)).toBe(1n << 12n);
    expect(formatInfoOf(g722Codec.info.name)?.prefChar).toBe('O');
    expect(g722Codec.info.sampleRate).toBe(16000);
    const enc = await g722Codec.createEncoder();
    expect(enc.encode(new Int16Array(320)).length).toBe(160);
  });

  it('round-trips wideband tones (up to 6.4 kHz) at better than 25 dB SNR with the QMF delay of 22 samples', async () => {
    const x = multiTone(16000, 1, [400, 1300, 3100, 6400], 4000);
    const enc = await g722Codec.createEncoder();
    const dec = await g722Codec.createDecoder();
    const y = concat(frames(x, 320).map((f) => dec.decode(enc.encode(f))));
    const { delay, snr } = alignedSnr(x, y, 40);
    expect(delay).toBe(22);
    expect(snr).toBeGreaterThan(25);
    // The upper band really carries audio: 6.4 kHz (above narrowband) survives within 1 dB.
    const a = toneAmplitude(x, 16000, 6400, 2000, 14000);
    const b = toneAmplitude(y, 16000, 6400, 2022, 14022);
    expect(Math.abs(20 * Math.log10(b / a))).toBeLessThan(1);
  });

  it('is a streaming codec: 20 ms frames give the same bytes as one long call', async () => {
    const x = noise(16000, 8000, 7);
    const whole = new Uint8Array(8000);
    new G722Encoder().encode(x, whole);
    const enc = await g722Codec.createEncoder();
    const framed = new Uint8Array(frames(x, 320).flatMap((f) => Array.from(enc.encode(f))));
    expect(Buffer.from(framed).equals(Buffer.from(whole))).toBe(true);
  });

  it('decodes multi-frame payloads exactly like the same frames one by one', async () => {
    const x = multiTone(16000, 0.12, [500, 2500], 6000);
    const enc = await g722Codec.createEncoder();
    const payloads = frames(x, 320).map((f) => enc.encode(f));
    const one = await g722Codec.createDecoder();
    const separately = concat(payloads.map((p) => one.decode(p)));
    const together = (await g722Codec.createDecoder()).decode(new Uint8Array(payloads.flatMap((p) => Array.from(p))));
    expect(Array.from(together)).toEqual(Array.from(separately));
    expect((await g722Codec.createDecoder()).durationMs(new Uint8Array(480))).toBe(60);
  });

  it('keeps a full-scale square wave stable (saturation paths) and rejects an empty payload', async () => {
    const x = new Int16Array(16000).map((_, i) => (Math.floor(i / 20) % 2 ? 32767 : -32768));
    const bytes = new Uint8Array(8000);
    new G722Encoder().encode(x, bytes);
    const y = new Int16Array(16000);
    new G722Decoder().decode(bytes, y);
    expect(alignedSnr(x, y, 40).snr).toBeGreaterThan(10);
    const dec = await g722Codec.createDecoder();
    expect(() => dec.decode(new Uint8Array(0))).toThrow(/g722 payload of 0 bytes/);
  });
});
