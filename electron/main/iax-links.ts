// iax: links (RFC 5456 §5.1) opened from a web page, a mail or the command line. Untrusted input: parsed
// strictly, never dialled directly. The UI receives a 'dial-request' event and asks the user first
// (stack-notes §3.1 item 6).
import type { AccountView, DialRequest } from '../shared/api.js';
import { parseIaxUri } from '../shared/iax-uri.js';

/** The host part of an account's server ("pbx:4569" → "pbx", "[::1]:4569" → "::1"). */
function serverHost(server: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(server);
  if (v6) return v6[1].toLowerCase();
  return server.split(':')[0].toLowerCase();
}

export function dialRequestFromLink(link: string, accounts: readonly AccountView[]): { ok: true; request: DialRequest } | { ok: false; error: string } {
  const parsed = parseIaxUri(link);
  if (!parsed.ok) return parsed;
  const { uri } = parsed;
  if (!uri.number) return { ok: false, error: 'the link names no number to call' };
  const host = uri.host.toLowerCase();
  const candidates = accounts.filter((a) => a.enabled && serverHost(a.server) === host);
  const account = candidates.find((a) => uri.user !== undefined && a.username === uri.user) ?? candidates[0];
  return {
    ok: true,
    request: {
      uri: link.slice(0, 512), number: uri.number, host: uri.host,
      ...(uri.user !== undefined ? { user: uri.user } : {}),
      ...(account ? { accountId: account.id } : {}),
    },
  };
}
