// What a user types or pastes into the number field: a plain number (visual separators stripped), or an
// IAX link `iax:[user@]host[:port][/number]` (RFC 5456 §5.1, parsed by the shared strict parser).

import { parseIaxUri, uriServer, type IaxUri } from '../../electron/shared/iax-uri.js';
import { normaliseNumber } from '../../electron/shared/dial-text.js';

export { asciiDigits, normaliseNumber } from '../../electron/shared/dial-text.js';

export type DialInput =
  | { readonly kind: 'number'; readonly number: string }
  | { readonly kind: 'uri'; readonly uri: IaxUri; readonly server: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The engine's dial-string rule (api-guards `dialString`). */
const NUMBER_RE = /^[A-Za-z0-9*#+_.@\-]{1,80}$/;
/** The longest number the engine dials (api-guards `dialString`), and the longest link it parses (iax-uri.ts). */
export const MAX_NUMBER_LENGTH = 80;
export const MAX_LINK_LENGTH = 512;

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
