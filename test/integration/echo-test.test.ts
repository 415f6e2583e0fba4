// The "Echo test" end to end, as the app composes it: the phone (real engine on loopback UDP, the paced fake sound
// device whose microphone plays a tone, codecs, jitter buffer) calls the echo peer built into it (a second phone on
// its own loopback port with EchoPhoneMedia) and hears its own microphone come back, within a second of asking,
// with no server anywhere. The peer reflects several calls at once; the test calls stay out of the history.
import { describe, expect, it } from 'vitest';
import { composePhone, type ComposedPhone } from '../../electron/host/compose-phone.js';
import { createDeviceMedia } from '../../electron/host/device-media-factory.js';
import { startEchoPeer, type EchoPeer } from '../../electron/host/echo-peer.js';
import type { CallView } from '../../electron/shared/api.js';
import { until, untilAsync } from '../support/wait.js';

async function phoneWithEcho(): Promise<{ phone: ComposedPhone; peers: EchoPeer[] }> {
  const peers: EchoPeer[] = [];
  const phone = await composePhone({
    host: 'headless', version: 't', localPort: 0, bindAddress: '127.0.0.1', audio: 'fake', fakeCaptureToneHz: 1000,
    secrets: 'memory', secretStorage: 'memory',
  }, { createMedia: createDeviceMedia, echoPeer: async () => { const p = await startEchoPeer(); peers.push(p); return p; } });
  return { phone, peers };
}

describe('Echo test (the echo peer built into the phone)', () => {
  it('hears the microphone come back through the engine, codec and jitter buffer, with no server', async () => {
    const { phone, peers } = await phoneWithEcho();
    try {
      const api = phone.phone;
      const levels: { at: number; out: number | null }[] = [];
      api.on('levels', (l) => levels.push({ at: Date.now(), out: l.outputDbfs }));
      const asked = Date.now();
      const call = await api.request('call:echo-test');
      expect(call).toMatchObject({ echoTest: true, direction: 'outgoing', remoteAddress: peers[0].server });
      expect(call.accountId).toBeUndefined();
      let up = 0;
      api.on('call:updated', (c: CallView) => { if (c.id === call.id && c.state === 'up' && !up) up = Date.now(); });
      await until('the echo peer answers', () => up > 0, 5000);
      // Our own 1 kHz tone, reflected, plays on the speaker: the output meter rises well above silence.
      await until('the echo comes back to the speaker', () => levels.some((l) => l.out !== null && l.out > -40), 5000);
      const heard = levels.find((l) => l.out !== null && l.out > -40)!.at;
      console.log(`echo test: answered ${up - asked} ms, own voice heard ${heard - asked} ms after asking`);
      // Voice keeps flowing both ways (counted, not timed: the frames arrive at the pace of the media clock).
      await untilAsync('frames flow both ways', async () => {
        const stats = await api.request('call:stats', { callId: call.id });
        return stats.framesReceived > 10 && stats.framesSent > 10;
      }, 5000);
      expect(peers[0].activeCalls()).toBe(1);
      await api.request('call:hangup', { callId: call.id });
      await until('the echo call ends at the peer', () => peers[0].activeCalls() === 0, 5000);
      // A test, not a call: it leaves no history behind.
      expect(await api.request('history:list', {})).toEqual([]);
      // One peer for the phone's life: the next test calls the same one.
      const again = await api.request('call:echo-test');
      expect(again.remoteAddress).toBe(peers[0].server);
      expect(peers).toHaveLength(1);
      await api.request('call:hangup', { callId: again.id });
    } finally {
      await phone.close();
    }
  });

  it('goes through the codec the user picks, and each one brings the microphone back', async () => {
    const { phone } = await phoneWithEcho();
    try {
      const api = phone.phone;
      let loud = false;
      api.on('levels', (l) => { if (l.outputDbfs !== null && l.outputDbfs > -40) loud = true; });
      for (const codec of ['alaw', 'g722', 'gsm', 'opus'] as const) {
        loud = false;
        const call = await api.request('call:echo-test', { codec });
        await untilAsync(`the ${codec} echo test is up`, async () => (await api.request('call:list', {})).some((c) => c.id === call.id && c.state === 'up'), 5000);
        const up = (await api.request('call:list', {})).find((c) => c.id === call.id)!;
        expect(up.codec).toBe(codec);
        await until(`the tone comes back through ${codec}`, () => loud, 5000);
        await api.request('call:hangup', { callId: call.id });
        await untilAsync(`the ${codec} echo test ends`, async () => (await api.request('call:list', {})).length === 0, 5000);
      }
    } finally {
      await phone.close();
    }
  });

  it('reflects many calls at once', async () => {
    const peer = await startEchoPeer();
    const callers: ComposedPhone[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        callers.push(await composePhone({ host: 'headless', version: 't', localPort: 0, bindAddress: '127.0.0.1', audio: 'fake',
          fakeCaptureToneHz: 700 + i * 100, secrets: 'memory', secretStorage: 'memory' }, { createMedia: createDeviceMedia }));
      }
      const calls = await Promise.all(callers.map((c) => c.phone.request('call:dial', { number: 'echo', direct: { server: peer.server } })));
      await until('all eight reflected', () => peer.activeCalls() === 8, 10_000);
      for (const [i, c] of callers.entries()) {
        await untilAsync(`caller ${i} hears its echo`, async () => (await c.phone.request('call:stats', { callId: calls[i].id })).framesReceived > 25, 10_000);
      }
    } finally {
      await Promise.all(callers.map((c) => c.close()));
      await peer.close();
    }
  });
});
