// The `redial` command as a user runs it, against the real Asterisk 22: the JSON events each command prints, in
// order, and the exit codes scripts rely on (README "Command line"). These pin the CLI's behaviour while its
// insides change (it composes the same phone as the app: docs/architecture.md).
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, encodeWav } from '../../electron/core/media/wav.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt, startCli, type CliEventLine, type RunningCli } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';
import { toneAmplitude } from '../support/signals.js';

const SECRETS: Readonly<Record<string, string>> = {
  alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret', wide: 'wide-secret', secure: 'secure-secret',
};

/** Event names in order, without the periodic ones (stats every 5 s, notices). */
const names = (events: readonly CliEventLine[]): string[] =>
  events.map((e) => e.event).filter((n) => n !== 'stats' && n !== 'notice');

function toneWav(path: string, seconds: number, hz: number): void {
  const rate = 8000;
  const samples = new Int16Array(rate * seconds);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate));
  writeFileSync(path, encodeWav({ sampleRate: rate, channels: 1, samples }));
}

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'the redial command against Asterisk 22', () => {
  const pbx = useAsterisk();
  const dir = mkdtempSync(join(tmpdir(), 'redial-cli-ast-'));
  const running: RunningCli[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => { for (const c of running.splice(0)) c.kill('SIGKILL'); });

  function redial(user: string, args: readonly string[], secret = SECRETS[user] ?? ''): RunningCli {
    const cli = startCli([...args, '--server', pbx().server, '--user', user, '--json', '--port', '0'], { REDIAL_SECRET: secret });
    running.push(cli);
    return cli;
  }

  it('register --once: started, registering, registered (refresh, apparent address), unregistered; exit 0', async () => {
    const cli = redial('alice', ['register', '--once']);
    expect(await cli.exited()).toBe(0);
    expect(names(cli.events)).toEqual(['started', 'registering', 'registered', 'unregistered']);
    const started = cli.events[0];
    expect(started?.localPort).toEqual(expect.any(Number));
    const registered = cli.events.find((e) => e.event === 'registered');
    expect(registered).toMatchObject({ server: pbx().server, user: 'alice', refresh: expect.any(Number),
      apparentAddress: `127.0.0.1:${String(started?.localPort)}` });
  });

  it('register --once with a wrong password: registration-failed (auth-failed), exit 6', async () => {
    const cli = redial('alice', ['register', '--once'], 'not-the-secret');
    expect(await cli.exited()).toBe(6);
    expect(cli.events.find((e) => e.event === 'registration-failed')).toMatchObject({ code: 'auth-failed', user: 'alice' });
  });

  it('call 603 --record: answered in µ-law, the 1004 Hz tone in the recording, final stats, hangup by us; exit 0', async () => {
    const rec = join(dir, '603.wav');
    const cli = redial('alice', ['call', '603', '--record', rec, '--input-device', 'fake', '--hangup-after', '3']);
    expect(await cli.exited(), cli.stderr()).toBe(0);
    // 'state' proceeding (ACCEPT), 'codec' (the one ACCEPT chose), then the answer.
    expect(names(cli.events)).toEqual(['started', 'calling', 'state', 'codec', 'answered', 'recording', 'hangup']);
    expect(cli.events.find((e) => e.event === 'state')).toMatchObject({ state: 'proceeding' });
    expect(cli.events.find((e) => e.event === 'codec')).toMatchObject({ codec: 'ulaw' });
    expect(cli.events.find((e) => e.event === 'calling')).toMatchObject({ number: '603', server: pbx().server });
    expect(cli.events.find((e) => e.event === 'answered')).toMatchObject({ codec: 'ulaw', encrypted: false });
    const recording = cli.events.find((e) => e.event === 'recording');
    expect(recording).toMatchObject({ file: rec });
    expect(Number(recording?.seconds)).toBeGreaterThan(2.5);
    // Final stats come just before the hangup, with the jitter buffer's figures.
    expect(cli.events.at(-2)).toMatchObject({ event: 'stats', framesReceived: expect.any(Number), bufferDelayMs: expect.any(Number) });
    expect(Number(cli.events.at(-2)?.framesReceived)).toBeGreaterThan(100);
    const hangup = cli.events.at(-1);
    expect(hangup).toMatchObject({ event: 'hangup', by: 'local', durationSeconds: expect.any(Number) });
    expect(Number(hangup?.durationSeconds)).toBeGreaterThanOrEqual(2.9);
    const wav = decodeWav(readFileSync(rec));
    expect(wav.channels).toBe(1);
    expect(toneAmplitude(wav.samples, wav.sampleRate, 1004)).toBeGreaterThan(10 * toneAmplitude(wav.samples, wav.sampleRate, 700));
    expect(toneAmplitude(wav.samples, wav.sampleRate, 1004)).toBeGreaterThan(1000);
  });

  it('call 600 --dtmf: each digit is printed as sent and Read() stores them in AstDB', async () => {
    const cli = redial('alice', ['call', '600', '--dtmf', '4321', '--dtmf-delay', '1', '--output-device', 'fake',
      '--input-device', 'fake', '--caller-id', 'Alice <2001>']);
    // Asterisk hangs up after Read() + Wait(1).
    expect(await cli.exited(), cli.stderr()).toBe(0);
    expect(cli.events.filter((e) => e.event === 'dtmf').map((e) => [e.digit, e.direction])).toEqual(
      [['4', 'tx'], ['3', 'tx'], ['2', 'tx'], ['1', 'tx']]);
    expect(await pbx().dbGet('redial', '2001')).toBe('4321');
    expect(cli.events.at(-1)).toMatchObject({ event: 'hangup', by: 'remote' });
  });

  it('call 607: the server\'s TEXT is printed as received and ours (--text) reaches ReceiveText()', async () => {
    const cli = redial('alice', ['call', '607', '--text', 'hello from redial', '--output-device', 'fake', '--input-device', 'fake',
      '--caller-id', 'Alice <2001>', '--hangup-after', '3']);
    expect(await cli.exited(), cli.stderr()).toBe(0);
    expect(cli.events.filter((e) => e.event === 'text').map((e) => [e.text, e.direction])).toEqual(
      expect.arrayContaining([['hello from redial', 'tx'], ['hello from asterisk', 'rx']]));
    expect(await pbx().waitForDb('redial-text', '2001')).toBe('hello from redial');
  });

  it('call 608: the server hangs up (cause 16): hangup by remote, exit 0', async () => {
    const cli = redial('alice', ['call', '608', '--output-device', 'fake', '--input-device', 'fake']);
    expect(await cli.exited()).toBe(0);
    expect(cli.events.at(-1)).toMatchObject({ event: 'hangup', by: 'remote', causeCode: 16 });
  });

  it('exit codes: busy 3, congestion 4, no such extension 5, not answered in time 7, no common codec 9, DNS 10, usage 64', async () => {
    const fake = ['--output-device', 'fake', '--input-device', 'fake'];
    const cases: { cli: RunningCli; code: number; error?: string }[] = [
      { cli: redial('alice', ['call', '602', ...fake]), code: 3, error: 'busy' },
      { cli: redial('alice', ['call', '604', ...fake]), code: 4, error: 'congestion' },
      { cli: redial('alice', ['call', '699', ...fake]), code: 5 },
      { cli: redial('alice', ['call', '609', '--answer-timeout', '2', ...fake]), code: 7 },
      { cli: redial('wide', ['call', '601', '--codec', 'ulaw', ...fake]), code: 9, error: 'no-common-codec' },
    ];
    const dns = startCli(['call', '601', '--server', 'no-such-host.invalid', '--user', 'alice', '--json', '--port', '0', ...fake]);
    const usage = startCli(['call', '601', '--server', pbx().server, '--user', 'alice', '--codec', 'nonsense']);
    running.push(dns, usage);
    for (const c of cases) {
      expect(await c.cli.exited(), c.cli.stderr()).toBe(c.code);
      const hangup = c.cli.events.find((e) => e.event === 'hangup');
      expect(hangup).toBeDefined();
      if (c.error) expect(hangup?.code).toBe(c.error);
    }
    expect(cases[3]?.cli.events.some((e) => e.event === 'ringing')).toBe(true);
    expect(await dns.exited()).toBe(10);
    expect(dns.events.find((e) => e.event === 'hangup')).toMatchObject({ code: 'dns' });
    expect(await usage.exited()).toBe(64);
    expect(usage.stderr()).toContain("unknown codec 'nonsense'");
  });

  it('listen as bob: rings for --answer-after, answers a Dial() from 610, plays --play, records the caller, sees the hangup', async () => {
    const bobTone = join(dir, 'bob-600.wav');
    const aliceTone = join(dir, 'alice-1000.wav');
    const bobRec = join(dir, 'bob-rec.wav');
    toneWav(bobTone, 10, 600);
    toneWav(aliceTone, 10, 1000);
    const bob = redial('bob', ['listen', '--answer-after', '2', '--max-calls', '1', '--play', bobTone, '--record', bobRec]);
    await bob.waitForEvent((e) => e.event === 'registered');
    const alice = redial('alice', ['call', '610', '--play', aliceTone, '--output-device', 'fake', '--hangup-after', '5']);
    const incoming = await bob.waitForEvent((e) => e.event === 'incoming');
    expect(incoming).toMatchObject({ callId: expect.any(String), number: 'bob', from: '2001', fromName: 'Alice' });
    expect(await alice.exited(), alice.stderr()).toBe(0);
    expect(await bob.exited(), bob.stderr()).toBe(0);
    expect(names(bob.events)).toEqual(['started', 'registered', 'incoming', 'answered', 'recording', 'hangup']);
    const answeredAt = Number(bob.events.find((e) => e.event === 'answered')?.t);
    expect(answeredAt - Number(incoming.t)).toBeGreaterThanOrEqual(1.9);
    expect(bob.events.find((e) => e.event === 'hangup')).toMatchObject({ by: 'remote' });
    // Alice heard ringing while bob's phone rang.
    expect(names(alice.events)).toContain('ringing');
    const wav = decodeWav(readFileSync(bobRec));
    expect(toneAmplitude(wav.samples, wav.sampleRate, 1000)).toBeGreaterThan(10 * toneAmplitude(wav.samples, wav.sampleRate, 600));
    // What bob played reached Asterisk (MixMonitor of the 610 call mixes both directions).
    const mix = pbx().recordings().find((f) => f.includes('/610-'));
    expect(mix).toBeDefined();
    const mixed = decodeWav(readFileSync(mix as string));
    expect(toneAmplitude(mixed.samples, mixed.sampleRate, 600)).toBeGreaterThan(500);
  });

  it('listen --answer busy: Dial() gets BUSY, and the caller exits 3', async () => {
    const bob = redial('bob', ['listen', '--answer', 'busy', '--max-calls', '1']);
    await bob.waitForEvent((e) => e.event === 'registered');
    const alice = redial('alice', ['call', '610', '--output-device', 'fake', '--input-device', 'fake']);
    expect(await bob.exited()).toBe(0);
    expect(names(bob.events)).toEqual(['started', 'registered', 'incoming']);
    expect(await alice.exited()).toBe(3);
    expect(await pbx().waitForDb('redial-dial', 'status', 10_000, (v) => v === 'BUSY')).toBe('BUSY');
  });

  it('--debug prints every frame on stderr (Asterisk layout) and --pcap writes them to a capture file', async () => {
    const pcap = join(dir, 'register.pcap');
    const cli = redial('alice', ['register', '--once', '--debug', '--pcap', pcap]);
    expect(await cli.exited()).toBe(0);
    expect(cli.stderr()).toMatch(/^Tx-Frame Retry\[ No\] -- OSeqno: 000 ISeqno: 000 Type: IAX +Subclass: REGREQ/m);
    expect(cli.stderr()).toMatch(/^Rx-Frame Retry\[ No\] -- OSeqno: \d{3} ISeqno: \d{3} Type: IAX +Subclass: REGACK/m);
    expect(cli.stderr()).toMatch(/^ {3}MD5 RESULT {6}: <hidden>$/m);
    expect(cli.stderr()).not.toContain('alice-secret');
    expect(existsSync(pcap)).toBe(true);
    const bytes = readFileSync(pcap);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(bytes.length).toBeGreaterThan(24 + 6 * 40);
  });

  it('--encryption required on the forceencryption peer: the call is answered encrypted', async () => {
    const cli = redial('secure', ['call', '603', '--encryption', 'required', '--output-device', 'fake', '--input-device', 'fake',
      '--hangup-after', '2']);
    expect(await cli.exited(), cli.stderr()).toBe(0);
    expect(cli.events.find((e) => e.event === 'answered')).toMatchObject({ encrypted: true });
  });
});
