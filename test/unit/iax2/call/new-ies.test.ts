import { describe, expect, it } from 'vitest';
import { buildOffer } from '../../../../electron/core/iax2/codec-negotiation.js';
import { buildOutgoingNewIes, parseIncomingNew } from '../../../../electron/core/iax2/call/new-ies.js';
import { IeType, type RawIe } from '../../../../electron/core/iax2/wire/types.js';

const hex = (ies: RawIe[]) => ies.map((ie) => [ie.type, ie.data.length, ...ie.data].map((b) => b.toString(16).padStart(2, '0')).join(' ')).join('\n');

describe('outgoing NEW IEs (spec §3.3, Appendix A.2)', () => {
  it('matches the worked example byte for byte, in order', () => {
    const ies = buildOutgoingNewIes({
      calledNumber: '600', offer: { ...buildOffer(['ulaw', 'alaw', 'gsm', 'g722']), prefs: 'DEO' },
      callingNumber: '1001', callingName: 'Alice', username: '1001',
    }, true);
    expect(ies.map((i) => i.type)).toEqual([
      IeType.VERSION, IeType.CALLED_NUMBER, IeType.CODEC_PREFS, IeType.CALLING_NUMBER, IeType.CALLINGPRES,
      IeType.CALLING_NAME, IeType.USERNAME, IeType.FORMAT, IeType.FORMAT2, IeType.CAPABILITY, IeType.CAPABILITY2,
      IeType.CALLTOKEN,
    ]);
    expect(hex(ies)).toBe([
      '0b 02 00 02', '01 03 36 30 30', '2d 03 44 45 4f', '02 04 31 30 30 31', '26 01 00',
      '04 05 41 6c 69 63 65', '06 04 31 30 30 31', '09 04 00 00 00 04', '38 09 00 00 00 00 00 00 00 00 04',
      '08 04 00 00 10 0e', '37 09 00 00 00 00 00 00 00 10 0e', '36 00',
    ].join('\n'));
  });
  it('Opus: FORMAT 32-bit is 0, FORMAT2 carries bit 34; optional caller id omitted', () => {
    const ies = buildOutgoingNewIes({ calledNumber: '7', offer: buildOffer(['opus']) }, true);
    const types = ies.map((i) => i.type);
    expect(types).not.toContain(IeType.CALLING_NUMBER);
    expect(types).not.toContain(IeType.CALLED_CONTEXT);
    expect(types.at(-1)).toBe(IeType.CALLTOKEN);
    const f = ies.find((i) => i.type === IeType.FORMAT)!;
    expect([...f.data]).toEqual([0, 0, 0, 0]);
    const f2 = ies.find((i) => i.type === IeType.FORMAT2)!;
    expect([...f2.data]).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
  });
});

describe('incoming NEW parsing', () => {
  it('prefers FORMAT2/CAPABILITY2, reads AUTOANSWER and caller id', () => {
    const out = buildOutgoingNewIes({ calledNumber: '100', offer: buildOffer(['alaw', 'ulaw']), callingNumber: '555', callingName: 'Bob' });
    expect(out.map((i) => i.type)).not.toContain(IeType.CALLTOKEN); // Dialog.sendOpening appends it
    const ies: RawIe[] = [...out.filter((i) => i.type !== IeType.FORMAT), { type: IeType.FORMAT, data: Uint8Array.of(0, 0, 0, 2) }, { type: IeType.AUTOANSWER, data: new Uint8Array(0) }];
    const info = parseIncomingNew(ies);
    expect(info.calledNumber).toBe('100');
    expect(info.callingNumber).toBe('555');
    expect(info.callingName).toBe('Bob');
    expect(info.autoAnswer).toBe(true);
    expect(info.codecs.format).toBe(0x8n);
    expect(info.codecs.capability).toBe(0xcn);
    expect(info.codecs.prefs).toBe('ED');
    expect(info.version).toBe(2);
  });
  it('user strings lose NULs and are cut to 255 bytes', () => {
    const ies = buildOutgoingNewIes({ calledNumber: '6\u000000', offer: buildOffer(['ulaw']), callingName: 'é'.repeat(200) });
    expect(parseIncomingNew(ies).calledNumber).toBe('600');
    const name = ies.find((i) => i.type === IeType.CALLING_NAME)!;
    expect(name.data.length).toBe(254);
  });
  it('falls back to 32-bit values and extension s', () => {
    const info = parseIncomingNew([{ type: IeType.FORMAT, data: Uint8Array.of(0, 0, 0, 4) }]);
    expect(info.calledNumber).toBe('s');
    expect(info.codecs.format).toBe(4n);
    expect(info.codecs.capability).toBeUndefined();
    expect(info.autoAnswer).toBe(false);
  });
});
