// The IAX URI, RFC 5456 §5.1: iax:[username@]host[:port][/number[?context]]. The older ENUM drafts
// (RFC 6315's predecessors) spelled the scheme `iax2:`; both are accepted.
// A URI may come from any web page (click-to-call), so it is parsed strictly: no password part, no
// spaces or control characters, a dialable number only. Callers must still ask the user before dialling.

export interface IaxUri {
  readonly scheme: 'iax' | 'iax2';
  readonly user?: string;
  readonly host: string;
  /** Undefined when the URI names none (4569 applies). */
  readonly port?: number;
  readonly number?: string;
  readonly context?: string;
}

export type IaxUriResult = { readonly ok: true; readonly uri: IaxUri } | { readonly ok: false; readonly error: string };

const USER = /^[A-Za-z0-9._~+-]{1,64}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
const NUMBER = /^[A-Za-z0-9*#+_.-]{1,80}$/;
const CONTEXT = /^[A-Za-z0-9_-]{1,80}$/;

function safeDecode(s: string): string | undefined {
  try { return decodeURIComponent(s); } catch { return undefined; }
}

export function parseIaxUri(input: string): IaxUriResult {
  const bad = (error: string): IaxUriResult => ({ ok: false, error });
  if (typeof input !== 'string' || input.length > 512) return bad('not an IAX link');
  const m = /^(iax2?):(?:\/\/)?(.*)$/i.exec(input.trim());
  if (!m) return bad('not an IAX link (expected iax:[user@]host[:port][/number])');
  const scheme = m[1].toLowerCase() as 'iax' | 'iax2';
  let rest = m[2];
  if (/[\s\x00-\x1f\x7f]/.test(rest)) return bad('the link contains spaces or control characters');

  let context: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    context = safeDecode(rest.slice(q + 1));
    if (context === undefined) return bad('the context in the link is badly encoded');
    rest = rest.slice(0, q);
  }
  let number: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    number = safeDecode(rest.slice(slash + 1));
    if (number === undefined) return bad('the number in the link is badly encoded');
    rest = rest.slice(0, slash);
  }

  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = safeDecode(rest.slice(0, at));
    rest = rest.slice(at + 1);
    if (user === undefined || user.includes(':')) return bad('passwords in links are not accepted');
    if (!USER.test(user)) return bad('the user name in the link is not valid');
  }

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return bad('unterminated IPv6 address');
    host = rest.slice(1, close);
    if (!IPV6.test(host) || !host.includes(':')) return bad('the IPv6 address in the link is not valid');
    const after = rest.slice(close + 1);
    if (after) { if (!after.startsWith(':')) return bad('unexpected text after the address'); portText = after.slice(1); }
  } else {
    const colon = rest.indexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    if (colon >= 0) portText = rest.slice(colon + 1);
    if (!HOSTNAME.test(host)) return bad('the server name in the link is not valid');
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return bad('the port in the link is not valid');
    port = Number(portText);
    if (port < 1 || port > 65535) return bad('the port in the link is out of range');
  }
  if (number !== undefined && number !== '' && !NUMBER.test(number)) return bad('the number in the link is not dialable');
  if (context !== undefined && context !== '' && !CONTEXT.test(context)) return bad('the context in the link is not valid');

  return {
    ok: true,
    uri: {
      scheme, host,
      ...(user !== undefined ? { user } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(number ? { number } : {}),
      ...(context ? { context } : {}),
    },
  };
}

/** "host" or "host:port" / "[v6]:port", as AccountConfig.server expects. */
export function uriServer(uri: IaxUri): string {
  const h = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  return uri.port !== undefined ? `${h}:${uri.port}` : h;
}

/** Finds an `iax:`/`iax2:` URI among command-line arguments (second-instance, Linux/Windows launch). */
export function findIaxUriArg(argv: readonly string[]): string | undefined {
  return argv.find((a) => /^iax2?:/i.test(a));
}
