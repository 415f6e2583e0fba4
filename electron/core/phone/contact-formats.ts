// Address-book files in and out: vCard (RFC 6350 4.0 and 2426 3.0, plus the 2.1 files old phones still export) and
// CSV (RFC 4180; headers as spreadsheets and Google/Outlook exports name them). Pure text in, plain records out:
// the contact book (contact-book.ts) decides what to keep. Anything a file holds that is not a name, a telephone
// number and our speed-dial key is left alone; what cannot be read is reported per card or row, never fatal.

/** One contact as a file holds it, before the book checks and stores it. */
export interface ContactRecord {
  readonly name: string;
  readonly numbers: readonly { readonly number: string; readonly label: string }[];
  readonly speedDial?: number;
}

export interface ParsedContacts {
  readonly records: readonly ContactRecord[];
  /** What could not be read, in words ("card 3: no telephone number"). */
  readonly problems: readonly string[];
}

/** Our own vCard extension for the speed-dial key (extensions start with X-, RFC 6350 §6.10). */
const SPEED_DIAL_PROPERTY = 'X-REDIAL-SPEED-DIAL';

// ----------------------------------------------------------------------------------------------- vCard

/** RFC 6350 §3.2: a line that starts with a space or a tab continues the one before. */
function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r\n|\n|\r/)) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && lines.length > 0) lines[lines.length - 1] += raw.slice(1);
    else lines.push(raw);
  }
  return lines;
}

/** RFC 6350 §3.4 value escapes: \\n, \\, \\; \\\\. */
function unescapeValue(v: string): string {
  return v.replace(/\\([nN,;\\])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** vCard 2.1's QUOTED-PRINTABLE (soft line breaks are already unfolded as "=" at the end). */
function decodeQuotedPrintable(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(v.slice(i + 1, i + 3))) { bytes.push(parseInt(v.slice(i + 1, i + 3), 16)); i += 2; }
    else if (v[i] !== '=') bytes.push(...new TextEncoder().encode(v[i]));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

interface Property { readonly name: string; readonly params: readonly string[]; readonly value: string }

function parseProperty(line: string): Property | undefined {
  // name;param;param:value — the first ':' outside a quoted parameter value ends the name part.
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) { colon = i; break; }
  }
  if (colon <= 0) return undefined;
  const [nameWithGroup, ...params] = line.slice(0, colon).split(';');
  const name = nameWithGroup.replace(/^[^.]*\./, '').toUpperCase(); // "item1.TEL" → "TEL"
  let value = line.slice(colon + 1);
  const upperParams = params.map((p) => p.toUpperCase());
  if (upperParams.some((p) => p === 'QUOTED-PRINTABLE' || p === 'ENCODING=QUOTED-PRINTABLE')) value = decodeQuotedPrintable(value);
  return { name, params: upperParams, value };
}

/** The telephone's label from its TYPE parameters (3.0/4.0 "TYPE=cell,voice", 2.1 bare "CELL"). */
function telLabel(params: readonly string[]): string {
  const types = params.flatMap((p) => (p.startsWith('TYPE=') ? p.slice(5).replace(/"/g, '').split(',') : p.includes('=') ? [] : [p]));
  if (types.includes('CELL')) return 'mobile';
  if (types.includes('WORK')) return 'work';
  if (types.includes('HOME')) return 'home';
  if (types.includes('FAX')) return 'fax';
  return '';
}

export function parseVCards(text: string): ParsedContacts {
  const records: ContactRecord[] = [];
  const problems: string[] = [];
  let card: Property[] | undefined;
  let index = 0;
  for (const line of unfold(text)) {
    const trimmed = line.trim();
    if (/^BEGIN:VCARD$/i.test(trimmed)) { card = []; index++; continue; }
    if (/^END:VCARD$/i.test(trimmed)) {
      if (card) {
        const r = recordFromCard(card);
        if (typeof r === 'string') problems.push(`card ${index}: ${r}`); else records.push(r);
      }
      card = undefined;
      continue;
    }
    if (!card || trimmed === '') continue;
    const p = parseProperty(line);
    if (p) card.push(p);
  }
  if (index === 0) problems.push('no vCard in the file (BEGIN:VCARD … END:VCARD)');
  return { records, problems };
}

function recordFromCard(props: readonly Property[]): ContactRecord | string {
  const fn = props.find((p) => p.name === 'FN');
  const n = props.find((p) => p.name === 'N');
  let name = fn ? unescapeValue(fn.value).trim() : '';
  if (!name && n) {
    // N: family;given;additional;prefix;suffix (RFC 6350 §6.2.2)
    const parts = n.value.split(/(?<!\\);/).map((x) => unescapeValue(x).trim());
    name = [parts[3], parts[1], parts[2], parts[0], parts[4]].filter(Boolean).join(' ');
  }
  const numbers = props.filter((p) => p.name === 'TEL')
    .map((p) => ({ number: unescapeValue(p.value.replace(/^tel:/i, '')).trim(), label: telLabel(p.params) }))
    .filter((t) => t.number !== '');
  if (numbers.length === 0) return `${name || 'a card without a name'} has no telephone number`;
  const speed = props.find((p) => p.name === SPEED_DIAL_PROPERTY);
  const key = speed ? Number(speed.value.trim()) : NaN;
  return { name: name || numbers[0].number, numbers, ...(Number.isInteger(key) ? { speedDial: key } : {}) };
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

/** RFC 6350 §3.2: lines of at most 75 octets, continued with CRLF and a space (never inside a UTF-8 sequence). */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = new TextEncoder().encode(ch).length;
    if (octets + size > (out.length === 0 ? 75 : 74)) { out.push(current); current = ''; octets = 0; }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const TYPE_OF_LABEL: Readonly<Record<string, string>> = { mobile: 'cell', work: 'work', home: 'home', fax: 'fax' };

export function formatVCards(records: readonly ContactRecord[]): string {
  const lines: string[] = [];
  for (const r of records) {
    lines.push('BEGIN:VCARD', 'VERSION:3.0', fold(`FN:${escapeValue(r.name)}`), fold(`N:${escapeValue(r.name)};;;;`));
    for (const t of r.numbers) {
      const type = TYPE_OF_LABEL[t.label];
      lines.push(fold(`TEL;TYPE=${type ? `${type},` : ''}voice:${escapeValue(t.number)}`));
    }
    if (r.speedDial !== undefined) lines.push(`${SPEED_DIAL_PROPERTY}:${r.speedDial}`);
    lines.push('END:VCARD');
  }
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

// ------------------------------------------------------------------------------------------------- CSV

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, ''); // the byte-order mark spreadsheets put first
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** A spreadsheet runs a cell that starts like a formula: we write such text with a leading apostrophe, and drop it back. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PHONE_LIKE = /^\+?[0-9*#]+$/;

function csvCell(v: string): string {
  const safe = FORMULA_START.test(v) && !PHONE_LIKE.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function unguard(v: string): string {
  return v.startsWith("'") && FORMULA_START.test(v.slice(1)) ? v.slice(1) : v;
}

export function parseContactsCsv(text: string): ParsedContacts {
  const rows = parseCsvRows(text);
  if (rows.length === 0) return { records: [], problems: ['the file is empty'] };
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (...names: string[]): number => header.findIndex((h) => names.includes(h));
  const nameCol = col('name', 'full name', 'display name');
  const firstCol = col('first name', 'given name');
  const lastCol = col('last name', 'family name', 'surname');
  const speedCol = col('speed dial');
  // Every column about telephones: "Phone", "Mobile Phone", "Phone 1 - Value", "Business Phone", "Number"…
  const phoneCols = header.map((h, i) => ({ h, i }))
    .filter(({ h }) => /(phone|mobile|tel\b|telephone|number)/.test(h) && !/type|label/.test(h));
  if (phoneCols.length === 0 || (nameCol < 0 && firstCol < 0 && lastCol < 0)) {
    return { records: [], problems: ['the first row must name the columns: a name ("Name", or "First Name" and "Last Name") and at least one phone ("Phone", "Mobile", …)'] };
  }
  // "Phone 1 - Value" takes its label from "Phone 1 - Type"; in our own export "Phone type" follows "Phone".
  const typeColumnOf = (h: string, i: number): number => {
    const named = h.endsWith('value') ? header.indexOf(h.replace(/value$/, 'type')) : -1;
    return named >= 0 ? named : header[i + 1]?.endsWith('type') ? i + 1 : -1;
  };
  const labelOf = (h: string, row: string[], i: number): string => {
    const typeCol = typeColumnOf(h, i);
    const given = typeCol >= 0 ? (row[typeCol] ?? '').trim().toLowerCase() : '';
    const text = given || h;
    if (/mobile|cell/.test(text)) return 'mobile';
    if (/work|business|office/.test(text)) return 'work';
    if (/home/.test(text)) return 'home';
    if (/fax/.test(text)) return 'fax';
    return '';
  };
  const records: ContactRecord[] = [];
  const problems: string[] = [];
  rows.slice(1).forEach((row, k) => {
    const cell = (i: number): string => (i >= 0 ? unguard((row[i] ?? '').trim()) : '');
    const name = cell(nameCol) || [cell(firstCol), cell(lastCol)].filter(Boolean).join(' ');
    // Google's export joins several numbers of one kind with " ::: ".
    const numbers = phoneCols.flatMap(({ h, i }) => cell(i).split(/\s*:::\s*/).filter(Boolean).map((number) => ({ number, label: labelOf(h, row, i) })));
    if (numbers.length === 0) { problems.push(`row ${k + 2}: ${name || 'a row without a name'} has no phone number`); return; }
    const speed = Number(cell(speedCol));
    records.push({ name: name || numbers[0].number, numbers, ...(cell(speedCol) !== '' && Number.isInteger(speed) ? { speedDial: speed } : {}) });
  });
  return { records, problems };
}

export function formatContactsCsv(records: readonly ContactRecord[]): string {
  const most = Math.max(1, ...records.map((r) => r.numbers.length));
  const header = ['Name'];
  for (let i = 1; i <= most; i++) header.push(i === 1 ? 'Phone' : `Phone ${i}`, i === 1 ? 'Phone type' : `Phone ${i} type`);
  header.push('Speed dial');
  const lines = [header.join(',')];
  for (const r of records) {
    const cells = [csvCell(r.name)];
    for (let i = 0; i < most; i++) cells.push(csvCell(r.numbers[i]?.number ?? ''), csvCell(r.numbers[i]?.label ?? ''));
    cells.push(r.speedDial !== undefined ? String(r.speedDial) : '');
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
