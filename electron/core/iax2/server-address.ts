// "host", "host:port", "[v6]", "[v6]:port": the server field of an account (AccountConfig.server).
// Links (iax:user@host/number, RFC 5456 §5.1) are parsed by electron/shared/iax-uri.ts.

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
