// WAV reading and writing: the canonical header, round trips, G.711/8-bit/24-bit/float/EXTENSIBLE formats,
// streaming writers' headers, and clear errors for what it cannot read.
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../../electron/core/media/wav.js';
import { ulawEncodeSample, alawEncodeSample, ULAW_DECODE, ALAW_DECODE } from '../../../electron/core/media/codecs/g711.js';

/** Builds a WAV by hand (not with encodeWav) from a fmt body and data, with optional extra chunks first. */
function buildWav(fmt: number[], data: Uint8Array, extra: { id: string; body: Uint8Array }[] = [], dataSize?: number): Uint8Array {
  const chunks: number[] = [];
  const push32 = (v: number) => chunks.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  const pushTag = (t: string) => chunks.push(...Array.from(t, (c) => c.charCodeAt(0)));
  for (const e of extra) {
    pushTag(e.id);
    push32(e.body.length);
    chunks.push(...e.body);
    if (e.body.length & 1) chunks.push(0);
  }
  pushTag('fmt ');
  push32(fmt.length);
  chunks.push(...fmt);
  pushTag('data');
  push32(dataSize ?? data.length);
  chunks.push(...data);
  const out = [...Array.from('RIFF', (c) => c.charCodeAt(0)), 0, 0, 0, 0, ...Array.from('WAVE', (c) => c.charCodeAt(0)), ...chunks];
  const size = out.length - 8;
  out[4] = size & 0xff; out[5] = (size >> 8) & 0xff; out[6] = (size >> 16) & 0xff; out[7] = (size >>> 24) & 0xff;
  return Uint8Array.from(out);
}

function fmtBody(format: number, channels: number, rate: number, bits: number, blockAlign = (channels * bits) / 8): number[] {
  const b: number[] = [];
  const p16 = (v: number) => b.push(v & 0xff, (v >> 8) & 0xff);
  const p32 = (v: number) => b.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  p16(format); p16(channels); p32(rate); p32(rate * blockAlign); p16(blockAlign); p16(bits);
  return b;
}

describe('WAV', () => {
  it('writes a canonical 44-byte header for 16-bit PCM', () => {
    const bytes = encodeWav({ sampleRate: 16000, channels: 1, samples: Int16Array.from([1, -2, 0x1234]) });
    expect(bytes.length).toBe(50);
    const ascii = (a: number) => String.fromCharCode(...bytes.subarray(a, a + 4));
    expect([ascii(0), ascii(8), ascii(12), ascii(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    const v = new DataView(bytes.buffer);
    expect(v.getUint32(4, true)).toBe(42);
    expect(v.getUint16(20, true)).toBe(1);
    expect(v.getUint32(24, true)).toBe(16000);
    expect(v.getUint32(28, true)).toBe(32000);
    expect(v.getUint16(32, true)).toBe(2);
    expect(v.getUint16(34, true)).toBe(16);
    expect(v.getUint32(40, true)).toBe(6);
    expect(Array.from(bytes.subarray(44))).toEqual([1, 0, 0xfe, 0xff, 0x34, 0x12]);
  });

  for (const [rate, channels] of [[8000, 1], [44100, 2], [48000, 1], [11025, 2]] as const) {
    it(`round-trips ${channels === 1 ? 'mono' : 'stereo'} at ${rate} Hz`, () => {
      const samples = Int16Array.from({ length: 1000 * channels }, (_, i) => ((i * 7919) % 65536) - 32768);
      const back = decodeWav(encodeWav({ sampleRate: rate, channels, samples }));
      expect(back.sampleRate).toBe(rate);
      expect(back.channels).toBe(channels);
      expect(back.sourceFormat).toBe('pcm16');
      expect(Array.from(back.samples)).toEqual(Array.from(samples));
    });
  }

  it('reads µ-law and A-law WAV (formats 7 and 6) through the G.711 tables', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const u = decodeWav(buildWav(fmtBody(7, 1, 8000, 8), codes));
    expect(u.sourceFormat).toBe('ulaw');
    expect(Array.from(u.samples)).toEqual(Array.from(ULAW_DECODE));
    const a = decodeWav(buildWav(fmtBody(6, 1, 8000, 8), codes));
    expect(a.sourceFormat).toBe('alaw');
    expect(Array.from(a.samples)).toEqual(Array.from(ALAW_DECODE));
    expect(ulawEncodeSample(u.samples[10])).toBe(10);
    expect(alawEncodeSample(a.samples[10])).toBe(10);
  });

  it('skips unknown chunks (with odd-size padding) and reads 8/24-bit, float and EXTENSIBLE PCM', () => {
    const list = { id: 'LIST', body: new Uint8Array([1, 2, 3]) };
    const p8 = decodeWav(buildWav(fmtBody(1, 1, 8000, 8), Uint8Array.from([0, 128, 255]), [list]));
    expect(Array.from(p8.samples)).toEqual([-32768, 0, 32512]);
    const p24 = decodeWav(buildWav(fmtBody(1, 1, 48000, 24), Uint8Array.from([0xff, 0x34, 0x12, 0x00, 0x00, 0x80])));
    expect(Array.from(p24.samples)).toEqual([0x1234, -32768]);
    const f32 = new Float32Array([0.5, -1, 2]);
    const fl = decodeWav(buildWav(fmtBody(3, 1, 16000, 32), new Uint8Array(f32.buffer)));
    expect(Array.from(fl.samples)).toEqual([16384, -32768, 32767]);
    const ext = [...fmtBody(0xfffe, 1, 16000, 16), 22, 0, 16, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];
    const e = decodeWav(buildWav(ext, Uint8Array.from([0x34, 0x12])));
    expect(Array.from(e.samples)).toEqual([0x1234]);
  });

  it('tolerates a streaming writer\'s oversized data length and a trailing partial frame', () => {
    const w = decodeWav(buildWav(fmtBody(1, 2, 8000, 16), Uint8Array.from([1, 0, 2, 0, 3]), [], 0xffffffff));
    expect(Array.from(w.samples)).toEqual([1, 2]);
  });

  it('gives clear errors for what it cannot read', () => {
    expect(() => decodeWav(new Uint8Array(10))).toThrow(/not a RIFF\/WAVE/);
    expect(() => decodeWav(buildWav(fmtBody(2, 1, 8000, 4, 256), new Uint8Array(256)))).toThrow(/MS ADPCM.*not supported/);
    expect(() => decodeWav(buildWav(fmtBody(0x31, 1, 8000, 0, 65), new Uint8Array(65)))).toThrow(/WAV49/);
    expect(() => decodeWav(buildWav(fmtBody(1, 1, 8000, 12, 2), new Uint8Array(4)))).toThrow(/12-bit PCM/);
    const noData = buildWav(fmtBody(1, 1, 8000, 16), new Uint8Array(0)).subarray(0, 36);
    expect(() => decodeWav(noData)).toThrow(/no data chunk/);
    expect(() => encodeWav({ sampleRate: 8000, channels: 3, samples: new Int16Array(3) })).toThrow(/mono or stereo/);
    expect(() => encodeWav({ sampleRate: 8000, channels: 2, samples: new Int16Array(3) })).toThrow(/whole number of frames/);
  });
});
