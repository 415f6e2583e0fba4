import { describe, expect, it } from 'vitest';
import {
  compressSubclass,
  decodeDatagram,
  encodeDatagram,
  encodeFullFrame,
  encodeMetaVideoFrame,
  encodeMiniFrame,
  encodeTrunkFrame,
  uncompressSubclass,
} from '../../../../electron/core/iax2/wire/frame-codec.js';
import { ControlSubclass, FrameType, IaxSubclass, type Datagram, type FullFrame } from '../../../../electron/core/iax2/wire/types.js';
import { hex, toHex } from './hex.js';

function decodeOk(buf: Uint8Array): Datagram {
  const r = decodeDatagram(buf);
  if (!r.ok) throw new Error(`expected a decodable datagram: ${r.error}`);
  return r.value;
}

function full(over: Partial<Omit<FullFrame, 'kind'>>): Omit<FullFrame, 'kind'> {
  return {
    sourceCall: 0x0123, destCall: 0x1f40, retransmit: false, timestamp: 1234, oseqno: 2, iseqno: 3,
    frameType: FrameType.IAX, subclass: IaxSubclass.ACK, payload: new Uint8Array(0), ...over,
  };
}

/** Both directions: decode(encode(f)) has f's fields, and encode(decode(bytes)) gives the bytes back. */
function roundTrip(f: Omit<FullFrame, 'kind'>): FullFrame {
  const bytes = encodeFullFrame(f);
  const d = decodeOk(bytes);
  expect(d.kind).toBe('full');
  const back = d as FullFrame;
  expect(back.sourceCall).toBe(f.sourceCall);
  expect(back.destCall).toBe(f.destCall);
  expect(back.retransmit).toBe(f.retransmit);
  expect(back.timestamp).toBe(f.timestamp);
  expect(back.oseqno).toBe(f.oseqno);
  expect(back.iseqno).toBe(f.iseqno);
  expect(back.frameType).toBe(f.frameType);
  expect(back.subclass).toBe(f.subclass);
  expect(toHex(back.payload)).toBe(toHex(f.payload));
  expect(toHex(encodeFullFrame(back))).toBe(toHex(bytes));
  return back;
}

describe('subclass compression (spec §1.2)', () => {
  it('keeps values below 0x80, maps -1 to 0xFF and powers of two to 0x80|log2', () => {
    for (let v = 0; v < 0x80; v++) {
      expect(compressSubclass(v)).toBe(v);
      expect(uncompressSubclass(v)).toEqual({ value: v });
    }
    expect(compressSubclass(-1)).toBe(0xff);
    expect(compressSubclass(-1n)).toBe(0xff);
    expect(uncompressSubclass(0xff).value).toBe(-1);
    for (let bit = 7; bit < 63; bit++) {
      const byte = compressSubclass(2 ** bit);
      expect(byte).toBe(0x80 | bit);
      expect(compressSubclass(1n << BigInt(bit))).toBe(0x80 | bit);
      const u = uncompressSubclass(byte);
      expect(u.bit).toBe(bit);
      expect(BigInt(u.value)).toBe(1n << BigInt(bit));
    }
  });
  it('decodes compressed bytes for small powers too (0x80 = 1, Asterisk masks with 0x3F)', () => {
    expect(uncompressSubclass(0x80)).toEqual({ value: 1, bit: 0 });
    expect(uncompressSubclass(0xa2)).toEqual({ value: 2 ** 34, bit: 34 });
    expect(uncompressSubclass(0xc2)).toEqual({ value: 4, bit: 2 });
  });
  it('rejects values that are not a single power of two', () => {
    expect(() => compressSubclass(0x81)).toThrow(RangeError);
    expect(() => compressSubclass(3n << 40n)).toThrow(RangeError);
    expect(() => compressSubclass(-2)).toThrow(RangeError);
    expect(() => compressSubclass(1.5)).toThrow(RangeError);
  });
});

describe('full frames', () => {
  it('A.3 ACK of a frame stamped 1234 ms encodes to the spec bytes and back', () => {
    const bytes = encodeFullFrame(full({}));
    expect(toHex(bytes)).toBe('81 23 1f 40 00 00 04 d2 02 03 06 04');
    const d = decodeOk(hex('81 23 1f 40 00 00 04 d2 02 03 06 04')) as FullFrame;
    expect(d).toMatchObject({ kind: 'full', sourceCall: 0x123, destCall: 0x1f40, timestamp: 1234, oseqno: 2, iseqno: 3, frameType: 6, subclass: 4, retransmit: false });
  });

  it('round-trips every frame type 1-12', () => {
    for (const t of Object.values(FrameType).filter((v): v is number => typeof v === 'number')) {
      const subclass = t === FrameType.VOICE || t === FrameType.VIDEO ? 4 : t === FrameType.DTMF ? 0x35 : 0;
      roundTrip(full({ frameType: t, subclass, payload: Uint8Array.of(1, 2, 3) }));
    }
  });

  it('round-trips every IAX subclass 1-40', () => {
    const values = Object.values(IaxSubclass).filter((v): v is number => typeof v === 'number');
    expect(values).toHaveLength(40);
    for (const s of values) {
      const f = roundTrip(full({ subclass: s, payload: hex('0b 02 00 02') }));
      expect(f.subclassBit).toBeUndefined();
    }
  });

  it('round-trips every CONTROL subclass, including 0xFF stop-indications as -1', () => {
    for (const s of Object.values(ControlSubclass).filter((v): v is number => typeof v === 'number')) {
      const bytes = encodeFullFrame(full({ frameType: FrameType.CONTROL, subclass: s }));
      expect(bytes[11]).toBe(s === -1 ? 0xff : s);
      roundTrip(full({ frameType: FrameType.CONTROL, subclass: s }));
    }
  });

  it('encodes VOICE formats by subclassBit, exactly for Opus (bit 34, csub 0xA2)', () => {
    const opus = roundTrip(full({ frameType: FrameType.VOICE, subclass: 2 ** 34, subclassBit: 34, payload: new Uint8Array(60) }));
    expect(opus.subclassBit).toBe(34);
    expect(encodeFullFrame(opus)[11]).toBe(0xa2);
    const g722 = roundTrip(full({ frameType: FrameType.VOICE, subclass: 0x1000, payload: new Uint8Array(160) }));
    expect(g722.subclassBit).toBe(12);
    expect(encodeFullFrame(g722)[11]).toBe(0x8c);
    // Bits 0-6 travel uncompressed (µ-law is 0x04, as Asterisk sends it), yet decode with their format bit.
    const ulaw = roundTrip(full({ frameType: FrameType.VOICE, subclass: 4, subclassBit: 2, payload: new Uint8Array(160) }));
    expect(ulaw.subclassBit).toBe(2);
    expect(encodeFullFrame(ulaw)[11]).toBe(0x04);
    const slin = decodeOk(hex('81 23 1f 40 00 00 04 d2 02 03 02 40')) as FullFrame;
    expect([slin.subclass, slin.subclassBit]).toEqual([0x40, 6]);
    // Non-media frames keep plain subclasses without a bit.
    expect((decodeOk(hex('81 23 1f 40 00 00 04 d2 02 03 06 04')) as FullFrame).subclassBit).toBeUndefined();
  });

  it('carries the VIDEO end-of-frame marker in bit 6 of the subclass byte', () => {
    const bytes = encodeFullFrame(full({ frameType: FrameType.VIDEO, subclass: 2 ** 21, subclassBit: 21, videoMarker: true }));
    expect(bytes[11]).toBe(0x80 | 0x40 | 21);
    const d = decodeOk(bytes) as FullFrame;
    expect(d.videoMarker).toBe(true);
    expect(d.subclassBit).toBe(21);
    const noMark = decodeOk(encodeFullFrame(full({ frameType: FrameType.VIDEO, subclass: 2 ** 21, subclassBit: 21 }))) as FullFrame;
    expect(noMark.videoMarker).toBe(false);
  });

  it('keeps the R bit, 15-bit call numbers and 32-bit timestamps', () => {
    const f = roundTrip(full({ retransmit: true, sourceCall: 0x7fff, destCall: 0x7fff, timestamp: 0xffffffff, oseqno: 255, iseqno: 255 }));
    expect(f.retransmit).toBe(true);
    const bytes = encodeFullFrame(f);
    expect(toHex(bytes.subarray(0, 8))).toBe('ff ff ff ff ff ff ff ff');
  });

  it('keeps unknown frame types (decoded, never fatal)', () => {
    const d = decodeOk(hex('80 01 00 00 00 00 00 00 00 00 63 05 aa')) as FullFrame;
    expect(d.frameType).toBe(0x63);
    expect(d.payload[0]).toBe(0xaa);
  });

  it('refuses to encode out-of-range header fields', () => {
    expect(() => encodeFullFrame(full({ sourceCall: -1 }))).toThrow(RangeError);
    expect(() => encodeMiniFrame(0, 0, new Uint8Array(0))).toThrow(RangeError); // would read as a meta frame
    expect(() => encodeFullFrame(full({ sourceCall: 0x8000 }))).toThrow(RangeError);
    expect(() => encodeFullFrame(full({ oseqno: 256 }))).toThrow(RangeError);
    expect(() => encodeFullFrame(full({ timestamp: -1 }))).toThrow(RangeError);
  });
});

describe('mini, meta video and meta trunk frames', () => {
  it('A.4 mini frame header: callno 0x0123, timestamp low bits 0x04D2', () => {
    const payload = new Uint8Array(160).fill(0xff);
    const bytes = encodeMiniFrame(0x123, 0x104d2, payload);
    expect(toHex(bytes.subarray(0, 4))).toBe('01 23 04 d2');
    expect(bytes.length).toBe(164);
    const d = decodeOk(bytes);
    expect(d).toMatchObject({ kind: 'mini', sourceCall: 0x123, timestamp16: 0x04d2 });
    expect(d.kind === 'mini' && d.payload.length).toBe(160);
    expect(toHex(encodeDatagram(d))).toBe(toHex(bytes));
  });

  it('meta video frames round-trip with marker and 15-bit timestamp', () => {
    const bytes = encodeMetaVideoFrame({ sourceCall: 5, marker: true, timestamp15: 0x1234, payload: Uint8Array.of(9, 8) });
    expect(toHex(bytes)).toBe('00 00 80 05 92 34 09 08');
    const d = decodeOk(bytes);
    expect(d).toMatchObject({ kind: 'video', sourceCall: 5, marker: true, timestamp15: 0x1234 });
    expect(toHex(encodeDatagram(d))).toBe(toHex(bytes));
  });

  it('supermini trunk (cmddata 0): callno, len, data', () => {
    const bytes = hex('00 00 01 00 00 00 03 e8 | 00 07 00 02 aa bb | 80 09 00 01 cc');
    const d = decodeOk(bytes);
    expect(d.kind).toBe('trunk');
    if (d.kind !== 'trunk') return;
    expect(d.timestamp).toBe(1000);
    expect(d.withTimestamps).toBe(false);
    expect(d.entries.map((e) => [e.sourceCall, e.timestamp16, toHex(e.payload)])).toEqual([
      [7, undefined, 'aa bb'],
      [9, undefined, 'cc'], // bit 15 masked off
    ]);
    // Re-encoding writes the masked call number.
    expect(toHex(encodeDatagram(d))).toBe('00 00 01 00 00 00 03 e8 00 07 00 02 aa bb 00 09 00 01 cc');
  });

  it('trunk with timestamps (cmddata 1): len, callno, ts16, data; round trip both ways', () => {
    const bytes = hex('00 00 01 01 00 01 00 00 | 00 02 00 07 12 34 aa bb | 00 00 00 08 00 05');
    const d = decodeOk(bytes);
    if (d.kind !== 'trunk') throw new Error('not trunk');
    expect(d.withTimestamps).toBe(true);
    expect(d.timestamp).toBe(0x10000);
    expect(d.entries.map((e) => [e.sourceCall, e.timestamp16, e.payload.length])).toEqual([[7, 0x1234, 2], [8, 5, 0]]);
    expect(toHex(encodeDatagram(d))).toBe(toHex(bytes));
    const again = encodeTrunkFrame({ timestamp: 77, withTimestamps: true, entries: [{ sourceCall: 3, timestamp16: 9, payload: Uint8Array.of(1) }] });
    expect(decodeOk(again)).toMatchObject({ kind: 'trunk', timestamp: 77, entries: [{ sourceCall: 3, timestamp16: 9 }] });
  });
});

describe('malformed datagrams give errors, never throw', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /shorter than any/],
    ['3 bytes', '81 23 00', /shorter than any/],
    ['short full frame', '81 23 00 00 00 00 00 03 00 00 06', /12-byte header/],
    ['short meta video', '00 00 80 01 00', /6-byte header/],
    ['short trunk', '00 00 01 00 00 00 00', /8-byte header/],
    ['unknown meta command', '00 00 02 00 00 00 00 00', /unknown meta command 0x02/],
    ['trunk entry overrun', '00 00 01 00 00 00 00 00 00 07 00 05 aa', /claims 5 bytes/],
    ['trunk stray bytes', '00 00 01 01 00 00 00 00 00 01 00', /header needs 6/],
  ];
  for (const [name, bytes, err] of cases) {
    it(name, () => {
      const r = decodeDatagram(hex(bytes));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(err);
    });
  }
  it('random garbage never throws', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const buf = Uint8Array.from({ length: rnd() % 40 }, rnd);
      if (i % 3 === 0 && buf.length > 2) { buf[0] = 0; buf[1] = 0; buf[2] = 1; }
      expect(() => decodeDatagram(buf)).not.toThrow();
    }
  });
});
