// `redial listen` registered as bob on the real Asterisk 22, called by a call file (answered at once, and after
// ringing) with audio checked both ways, by Dial(IAX2/bob/s/a) asking for auto-answer, and the call Asterisk cannot
// bridge: alice dials bob in Opus while bob takes no Opus (the CLI and exit code say why).
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { ensureBuilt, type RunningCli } from '../support/cli.js';
import { MILLIWATT_HZ, TONE_PRESENT, lastSeconds, readWav, redialAs, toneCoverage, writeToneWav } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';

const BOB_HZ = 1300;
const tempDir = tempDirs();

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'redial listen called by Asterisk', () => {
  const pbx = useAsterisk();
  const running: RunningCli[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(async () => {
    for (const c of running.splice(0)) c.kill('SIGKILL');
    await pbx().waitIdle();
  });

  /** bob listening with a 1300 Hz tone as microphone, recording what he hears. */
  async function listenAsBob(dir: string, args: readonly string[]): Promise<RunningCli> {
    writeToneWav(join(dir, 'bob.wav'), BOB_HZ, 20);
    const bob = redialAs(pbx(), 'bob', 'listen', ['--codec', 'ulaw', '--max-calls', '1', '--play', join(dir, 'bob.wav'),
      '--record', join(dir, 'heard.wav'), ...args]);
    running.push(bob);
    await bob.waitForEvent((e) => e.event === 'registered');
    return bob;
  }

  for (const ringSeconds of [0, 3]) {
    it(`a call file to IAX2/bob, answered ${ringSeconds === 0 ? 'at once' : `after ringing ${ringSeconds} s`}: each side hears the other`, async () => {
      const dir = await tempDir('redial-listen-');
      const rec = `listen-${ringSeconds}`;
      const bob = await listenAsBob(dir, ['--answer-after', String(ringSeconds), '--hangup-after', '3']);
      await pbx().callFile({ channel: 'IAX2/bob', context: 'callfile', extension: 'twoway', variables: { REC: rec }, callerId: '"Spool" <3000>' });
      const incoming = await bob.waitForEvent((e) => e.event === 'incoming');
      expect(incoming).toMatchObject({ from: '3000', fromName: 'Spool' });
      const answered = await bob.waitForEvent((e) => e.event === 'answered');
      expect(answered.t - incoming.t).toBeGreaterThanOrEqual(ringSeconds - 0.1);
      expect(answered.t - incoming.t).toBeLessThan(ringSeconds + 1);
      expect(await bob.exited(), bob.stderr()).toBe(0);
      await pbx().waitIdle();
      // Asterisk -> bob: the milliwatt tone in bob's recording (its last 2 s).
      const heard = readWav(join(dir, 'heard.wav'));
      expect(toneCoverage(lastSeconds(heard, 2), heard.sampleRate, MILLIWATT_HZ)).toBeGreaterThanOrEqual(TONE_PRESENT);
      // bob -> Asterisk: what MixMonitor received from bob's channel.
      const rx = readWav(join(pbx().runDir, 'rec', `${rec}-rx.wav`));
      expect(toneCoverage(lastSeconds(rx, 2), rx.sampleRate, BOB_HZ)).toBeGreaterThanOrEqual(TONE_PRESENT);
    });
  }

  it('Dial(IAX2/bob/s/a) (612) asks for auto-answer: answered at once although bob would let it ring 10 s', async () => {
    const dir = await tempDir('redial-listen-aa-');
    const bob = await listenAsBob(dir, ['--answer-after', '10']);
    const alice = redialAs(pbx(), 'alice', 'call', ['612', '--codec', 'ulaw', '--hangup-after', '2', '--input-device', 'fake', '--output-device', 'fake']);
    running.push(alice);
    const incoming = await bob.waitForEvent((e) => e.event === 'incoming');
    expect(incoming.autoAnswer).toBe(true);
    const answered = await bob.waitForEvent((e) => e.event === 'answered');
    expect(answered.t - incoming.t).toBeLessThan(1);
    expect(await alice.exited(), alice.stderr()).toBe(0);
    expect(alice.events.some((e) => e.event === 'answered')).toBe(true);
  });

  it('alice calls bob (610) in Opus, bob takes µ-law only: Asterisk cannot bridge them, and the CLI says so (exit 9)', async () => {
    const dir = await tempDir('redial-listen-opus-');
    const bob = await listenAsBob(dir, []);
    const alice = redialAs(pbx(), 'alice', 'call', ['610', '--codec', 'opus', '--input-device', 'fake', '--output-device', 'fake']);
    running.push(alice);
    expect(await alice.exited(), alice.stderr()).toBe(9);
    const hangup = alice.events.find((e) => e.event === 'hangup');
    expect(hangup).toMatchObject({ by: 'remote', code: 'no-common-codec' });
    expect(String(hangup?.message)).toMatch(/could not connect it to the other party.*codec_opus/s);
    expect(alice.events.some((e) => e.event === 'ringing' || e.event === 'answered')).toBe(false);
    // Asterisk's own account of it: no translator from bob's codecs to Opus, so Dial() made no channel.
    expect(pbx().log()).toMatch(/Unable to create translator path for \(.*\) to \(opus\) on IAX2\/bob/);
    expect(await pbx().waitForDb('redial-dial', 'status')).toBe('CHANUNAVAIL');
    expect(bob.events.some((e) => e.event === 'incoming')).toBe(false);
  });
});
