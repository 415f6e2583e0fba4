// What a user types or pastes into the number field: a plain number (visual separators stripped), or an
// IAX link `iax:[user@]host[:port][/number]` (RFC 5456 §5.1, parsed by the shared strict parser).

import { parseIaxUri, uriServer, type IaxUri } from '../../electron/shared/iax-uri.js';

export type DialInput =
  | { readonly kind: 'number'; readonly number: string }
  | { readonly kind: 'uri'; readonly uri: IaxUri; readonly server: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The engine's dial-string rule (api-guards `dialString`). */
const NUMBER_RE = /^[A-Za-z0-9*#+_.@\-]{1,80}$/;
/** The longest number the engine dials (api-guards `dialString`), and the longest link it parses (iax-uri.ts). */
export const MAX_NUMBER_LENGTH = 80;
export const MAX_LINK_LENGTH = 512;

/**
 * Digits of any script as ASCII: Arabic-Indic "٢٠١" and fullwidth "２０１" are the number 201. Unicode encodes every
 * decimal digit (category Nd) in runs of ten from 0 to 9, some runs back to back (the mathematical digits), so a
 * digit's value is its distance from the start of its stretch of Nd characters, modulo ten.
 */
export function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => {
    let cp = d.codePointAt(0) ?? 0;
    let distance = 0;
    while (distance < 100 && /\p{Nd}/u.test(String.fromCodePoint(cp - 1))) { cp--; distance++; }
    return String(distance % 10);
  });
}

/** "+1 (212) 555-0100" → "+12125550100"; extension names ("voicemail") are left alone. */
export function normaliseNumber(text: string): string {
  const trimmed = asciiDigits(text.trim());
  if (/^[+0-9()\s.\-]+$/.test(trimmed) && /[0-9]/.test(trimmed)) return trimmed.replace(/[()\s.\-]/g, '');
  return trimmed;
}

export function parseDialInput(input: string): DialInput {
  const text = input.trim();
  if (text === '') return { kind: 'invalid', reason: 'Enter a number or an iax: link' };
  if (/^iax2?:/i.test(text)) {
    const r = parseIaxUri(text);
    if (!r.ok) return { kind: 'invalid', reason: `This iax: link cannot be used: ${r.error}` };
    return { kind: 'uri', uri: r.uri, server: uriServer(r.uri) };
  }
  const number = normaliseNumber(text);
  if (number.length > MAX_NUMBER_LENGTH) {
    return { kind: 'invalid', reason: `A number has at most ${MAX_NUMBER_LENGTH} characters (this one has ${number.length})` };
  }
  return NUMBER_RE.test(number)
    ? { kind: 'number', number }
    : { kind: 'invalid', reason: 'A number may hold digits, letters and * # + _ . - only' };
}

/** Server strings compared the way a user means them: case-insensitive, default port 4569 implied. */
export function sameServer(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/:4569$/, '');
  return norm(a) === norm(b);
}
