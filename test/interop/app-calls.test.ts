// Outgoing calls in the APP path (PhoneService + device media on the paced fake sound device, driven through the
// WebSocket contract as the renderer drives it) to the real Asterisk 22: registration words, the milliwatt tone on
// the speaker, the MOH class (640), DTMF into Read()/AstDB, busy/congestion/no such extension in the app's words, TEXT both ways, AES-128
// on the forceencryption peer as Asterisk sees it, and the Opus call Asterisk cannot bridge.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { CallView } from '../../electron/shared/api.js';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { startAppPhone, type AppPhone } from '../support/app-phone.js';
import { ensureBuilt, type RunningCli } from '../support/cli.js';
import { MILLIWATT_HZ, MOH_HZ, USERS, redialAs } from '../support/interop.js';
import { describeWithPeer } from '../support/peers.js';
import { until } from '../support/wait.js';

describeWithPeer('Asterisk 22 (../shared/asterisk)', asteriskAvailable(), 'outgoing calls in the app path', () => {
  const pbx = useAsterisk();
  let app: AppPhone;
  let aliceId: string;
  const running: RunningCli[] = [];

  beforeAll(async () => {
    app = await startAppPhone({ toneHz: 800 });
    aliceId = (await app.register({ server: pbx().server, username: 'alice', secret: USERS.alice, codecs: ['ulaw'] })).account.id;
  });
  afterEach(async () => {
    for (const c of running.splice(0)) c.kill('SIGKILL');
    for (const c of await app.api.request('call:list')) await app.api.request('call:hangup', { callId: c.id });
    await pbx().waitIdle();
  });
  afterAll(async () => { await app?.close(); });

  const dial = (number: string, accountId = aliceId): Promise<CallView> => app.api.request('call:dial', { number, accountId });
  const up = (call: CallView): Promise<CallView> => app.next('call:updated', (c) => c.id === call.id && c.state === 'up');
  const ended = (call: CallView) => app.next('call:ended', (e) => e.call.id === call.id);

  it('says why an account does not register: wrong password, unknown user', async () => {
    for (const [username, secret, words] of [
      ['alice', 'not-her-secret', /refused the password for user "alice"/],
      ['nobody', 'whatever', /refused the password for user "nobody".*unknown users/s],
    ] as const) {
      const account = await app.api.request('accounts:save', { server: pbx().server, username, secret });
      const failed = await app.next('registration', (r) => r.accountId === account.id && r.status === 'failed');
      expect(failed.error).toMatchObject({ code: 'auth-failed', message: expect.stringMatching(words) });
      await app.api.request('accounts:delete', { accountId: account.id });
    }
  });

  it('603: the 1004 Hz milliwatt tone comes out of the speaker', async () => {
    const call = await dial('603');
    expect((await up(call)).codec).toBe('ulaw');
    await until('1004 Hz on the speaker', () => app.hears(MILLIWATT_HZ), 5000);
    await app.api.request('call:hangup', { callId: call.id });
    expect((await ended(call)).history).toMatchObject({ outcome: 'answered', number: '603' });
  });

  it('640: MusicOnHold() plays the fixture\'s MOH class, a 700 Hz tone', async () => {
    const call = await dial('640');
    await up(call);
    await until('700 Hz on the speaker', () => app.hears(MOH_HZ), 5000);
  });

  it('600: DTMF typed in the call reaches Read() and lands in AstDB', async () => {
    const call = await dial('600');
    await up(call);
    await app.api.request('call:dtmf', { callId: call.id, digits: '4711' });
    expect(await pbx().waitForDb('redial', '2001')).toBe('4711');
    expect((await ended(call)).end.by).toBe('remote'); // Read() done, Wait(1), Hangup()
  });

  it('602, 604, 699: busy, congestion and no such extension, in the app\'s words', async () => {
    for (const [number, code, words] of [
      ['602', 'busy', /busy/i], ['604', 'congestion', /congestion/i], ['699', 'no-route', /no such extension/i],
    ] as const) {
      const call = await dial(number);
      const end = await ended(call);
      expect(end.end.error).toMatchObject({ code, message: expect.stringMatching(words) });
    }
  });

  it('carol is not registered: 611 and 614 say she cannot be reached, not "nobody answered" or "all circuits busy"', async () => {
    for (const [number, code, words] of [
      ['611', 'no-answer', /cannot be reached right now/], // HANGUP cause 20 (subscriber absent)
      ['614', 'congestion', /could not connect the call.*before anything rang/s], // CONGESTION a few ms after ACCEPT
    ] as const) {
      const call = await dial(number);
      const end = await ended(call);
      expect(end.end.error).toMatchObject({ code, message: expect.stringMatching(words) });
    }
  });

  it('607: the server\'s TEXT arrives, and ours reaches ReceiveText()', async () => {
    const call = await dial('607');
    await up(call);
    expect(await app.next('call:text', (t) => t.callId === call.id)).toMatchObject({ text: 'hello from asterisk' });
    await app.api.request('call:text', { callId: call.id, text: 'hello from the app' });
    expect(await pbx().waitForDb('redial-text', '2001')).toBe('hello from the app');
  });

  it('secure (forceencryption=yes): encryption required, the call is AES-128 and Asterisk says its media and signalling are secure', async () => {
    const secure = await app.register({ server: pbx().server, username: 'secure', secret: USERS.secure, codecs: ['ulaw'], encryption: 'required' });
    const call = await dial('613', secure.account.id);
    const answered = await up(call);
    expect(answered.encrypted).toBe(true);
    expect(await pbx().waitForDb('redial-secure', '2005')).toBe('1/1');
    await app.api.request('call:hangup', { callId: call.id });
    expect((await ended(call)).history.encrypted).toBe(true);
    await app.api.request('accounts:delete', { accountId: secure.account.id });
  });

  it('610 in Opus to bob, whose peer takes no Opus: the app says the far leg could not be bridged', async () => {
    ensureBuilt();
    const bob = redialAs(pbx(), 'bob', 'register', []);
    running.push(bob);
    await bob.waitForEvent((e) => e.event === 'registered');
    await app.api.request('accounts:save', { id: aliceId, codecs: ['opus'] });
    try {
      const call = await dial('610');
      const end = await ended(call);
      expect(end.end.error).toMatchObject({ code: 'no-common-codec', message: expect.stringMatching(/could not connect it to the other party.*codec_opus/s) });
      expect(end.history.outcome).toBe('failed');
    } finally {
      await app.api.request('accounts:save', { id: aliceId, codecs: ['ulaw'] });
    }
  });
});
