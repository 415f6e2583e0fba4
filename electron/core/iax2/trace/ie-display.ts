// How each information element is shown in the debug trace: a name in the style of Asterisk's
// `iax2 set debug on` and a decoded value. Secrets never appear (architecture rules): PASSWORD, MD5_RESULT,
// RSA_RESULT and ENCKEY render as a placeholder, and a call token only as a short prefix.
import { formatLabelOfMask, parsePrefs, formatInfoOfBit } from '../wire/formats.js';
import { decodeApparentAddr, decodeDateTime, decodeMsgCount, decodeRrLoss, ieName } from '../wire/ies.js';
import { IaxSubclass, IeType } from '../wire/types.js';
import { displayText } from '../../../shared/display-text.js';

export const HIDDEN = '<hidden>';

/** How many characters of a call token the trace shows before cutting it. */
export const CALLTOKEN_SHOWN_CHARS = 12;

type Decoder = (data: Uint8Array) => string;

const utf8 = new TextDecoder('utf-8');

/** Text with control characters escaped, so a hostile peer cannot forge trace lines (shared/display-text.ts). */
export const printable = displayText;

function hex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

const text: Decoder = (d) => printable(utf8.decode(d));
const hidden: Decoder = () => HIDDEN;
const size: Decoder = (d) => (d.length === 0 ? 'Present' : `${d.length} bytes`);

function fixed(len: number, what: string, show: (v: number) => string): Decoder {
  return (d) => {
    if (d.length !== len) return `Invalid ${what} (${d.length} bytes)`;
    let v = 0;
    for (const b of d) v = v * 256 + b;
    return show(v);
  };
}
const u8 = fixed(1, 'BYTE', String);
const u16 = fixed(2, 'SHORT', String);
const u32 = fixed(4, 'INT', String);

function flags(v: number, names: ReadonlyArray<readonly [number, string]>): string {
  const set = names.filter(([bit]) => v & bit).map(([, n]) => n);
  return set.length ? `${v} (${set.join('|')})` : String(v);
}

function mask32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')} (${formatLabelOfMask(BigInt(v))})`;
}

const versionedMask: Decoder = (d) => {
  if (d.length === 0) return 'Invalid length (0 bytes)';
  if (d[0] !== 0) return `Unknown version ${d[0]}`;
  if (d.length !== 9) return `Invalid length (${d.length} bytes)`;
  let v = 0n;
  for (const b of d.subarray(1)) v = (v << 8n) | BigInt(b);
  return `0x${v.toString(16).padStart(16, '0')} (${formatLabelOfMask(v)})`;
};

const challenge: Decoder = (d) => {
  // A decimal-digit string in AUTHREQ/REGAUTH; 16 raw bytes inside RTKEY (spec §3.2). Not a secret.
  const s = utf8.decode(d);
  return /^[\x20-\x7e]*$/.test(s) ? s : hex(d);
};

const callToken: Decoder = (d) => {
  if (d.length === 0) return '(empty: call tokens supported)';
  const s = printable(utf8.decode(d));
  return s.length > CALLTOKEN_SHOWN_CHARS ? `${s.slice(0, CALLTOKEN_SHOWN_CHARS)}… (${d.length} bytes)` : `${s} (${d.length} bytes)`;
};

const CALLING_PRES: Record<number, string> = { 0x00: 'allowed', 0x20: 'restricted', 0x40: 'unavailable' };

/** Q.850 causes Asterisk sends in CAUSECODE (spec §5.5), for readable traces. */
export const Q850_CAUSES: Readonly<Record<number, string>> = {
  1: 'Unallocated number', 3: 'No route to destination', 16: 'Normal clearing', 17: 'User busy',
  18: 'No user responding', 19: 'No answer', 21: 'Call rejected', 22: 'Number changed',
  27: 'Destination out of order', 28: 'Invalid number format', 29: 'Facility rejected', 31: 'Normal, unspecified',
  34: 'No circuit available', 38: 'Network out of order', 41: 'Temporary failure', 42: 'Switching equipment congestion',
  44: 'Requested channel not available', 50: 'Facility not subscribed', 58: 'Bearer capability not available',
  65: 'Bearer capability not implemented', 66: 'Channel type not implemented', 69: 'Facility not implemented',
  88: 'Incompatible destination', 95: 'Invalid message', 96: 'Mandatory IE missing', 97: 'Message type nonexistent',
  100: 'Invalid IE contents', 102: 'Recovery on timer expiry', 111: 'Protocol error', 127: 'Interworking, unspecified',
};

interface Display {
  /** Label in the style of Asterisk's IE dump (at most 15 characters). */
  readonly label: string;
  readonly show: Decoder;
}

const DISPLAY: Partial<Record<IeType, Display>> = {
  [IeType.CALLED_NUMBER]: { label: 'CALLED NUMBER', show: text },
  [IeType.CALLING_NUMBER]: { label: 'CALLING NUMBER', show: text },
  [IeType.CALLING_ANI]: { label: 'ANI', show: text },
  [IeType.CALLING_NAME]: { label: 'CALLING NAME', show: text },
  [IeType.CALLED_CONTEXT]: { label: 'CALLED CONTEXT', show: text },
  [IeType.USERNAME]: { label: 'USERNAME', show: text },
  [IeType.PASSWORD]: { label: 'PASSWORD', show: hidden },
  [IeType.CAPABILITY]: { label: 'CAPABILITY', show: fixed(4, 'INT', mask32) },
  [IeType.FORMAT]: { label: 'FORMAT', show: fixed(4, 'INT', mask32) },
  [IeType.LANGUAGE]: { label: 'LANGUAGE', show: text },
  [IeType.VERSION]: { label: 'VERSION', show: u16 },
  [IeType.ADSICPE]: { label: 'ADSICPE', show: u16 },
  [IeType.DNID]: { label: 'DNID', show: text },
  [IeType.AUTHMETHODS]: {
    label: 'AUTHMETHODS',
    show: fixed(2, 'SHORT', (v) => flags(v, [[1, 'plaintext'], [2, 'md5'], [4, 'rsa']])),
  },
  [IeType.CHALLENGE]: { label: 'CHALLENGE', show: challenge },
  [IeType.MD5_RESULT]: { label: 'MD5 RESULT', show: hidden },
  [IeType.RSA_RESULT]: { label: 'RSA RESULT', show: hidden },
  [IeType.APPARENT_ADDR]: {
    label: 'APPARENT ADDRESS',
    show: (d) => {
      const a = decodeApparentAddr(d);
      if (!a.ok) return `Invalid address (${d.length} bytes)`;
      return a.value.family === 'ipv4' ? `IPV4 ${a.value.address}:${a.value.port}` : `IPV6 [${a.value.address}]:${a.value.port}`;
    },
  },
  [IeType.REFRESH]: { label: 'REFRESH', show: u16 },
  [IeType.DPSTATUS]: {
    label: 'DIALPLAN STATUS',
    show: fixed(2, 'SHORT', (v) =>
      flags(v, [[0x1, 'exists'], [0x2, 'canexist'], [0x4, 'nonexistent'], [0x4000, 'ignorepat'], [0x8000, 'matchmore']]),
    ),
  },
  [IeType.CALLNO]: { label: 'CALL NUMBER', show: u16 },
  [IeType.CAUSE]: { label: 'CAUSE', show: text },
  [IeType.IAX_UNKNOWN]: {
    label: 'UNKNOWN IAX CMD',
    show: fixed(1, 'BYTE', (v) => {
      const n = (IaxSubclass as unknown as Record<number, string | undefined>)[v];
      return n ? `${v} (${n})` : String(v);
    }),
  },
  [IeType.MSGCOUNT]: {
    label: 'MESSAGE COUNT',
    show: fixed(2, 'SHORT', (v) => {
      const m = decodeMsgCount(v);
      return `${v} (${m.oldMessages} old, ${m.newMessages} new)`;
    }),
  },
  [IeType.AUTOANSWER]: { label: 'AUTO ANSWER REQ', show: size },
  [IeType.MUSICONHOLD]: { label: 'MUSIC ON HOLD', show: (d) => (d.length ? text(d) : 'Present') },
  [IeType.TRANSFERID]: { label: 'TRANSFER ID', show: u32 },
  [IeType.RDNIS]: { label: 'REFERRING DNIS', show: text },
  [IeType.PROVISIONING]: { label: 'PROVISIONING', show: size },
  [IeType.AESPROVISIONING]: { label: 'AES PROVISIONING', show: size },
  [IeType.DATETIME]: {
    label: 'DATE TIME',
    show: fixed(4, 'DATETIME', (v) => {
      const t = decodeDateTime(v);
      const two = (n: number): string => String(n).padStart(2, '0');
      return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hours)}:${two(t.minutes)}:${two(t.seconds)}`;
    }),
  },
  [IeType.DEVICETYPE]: { label: 'DEVICE TYPE', show: text },
  [IeType.SERVICEIDENT]: { label: 'SERVICE IDENT', show: text },
  [IeType.FIRMWAREVER]: { label: 'FIRMWARE VER', show: u16 },
  [IeType.FWBLOCKDESC]: { label: 'FW BLOCK DESC', show: u32 },
  [IeType.FWBLOCKDATA]: { label: 'FW BLOCK DATA', show: size },
  [IeType.PROVVER]: { label: 'PROVISIONING VER', show: u32 },
  [IeType.CALLINGPRES]: {
    label: 'CALLING PRESNTN',
    show: fixed(1, 'BYTE', (v) => {
      const p = CALLING_PRES[v & 0x60];
      return p ? `${v} (${p})` : String(v);
    }),
  },
  [IeType.CALLINGTON]: { label: 'CALLING TYPEOFNUM', show: u8 },
  [IeType.CALLINGTNS]: { label: 'CALLING TRANSITNET', show: u16 },
  [IeType.SAMPLINGRATE]: {
    label: 'SAMPLINGRATE',
    show: fixed(2, 'SHORT', (v) =>
      flags(v, [[0x1, '8khz'], [0x2, '11.025khz'], [0x4, '16khz'], [0x8, '22.05khz'], [0x10, '44.1khz'], [0x20, '48khz']]),
    ),
  },
  [IeType.CAUSECODE]: {
    label: 'CAUSE CODE',
    show: fixed(1, 'BYTE', (v) => (Q850_CAUSES[v] ? `${v} (${Q850_CAUSES[v]})` : String(v))),
  },
  [IeType.ENCRYPTION]: {
    label: 'ENCRYPTION',
    show: fixed(2, 'SHORT', (v) => flags(v, [[0x1, 'aes128'], [0x8000, 'keyrotate']])),
  },
  [IeType.ENCKEY]: { label: 'ENCRYPTION KEY', show: hidden },
  [IeType.CODEC_PREFS]: {
    label: 'CODEC_PREFS',
    show: (d) => {
      const s = utf8.decode(d);
      const names = parsePrefs(s).map((b) => formatInfoOfBit(b)?.name ?? `bit${b}`);
      return `${printable(s)} (${names.join('|')})`;
    },
  },
  [IeType.RR_JITTER]: { label: 'RR_JITTER', show: u32 },
  [IeType.RR_LOSS]: {
    label: 'RR_LOSS',
    show: fixed(4, 'INT', (v) => {
      const l = decodeRrLoss(v);
      return `${v} (${l.percent}%, ${l.lost} lost)`;
    }),
  },
  [IeType.RR_PKTS]: { label: 'RR_PKTS', show: u32 },
  [IeType.RR_DELAY]: { label: 'RR_DELAY', show: u16 },
  [IeType.RR_DROPPED]: { label: 'RR_DROPPED', show: u32 },
  [IeType.RR_OOO]: { label: 'RR_OUTOFORDER', show: u32 },
  [IeType.VARIABLE]: { label: 'VARIABLE', show: text },
  [IeType.OSPTOKEN]: { label: 'OSPTOKEN', show: size },
  [IeType.CALLTOKEN]: { label: 'CALLTOKEN', show: callToken },
  [IeType.CAPABILITY2]: { label: 'CAPABILITY2', show: versionedMask },
  [IeType.FORMAT2]: { label: 'FORMAT2', show: versionedMask },
  [IeType.CALLINGANI2]: { label: 'CALLING ANI2', show: u32 },
};

/** The trace label of an IE type (Asterisk-style, e.g. "MD5 RESULT"), or "Unknown IE 123". */
export function ieLabel(type: number): string {
  return DISPLAY[type as IeType]?.label ?? `Unknown IE ${String(type).padStart(3, '0')}`;
}

/** The decoded, secret-free display value of one IE. */
export function ieDisplayValue(type: number, data: Uint8Array): string {
  const d = DISPLAY[type as IeType];
  if (d) return d.show(data);
  return data.length === 0 ? 'Present' : `${data.length} bytes: ${hex(data.subarray(0, 32))}${data.length > 32 ? ' …' : ''}`;
}

/** True for IEs whose value the trace never shows. */
export function isSecretIe(type: number): boolean {
  return DISPLAY[type as IeType]?.show === hidden;
}

export { ieName };
