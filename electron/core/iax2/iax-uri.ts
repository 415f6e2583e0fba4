// IAX URIs (RFC 5456 §2 / IANA "iax" scheme): iax:[user@]host[:port][/number[?context]].
// Used by `redial call iax:…`, the app's iax: protocol handler and pasted numbers in the dial field.

export interface IaxUri {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  readonly number?: string;
  readonly context?: string;
}

export type IaxUriResult = { readonly ok: true; readonly uri: IaxUri } | { readonly ok: false; readonly error: string };

export function isIaxUri(text: string): boolean {
  return /^iax2?:/i.test(text.trim());
}

export function parseIaxUri(text: string): IaxUriResult {
  const trimmed = text.trim();
  const m = /^iax2?:(?:\/\/)?(.*)$/i.exec(trimmed);
  if (!m) return { ok: false, error: `not an iax: URI: '${text}'` };
  let rest = m[1] ?? '';
  let user: string | undefined;
  const at = rest.lastIndexOf('@', rest.indexOf('/') === -1 ? rest.length : rest.indexOf('/'));
  if (at >= 0) {
    user = decodeURIComponent(rest.slice(0, at));
    rest = rest.slice(at + 1);
    if (user === '') return { ok: false, error: `empty user name in '${text}'` };
  }
  const slash = rest.indexOf('/');
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? undefined : rest.slice(slash + 1);
  const hp = splitHostPort(hostPort);
  if (!hp.ok) return { ok: false, error: `${hp.error} in '${text}'` };
  let number: string | undefined;
  let context: string | undefined;
  if (path !== undefined && path !== '') {
    const q = path.indexOf('?');
    number = decodeURIComponent(q === -1 ? path : path.slice(0, q));
    context = q === -1 ? undefined : decodeURIComponent(path.slice(q + 1)) || undefined;
  }
  return {
    ok: true,
    uri: {
      ...(user !== undefined ? { user } : {}),
      host: hp.host,
      ...(hp.port !== undefined ? { port: hp.port } : {}),
      ...(number !== undefined ? { number } : {}),
      ...(context !== undefined ? { context } : {}),
    },
  };
}

export type HostPortResult =
  | { readonly ok: true; readonly host: string; readonly port?: number }
  | { readonly ok: false; readonly error: string };

/** "host", "host:port", "[v6]", "[v6]:port", "1.2.3.4:4569". Port must be 1-65535. */
export function splitHostPort(text: string): HostPortResult {
  const s = text.trim();
  if (s === '') return { ok: false, error: 'missing host' };
  let host: string;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close === -1) return { ok: false, error: `unterminated IPv6 address '${s}'` };
    host = s.slice(1, close);
    const after = s.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return { ok: false, error: `unexpected '${after}' after the address` };
      portText = after.slice(1);
    }
  } else {
    const colons = s.split(':').length - 1;
    if (colons > 1) return { ok: true, host: s }; // bare IPv6 without a port
    const i = s.indexOf(':');
    host = i === -1 ? s : s.slice(0, i);
    portText = i === -1 ? undefined : s.slice(i + 1);
  }
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) return { ok: false, error: `invalid host name '${host}'` };
  if (portText === undefined) return { ok: true, host };
  if (!/^\d{1,5}$/.test(portText)) return { ok: false, error: `invalid port '${portText}'` };
  const port = Number(portText);
  if (port < 1 || port > 65535) return { ok: false, error: `port ${port} is out of range 1-65535` };
  return { ok: true, host, port };
}
