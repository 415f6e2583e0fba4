// Registration through the loopback impairment proxy (test/support/impair-proxy.ts): 20% loss, reordering and
// duplicates in both directions. The full token + MD5 exchange must still complete, several times over (refresh
// cycles are new dialogs), with the product's own (RTT-based) retransmission timing.
import { afterEach, describe, expect, it } from 'vitest';
import { DgramUdpBinder } from '../../electron/adapters/dgram-udp.js';
import { DnsResolver } from '../../electron/adapters/dns-resolver.js';
import { NodeRandom } from '../../electron/adapters/node-random.js';
import { SystemClock } from '../../electron/adapters/system-clock.js';
import type { RegistrationState } from '../../electron/core/iax2/engine-api.js';
import { createIax2Engine } from '../../electron/core/iax2/engine.js';
import { IaxSubclass } from '../../electron/core/iax2/wire/types.js';
import { startImpairProxy, type ImpairProxy } from '../support/impair-proxy.js';
import { ScriptedPeer } from '../support/scripted-peer.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('registration through an impaired network', () => {
  for (const seed of [1, 2, 3]) {
    it(`completes four registrations with 20% loss, reordering and duplicates (seed ${seed})`, async () => {
      const peer = await ScriptedPeer.start({ rtoMs: 300 });
      cleanups.push(() => peer.stop());
      peer.enableRegistrar({ users: { '1001': { secret: 's3cret' } }, grantRefresh: () => 1 });
      const proxy: ImpairProxy = await startImpairProxy({
        target: peer.address, seed, lossRate: 0.2, duplicateRate: 0.1, reorderRate: 0.1, jitterMs: 30,
      });
      cleanups.push(() => proxy.close());
      const socket = await new DgramUdpBinder().bind({ port: 0, fallbackToEphemeral: true, host: '127.0.0.1' });
      const engine = createIax2Engine({ illegalCallTransitions: 'throw',
        socket, clock: new SystemClock(), random: new NodeRandom(), resolver: new DnsResolver(),
        keepaliveMs: 0, registrationBackoffMs: [300],
      });
      cleanups.push(async () => { await engine.shutdown(); await socket.close(); });
      const states: RegistrationState[] = [];
      engine.on('registration', (s) => states.push(s));
      engine.setAccounts([{ id: 'a', server: `${proxy.address}:${proxy.port}`, username: '1001', secret: 's3cret' }]);

      const t0 = Date.now();
      while (states.filter((s) => s.status === 'registered').length < 4 && Date.now() - t0 < 25_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const registered = states.filter((s) => s.status === 'registered');
      const failures = states.filter((s) => s.status === 'failed').map((s) => s.error?.code);
      const st = proxy.stats;
      console.log(`seed ${seed}: ${registered.length} registrations, our retransmissions ${peer.fullFramesReceived().filter((f) => f.retransmit).length}, in ${Date.now() - t0} ms; failures ${JSON.stringify(failures)}; ` +
        `proxy →server ${JSON.stringify(st.toServer)} →client ${JSON.stringify(st.toClient)}`);
      expect(registered.length).toBeGreaterThanOrEqual(4);
      // The impairments really happened, and the losses were recovered by retransmissions (ours or the server's).
      expect(st.toServer.dropped + st.toClient.dropped).toBeGreaterThan(0);
      expect(st.toServer.duplicated + st.toClient.duplicated).toBeGreaterThan(0);
      const ourRetries = peer.fullFramesReceived().filter((f) => f.retransmit).length;
      const serverRetries = peer.sent.filter((s) => s.datagram.kind === 'full' && s.datagram.retransmit).length;
      expect(ourRetries + serverRetries).toBeGreaterThan(0);
      // Duplicated requests never turned into a second registration dialog on the server.
      expect(peer.fullFramesReceived(IaxSubclass.REGREQ).length).toBeGreaterThanOrEqual(12);
    }, 30_000);
  }
});
