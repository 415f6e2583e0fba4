// Hold and transfers in the APP path, checked on the other side of the real Asterisk 22. Alice (the `redial`
// command, playing 800 Hz, recording what she hears) calls 610, Dial(IAX2/bob) reaches bob (the app: PhoneService on
// the paced fake device, microphone 1300 Hz), who answers, then: holds (alice must hear the MOH class's 700 Hz tone,
// then bob again); transfers her blind to 620 (Milliwatt, which stores her number in AstDB); or consults 621 and
// hands her over to it (attended). Asterisk's view comes from AstDB and `core show channels`.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { CallView } from '../../electron/shared/api.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { startAppPhone, type AppPhone } from '../support/app-phone.js';
import { ensureBuilt, type RunningCli } from '../support/cli.js';
import { MILLIWATT_HZ, MOH_HZ, USERS, dominantTone, lastSeconds, readWav, redialAs, toneWindows, writeToneWav } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { tempDirs } from '../support/temp-dirs.js';
import { sleep, untilAsync } from '../support/wait.js';

const ALICE_HZ = 800;
const BOB_HZ = 1300;
const tempDir = tempDirs();

/** The tone (of `candidates`) dominating each 200 ms window of the recording, or '-' where none does. */
function toneSequence(path: string, candidates: readonly number[]): string[] {
  const wav = readWav(path);
  const per = candidates.map((hz) => toneWindows(wav.samples, wav.sampleRate, hz));
  return per[0].map((_, i) => String(candidates.find((_, k) => per[k][i] > 0.6) ?? '-'));
}

/** Runs of equal entries: ['a','a','b'] → [['a',2],['b',1]]. */
function runs(seq: readonly string[]): [string, number][] {
  const out: [string, number][] = [];
  for (const s of seq) {
    const last = out.at(-1);
    if (last && last[0] === s) last[1]++;
    else out.push([s, 1]);
  }
  return out;
}

/** What was heard, as stretches of ≥ 600 ms of one tone; shorter runs (transitions, a glitch) are left out. */
function stretches(seq: readonly string[]): [string, number][] {
  return runs(seq).filter(([tone, n]) => tone !== '-' && n >= 3)
    .reduce<[string, number][]>((out, [tone, n]) => {
      const last = out.at(-1);
      if (last && last[0] === tone) last[1] += n;
      else out.push([tone, n]);
      return out;
    }, []);
}

/** The tone alice heard in the last 1.5 s of her recording. */
const heardAtEnd = (path: string, candidates: readonly number[]): string => {
  const wav = readWav(path);
  return dominantTone(lastSeconds(wav, 1.5), wav.sampleRate, candidates);
};

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'hold and transfer in the app path', () => {
  const pbx = useAsterisk();
  let bob: AppPhone;
  const running: RunningCli[] = [];

  beforeAll(async () => {
    ensureBuilt();
    bob = await startAppPhone({ toneHz: BOB_HZ });
    await bob.register({ server: pbx().server, username: 'bob', secret: USERS.bob, codecs: ['ulaw'] });
  }, 120_000);
  afterEach(async () => {
    for (const c of running.splice(0)) c.kill('SIGKILL');
    for (const c of await bob.api.request('call:list')) await bob.api.request('call:hangup', { callId: c.id });
    await pbx().waitIdle();
  });
  afterAll(async () => { await bob?.close(); });

  /** Alice calls 610; bob answers at once. Returns alice's process, her recording's path and bob's call. */
  async function aliceCallsBob(): Promise<{ alice: RunningCli; heard: string; call: CallView }> {
    const dir = await tempDir('redial-hold-');
    writeToneWav(join(dir, 'alice.wav'), ALICE_HZ, 30);
    const earlier = new Set(bob.seen('call:incoming').map((c) => c.id));
    const heard = join(dir, 'heard.wav');
    const alice = redialAs(pbx(), 'alice', 'call', ['610', '--codec', 'ulaw', '--play', join(dir, 'alice.wav'), '--record', heard]);
    running.push(alice);
    const call = await bob.next('call:incoming', (c) => !earlier.has(c.id));
    await bob.api.request('call:answer', { callId: call.id });
    await alice.waitForEvent((e) => e.event === 'answered');
    return { alice, heard, call };
  }

  /** Alice hangs up (Ctrl-C) and her recording is complete. */
  async function aliceHangsUp(alice: RunningCli): Promise<void> {
    alice.kill('SIGINT');
    expect(await alice.exited(), alice.stderr()).toBe(0);
  }

  it('bob holds: alice hears the music on hold (700 Hz), then bob again once he resumes', async () => {
    const { alice, heard, call } = await aliceCallsBob();
    await sleep(1500); // bob's voice first
    await bob.api.request('call:hold', { callId: call.id, hold: true });
    await sleep(2000); // real time on hold
    await bob.api.request('call:hold', { callId: call.id, hold: false });
    await sleep(1500);
    await aliceHangsUp(alice);
    // Bob, then the MOH tone for most of the 2 s hold, then bob again.
    const heardSeq = stretches(toneSequence(heard, [BOB_HZ, MOH_HZ]));
    expect(heardSeq.map(([tone]) => tone)).toEqual([String(BOB_HZ), String(MOH_HZ), String(BOB_HZ)]);
    expect(heardSeq[1][1]).toBeGreaterThanOrEqual(7); // ≥ 1.4 s of the 2 s hold
  });

  it('blind transfer to 620: Asterisk moves alice there (AstDB, core show channels) and she hears its tone; bob\'s call ends as transferred', async () => {
    const { alice, heard, call } = await aliceCallsBob();
    await bob.api.request('call:transfer', { callId: call.id, target: '620' });
    const end = await bob.next('call:ended', (e) => e.call.id === call.id);
    expect(end.history).toMatchObject({ outcome: 'transferred', transferredTo: '620' });
    expect(await pbx().waitForDb('redial-transfer', '620')).toBe('2001');
    await untilAsync('alice\'s channel runs 620\'s Milliwatt()', async () =>
      /IAX2\/alice-\d+\s+620@from-softphone:\d+\s+Up\s+Milliwatt/.test(await pbx().cli('core show channels')), 5000);
    await sleep(1500);
    await aliceHangsUp(alice);
    expect(heardAtEnd(heard, [BOB_HZ, MILLIWATT_HZ])).toBe(String(MILLIWATT_HZ));
  });

  it('attended transfer: bob holds alice, consults 621, hands her over; Asterisk runs her into 621 and both bob\'s calls end', async () => {
    const { alice, heard, call } = await aliceCallsBob();
    await bob.api.request('call:hold', { callId: call.id, hold: true });
    const consult = await bob.api.request('call:dial', { number: '621' });
    await bob.next('call:updated', (c) => c.id === consult.id && c.state === 'up');
    expect(await pbx().waitForDb('redial-transfer', '621-2002')).toMatch(/^\d+$/); // bob's consultation arrived
    await bob.api.request('call:transfer-to-call', { callId: call.id, toCallId: consult.id });
    const [heldEnd, consultEnd] = await Promise.all([
      bob.next('call:ended', (e) => e.call.id === call.id), bob.next('call:ended', (e) => e.call.id === consult.id)]);
    expect(heldEnd.history.outcome).toBe('transferred');
    expect(consultEnd.history.outcome).toBe('transferred');
    expect(await pbx().waitForDb('redial-transfer', '621-2001')).toMatch(/^\d+$/);
    await untilAsync('alice\'s channel runs 621\'s Echo()', async () =>
      /IAX2\/alice-\d+\s+621@from-softphone:\d+\s+Up\s+Echo/.test(await pbx().cli('core show channels')), 5000);
    await sleep(1500);
    await aliceHangsUp(alice);
    // 621 echoes: alice now hears herself.
    expect(heardAtEnd(heard, [BOB_HZ, ALICE_HZ, MOH_HZ])).toBe(String(ALICE_HZ));
  });
});
