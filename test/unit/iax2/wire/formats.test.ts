import { describe, expect, it } from 'vitest';
import {
  AUDIO_FORMATS,
  IAX2_FORMATS,
  bitsOfMask,
  codecNameOfBit,
  formatBitOf,
  formatInfoOf,
  formatLabelOfMask,
  low32,
  maskOf,
  parsePrefs,
  prefsString,
} from '../../../../electron/core/iax2/wire/formats.js';
import { compressSubclass } from '../../../../electron/core/iax2/wire/frame-codec.js';
import type { CodecName } from '../../../../electron/core/media/codec.js';

describe('format table (spec §6.1)', () => {
  // [name, bit, csub, pref char, rate] transcribed from the spec's table.
  const SPEC: Array<[string, number, number, string, number]> = [
    ['g723', 0, 0x01, 'B', 8000], ['gsm', 1, 0x02, 'C', 8000], ['ulaw', 2, 0x04, 'D', 8000], ['alaw', 3, 0x08, 'E', 8000],
    ['g726aal2', 4, 0x10, 'N', 8000], ['adpcm', 5, 0x20, 'G', 8000], ['slin', 6, 0x40, 'H', 8000], ['lpc10', 7, 0x87, 'I', 8000],
    ['g729', 8, 0x88, 'J', 8000], ['speex', 9, 0x89, 'K', 8000], ['ilbc', 10, 0x8a, 'M', 8000], ['g726', 11, 0x8b, 'F', 8000],
    ['g722', 12, 0x8c, 'O', 16000], ['siren7', 13, 0x8d, 'Z', 16000], ['siren14', 14, 0x8e, '[', 32000],
    ['slin16', 15, 0x8f, 'P', 16000], ['g719', 32, 0xa0, ']', 48000], ['speex16', 33, 0xa1, 'L', 16000], ['opus', 34, 0xa2, 'f', 48000],
  ];
  it('has every audio codec with its bit, mask, voice csub, pref letter and rate', () => {
    expect(AUDIO_FORMATS.map((f) => f.name).sort()).toEqual(SPEC.map((s) => s[0]).sort());
    for (const [name, bit, csub, pref, rate] of SPEC) {
      const f = formatInfoOf(name);
      expect(f, name).toBeDefined();
      expect(f?.bit).toBe(bit);
      expect(f?.mask).toBe(1n << BigInt(bit));
      expect(f?.voiceCsub).toBe(csub);
      expect(compressSubclass(f?.mask ?? 0n)).toBe(csub);
      expect(f?.prefChar).toBe(pref);
      expect(f?.sampleRate).toBe(rate);
    }
  });
  it('pref letters are unique across the whole table', () => {
    const chars = IAX2_FORMATS.map((f) => f.prefChar).filter(Boolean);
    expect(new Set(chars).size).toBe(chars.length);
  });
  it('maps our codec names to bits and back', () => {
    const ours: CodecName[] = ['ulaw', 'alaw', 'gsm', 'g722', 'slin', 'slin16', 'opus'];
    for (const n of ours) expect(codecNameOfBit(formatBitOf(n))).toBe(n);
    expect(codecNameOfBit(0)).toBeUndefined(); // g723: not one of ours
    expect(codecNameOfBit(40)).toBeUndefined();
  });
});

describe('masks', () => {
  it('A.2 capability ulaw|alaw|gsm|g722 = 0x100E, with Opus beyond 32 bits', () => {
    expect(maskOf(['ulaw', 'alaw', 'gsm', 'g722'])).toBe(0x100en);
    const withOpus = maskOf(['ulaw', 'opus']);
    expect(withOpus).toBe(0x4_0000_0004n);
    expect(low32(withOpus)).toBe(4);
    expect(bitsOfMask(withOpus)).toEqual([2, 34]);
    expect(bitsOfMask(0n)).toEqual([]);
    expect(bitsOfMask(1n << 63n)).toEqual([63]);
  });
  it('labels masks with Asterisk names', () => {
    expect(formatLabelOfMask(0x100en)).toBe('gsm|ulaw|alaw|g722');
    expect(formatLabelOfMask(1n << 34n | 1n << 40n)).toBe('opus|bit40');
    expect(formatLabelOfMask(0n)).toBe('(none)');
  });
});

describe('CODEC_PREFS (spec §6.3)', () => {
  it('"DEO" is µ-law, A-law, G.722', () => {
    expect(prefsString(['ulaw', 'alaw', 'g722'])).toBe('DEO');
    expect(parsePrefs('DEO')).toEqual([2, 3, 12]);
    expect(prefsString(['opus', 'gsm', 'slin16', 'slin'])).toBe('fCPH');
    expect(parsePrefs('fCPH')).toEqual([34, 1, 15, 6]);
  });
  it('skips letters of unused slots and reads only 32 characters', () => {
    expect(parsePrefs('D^_`aE!A')).toEqual([2, 3]);
    expect(parsePrefs('C'.repeat(32) + 'D')).toHaveLength(32);
    expect(parsePrefs('C'.repeat(32) + 'D')).not.toContain(2);
  });
});
