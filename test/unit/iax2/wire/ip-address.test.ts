import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../../../electron/core/iax2/wire/ip-address.js';

describe('numeric addresses', () => {
  it('IPv4 both ways and rejects junk', () => {
    expect(Array.from(parseIpv4('203.0.113.7') ?? [])).toEqual([203, 0, 113, 7]);
    expect(formatIpv4(Uint8Array.of(127, 0, 0, 1))).toBe('127.0.0.1');
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '', '1..2.3']) expect(parseIpv4(bad)).toBeUndefined();
  });
  it('IPv6 canonical text round trips (RFC 5952)', () => {
    for (const s of ['::1', '::', '2001:db8::1', 'fe80::1:2:3:4', '2001:db8:0:1:1:1:1:1', '1::', '::ffff:192.0.2.1', '1:0:0:2::3']) {
      const b = parseIpv6(s);
      expect(b, s).toBeDefined();
      expect(formatIpv6(b as Uint8Array)).toBe(s);
    }
    expect(formatIpv6(parseIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001') as Uint8Array)).toBe('2001:db8::1');
    expect(formatIpv6(parseIpv6('[::1]') as Uint8Array)).toBe('::1');
    for (const bad of ['1:2:3', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '12345::1']) expect(parseIpv6(bad), bad).toBeUndefined();
  });
});
