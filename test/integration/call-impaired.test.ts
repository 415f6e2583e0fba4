// Outgoing call setup through H1's impairment proxy (20% loss, reordering, duplicates both ways): the call-token
// dance, MD5 authentication, ACCEPT and ANSWER must still complete, and so must the HANGUP (spec §3.4, §4.3-§4.5).
import { afterEach, describe, expect, it } from 'vitest';
import { createIax2Engine, type Iax2EngineImpl } from '../../electron/core/iax2/engine.js';
import type { CallEndInfo } from '../../electron/core/iax2/engine-api.js';
import type { RetransmitPolicy } from '../../electron/core/iax2/transport/retransmit-policy.js';
import { ControlSubclass, FrameType, IaxSubclass } from '../../electron/core/iax2/wire/types.js';
import { startImpairProxy, type ImpairProxy } from '../support/impair-proxy.js';
import { ScriptedCallPeer } from '../support/scripted-peer-calls.js';
import { LoopbackUdpPort, cryptoRandom, loopbackResolver, systemClock } from '../support/scripted-peer-calls-net.js';

const until = (what: string, pred: () => boolean, timeoutMs: number) => new Promise<void>((resolve, reject) => {
  const start = Date.now();
  const tick = () => { if (pred()) resolve(); else if (Date.now() - start > timeoutMs) reject(new Error(`timed out: ${what}`)); else setTimeout(tick, 5); };
  tick();
});

// Asterisk's timers (2 s ×10) would make a lossy test take minutes; the same algorithm with loopback-sized numbers.
const FAST: RetransmitPolicy = { initialRttMs: 60, minRtoMs: 100, maxRtoMs: 400, backoff: 2, maxTransmissions: 15, openingMinRtoMs: 150 };

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

describe('outgoing call through 20% loss + reordering + duplicates', () => {
  for (const seed of [7, 21, 1234]) {
    it(`completes setup and teardown (seed ${seed})`, async () => {
      const peer = await ScriptedCallPeer.start();
      cleanup.push(() => peer.close());
      peer.serve = { secret: 'pw', outcome: { accept: 0x4n } };
      peer.rto = 120;
      const proxy: ImpairProxy = await startImpairProxy({ target: peer.endpoint, seed, lossRate: 0.2, reorderRate: 0.15, duplicateRate: 0.15, jitterMs: 5 });
      cleanup.push(() => proxy.close());
      const socket = await LoopbackUdpPort.bind(0);
      cleanup.push(() => socket.close());
      const engine: Iax2EngineImpl = createIax2Engine({ socket, clock: systemClock, random: cryptoRandom, resolver: loopbackResolver, keepaliveMs: 0, retransmit: FAST });
      cleanup.push(() => engine.shutdown());
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
