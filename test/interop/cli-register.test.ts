// Registration with the `redial` command against the real Asterisk 22, checked on both sides: our --debug trace
// (call token, MD5 or plaintext) and Asterisk's own (`iax2 show peer`, its `iax2 set debug on` log): refresh cycles
// (minregexpire=3 in the test PBX), REGREL on Ctrl-C, wrong password, unknown user.
import { beforeAll, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt } from '../support/cli.js';
import { redialAs } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';

/** Our trace's registration frames, in order: "Tx REGREQ", "Rx CTOKEN", … (Asterisk's POKEs left out). */
const frames = (trace: string): string[] =>
  [...trace.matchAll(/^(Tx|Rx)-Frame .*Subclass: (REG\w+|CTOKEN)/gm)].map((m) => `${m[1]} ${m[2]}`);
/** Frames Asterisk itself logged sending or receiving (iax2 set debug on), e.g. "Tx REGACK". */
const asteriskFrames = (log: string, what: string): number =>
  log.split('\n').filter((l) => new RegExp(`^${what.split(' ')[0]}-Frame .*Subclass: ${what.split(' ')[1]}\\s*$`).test(l)).length;
const peerAddress = (show: string): string | undefined => /Addr->IP\s*:\s*(.*)$/m.exec(show)?.[1]?.trim();

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'registration with the redial command', () => {
  const pbx = useAsterisk();
  beforeAll(async () => {
    ensureBuilt();
    await pbx().cli('iax2 set debug on');
  }, 120_000);

  it('an unknown user name is refused like a wrong password (exit 6), in Asterisk\'s MD5 disguise', async () => {
    const cli = redialAs(pbx(), 'alice', 'register', ['--once', '--user', 'nobody']);
    expect(await cli.exited(), cli.stderr()).toBe(6);
    const failed = cli.events.find((e) => e.event === 'registration-failed');
    expect(failed).toMatchObject({ code: 'auth-failed', user: 'nobody' });
    expect(String(failed?.message)).toMatch(/refused the password for user "nobody".*unknown users/s);
  });

  it('alice: call token, then MD5; refreshed every 3 s in a new dialog, which Asterisk accepts each time; REGREL on Ctrl-C', async () => {
    const log0 = pbx().log().length;
    const cli = redialAs(pbx(), 'alice', 'register', ['--refresh', '3', '--debug']);
    const started = await cli.waitForEvent((e) => e.event === 'started');
    const first = await cli.waitForEvent((e) => e.event === 'registered');
    expect(first).toMatchObject({ refresh: 3, apparentAddress: `127.0.0.1:${String(started.localPort)}` });
    expect(peerAddress(await pbx().cli('iax2 show peer alice'))).toBe(`127.0.0.1 Port ${String(started.localPort)}`);
    // Two refreshes: Asterisk granted 3 s, we come back at 5/6 of that.
    await cli.waitForEvent((e) => e.event === 'registered' && e.t > first.t + 4, 10_000);
    const registered = cli.events.filter((e) => e.event === 'registered');
    expect(registered.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < registered.length; i++) expect(registered[i].t - registered[i - 1].t).toBeGreaterThan(2.2);
    // Each registration: REGREQ with an empty CALLTOKEN, CTOKEN, REGREQ with the token, REGAUTH (MD5), REGREQ with
    // the MD5 result, REGACK — in a fresh dialog (a new source call number) every time.
    const trace = cli.stderr();
    expect(frames(trace).slice(0, 6)).toEqual(['Tx REGREQ', 'Rx CTOKEN', 'Tx REGREQ', 'Rx REGAUTH', 'Tx REGREQ', 'Rx REGACK']);
    expect(trace).toMatch(/CALLTOKEN\s+: \(empty: call tokens supported\)/);
    expect(trace).toMatch(/AUTHMETHODS\s+: 2 \(md5\)/);
    expect(trace).toMatch(/MD5 RESULT\s+: <hidden>/);
    expect(trace).not.toContain('alice-secret');
    const sourceCalls = new Set([...trace.matchAll(/^Tx-Frame .*Subclass: REGREQ[\s\S]*?SCall: (\d+)/gm)].map((m) => m[1]));
    expect(sourceCalls.size).toBe(registered.length);
    // Asterisk's side: three REGREQs and a REGACK for each registration, and the peer still at our address.
    const log = pbx().log().slice(log0);
    expect(asteriskFrames(log, 'Rx REGREQ')).toBeGreaterThanOrEqual(3 * registered.length);
    expect(asteriskFrames(log, 'Tx REGACK')).toBeGreaterThanOrEqual(registered.length);
    expect(peerAddress(await pbx().cli('iax2 show peer alice'))).toBe(`127.0.0.1 Port ${String(started.localPort)}`);
    cli.kill('SIGINT');
    await cli.waitForEvent((e) => e.event === 'unregistered');
    expect(await cli.exited()).toBe(0);
    expect(frames(cli.stderr())).toContain('Tx REGREL');
    expect(peerAddress(await pbx().cli('iax2 show peer alice'))).toBe('(null) Port (null)');
  });

  it('plain: Asterisk asks for plaintext, which the account must allow (--auth plaintext); the password stays out of the trace', async () => {
    const refused = redialAs(pbx(), 'plain', 'register', ['--once']);
    expect(await refused.exited()).toBe(6);
    expect(String(refused.events.find((e) => e.event === 'registration-failed')?.message)).toMatch(/offers plaintext.*--auth plaintext/s);
    const cli = redialAs(pbx(), 'plain', 'register', ['--auth', 'plaintext', '--debug']);
    const started = await cli.waitForEvent((e) => e.event === 'started');
    await cli.waitForEvent((e) => e.event === 'registered');
    expect(cli.stderr()).toMatch(/AUTHMETHODS\s+: 1 \(plaintext\)/);
    expect(cli.stderr()).toMatch(/PASSWORD\s+: <hidden>/);
    expect(cli.stderr()).not.toContain('plain-secret');
    expect(peerAddress(await pbx().cli('iax2 show peer plain'))).toBe(`127.0.0.1 Port ${String(started.localPort)}`);
    cli.kill('SIGINT');
    expect(await cli.exited()).toBe(0);
    expect(peerAddress(await pbx().cli('iax2 show peer plain'))).toBe('(null) Port (null)');
  });

  it('after a plaintext peer, Asterisk answers an unknown user with plaintext too: the words say to check the user name first', async () => {
    // chan_iax2 registry_authrequest(): an unknown name gets the last method any peer used (here plain's).
    const cli = redialAs(pbx(), 'alice', 'register', ['--once', '--user', 'nobody', '--debug']);
    expect(await cli.exited()).toBe(6);
    expect(cli.stderr()).toMatch(/AUTHMETHODS\s+: 1 \(plaintext\)/);
    expect(String(cli.events.find((e) => e.event === 'registration-failed')?.message)).toMatch(/user name it does not know: check the user name first/);
  });

  it('alice with a wrong password: refused (exit 6) in words, after Asterisk sent REGREJ', async () => {
    const log0 = pbx().log().length;
    const cli = redialAs(pbx(), 'alice', 'register', ['--once'], 'not-her-secret');
    expect(await cli.exited()).toBe(6);
    const failed = cli.events.find((e) => e.event === 'registration-failed');
    expect(failed).toMatchObject({ code: 'auth-failed', user: 'alice' });
    expect(String(failed?.message)).toMatch(/refused the password for user "alice"/);
    expect(asteriskFrames(pbx().log().slice(log0), 'Tx REGREJ')).toBe(1);
  });
});
