import { describe, expect, it } from 'vitest';
import { decodeDatagram, encodeFullFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import {
  IeReader,
  IeWriter,
  decodeApparentAddr,
  decodeDateTime,
  decodeMsgCount,
  encodeApparentAddr,
  encodeDateTime,
  encodeIes,
  encodeMsgCount,
  ieName,
  parseIes,
} from '../../../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame, type RawIe } from '../../../../electron/core/iax2/wire/types.js';
import { hex, toHex } from './hex.js';

function parseOk(b: Uint8Array): RawIe[] {
  const r = parseIes(b);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('spec Appendix A fixtures', () => {
  it('A.1 first REGREQ', () => {
    const payload = new IeWriter().string(IeType.USERNAME, '1001').u16(IeType.REFRESH, 60).empty(IeType.CALLTOKEN).finish();
    const bytes = encodeFullFrame({
      sourceCall: 0x123, destCall: 0, retransmit: false, timestamp: 0, oseqno: 0, iseqno: 0,
      frameType: FrameType.IAX, subclass: IaxSubclass.REGREQ, payload,
    });
    const expected = '81 23 | 00 00 | 00 00 00 00 | 00 | 00 | 06 | 0d 06 04 31 30 30 31 13 02 00 3c 36 00';
    expect(toHex(bytes)).toBe(toHex(hex(expected)));
    const d = decodeDatagram(hex(expected));
    if (!d.ok || d.value.kind !== 'full') throw new Error('decode failed');
    const r = new IeReader(parseOk(d.value.payload));
    expect(r.string(IeType.USERNAME)).toBe('1001');
    expect(r.u16(IeType.REFRESH)).toBe(60);
    expect(r.has(IeType.CALLTOKEN)).toBe(true);
    expect(r.bytes(IeType.CALLTOKEN)?.length).toBe(0);
  });

  const A2 = `81 23 00 00 00 00 00 03 00 00 06 01
    0b 02 00 02  01 03 36 30 30  2d 03 44 45 4f  02 04 31 30 30 31  26 01 00  04 05 41 6c 69 63 65
    06 04 31 30 30 31  09 04 00 00 00 04  38 09 00 00 00 00 00 00 00 00 04  08 04 00 00 10 0e
    37 09 00 00 00 00 00 00 00 10 0e  36 00`;

  it('A.2 NEW is 84 bytes and is produced by the writer in the spec order', () => {
    const payload = new IeWriter()
      .u16(IeType.VERSION, 2)
      .string(IeType.CALLED_NUMBER, '600')
      .string(IeType.CODEC_PREFS, 'DEO')
      .string(IeType.CALLING_NUMBER, '1001')
      .u8(IeType.CALLINGPRES, 0)
      .string(IeType.CALLING_NAME, 'Alice')
      .string(IeType.USERNAME, '1001')
      .u32(IeType.FORMAT, 4)
      .versionedU64(IeType.FORMAT2, 4n)
      .u32(IeType.CAPABILITY, 0x100e)
      .versionedU64(IeType.CAPABILITY2, 0x100en)
      .empty(IeType.CALLTOKEN)
      .finish();
    const bytes = encodeFullFrame({
      sourceCall: 0x123, destCall: 0, retransmit: false, timestamp: 3, oseqno: 0, iseqno: 0,
      frameType: FrameType.IAX, subclass: IaxSubclass.NEW, payload,
    });
    expect(bytes.length).toBe(84);
    expect(toHex(bytes)).toBe(toHex(hex(A2)));
  });

  it('A.2 NEW decodes to the values it was built from', () => {
    const d = decodeDatagram(hex(A2));
    if (!d.ok || d.value.kind !== 'full') throw new Error('decode failed');
    const f: FullFrame = d.value;
    expect(f.subclass).toBe(IaxSubclass.NEW);
    const r = new IeReader(parseOk(f.payload));
    expect(r.u16(IeType.VERSION)).toBe(2);
    expect(r.string(IeType.CALLED_NUMBER)).toBe('600');
    expect(r.string(IeType.CODEC_PREFS)).toBe('DEO');
    expect(r.string(IeType.CALLING_NAME)).toBe('Alice');
    expect(r.u8(IeType.CALLINGPRES)).toBe(0);
    expect(r.u32(IeType.FORMAT)).toBe(4);
    expect(r.versionedU64(IeType.FORMAT2)).toBe(4n);
    expect(r.u32(IeType.CAPABILITY)).toBe(0x100e);
    expect(r.versionedU64(IeType.CAPABILITY2)).toBe(0x100en);
    expect(toHex(encodeIes(parseOk(f.payload)))).toBe(toHex(f.payload));
  });

  it('A.5 APPARENT_ADDR for 203.0.113.7:40123', () => {
    const ie = hex('12 10 | 02 00 9c bb cb 00 71 07 00 00 00 00 00 00 00 00');
    const [raw] = parseOk(ie);
    expect(raw.type).toBe(IeType.APPARENT_ADDR);
    const a = decodeApparentAddr(raw.data);
    expect(a).toEqual({ ok: true, value: { family: 'ipv4', address: '203.0.113.7', port: 40123 } });
    expect(toHex(new IeWriter().bytes(IeType.APPARENT_ADDR, encodeApparentAddr({ address: '203.0.113.7', port: 40123 })).finish())).toBe(toHex(ie));
  });

  it('APPARENT_ADDR IPv6 (28 bytes, family 10 little-endian) both ways, and bad lengths', () => {
    const enc = encodeApparentAddr({ address: '2001:db8::1', port: 4569 });
    expect(enc.length).toBe(28);
    expect(toHex(enc.subarray(0, 4))).toBe('0a 00 11 d9');
    expect(toHex(enc.subarray(8, 24))).toBe('20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01');
    expect(decodeApparentAddr(enc)).toEqual({ ok: true, value: { family: 'ipv6', address: '2001:db8::1', port: 4569 } });
    expect(decodeApparentAddr(new Uint8Array(15)).ok).toBe(false);
    expect(() => encodeApparentAddr({ address: 'example.com', port: 1 })).toThrow(/not a numeric/);
  });

  it('A.6 DATETIME 2024-05-17 13:45:30 = 0x30B16DAF', () => {
    const parts = { year: 2024, month: 5, day: 17, hours: 13, minutes: 45, seconds: 30 };
    expect(encodeDateTime(parts)).toBe(0x30b16daf);
    expect(decodeDateTime(0x30b16daf)).toEqual(parts);
    expect(decodeDateTime(encodeDateTime({ ...parts, seconds: 31 })).seconds).toBe(30); // 2-second resolution
    expect(() => encodeDateTime({ ...parts, month: 13 })).toThrow(/month/);
  });

  it('A.8 MSGCOUNT 0x0203 = 2 old, 3 new', () => {
    expect(decodeMsgCount(0x0203)).toEqual({ oldMessages: 2, newMessages: 3 });
    expect(encodeMsgCount(2, 3)).toBe(0x0203);
    expect(encodeMsgCount(1000, 7)).toBe(0xff07);
  });
});

describe('every IE type of spec §3.2 round-trips', () => {
  // One representative value per type, in its encoding from the table.
  const writers: Record<number, (w: IeWriter, t: number) => IeWriter> = {};
  const strings = [1, 2, 3, 4, 5, 6, 7, 10, 13, 15, 16, 17, 22, 28, 32, 33, 45, 52];
  const u8s = [23, 38, 39, 42];
  const u16s = [11, 12, 14, 19, 20, 21, 24, 34, 40, 41, 43, 49];
  const u32s = [8, 9, 27, 31, 35, 37, 46, 47, 48, 50, 51, 57];
  const empties = [25, 26];
  const raws = [18, 29, 30, 36, 44, 53, 54];
  const u64s = [55, 56];
  for (const t of strings) writers[t] = (w, ty) => w.string(ty, `v${ty}-é`);
  for (const t of u8s) writers[t] = (w, ty) => w.u8(ty, ty + 100);
  for (const t of u16s) writers[t] = (w, ty) => w.u16(ty, 0x100 * ty + 1);
  for (const t of u32s) writers[t] = (w, ty) => w.u32(ty, 0x80000000 + ty);
  for (const t of empties) writers[t] = (w, ty) => w.empty(ty);
  for (const t of raws) writers[t] = (w, ty) => w.bytes(ty, Uint8Array.from({ length: ty % 17 + 1 }, (_, i) => i * ty));
  for (const t of u64s) writers[t] = (w, ty) => w.versionedU64(ty, 1n << 34n | BigInt(ty));

  it('covers all 57 types', () => {
    const all = Object.values(IeType).filter((v): v is number => typeof v === 'number');
    expect(all).toHaveLength(57);
    expect(all.filter((t) => !writers[t])).toEqual([]);
  });

  it('writer → bytes → parse → reader gives the values back, and re-encodes to the same bytes', () => {
    const w = new IeWriter();
    for (let t = 1; t <= 57; t++) writers[t](w, t);
    const block = w.finish();
    const ies = parseOk(block);
    expect(ies.map((i) => i.type)).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
    expect(toHex(encodeIes(ies))).toBe(toHex(block));
    const r = new IeReader(ies);
    for (const t of strings) expect(r.string(t)).toBe(`v${t}-é`);
    for (const t of u8s) expect(r.u8(t)).toBe(t + 100);
    for (const t of u16s) expect(r.u16(t)).toBe(0x100 * t + 1);
    for (const t of u32s) expect(r.u32(t)).toBe(0x80000000 + t);
    for (const t of empties) expect(r.bytes(t)?.length).toBe(0);
    for (const t of raws) expect(Array.from(r.bytes(t) ?? [])).toEqual(Array.from({ length: t % 17 + 1 }, (_, i) => (i * t) & 0xff));
    for (const t of u64s) expect(r.versionedU64(t)).toBe(1n << 34n | BigInt(t));
    for (let t = 1; t <= 57; t++) expect(ieName(t)).toBe(IeType[t]);
  });
});

describe('reader tolerance (Asterisk iax_parse_ies(), spec §3.1)', () => {
  it('wrong fixed sizes read as undefined; versioned u64 needs version 0 and 9 bytes', () => {
    const r = new IeReader(parseOk(hex('0b 03 00 00 02  08 02 00 04  09 05 00 00 00 00 04  38 09 01 00 00 00 00 00 00 00 04  37 08 00 00 00 00 00 00 00 04  26 00')));
    expect(r.u16(IeType.VERSION)).toBeUndefined();
    expect(r.u32(IeType.CAPABILITY)).toBeUndefined();
    expect(r.u32(IeType.FORMAT)).toBeUndefined();
    expect(r.versionedU64(IeType.FORMAT2)).toBeUndefined();
    expect(r.versionedU64(IeType.CAPABILITY2)).toBeUndefined();
    expect(r.u8(IeType.CALLINGPRES)).toBeUndefined();
    expect(r.has(IeType.VERSION)).toBe(true);
  });
  it('skips unknown types, tolerates any order, last occurrence wins, all() lists repeats', () => {
    const r = new IeReader(parseOk(hex('c8 02 aa bb  34 03 61 3d 31  06 01 41  34 03 62 3d 32  06 01 42')));
    expect(r.string(IeType.USERNAME)).toBe('B');
    expect(r.all(IeType.VARIABLE).map((d) => new TextDecoder().decode(d))).toEqual(['a=1', 'b=2']);
    expect(r.bytes(200)?.length).toBe(2);
    expect(r.string(IeType.CALLED_NUMBER)).toBeUndefined();
  });
  it('strings stop at a NUL, as Asterisk reads them', () => {
    expect(new IeReader(parseOk(hex('01 04 36 30 00 39'))).string(IeType.CALLED_NUMBER)).toBe('60');
  });
});

describe('malformed IE blocks give errors, never throw', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['length overruns', '06 05 31 32', /claims 5 bytes but only 2 remain/],
    ['stray trailing byte', '06 01 31 13', /stray byte at offset 3/],
    ['single byte', '06', /stray byte at offset 0/],
    ['second IE overruns', '36 00 13 02 00', /REFRESH \(19\) at offset 2 claims 2/],
  ];
  for (const [name, bytes, err] of cases) {
    it(name, () => {
      const r = parseIes(hex(bytes));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(err);
      expect(IeReader.fromPayload(hex(bytes)).ok).toBe(false);
    });
  }
  it('an empty block is valid', () => {
    expect(parseIes(new Uint8Array(0))).toEqual({ ok: true, value: [] });
  });
  it('random blocks never throw', () => {
    let s = 99;
    const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 24);
    for (let i = 0; i < 5000; i++) {
      const b = Uint8Array.from({ length: rnd() % 64 }, rnd);
      expect(() => parseIes(b)).not.toThrow();
    }
  });
});

describe('writer limits', () => {
  it('throws a clear Error for data over 255 bytes', () => {
    expect(() => new IeWriter().bytes(IeType.OSPTOKEN, new Uint8Array(256))).toThrow(/256 bytes of data; an IE holds at most 255/);
    expect(() => new IeWriter().string(IeType.CALLED_NUMBER, 'x'.repeat(256))).toThrow(/at most 255/);
    expect(() => encodeIes([{ type: 1, data: new Uint8Array(300) }])).toThrow(/at most 255/);
    expect(new IeWriter().bytes(IeType.OSPTOKEN, new Uint8Array(255)).finish().length).toBe(257);
  });
  it('rejects an embedded NUL and out-of-range integers', () => {
    expect(() => new IeWriter().string(IeType.USERNAME, 'a\u0000b')).toThrow(/NUL/);
    expect(() => new IeWriter().u8(IeType.CAUSECODE, 256)).toThrow(/outside 0-255/);
    expect(() => new IeWriter().u16(IeType.REFRESH, -1)).toThrow(/outside/);
    expect(() => new IeWriter().u32(IeType.FORMAT, 2 ** 32)).toThrow(/outside/);
    expect(() => new IeWriter().versionedU64(IeType.FORMAT2, 1n << 64n)).toThrow(/u64/);
  });
  it('counts UTF-8 bytes, not characters', () => {
    const block = new IeWriter().string(IeType.CALLING_NAME, 'Zoë 😀').finish();
    expect(block[1]).toBe(new TextEncoder().encode('Zoë 😀').length);
    expect(new IeReader(parseOk(block)).string(IeType.CALLING_NAME)).toBe('Zoë 😀');
  });
});
