// iax: links (electron/shared/iax-uri.ts): what parses and what is refused, the account's server string, and
// finding a link among launch arguments.
import { describe, expect, it } from 'vitest';
import { findIaxUriArg, parseIaxUri, uriServer } from '../../../electron/shared/iax-uri.js';

describe('parseIaxUri (RFC 5456 §5.1: iax:[user@]host[:port][/number[?context]])', () => {
  const good: [string, object][] = [
    ['iax:pbx.example.org/600', { scheme: 'iax', host: 'pbx.example.org', number: '600' }],
    ['iax:alice@pbx.example.org:4570/600', { scheme: 'iax', user: 'alice', host: 'pbx.example.org', port: 4570, number: '600' }],
    ['iax2:atlanta.com:4570/alice?friends', { scheme: 'iax2', host: 'atlanta.com', port: 4570, number: 'alice', context: 'friends' }],
    ['IAX:[2001:db8::1]:4569/100', { scheme: 'iax', host: '2001:db8::1', port: 4569, number: '100' }],
    ['iax://192.0.2.4/*97', { scheme: 'iax', host: '192.0.2.4', number: '*97' }],
    ['iax:pbx.example.org', { scheme: 'iax', host: 'pbx.example.org' }],
    ['iax:pbx/%2B4930123', { scheme: 'iax', host: 'pbx', number: '+4930123' }],
  ];
  for (const [text, uri] of good) {
    it(`parses ${text}`, () => {
      const r = parseIaxUri(text);
      expect(r).toEqual({ ok: true, uri });
    });
  }
  const bad = [
    'sip:alice@example.org', 'iax:alice:secret@pbx/600', 'iax:pbx/6 00', 'iax:pbx/600;drop', 'iax:pbx:0/600',
    'iax:pbx:70000/600', 'iax:pb x/600', 'iax:[::1/600', 'iax:[zz::1]/600', 'iax:/600', 'iax:pbx/%E0%A4%A', 'iax:pbx/1\n2',
    'iax:-bad-.host/1', `iax:pbx/${'1'.repeat(81)}`, 'iax:pbx/600?ctx;x',
  ];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const r = parseIaxUri(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
    });
  }
  it('gives the server string an account uses, bracketing IPv6', () => {
    const a = parseIaxUri('iax:[2001:db8::1]:4570/1');
    const b = parseIaxUri('iax:pbx.example.org/1');
    expect(a.ok && uriServer(a.uri)).toBe('[2001:db8::1]:4570');
    expect(b.ok && uriServer(b.uri)).toBe('pbx.example.org');
  });
  it('finds the URI among launch arguments', () => {
    expect(findIaxUriArg(['/usr/bin/redial', '--no-sandbox', 'iax:pbx/600'])).toBe('iax:pbx/600');
    expect(findIaxUriArg(['/usr/bin/redial'])).toBeUndefined();
  });
});
