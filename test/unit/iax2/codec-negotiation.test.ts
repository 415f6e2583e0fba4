import { describe, expect, it } from 'vitest';
import {
  acceptFormats, buildOffer, chooseIncomingCodec, codecFromAccept, parsePrefs,
} from '../../../electron/core/iax2/codec-negotiation.js';

const ULAW = 0x4n, ALAW = 0x8n, GSM = 0x2n, G722 = 0x1000n, OPUS = 1n << 34n, G729 = 0x100n;

describe('buildOffer (spec §6.4, §6.3)', () => {
  it('FORMAT is the first codec, CAPABILITY all of them, prefs are Asterisk letters', () => {
    const o = buildOffer(['ulaw', 'alaw', 'gsm', 'g722']);
    expect(o.format).toBe(ULAW);
    expect(o.capability).toBe(ULAW | ALAW | GSM | G722);
    expect(o.capability).toBe(0x100en); // spec Appendix A.2
    expect(o.prefs).toBe('DECO');
  });
  it('Opus lives above bit 31 (64-bit mask) with pref letter f', () => {
    const o = buildOffer(['opus', 'ulaw']);
    expect(o.format).toBe(OPUS);
    expect(o.capability).toBe(OPUS | ULAW);
    expect(o.prefs).toBe('fD');
  });
  it('drops duplicates and refuses an empty list', () => {
    expect(buildOffer(['alaw', 'alaw', 'ulaw']).prefs).toBe('ED');
    expect(() => buildOffer([])).toThrow(/no codecs/);
  });
});

describe('chooseIncomingCodec (spec §6.5)', () => {
  const table: Array<{ name: string; format?: bigint; capability?: bigint; prefs?: string; ours: Parameters<typeof chooseIncomingCodec>[1]; expect: string; rule?: string }> = [
    { name: 'single FORMAT bit we support', format: ALAW, capability: ULAW | ALAW, prefs: 'ED', ours: ['ulaw', 'alaw'], expect: 'alaw', rule: 'prefs-in-format' },
    { name: 'several FORMAT bits: caller prefs order decides', format: ULAW | ALAW, capability: ULAW | ALAW | GSM, prefs: 'EDC', ours: ['ulaw', 'alaw'], expect: 'alaw', rule: 'prefs-in-format' },
    { name: 'several FORMAT bits, prefs list ulaw first', format: ULAW | ALAW, capability: ULAW | ALAW, prefs: 'DE', ours: ['alaw', 'ulaw'], expect: 'ulaw', rule: 'prefs-in-format' },
    { name: 'FORMAT not ours: first pref in CAPABILITY ∩ ours', format: G729, capability: G729 | GSM | ALAW, prefs: 'JCE', ours: ['ulaw', 'alaw', 'gsm'], expect: 'gsm', rule: 'prefs-in-capability' },
    { name: 'no prefs: our order within CAPABILITY', format: G729, capability: G729 | ALAW | GSM, ours: ['gsm', 'alaw'], expect: 'gsm', rule: 'ours-in-capability' },
    { name: 'prefs letters we do not know are skipped', format: G729, capability: G729 | ULAW, prefs: 'J[]D', ours: ['ulaw'], expect: 'ulaw', rule: 'prefs-in-capability' },
    { name: 'prefs naming only codecs outside capability: our order', format: G729, capability: G729 | ALAW, prefs: 'DJ', ours: ['ulaw', 'alaw'], expect: 'alaw', rule: 'ours-in-capability' },
    { name: 'absent CAPABILITY means CAPABILITY = FORMAT', format: ULAW | ALAW, ours: ['alaw', 'ulaw'], expect: 'alaw', rule: 'ours-in-capability' },
    { name: 'Opus via 64-bit FORMAT', format: OPUS | ULAW, capability: OPUS | ULAW, prefs: 'fD', ours: ['opus', 'ulaw'], expect: 'opus', rule: 'prefs-in-format' },
  ];
  for (const row of table) {
    it(row.name, () => {
      const r = chooseIncomingCodec({
        ...(row.format !== undefined ? { format: row.format } : {}),
        ...(row.capability !== undefined ? { capability: row.capability } : {}),
        ...(row.prefs !== undefined ? { prefs: row.prefs } : {}),
      }, row.ours);
      expect(r.ok).toBe(true);
      if (r.ok) { expect(r.codec).toBe(row.expect); expect(r.rule).toBe(row.rule); }
    });
  }
  it('no overlap → REJECT cause 58', () => {
    const r = chooseIncomingCodec({ format: G729, capability: G729 | GSM, prefs: 'JC' }, ['ulaw', 'alaw']);
    expect(r).toEqual({ ok: false, causeCode: 58, cause: 'Unable to negotiate codec' });
  });
  it('nothing offered at all → 58', () => {
    expect(chooseIncomingCodec({}, ['ulaw']).ok).toBe(false);
  });
});

describe('ACCEPT formats', () => {
  it('FORMAT2 wins over FORMAT (spec §6.2)', () => {
    expect(codecFromAccept({ format: 0x4, format2: ALAW }, ['ulaw', 'alaw'])).toEqual({ ok: true, codec: 'alaw' });
    expect(codecFromAccept({ format: 0x8 }, ['ulaw', 'alaw'])).toEqual({ ok: true, codec: 'alaw' });
    expect(codecFromAccept({ format: 0, format2: OPUS }, ['opus'])).toEqual({ ok: true, codec: 'opus' });
  });
  it('a codec we did not offer, or none, is refused', () => {
    expect(codecFromAccept({ format2: GSM }, ['ulaw']).ok).toBe(false);
    expect(codecFromAccept({}, ['ulaw']).ok).toBe(false);
  });
  it('our ACCEPT: FORMAT is the truncated 32-bit value, FORMAT2 the full bit', () => {
    expect(acceptFormats('alaw')).toEqual({ format32: 8, format64: ALAW });
    expect(acceptFormats('opus')).toEqual({ format32: 0, format64: OPUS });
  });
  it('parsePrefs keeps order, skips unknown letters and duplicates', () => {
    expect(parsePrefs('EDBZD')).toEqual(['alaw', 'ulaw']);
  });
});
