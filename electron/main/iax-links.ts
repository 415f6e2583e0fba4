// iax: links (RFC 5456 §5.1) opened from a web page, a mail or the command line. Untrusted input: parsed
// strictly, never dialled directly. The UI receives a 'dial-request' event and asks the user first
// (stack-notes §3.1 item 6); which account the link goes through (if any) is the UI's to work out, as for a link
// pasted into the number field, so one rule decides both.
import type { DialRequest } from '../shared/api.js';
import { parseIaxUri } from '../shared/iax-uri.js';

export function dialRequestFromLink(link: string): { ok: true; request: DialRequest } | { ok: false; error: string } {
  const parsed = parseIaxUri(link);
  if (!parsed.ok) return parsed;
  const { uri } = parsed;
  if (!uri.number) return { ok: false, error: 'the link names no number to call' };
  return {
    ok: true,
    request: { uri: link.slice(0, 512), number: uri.number, host: uri.host, ...(uri.user !== undefined ? { user: uri.user } : {}) },
  };
}
