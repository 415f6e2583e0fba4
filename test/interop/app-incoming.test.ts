// Incoming calls in the APP path (PhoneService + device media on the paced fake sound device, driven through the
// WebSocket contract, as the renderer drives it) from the real Asterisk 22: a call file to IAX2/bob, answered at
// once and answered after it has rung, with the audio checked both ways — Asterisk's 1004 Hz milliwatt tone must
// come out of bob's speaker, and bob's 1300 Hz microphone tone must reach Asterisk (MixMonitor's receive-side
// recording). Also a caller that gives up while bob rings (Dial() timeout): a missed call on bob's phone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { startAppPhone, type AppPhone } from '../support/app-phone.js';
import { describeWithPeer } from '../support/peers.js';
import { sleep, until } from '../support/wait.js';
import { ensureBuilt } from '../support/cli.js';
import { MILLIWATT_HZ, TONE_PRESENT, lastSeconds, readWav, redialAs, toneCoverage, writeToneWav } from '../support/interop.js';
import { tempDirs } from '../support/temp-dirs.js';

const BOB_TONE_HZ = 1300;
const ALICE_TONE_HZ = 800;
const tempDir = tempDirs();

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'incoming calls in the app path', () => {
  const pbx = useAsterisk();
  let bob: AppPhone;

  beforeAll(async () => {
    ensureBuilt();
    bob = await startAppPhone({ toneHz: BOB_TONE_HZ });
    await bob.register({ server: pbx().server, username: 'bob', secret: 'bob-secret', codecs: ['ulaw'] });
  });
  afterEach(async () => {
    for (const c of await bob.api.request('call:list')) await bob.api.request('call:hangup', { callId: c.id });
    await pbx().waitIdle();
  });
  afterAll(async () => { await bob?.close(); });

  /** Places a call file that connects IAX2/bob to `twoway`, lets bob answer after `ringSeconds`, checks both ways. */
  async function answerAndCheck(rec: string, ringSeconds: number): Promise<void> {
    const noticesBefore = bob.notices().length;
    const earlier = new Set(bob.seen('call:incoming').map((c) => c.id));
    await pbx().callFile({ channel: 'IAX2/bob', context: 'callfile', extension: 'twoway', variables: { REC: rec } });
    const incoming = await bob.next('call:incoming', (c) => !earlier.has(c.id));
    if (ringSeconds > 0) {
      await sleep(ringSeconds * 1000); // the phone rings this long before the user answers: real time must pass
      expect((await bob.api.request('call:list')).find((c) => c.id === incoming.id)?.state).toBe('ringing');
    }
    await bob.api.request('call:answer', { callId: incoming.id });
    await bob.next('call:updated', (c) => c.id === incoming.id && c.state === 'up');
    // Asterisk -> bob: the milliwatt tone comes out of bob's speaker.
    await until('1004 Hz from Asterisk on the speaker', () => bob.hears(MILLIWATT_HZ), 5000).catch((err: unknown) => {
      throw new Error(`${String(err)}; notices: ${JSON.stringify(bob.notices().slice(noticesBefore))}`);
    });
    await sleep(1500); // let Asterisk record a stretch of bob's audio
    await bob.api.request('call:hangup', { callId: incoming.id });
    await bob.next('call:ended', (e) => e.call.id === incoming.id);
    await pbx().waitIdle();
    expect(bob.notices().slice(noticesBefore).filter((n) => n.level === 'error')).toEqual([]);
    // bob -> Asterisk: the receive side of the MixMonitor recording holds bob's tone.
    const file = join(pbx().runDir, 'rec', `${rec}-rx.wav`);
    await until('MixMonitor closed its recording', () => { try { return readFileSync(file).length > 8000; } catch { return false; } }, 10_000);
    const wav = readWav(file);
    expect(toneCoverage(lastSeconds(wav, 1.5), wav.sampleRate, BOB_TONE_HZ)).toBeGreaterThanOrEqual(TONE_PRESENT);
  }

  it('answered at once: audio both ways', async () => {
    await answerAndCheck('at-once', 0);
  });

  it('answered after ringing for 3 s: audio both ways', async () => {
    await answerAndCheck('after-ring', 3);
  });

  it('Dial(IAX2/bob) from alice (610), answered after ringing for 3 s: each hears the other', async () => {
    const dir = await tempDir('redial-app-dial-');
    writeToneWav(join(dir, 'alice.wav'), ALICE_TONE_HZ, 20);
    const earlier = new Set(bob.seen('call:incoming').map((c) => c.id));
    const alice = redialAs(pbx(), 'alice', 'call', ['610', '--codec', 'ulaw', '--play', join(dir, 'alice.wav'), '--record', join(dir, 'heard.wav')]);
    const incoming = await bob.next('call:incoming', (c) => !earlier.has(c.id));
    expect(incoming).toMatchObject({ direction: 'incoming', remoteNumber: '2001' });
    await alice.waitForEvent((e) => e.event === 'ringing');
    await sleep(3000); // rings for 3 s before bob answers
    await bob.api.request('call:answer', { callId: incoming.id });
    await alice.waitForEvent((e) => e.event === 'answered');
    await until('alice\'s tone on bob\'s speaker', () => bob.hears(ALICE_TONE_HZ), 5000);
    await sleep(1500); // a stretch of bob's tone in alice's recording
    await bob.api.request('call:hangup', { callId: incoming.id });
    expect(await alice.exited()).toBe(0);
    const heard = readWav(join(dir, 'heard.wav'));
    expect(toneCoverage(lastSeconds(heard, 1.5), heard.sampleRate, BOB_TONE_HZ)).toBeGreaterThanOrEqual(TONE_PRESENT);
    expect(bob.notices().filter((n) => n.level === 'error')).toEqual([]);
    expect(await pbx().dbGet('redial-dial', 'status')).toBe('ANSWER');
  });

  it('Dial(IAX2/bob,3) (615) gives up while bob rings: the call ends on his phone as a missed call in the history and its counter', async () => {
    await bob.api.request('history:seen');
    const earlier = new Set(bob.seen('call:incoming').map((c) => c.id));
    const alice = redialAs(pbx(), 'alice', 'call', ['615', '--codec', 'ulaw']);
    const incoming = await bob.next('call:incoming', (c) => !earlier.has(c.id));
    expect(incoming).toMatchObject({ direction: 'incoming', remoteNumber: '2001' });
    // Nobody answers: Asterisk's Dial() timeout cancels the leg to bob (HANGUP to us), then hangs alice up.
    const ended = await bob.next('call:ended', (e) => e.call.id === incoming.id, 10_000);
    expect(ended.end.by).toBe('remote');
    expect(ended.history).toMatchObject({ direction: 'incoming', number: '2001', outcome: 'missed' });
    expect(ended.history.answeredAt).toBeUndefined();
    expect(await bob.api.request('call:list')).toEqual([]);
    expect((await bob.api.request('history:missed')).unseen).toBe(1);
    expect((await bob.api.request('history:list', { limit: 1 }))[0]).toMatchObject({ id: ended.history.id, outcome: 'missed' });
    expect(await alice.exited()).not.toBe(0); // alice was never answered
    expect(await pbx().dbGet('redial-dial', 'status-615')).toBe('NOANSWER');
    expect(bob.notices().filter((n) => n.level === 'error')).toEqual([]);
    expect((await bob.api.request('history:seen')).unseen).toBe(0);
  });
});
