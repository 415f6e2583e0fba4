// Address-book files (electron/core/phone/contact-formats.ts): vCard 2.1/3.0/4.0 as phones and mail programs write
// them, CSV as spreadsheets and Google/Outlook export it, our own output read back unchanged, and files that are
// damaged or hostile reported card by card without stopping the rest.
import { describe, expect, it } from 'vitest';
import {
  formatContactsCsv, formatVCards, parseContactsCsv, parseCsvRows, parseVCards, type ContactRecord,
} from '../../../electron/core/phone/contact-formats.js';

describe('vCard', () => {
  it('reads 4.0, 3.0 and 2.1 cards: names, numbers with their kind, folded lines and escapes', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Carol Smith', 'N:Smith;Carol;;;', 'TEL;VALUE=uri;TYPE="voice,cell":tel:+1-212-555-0100',
      'TEL;TYPE=work:+1 212 555 0199', 'EMAIL:carol@example.org', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'N:Jones;Bob;;Dr.;', 'item1.TEL;TYPE=HOME:6001', 'NOTE:a long', '  note folded', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:2.1', 'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 =C3=81lvarez', 'TEL;CELL:0612345678', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:Front desk\\, main office', 'TEL:600', 'X-REDIAL-SPEED-DIAL:3', 'END:VCARD',
    ].join('\r\n');
    const r = parseVCards(text);
    expect(r.problems).toEqual([]);
    expect(r.records).toEqual([
      { name: 'Carol Smith', numbers: [{ number: '+1-212-555-0100', label: 'mobile' }, { number: '+1 212 555 0199', label: 'work' }] },
      { name: 'Dr. Bob Jones', numbers: [{ number: '6001', label: 'home' }] },
      { name: 'José Álvarez', numbers: [{ number: '0612345678', label: 'mobile' }] },
      { name: 'Front desk, main office', numbers: [{ number: '600', label: '' }], speedDial: 3 },
    ]);
  });

  it('reports cards it cannot use, and files that hold no card, and goes on', () => {
    const r = parseVCards('BEGIN:VCARD\nFN:Nobody\nEMAIL:x@y\nEND:VCARD\nBEGIN:VCARD\nFN:Ann\nTEL:601\nEND:VCARD\n');
    expect(r.records.map((x) => x.name)).toEqual(['Ann']);
    expect(r.problems).toEqual(['card 1: Nobody has no telephone number']);
    expect(parseVCards('Name,Phone\nAnn,601').problems).toEqual(['no vCard in the file (BEGIN:VCARD … END:VCARD)']);
  });

  it('writes 3.0 cards that read back as they were, with long lines folded at 75 octets', () => {
    const records: ContactRecord[] = [
      { name: 'Ann; the "desk", \\ and more', numbers: [{ number: '601', label: 'work' }, { number: '+12125550100', label: 'mobile' }], speedDial: 1 },
      { name: 'Ünïcödé '.repeat(12).trim(), numbers: [{ number: '602', label: '' }] },
    ];
    const text = formatVCards(records);
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
    expect(text).toContain('TEL;TYPE=cell,voice:+12125550100');
    for (const line of text.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(parseVCards(text)).toEqual({ records, problems: [] });
  });
});

describe('CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks (RFC 4180), and a byte-order mark', () => {
    expect(parseCsvRows('\uFEFFa,"b,c","say ""hi""","two\nlines"\r\n\r\nx,y\n')).toEqual([['a', 'b,c', 'say "hi"', 'two\nlines'], ['x', 'y']]);
  });

  it('reads Google and Outlook exports: first/last names, several phones with their kinds, ":::"-joined numbers', () => {
    const google = 'Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value\n'
      + 'Carol,Smith,Mobile,+1 212 555 0100 ::: +1 212 555 0101,Work,6001\n';
    expect(parseContactsCsv(google).records).toEqual([{ name: 'Carol Smith', numbers: [
      { number: '+1 212 555 0100', label: 'mobile' }, { number: '+1 212 555 0101', label: 'mobile' }, { number: '6001', label: 'work' }] }]);
    const outlook = 'First Name,Last Name,Business Phone,Mobile Phone,E-mail Address\nBob,,600,,bob@example.org\n';
    expect(parseContactsCsv(outlook).records).toEqual([{ name: 'Bob', numbers: [{ number: '600', label: 'work' }] }]);
  });

  it('says which rows it skipped and why, and what the header lacks', () => {
    const r = parseContactsCsv('Name,Phone\nAnn,601\nNo phone,\n');
    expect(r.records).toHaveLength(1);
    expect(r.problems).toEqual(['row 3: No phone has no phone number']);
    expect(parseContactsCsv('Who,Where\nAnn,Paris\n').problems[0]).toMatch(/must name the columns/);
  });

  it('writes a file that reads back as it was, and never a cell a spreadsheet would run as a formula', () => {
    const records: ContactRecord[] = [
      { name: '=HYPERLINK("http://evil","click")', numbers: [{ number: '+12125550100', label: 'mobile' }, { number: '601', label: 'work' }], speedDial: 2 },
      { name: 'Ann, "the desk"', numbers: [{ number: '602', label: '' }] },
    ];
    const text = formatContactsCsv(records);
    expect(text.split('\r\n')[0]).toBe('Name,Phone,Phone type,Phone 2,Phone 2 type,Speed dial');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(text).toContain(',+12125550100,'); // a number stays a number
    expect(parseContactsCsv(text)).toEqual({ records, problems: [] });
  });
});
