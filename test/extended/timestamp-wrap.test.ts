// Extended set (npm run test:extended; not in every CI run): calls that outlive the 16-bit timestamp of IAX2 mini
// frames, which wraps every 65.536 s (RFC 5456 §8.1.2; docs/spec.md §4.6 and §4.7: the receiver un-wraps it, we send a full
// voice frame when the top 16 bits change). Against the real Asterisk 22's Echo() (630) for 72 s, through the
// `redial` command and through the app path at once: the echoed tone must go on, unbroken, across the wrap.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { startAppPhone, type AppPhone } from '../support/app-phone.js';
import { ensureBuilt } from '../support/cli.js';
import { USERS, readWav, redialAs, toneWindows, writeToneWav } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';
import { sleep } from '../support/wait.js';

const CALL_SECONDS = 72;
const WRAP_SECONDS = 65.536;
const tempDir = tempDirs();

/** The tone in at least 90 % of the 200 ms windows, and never missing from two windows in a row. */
function expectEcho(windows: readonly number[]): void {
  expect(windows.length).toBeGreaterThan(0);
  const bad = windows.map((f) => f < 0.8);
  expect(bad.filter(Boolean).length / windows.length).toBeLessThanOrEqual(0.1);
  expect(bad.some((b, i) => b && bad[i + 1] === true)).toBe(false);
}

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'a call across the 65.5 s timestamp wrap', () => {
  const pbx = useAsterisk();
  let app: AppPhone;
  beforeAll(async () => {
    ensureBuilt();
    app = await startAppPhone({ toneHz: 900 });
    await app.register({ server: pbx().server, username: 'bob', secret: USERS.bob, codecs: ['ulaw'] });
  }, 120_000);
  afterAll(async () => { await app?.close(); });

  it.concurrent('redial call 630 for 72 s: the echo of our tone goes on before, across and after the wrap', async () => {
    const dir = await tempDir('redial-wrap-');
    writeToneWav(join(dir, 'tone.wav'), 1000, CALL_SECONDS + 5);
    const cli = redialAs(pbx(), 'alice', 'call', ['630', '--codec', 'ulaw', '--play', join(dir, 'tone.wav'), '--record', join(dir, 'heard.wav'),
      '--hangup-after', String(CALL_SECONDS)]);
    expect(await cli.exited(90_000), cli.stderr()).toBe(0);
    const hangup = cli.events.find((e) => e.event === 'hangup');
    expect(hangup).toMatchObject({ by: 'local' });
    expect(Number(hangup?.durationSeconds)).toBeGreaterThan(CALL_SECONDS - 1);
    const stats = cli.events.filter((e) => e.event === 'stats').at(-1);
    expect(Number(stats?.lossPercent)).toBeLessThan(2);
    const heard = readWav(join(dir, 'heard.wav'));
    const windows = toneWindows(heard.samples, heard.sampleRate, 1000);
    expect(windows.length).toBeGreaterThan((CALL_SECONDS - 1) * 5);
    // The echo goes on before and after the wrap (a mishandled wrap silences or scrambles the rest of the call);
    // an odd 200 ms window lost to a busy machine is not the wrap's doing.
    const wrapAt = Math.round(WRAP_SECONDS * 5);
    expectEcho(windows.slice(5, wrapAt - 5));
    expectEcho(windows.slice(wrapAt - 5, wrapAt + 15));
    expectEcho(windows.slice(wrapAt + 15, windows.length - 5));
  }, 100_000);

  it.concurrent('the app path calls 630 for 72 s: the speaker plays the echo across the wrap', async () => {
    const call = await app.api.request('call:dial', { number: '630' });
    await app.next('call:updated', (c) => c.id === call.id && c.state === 'up');
    await sleep((WRAP_SECONDS + 2) * 1000);
    // The fake speaker keeps the last minute: 8 s to 2 s before now spans the wrap (about 63.5–69.5 s of the call).
    const { rate, pcm } = app.speaker(8);
    const windows = toneWindows(pcm.subarray(0, 6 * rate), rate, 900);
    expectEcho(windows);
    const stats = await app.api.request('call:stats', { callId: call.id });
    expect(stats.lossPercent).toBeLessThan(2);
    expect(stats.framesReceived).toBeGreaterThan(WRAP_SECONDS * 50 - 50);
    await app.api.request('call:hangup', { callId: call.id });
    expect((await app.next('call:ended', (e) => e.call.id === call.id)).end.error).toBeUndefined();
  }, 100_000);
});
