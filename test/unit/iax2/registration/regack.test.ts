// REGACK decoding (spec §5.4 "Decoding the REGACK", A-4): REFRESH, APPARENT_ADDR (family little-endian), MSGCOUNT
// (old/new bytes), DATETIME (packed server time), caller id; and the cause of a REGREJ.
import { describe, expect, it } from 'vitest';
import { parseCause, parseRegAck } from '../../../../electron/core/iax2/registration/regack.js';
import { encodeApparentAddr, encodeDateTime, IeWriter } from '../../../../electron/core/iax2/wire/ies.js';
import { IeType } from '../../../../electron/core/iax2/wire/types.js';

describe('parseRegAck (A-4)', () => {
  it('decodes every REGACK field Asterisk sends (update_registry() order)', () => {
    const when = { year: 2024, month: 5, day: 17, hours: 13, minutes: 45, seconds: 30 };
    const payload = new IeWriter()
      .string(IeType.USERNAME, '1001')
      .u32(IeType.DATETIME, encodeDateTime(when))
      .u16(IeType.REFRESH, 60)
      .bytes(IeType.APPARENT_ADDR, encodeApparentAddr({ address: '203.0.113.7', port: 40123 }))
      .u16(IeType.MSGCOUNT, 0x0203)
      .string(IeType.CALLING_NUMBER, '1001')
      .string(IeType.CALLING_NAME, 'Alice')
      .finish();
    expect(parseRegAck(payload)).toEqual({
      refreshSeconds: 60,
      apparentAddress: { address: '203.0.113.7', port: 40123 },
      messages: { old: 2, new: 3 },
      callerIdNumber: '1001',
      callerIdName: 'Alice',
      serverTime: when,
    });
  });

  it('the spec fixture A.6: DATETIME 0x30B16DAF is 2024-05-17 13:45:30', () => {
    const info = parseRegAck(new IeWriter().u32(IeType.DATETIME, 0x30b16daf).finish());
    expect(info.serverTime).toEqual({ year: 2024, month: 5, day: 17, hours: 13, minutes: 45, seconds: 30 });
  });

  it('a REGACK for a REGREL (USERNAME and DATETIME only) and undecodable payloads give no invented values', () => {
    const rel = parseRegAck(new IeWriter().string(IeType.USERNAME, '1001').u32(IeType.DATETIME, 0x30b16daf).finish());
    expect(Object.keys(rel)).toEqual(['serverTime']);
    expect(parseRegAck(Uint8Array.of(6, 9, 0x31))).toEqual({}); // IE length runs past the payload
    // A DATETIME of the wrong size is not a DATETIME (spec P22: fixed-size IEs).
    expect(parseRegAck(Uint8Array.of(IeType.DATETIME, 2, 1, 2)).serverTime).toBeUndefined();
  });

  it('REGREJ cause text and code', () => {
    expect(parseCause(new IeWriter().string(IeType.CAUSE, 'Registration Refused').u8(IeType.CAUSECODE, 29).finish()))
      .toEqual({ cause: 'Registration Refused', causeCode: 29 });
  });
});
