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

describe('redial load and listen --echo', () => {
  it('parses load through accounts, cycling the users, with defaults', () => {
    const c = parseCommand(['load', '--server', 'pbx:4570', '--user', 'alice,bob', '--dial', '601'], { REDIAL_SECRET: 'x' });
    expect(c).toMatchObject({
      kind: 'load', dial: '601', calls: 10, ratePerS: 5, durationS: 30, answerTimeoutS: 30, sound: { kind: 'tone', hz: [1004] },
      target: { kind: 'accounts', accounts: [{ server: 'pbx:4570', username: 'alice', secret: { kind: 'env', name: 'REDIAL_SECRET' } }, { username: 'bob' }] },
    });
    expect(c).not.toHaveProperty('holdForS');
  });

  it('parses load directly to a peer, with every option', () => {
    const c = parseCommand(['load', '--server', '127.0.0.1:4599', '--dial', 'echo', '--calls', '500', '--rate', '50/s', '--duration', '60',
      '--hold-for', '10.5', '--tone', '350,440', '--max-failures', '0', '--max-setup-ms', '250', '--answer-timeout', '5', '--codec', 'alaw',
      '--workers', '3']);
    expect(c).toMatchObject({ workers: 3,
      kind: 'load', target: { kind: 'direct', server: '127.0.0.1:4599' }, calls: 500, ratePerS: 50, durationS: 60, holdForS: 10.5,
      sound: { kind: 'tone', hz: [350, 440] }, maxFailures: 0, maxSetupMs: 250, answerTimeoutS: 5, common: { codecs: ['alaw'] },
    });
    expect(parseCommand(['load', '--server', 'h', '--dial', '1', '--play', 'a.wav'])).toMatchObject({ sound: { kind: 'file', path: 'a.wav' } });
  });

  it.each([
    [['load', '--server', 'h'], 'load needs --dial EXTENSION (the number every call dials)'],
    [['load', '--dial', '601'], 'load needs --server HOST[:PORT], and --user NAME[,NAME…] to call through accounts there'],
    [['load', '--server', 'h', '--dial', '1', '--calls', '0'], '--calls must be a whole number ≥ 1 (got \'0\')'],
    [['load', '--server', 'h', '--dial', '1', '--workers', '0'], '--workers must be a whole number ≥ 1 (got \'0\')'],
    [['load', '--server', 'h', '--dial', '1', '--workers', '2', '--pcap', 'x.pcap'], '--pcap writes one file from one thread: use it with --workers 1'],
    [['load', '--server', 'h', '--dial', '1', '--rate', 'fast'], '--rate must be a number > 0 (got \'fast\')'],
    [['load', '--server', 'h', '--dial', '1', '--tone', '5'], '--tone needs frequencies in Hz between 20 and 20000, comma-separated (got \'5\')'],
    [['load', '--server', 'h', '--dial', '1', '--tone', '440', '--play', 'x.wav'], '--play and --tone: choose one'],
    [['load', '--server', 'h', '--user', 'a,,b', '--dial', '1'], '--user: an empty name in the list'],
    [['load', '--server', 'h', '--dial', '1', '--max-failures', 'few'], '--max-failures must be a whole number ≥ 0 (got \'few\')'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it('parses listen --echo', () => {
    expect(parseCommand(['listen', '--echo', '--port', '4600'])).toMatchObject({ kind: 'listen', echo: true, common: { localPort: 4600 } });
    expect(parseCommand(['listen'])).toMatchObject({ echo: false });
  });
});

describe('redial test', () => {
  it('parses a scenario run with its options', () => {
    expect(parseCommand(['test', 'echo.yaml', '--server', 'pbx', '--user', 'a,b', '--calls', '3', '--rate', '2', '--junit', 'out.xml'], { REDIAL_SECRET: 's' }))
      .toMatchObject({ kind: 'test', scenarioPath: 'echo.yaml', server: 'pbx', users: ['a', 'b'], calls: 3, ratePerS: 2, junit: 'out.xml',
        account: { auth: ['md5'], secret: { kind: 'env', name: 'REDIAL_SECRET' } } });
    expect(parseCommand(['test', 's.json'])).toMatchObject({ kind: 'test', users: [], calls: 1 });
  });

  it('needs exactly one scenario, and a server for --user', () => {
    expect(() => parseCommand(['test'])).toThrow('test needs one scenario file (YAML or JSON)');
    expect(() => parseCommand(['test', 'a.yaml', '--user', 'x'])).toThrow('--user given without --server');
  });
});
