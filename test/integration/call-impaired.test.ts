// Outgoing call setup through the impairment proxy (20% loss, reordering, duplicates both ways): the call-token
// dance, MD5 authentication, ACCEPT and ANSWER must still complete, and so must the HANGUP (spec §3.4, §4.3-§4.5).
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndInfo } from '../../electron/core/iax2/engine-api.js';
import { ControlSubclass, FrameType, IaxSubclass } from '../../electron/core/iax2/wire/types.js';
import { callRigs } from '../support/call-rig.js';
import { startImpairProxy, type ImpairProxy } from '../support/impair-proxy.js';
import { until } from '../support/wait.js';

const newRig = callRigs();
// The proxies; the rigs (engine, socket, peer) are torn down by callRigs' own afterEach.
const proxies: ImpairProxy[] = [];
afterEach(async () => { for (const p of proxies.splice(0)) await p.close(); });

describe('outgoing call through 20% loss + reordering + duplicates', () => {
  for (const seed of [7, 21, 1234]) {
    it(`completes setup and teardown (seed ${seed})`, async () => {
      // The product's own timers (RTT-based, retransmit-policy.ts): no scaled-down policy is needed any more.
      const { peer, engine } = await newRig({ account: null });
      peer.serve = { secret: 'pw', outcome: { accept: 0x4n } };
      peer.rto = 120;
      const proxy = await startImpairProxy({ target: peer.endpoint, seed, lossRate: 0.2, reorderRate: 0.15, duplicateRate: 0.15, jitterMs: 5 });
      proxies.push(proxy);
      engine.setAccounts([{ id: 'a', server: `127.0.0.1:${proxy.port}`, username: '1001', secret: 'pw', register: false }]);

      const call = engine.dial({ accountId: 'a', number: '600' });
      let ended: CallEndInfo | undefined;
      call.on('ended', (e) => { ended = e; });
      await until('ACCEPT', () => call.state === 'proceeding' || ended !== undefined, 15_000);
      expect(ended).toBeUndefined();
      expect(call.codec).toBe('ulaw');
      peer.send(FrameType.CONTROL, ControlSubclass.RINGING);
      peer.send(FrameType.CONTROL, ControlSubclass.ANSWER);
      await until('up', () => call.state === 'up', 15_000);
      call.sendDtmf('1');
      await peer.waitFrame(FrameType.DTMF, 0x31, 1, 15_000);
      call.hangup();
      await peer.waitFrame(FrameType.IAX, IaxSubclass.HANGUP, 1, 15_000);
      await until('dialog closed (HANGUP ACKed)', () => engine.stateSizes().dialogs === 0, 15_000);
      expect(ended).toMatchObject({ by: 'local', causeCode: 16 });
      // The path really was impaired in both directions.
      const s = proxy.stats;
      expect(s.toServer.dropped + s.toClient.dropped).toBeGreaterThan(0);
      expect(s.toServer.duplicated + s.toClient.duplicated + s.toServer.reordered + s.toClient.reordered).toBeGreaterThan(0);
    }, 40_000);
  }
});
