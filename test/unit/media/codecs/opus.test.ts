// The Opus codec: format bit and rates (spec §6.1), one 20 ms frame per packet, interworking across PCM rates,
// concealment that gives exactly the samples asked for, loss packets, and TOC parsing (RFC 6716 §3.4).
import { describe, expect, it } from 'vitest';
import { OpusDecoder } from 'opus-decoder';
import { opusCodec } from '../../../../electron/core/media/codecs/opus.js';
import { inspectOpusPacket, lossPacket20ms } from '../../../../electron/core/media/codecs/opus-packet.js';
import { alignedSnr, concat, frames, multiTone, toneAmplitude } from '../../../support/signals.js';
// The codec's IAX2 identity is the wire's one format table.
import { formatInfoOf, formatMaskOf } from '../../../../electron/core/iax2/wire/formats.js';

describe('Opus', () => {
  it('has bit 34, letter f, 20 ms frames; PCM at 16 kHz by default and 48 kHz as an option', async () => {
    const f = opusCodec();
    expect(formatMaskOf(f.info.name)).toBe(1n << 34n);
    expect(formatInfoOf(f.info.name)?.prefChar).toBe('f');
    expect(f.info.frameMs).toBe(20);
    expect(f.info.sampleRate).toBe(16000);
    expect(opusCodec({ pcmRate: 48000 }).info.sampleRate).toBe(48000);
    expect(() => opusCodec({ pcmRate: 44100 as 48000 })).toThrow(/16000 or 48000/);
  });

  for (const rate of [16000, 48000] as const) {
    it(`encodes exactly one 20 ms frame per packet and decodes it back (${rate} Hz PCM)`, async () => {
      const f = opusCodec({ pcmRate: rate });
      const enc = await f.createEncoder();
      const dec = await f.createDecoder();
      const n = rate / 50;
      const x = multiTone(rate, 0.6, [440, 1250, 3000], 5000);
      const packets = frames(x, n).map((fr) => enc.encode(fr));
      for (const p of packets) {
        expect(inspectOpusPacket(p)).toEqual({ frames: 1, durationMs: 20 });
        expect(dec.durationMs(p)).toBe(20);
      }
      const y = concat(packets.map((p) => dec.decode(p)));
      expect(y.length).toBe(x.length);
      // Not a waveform coder: check each tone's level after the codec delay instead of SNR.
      const { delay } = alignedSnr(x, y, (rate * 10) / 1000);
      for (const tone of [440, 1250, 3000]) {
        const a = toneAmplitude(x, rate, tone, n * 5, n * 25);
        const b = toneAmplitude(y, rate, tone, n * 5 + delay, n * 25 + delay);
        expect(Math.abs(20 * Math.log10(b / a))).toBeLessThan(1.5);
      }
      enc.close();
      dec.close();
      expect(() => enc.encode(new Int16Array(n))).toThrow(/closed/);
    });
  }

  it('interworks across PCM rates: 48 kHz-side packets decode at 16 kHz and the reverse (the wire is always 48 kHz)', async () => {
    const wide = opusCodec({ pcmRate: 48000 });
    const narrow = opusCodec({ pcmRate: 16000 });
    const e48 = await wide.createEncoder();
    const d16 = await narrow.createDecoder();
    const p = e48.encode(multiTone(48000, 0.02, [1000], 5000));
    expect(d16.decode(p).length).toBe(320);
    const e16 = await narrow.createEncoder();
    const d48 = await wide.createDecoder();
    expect(d48.decode(e16.encode(multiTone(16000, 0.02, [1000], 5000))).length).toBe(960);
  });

  it("opus-decoder's own empty-packet concealment is 120 ms, which is why conceal() does not use it", async () => {
    const d = new OpusDecoder({ sampleRate: 16000, channels: 1 });
    await d.ready;
    const enc = await opusCodec().createEncoder();
    d.decodeFrame(enc.encode(new Int16Array(320).fill(1000)));
    expect(d.decodeFrame(new Uint8Array(0)).samplesDecoded).toBe(1920);
    d.free();
  });

  it('conceal() gives exactly the samples asked for, continues the signal and joins the next packet smoothly', async () => {
    const f = opusCodec();
    const enc = await f.createEncoder();
    const dec = await f.createDecoder();
    const x = multiTone(16000, 0.5, [300, 700], 6000);
    const packets = frames(x, 320).map((fr) => enc.encode(fr));
    const out: Int16Array[] = [];
    for (let i = 0; i < packets.length; i++) {
      if (i === 10) out.push(dec.conceal(320));
      else if (i === 15) out.push(dec.conceal(200), dec.conceal(440)); // 32 ms: not a multiple of 20 ms
      else out.push(dec.decode(packets[i]));
    }
    expect(out[10].length).toBe(320);
    expect(out[15].length + out[16].length).toBe(640);
    const y = concat(out);
    // The concealed frame keeps the tones' level (libopus PLC), rather than dropping to silence.
    const lostPart = y.subarray(10 * 320, 11 * 320);
    let e = 0;
    for (const v of lostPart) e += v * v;
    expect(Math.sqrt(e / 320)).toBeGreaterThan(1000);
    // No click where decoding resumes after the loss: the step there is like the signal's own steps.
    let natural = 0;
    for (let i = 1; i < x.length; i++) natural = Math.max(natural, Math.abs(x[i] - x[i - 1]));
    const join = 11 * 320;
    for (let i = join - 2; i < join + 4; i++) expect(Math.abs(y[i] - y[i - 1])).toBeLessThan(natural * 1.5);
  });

  it('conceals with silence before any packet arrived', async () => {
    const dec = await opusCodec().createDecoder();
    expect(Array.from(dec.conceal(320)).every((v) => v === 0)).toBe(true);
  });

  it('builds 20 ms loss packets that keep the mode, bandwidth and stereo flag of the last TOC', () => {
    // SILK WB 60 ms (config 11) → SILK WB 20 ms (config 9); CELT FB 10 ms (30) → CELT FB 20 ms (31); hybrid 10 ms
    // SWB (12+2=14) → 15; stereo bit kept.
    expect(lossPacket20ms((11 << 3) | 0x03)).toEqual(new Uint8Array([9 << 3]));
    expect(lossPacket20ms((30 << 3) | 0x04)).toEqual(new Uint8Array([(31 << 3) | 0x04]));
    expect(lossPacket20ms(14 << 3)).toEqual(new Uint8Array([15 << 3]));
    for (const toc of [0, 8, 16, 100, 200, 255]) expect(inspectOpusPacket(lossPacket20ms(toc)).durationMs).toBe(20);
  });

  it('reads durations from the TOC and rejects malformed packets with clear errors (RFC 6716 §3.4)', async () => {
    const dec = await opusCodec().createDecoder();
    expect(inspectOpusPacket(new Uint8Array([(1 << 3) | 1, 1, 2])).durationMs).toBe(40); // code 1: two 20 ms frames
    expect(inspectOpusPacket(new Uint8Array([(16 << 3) | 3, 4, 0, 0, 0, 0])).durationMs).toBe(10); // 4 × 2.5 ms
    expect(() => dec.decode(new Uint8Array(0))).toThrow(/empty/);
    expect(() => dec.decode(new Uint8Array([(1 << 3) | 1, 1]))).toThrow(/odd payload length/);
    expect(() => dec.decode(new Uint8Array([(1 << 3) | 2, 200, 1]))).toThrow(/overruns/);
    expect(() => dec.decode(new Uint8Array([(1 << 3) | 3]))).toThrow(/frame count/);
    expect(() => dec.decode(new Uint8Array([(1 << 3) | 3, 0]))).toThrow(/0 frames/);
    expect(() => dec.decode(new Uint8Array([(3 << 3) | 3, 3]))).toThrow(/120 ms/);
    expect(() => dec.decode(new Uint8Array([(1 << 3) | 3, 0x42, 250, 0]))).toThrow(/padding/);
    expect(() => dec.durationMs(new Uint8Array(0))).toThrow(/empty/);
  });
});
