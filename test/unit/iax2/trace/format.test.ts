import { describe, expect, it } from 'vitest';
import { formatTraceText, traceEntryFrom } from '../../../../electron/core/iax2/trace/format.js';
import { encodeFullFrame, encodeMetaVideoFrame, encodeMiniFrame, encodeTrunkFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { IeWriter, encodeApparentAddr, encodeDateTime, encodeMsgCount } from '../../../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import { hex } from '../wire/hex.js';

const SERVER = { address: '127.0.0.1', port: 4569 };
const A2 = hex(`81 23 00 00 00 00 00 03 00 00 06 01
  0b 02 00 02  01 03 36 30 30  2d 03 44 45 4f  02 04 31 30 30 31  26 01 00  04 05 41 6c 69 63 65
  06 04 31 30 30 31  09 04 00 00 00 04  38 09 00 00 00 00 00 00 00 00 04  08 04 00 00 10 0e
  37 09 00 00 00 00 00 00 00 10 0e  36 00`);

function iax(sub: IaxSubclass, payload: Uint8Array, over: { retransmit?: boolean; oseqno?: number; iseqno?: number; ts?: number } = {}): Uint8Array {
  return encodeFullFrame({
    sourceCall: 291, destCall: 8000, retransmit: over.retransmit ?? false, timestamp: over.ts ?? 1234,
    oseqno: over.oseqno ?? 1, iseqno: over.iseqno ?? 2, frameType: FrameType.IAX, subclass: sub, payload,
  });
}

describe('trace entries', () => {
  it('A.2 NEW: structured entry with decoded IEs', () => {
    const e = traceEntryFrom('tx', A2, SERVER, 42.5);
    expect(e).toMatchObject({
      direction: 'tx', at: 42.5, retry: false, kind: 'full', oseqno: 0, iseqno: 0, frameType: 'IAX', subclass: 'NEW',
      timestamp: 3, sourceCall: 291, destCall: 0, payloadBytes: 72, peer: SERVER,
    });
    expect(e.raw).toBe(A2);
    expect(e.ies.map((i) => i.name)).toEqual([
      'VERSION', 'CALLED_NUMBER', 'CODEC_PREFS', 'CALLING_NUMBER', 'CALLINGPRES', 'CALLING_NAME', 'USERNAME',
      'FORMAT', 'FORMAT2', 'CAPABILITY', 'CAPABILITY2', 'CALLTOKEN',
    ]);
    const v = Object.fromEntries(e.ies.map((i) => [i.name, i.value]));
    expect(v.CODEC_PREFS).toBe('DEO (ulaw|alaw|g722)');
    expect(v.CAPABILITY).toBe('0x0000100e (gsm|ulaw|alaw|g722)');
    expect(v.FORMAT2).toBe('0x0000000000000004 (ulaw)');
    expect(v.CALLINGPRES).toBe('0 (allowed)');
    expect(v.CALLTOKEN).toBe('(empty: call tokens supported)');
  });

  it('A.2 NEW: text in the layout of `iax2 set debug on`', () => {
    const text = formatTraceText(traceEntryFrom('tx', A2, SERVER, 0));
    expect(text.split('\n')).toEqual([
      'Tx-Frame Retry[ No] -- OSeqno: 000 ISeqno: 000 Type: IAX     Subclass: NEW    ',
      '   Timestamp: 00003ms  SCall: 00291  DCall: 00000 127.0.0.1:4569',
      '   VERSION         : 2',
      '   CALLED NUMBER   : 600',
      '   CODEC_PREFS     : DEO (ulaw|alaw|g722)',
      '   CALLING NUMBER  : 1001',
      '   CALLING PRESNTN : 0 (allowed)',
      '   CALLING NAME    : Alice',
      '   USERNAME        : 1001',
      '   FORMAT          : 0x00000004 (ulaw)',
      '   FORMAT2         : 0x0000000000000004 (ulaw)',
      '   CAPABILITY      : 0x0000100e (gsm|ulaw|alaw|g722)',
      '   CAPABILITY2     : 0x000000000000100e (gsm|ulaw|alaw|g722)',
      '   CALLTOKEN       : (empty: call tokens supported)',
    ]);
  });

  it('never shows secrets: PASSWORD, MD5_RESULT, RSA_RESULT, ENCKEY; CALLTOKEN truncated', () => {
    const md5 = '5f4dcc3b5aa765d61d8327deb882cf99';
    const password = 'hunter2-secret';
    const rsa = 'U0VDUkVUUlNB'.repeat(14);
    const token = '1732610000?abcdef0123456789abcdef0123456789abcdef';
    const frames = [
      iax(IaxSubclass.AUTHREP, new IeWriter().string(IeType.MD5_RESULT, md5).finish()),
      iax(IaxSubclass.AUTHREP, new IeWriter().string(IeType.PASSWORD, password).finish()),
      iax(IaxSubclass.AUTHREP, new IeWriter().string(IeType.RSA_RESULT, rsa).finish()),
      iax(IaxSubclass.NEW, new IeWriter().bytes(IeType.ENCKEY, new TextEncoder().encode('aeskeyaeskey1234')).finish()),
      iax(IaxSubclass.REGREQ, new IeWriter().string(IeType.USERNAME, '1001').string(IeType.MD5_RESULT, md5).string(IeType.CALLTOKEN, token).finish()),
    ];
    for (const f of frames) {
      const e = traceEntryFrom('tx', f, SERVER, 0);
      const { raw: _raw, ...visible } = e;
      const all = JSON.stringify(visible) + formatTraceText(e);
      for (const secret of [md5, password, rsa, 'aeskeyaeskey1234', token, token.slice(11)]) expect(all).not.toContain(secret);
      expect(all.includes('<hidden>') || all.includes(`1732610000?a… (${token.length} bytes)`)).toBe(true);
    }
    const regreq = formatTraceText(traceEntryFrom('tx', frames[4], SERVER, 0));
    expect(regreq).toContain('   MD5 RESULT      : <hidden>');
    expect(regreq).toContain(`   CALLTOKEN       : 1732610000?a… (${token.length} bytes)`);
  });

  it('decodes the REGACK values a user cares about', () => {
    const payload = new IeWriter()
      .string(IeType.USERNAME, '1001')
      .u32(IeType.DATETIME, encodeDateTime({ year: 2024, month: 5, day: 17, hours: 13, minutes: 45, seconds: 30 }))
      .bytes(IeType.APPARENT_ADDR, encodeApparentAddr({ address: '203.0.113.7', port: 40123 }))
      .u16(IeType.REFRESH, 60)
      .u16(IeType.MSGCOUNT, encodeMsgCount(2, 3))
      .finish();
    const lines = formatTraceText(traceEntryFrom('rx', iax(IaxSubclass.REGACK, payload), SERVER, 0)).split('\n');
    expect(lines[0]).toBe('Rx-Frame Retry[ No] -- OSeqno: 001 ISeqno: 002 Type: IAX     Subclass: REGACK ');
    expect(lines.slice(2)).toEqual([
      '   USERNAME        : 1001',
      '   DATE TIME       : 2024-05-17 13:45:30',
      '   APPARENT ADDRES : IPV4 203.0.113.7:40123',
      '   REFRESH         : 60',
      '   MESSAGE COUNT   : 515 (2 old, 3 new)',
    ]);
  });

  it('shows REJECT causes with their Q.850 meaning and escapes control characters', () => {
    const payload = new IeWriter().string(IeType.CAUSE, 'No authority\nTx-Frame fake').u8(IeType.CAUSECODE, 29).finish();
    const text = formatTraceText(traceEntryFrom('rx', iax(IaxSubclass.REJECT, payload), SERVER, 0));
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('   CAUSE           : No authority\\x0aTx-Frame fake');
    expect(text).toContain('   CAUSE CODE      : 29 (Facility rejected)');
  });

  it('Retry comes from the argument on tx and from the R bit on rx', () => {
    const f = iax(IaxSubclass.PING, new Uint8Array(0), { retransmit: true });
    expect(traceEntryFrom('rx', f, SERVER, 0).retry).toBe(true);
    expect(traceEntryFrom('tx', f, SERVER, 0, false).retry).toBe(false);
    expect(formatTraceText(traceEntryFrom('rx', f, SERVER, 0))).toMatch(/^Rx-Frame Retry\[Yes\]/);
  });

  it('names control, DTMF, voice and stop-indications subclasses', () => {
    const mk = (frameType: number, subclass: number, subclassBit?: number): string => {
      const e = traceEntryFrom('rx', encodeFullFrame({ sourceCall: 1, destCall: 2, retransmit: false, timestamp: 5, oseqno: 0, iseqno: 0, frameType, subclass, subclassBit, payload: new Uint8Array(0) }), SERVER, 0);
      return `${e.frameType}/${e.subclass} | ${formatTraceText(e).split('\n')[0].split('Type: ')[1]}`;
    };
    expect(mk(FrameType.CONTROL, ControlSubclass.RINGING)).toBe('CONTROL/RINGING | CONTROL Subclass: RINGING');
    expect(mk(FrameType.CONTROL, ControlSubclass.CONGESTION)).toBe('CONTROL/CONGESTION | CONTROL Subclass: CONGSTN');
    expect(mk(FrameType.CONTROL, -1)).toBe('CONTROL/STOP_INDICATIONS | CONTROL Subclass: STOPIND');
    expect(mk(FrameType.DTMF_BEGIN, 0x23)).toBe('DTMF_BEGIN/# | DTMF_B  Subclass: #      ');
    expect(mk(FrameType.DTMF, 0x35)).toBe('DTMF/5 | DTMF_E  Subclass: 5      ');
    expect(mk(FrameType.VOICE, 2 ** 34, 34)).toBe('VOICE/opus | VOICE   Subclass: opus   ');
    expect(mk(FrameType.VOICE, 4)).toBe('VOICE/ulaw | VOICE   Subclass: ulaw   ');
    expect(mk(FrameType.IAX, IaxSubclass.CALLTOKEN)).toBe('IAX/CALLTOKEN | IAX     Subclass: CTOKEN ');
    expect(mk(99, 7)).toBe('99/7 | 99      Subclass: 7      ');
  });

  it('mini, video and trunk frames get short lines', () => {
    const mini = traceEntryFrom('rx', encodeMiniFrame(291, 0x04d2, new Uint8Array(160)), SERVER, 0);
    expect(mini).toMatchObject({ kind: 'mini', sourceCall: 291, timestamp: 1234, payloadBytes: 160, ies: [] });
    expect(formatTraceText(mini)).toBe('Rx-Mini  -- SCall: 00291  Timestamp: 01234ms  Bytes: 160 127.0.0.1:4569');
    const video = traceEntryFrom('rx', encodeMetaVideoFrame({ sourceCall: 7, marker: false, timestamp15: 99, payload: new Uint8Array(10) }), SERVER, 0);
    expect(formatTraceText(video)).toBe('Rx-Video -- SCall: 00007  Timestamp: 00099ms  Bytes: 10 127.0.0.1:4569');
    const trunk = traceEntryFrom('rx', encodeTrunkFrame({ timestamp: 500, withTimestamps: true, entries: [{ sourceCall: 3, timestamp16: 480, payload: new Uint8Array(160) }] }), { address: '::1', port: 4569 }, 0);
    expect(formatTraceText(trunk).split('\n')).toEqual([
      'Rx-Trunk -- Timestamp: 00500ms  Entries: 1  Bytes: 160 [::1]:4569',
      '   ENTRY_1         : call 3 ts 480, 160 bytes',
    ]);
  });

  it('malformed datagrams and undecodable IEs still make entries, never throw', () => {
    const short = traceEntryFrom('rx', hex('81 23 00'), SERVER, 7);
    expect(short).toMatchObject({ kind: 'malformed', payloadBytes: 3 });
    expect(formatTraceText(short)).toBe('Rx-Malformed -- 3 bytes 127.0.0.1:4569: datagram of 3 bytes is shorter than any IAX2 header (4 bytes)');
    const badIes = traceEntryFrom('rx', iax(IaxSubclass.NEW, hex('06 09 31')), SERVER, 0);
    expect(badIes.kind).toBe('full');
    expect(badIes.error).toMatch(/claims 9 bytes/);
    expect(formatTraceText(badIes)).toContain('   ! information element USERNAME (6) at offset 0 claims 9 bytes but only 1 remain');
    let s = 7;
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from({ length: (i % 60) + 1 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
      if (i % 2) { b[0] |= 0x80; if (b.length > 10) b[10] = 6; }
      expect(() => formatTraceText(traceEntryFrom('rx', b, SERVER, 0))).not.toThrow();
    }
  });

  it('wrong-size fixed IEs and unknown IEs are shown, not fatal', () => {
    const payload = new IeWriter().bytes(IeType.VERSION, Uint8Array.of(0, 0, 2)).bytes(200, Uint8Array.of(1, 2)).empty(IeType.AUTOANSWER).finish();
    const lines = formatTraceText(traceEntryFrom('rx', iax(IaxSubclass.NEW, payload), SERVER, 0)).split('\n').slice(2);
    expect(lines).toEqual([
      '   VERSION         : Invalid SHORT (3 bytes)',
      '   Unknown IE 200  : 2 bytes: 01 02',
      '   AUTO ANSWER REQ : Present',
    ]);
  });
});

describe('payloads of non-IAX frames', () => {
  const frame = (frameType: number, subclass: number, payload: Uint8Array): string[] =>
    formatTraceText(traceEntryFrom('rx', encodeFullFrame({ sourceCall: 1, destCall: 2, retransmit: false, timestamp: 5, oseqno: 0, iseqno: 0, frameType, subclass, payload }), SERVER, 0)).split('\n').slice(2);

  it('shows TEXT (NUL-terminated, escaped, cut when long), HOLD class, CNG level', () => {
    expect(frame(FrameType.TEXT, 0, new TextEncoder().encode('héllo\r\n\0'))).toEqual(['   TEXT            : héllo\\x0d\\x0a']);
    const long = frame(FrameType.TEXT, 0, new TextEncoder().encode('x'.repeat(300)))[0];
    expect(long).toBe(`   TEXT            : ${'x'.repeat(120)}… (300 bytes)`);
    expect(frame(FrameType.CONTROL, ControlSubclass.HOLD, new TextEncoder().encode('jazz'))).toEqual(['   MOH CLASS       : jazz']);
    expect(frame(FrameType.CONTROL, ControlSubclass.HOLD, new Uint8Array(0))).toEqual([]);
    expect(frame(FrameType.CNG, 60, Uint8Array.of(60))).toEqual(['   LEVEL           : -60 dBov']);
    expect(frame(FrameType.VOICE, 4, new Uint8Array(160))).toEqual([]);
  });

  it('decodes CONNECTED_LINE TLVs (spec §2.5) and survives broken ones', () => {
    const tlv = Uint8Array.of(10, 1, 2, 0, 3, 0x36, 0x30, 0x30, 1, 5, 0x41, 0x6c, 0x69, 0x63, 0x65, 3, 1, 0);
    expect(frame(FrameType.CONTROL, ControlSubclass.CONNECTED_LINE, tlv)).toEqual(['   CONNECTED LINE  : number 600, name Alice, presentation 0, 1 more element']);
    expect(frame(FrameType.CONTROL, ControlSubclass.REDIRECTING, Uint8Array.of(0, 9, 1))).toEqual(['   REDIRECTING     : 3 bytes (undecodable)']);
  });
});
