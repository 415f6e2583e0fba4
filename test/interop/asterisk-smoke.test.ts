// The real Asterisk 22 fixture itself: it starts with our configs, knows our users and dialplan, and a
// `redial register` against it is seen by `iax2 show peers` (the first interop check every other suite builds on).
import { expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt, startCli } from '../support/cli.js';
import { describeWithPeer } from '../support/peers.js';

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'the test PBX', () => {
  const pbx = useAsterisk();

  it('loads chan_iax2 with our users and dialplan', async () => {
    const peers = await pbx().cli('iax2 show peers');
    for (const name of ['alice', 'bob', 'carol', 'plain', 'secure', 'wide']) expect(peers).toMatch(new RegExp(`^${name}\\b`, 'm'));
    const plan = await pbx().cli('dialplan show 601@from-softphone');
    expect(plan).toContain('Echo()');
  });

  it('registers alice through the redial command (call token + MD5); Asterisk lists her until REGREL on Ctrl-C', async () => {
    ensureBuilt();
    const cli = startCli(['register', '--server', pbx().server, '--user', 'alice', '--json', '--port', '0'],
      { REDIAL_SECRET: 'alice-secret' });
    const started = await cli.waitForEvent((e) => e.event === 'started');
    const registered = await cli.waitForEvent((e) => e.event === 'registered');
    expect(registered.refresh).toBeGreaterThan(0);
    expect(await pbx().cli('iax2 show peer alice')).toMatch(new RegExp(`Addr->IP\\s*:\\s*127\\.0\\.0\\.1 Port ${String(started.localPort)}\\b`));
    cli.kill('SIGINT');
    await cli.waitForEvent((e) => e.event === 'unregistered');
    expect(await cli.exited()).toBe(0);
    expect(await pbx().cli('iax2 show peer alice')).toMatch(/Addr->IP\s*:\s*\(null\)/);
  });
});
