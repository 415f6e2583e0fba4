// The Resolver port over dns.lookup (the OS resolver: /etc/hosts, nsswitch), every address returned (spec P16:
// a server's replies may come from any address of its set). Errors name the host.
import { lookup } from 'node:dns/promises';
import type { Resolver } from '../core/ports.js';

export class DnsResolver implements Resolver {
  async resolve(host: string): Promise<string[]> {
    try {
      const results = await lookup(host, { all: true, verbatim: true });
      const addresses = [...new Set(results.map((r) => r.address))];
      if (addresses.length === 0) throw new Error('no addresses');
      return addresses;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`cannot resolve "${host}"${code ? ` (${code})` : ''}`);
    }
  }
}
