// Server name → UDP endpoints (AccountConfig.server: "host", "host:port", "[v6]:port"; port 4569 by default).
// Numeric addresses skip DNS; names go through the Resolver port, all addresses kept (spec P16: replies may come
// from any address of the server's set). IPv4 first: the socket the adapters bind by default is udp4.
import type { Resolver, UdpEndpoint } from '../../ports.js';
import { splitHostPort } from '../server-address.js';
import { userErrors } from '../errors.js';
import type { ResolvedServer } from '../transport/call-host.js';
import { parseIpv4, parseIpv6 } from '../wire/ip-address.js';

export const IAX2_DEFAULT_PORT = 4569;

export async function resolveServer(resolver: Resolver, server: string): Promise<ResolvedServer> {
  const hp = splitHostPort(server);
  if (!hp.ok) return { ok: false, error: userErrors.dns(server, hp.error) };
  const port = hp.port ?? IAX2_DEFAULT_PORT;
  if (parseIpv4(hp.host) || parseIpv6(hp.host)) return { ok: true, endpoints: [{ address: hp.host, port }] };
  let addresses: string[];
  try {
    addresses = await resolver.resolve(hp.host);
  } catch (err) {
    return { ok: false, error: userErrors.dns(hp.host, err instanceof Error ? err.message : String(err)) };
  }
  const usable = addresses.filter((a) => parseIpv4(a) || parseIpv6(a));
  if (usable.length === 0) return { ok: false, error: userErrors.dns(hp.host, 'no addresses') };
  usable.sort((a, b) => Number(parseIpv4(b) !== undefined) - Number(parseIpv4(a) !== undefined));
  const endpoints: UdpEndpoint[] = usable.map((address) => ({ address, port }));
  return { ok: true, endpoints };
}
