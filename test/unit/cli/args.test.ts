import { describe, expect, it } from 'vitest';
import { parseCommand, parseCallerId, parseCodecs, UsageError, validateDtmf } from '../../../electron/cli/args.js';
import { splitHostPort } from '../../../electron/core/iax2/server-address.js';
import { ExitCode, exitCodeFor } from '../../../electron/cli/exit-codes.js';

describe('redial command line', () => {
  it('parses register with defaults', () => {
    const c = parseCommand(['register', '--server', 'pbx.example.org:4570', '--user', '1001', '--secret', 's3', '--once']);
    expect(c.kind).toBe('register');
    if (c.kind !== 'register') return;
    expect(c.once).toBe(true);
    expect(c.account).toMatchObject({ server: 'pbx.example.org:4570', username: '1001', auth: ['md5'], refreshSeconds: 60 });
    expect(c.account.secret).toEqual({ kind: 'arg', value: 's3' });
    expect(c.common.localPort).toBe(4569);
    expect(c.common.codecs).toEqual(['ulaw', 'alaw']);
  });

  it('takes the secret from the environment when it is not on the command line', () => {
    const c = parseCommand(['register', '--server', 'h', '--user', 'u'], { REDIAL_SECRET: 'x' });
    expect(c.kind === 'register' && c.account.secret).toEqual({ kind: 'env', name: 'REDIAL_SECRET' });
    const p = parseCommand(['register', '--server', 'h', '--user', 'u', '--secret', '-']);
    expect(p.kind === 'register' && p.account.secret).toEqual({ kind: 'prompt' });
    expect(() => parseCommand(['register', '--server', 'h', '--user', 'u', '--secret-env', 'NOPE'], {})).toThrow(/NOPE is not set/);
  });

  it('parses a call given as an iax: URI', () => {
    const c = parseCommand(['call', 'iax:alice@127.0.0.1:4570/600', '--codec', 'alaw,ulaw', '--dtmf', '12#', '--json']);
    expect(c.kind).toBe('call');
    if (c.kind !== 'call') return;
    expect(c.number).toBe('600');
    expect(c.account.server).toBe('127.0.0.1:4570');
    expect(c.account.username).toBe('alice');
    expect(c.common.codecs).toEqual(['alaw', 'ulaw']);
    expect(c.dtmf).toBe('12#');
    expect(c.common.json).toBe(true);
  });

  it('rejects bad input with a clear usage error', () => {
    expect(() => parseCommand(['call', '600'])).toThrow(UsageError);
    expect(() => parseCommand(['call', '6 00', '--server', 'h', '--user', 'u'])).toThrow(/not a valid extension/);
    expect(() => parseCommand(['call', '600', '--server', 'h:99999', '--user', 'u'])).toThrow(/out of range/);
    expect(() => parseCommand(['listen', '--answer', 'maybe'])).toThrow(/auto, reject or busy/);
    expect(() => parseCommand(['frobnicate'])).toThrow(/unknown command/);
    expect(() => parseCommand(['register', '--bogus'])).toThrow(UsageError);
    expect(() => parseCodecs('ulaw,speex')).toThrow(/unknown codec 'speex'/);
    expect(() => validateDtmf('12x')).toThrow(/DTMF/);
  });

  it('takes the call encryption mode (off by default)', () => {
    const c = parseCommand(['call', '600', '--server', 'h', '--user', 'u', '--encryption', 'required']);
    expect(c.kind === 'call' && c.account.encryption).toBe('required');
    const d = parseCommand(['call', '600', '--server', 'h', '--user', 'u']);
    expect(d.kind === 'call' && d.account.encryption).toBe('off');
    expect(() => parseCommand(['call', '600', '--server', 'h', '--user', 'u', '--encryption', 'aes'])).toThrow(/off, on or required/);
  });

  it('parses the speakerphone processing choice', () => {
    const c = parseCommand(['listen', '--dsp', 'aec,agc']);
    expect(c.kind === 'listen' && c.common.dsp).toEqual({ echoCancellation: true, noiseSuppression: false, autoGain: true });
    const n = parseCommand(['listen', '--dsp', 'none']);
    expect(n.kind === 'listen' && n.common.dsp).toEqual({ echoCancellation: false, noiseSuppression: false, autoGain: false });
    expect(parseCommand(['listen']).kind === 'listen' && (parseCommand(['listen']) as { common: { dsp?: unknown } }).common.dsp).toBeUndefined();
    expect(() => parseCommand(['listen', '--dsp', 'echo'])).toThrow(/unknown stage 'echo'/);
  });

  it('parses caller ids and codec aliases', () => {
    expect(parseCallerId('Alice <1001>')).toEqual({ name: 'Alice', number: '1001' });
    expect(parseCallerId('1001')).toEqual({ number: '1001' });
    expect(parseCallerId('Bob')).toEqual({ name: 'Bob' });
    expect(parseCodecs('PCMU,pcma,ulaw')).toEqual(['ulaw', 'alaw']);
  });

  it('maps every engine failure to a distinct documented exit code', () => {
    expect(exitCodeFor({ code: 'busy', message: '' })).toBe(ExitCode.BUSY);
    expect(exitCodeFor({ code: 'auth-failed', message: '' })).toBe(ExitCode.AUTH_FAILED);
    expect(exitCodeFor({ code: 'no-answer', message: '' })).toBe(ExitCode.TIMEOUT);
    expect(exitCodeFor({ code: 'congestion', message: '' })).toBe(ExitCode.CONGESTION);
    expect(exitCodeFor({ code: 'no-route', message: '' })).toBe(ExitCode.REJECTED);
  });
});

describe('server addresses', () => {
  it('splits host and port strictly', () => {
    expect(splitHostPort('10.0.0.1:4569')).toEqual({ ok: true, host: '10.0.0.1', port: 4569 });
    expect(splitHostPort('[2001:db8::1]:4570')).toEqual({ ok: true, host: '2001:db8::1', port: 4570 });
    expect(splitHostPort('2001:db8::1')).toEqual({ ok: true, host: '2001:db8::1' });
    expect(splitHostPort('host:0').ok).toBe(false);
    expect(splitHostPort('ho st').ok).toBe(false);
  });
});
