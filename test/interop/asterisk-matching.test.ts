// The real Asterisk 22 matches frames to dialogs as test/support/asterisk-model.ts models it: the same frame scripts
// (test/support/asterisk-matching-cases.ts) run here against ../shared/asterisk and in
// test/unit/iax2/transport/asterisk-model.test.ts against the model. The fake-time set-up tests
// (test/unit/iax2/transport/setup-under-loss.test.ts) are only as good as this agreement.
import { afterEach, expect, it } from 'vitest';
import { asteriskAvailable, useAsterisk } from '../support/asterisk.js';
import { cleanUpMatching, MATCHING_CASES, type MatchingPeer } from '../support/asterisk-matching-cases.js';
import { describeWithPeer } from '../support/peers.js';
import { RawIaxClient } from '../support/raw-iax-client.js';
import { sleep } from '../support/wait.js';

describeWithPeer('Asterisk 22 dialog matching (the model\'s rules M-1…M-6)', asteriskAvailable(), 'the test PBX', () => {
  const pbx = useAsterisk();
  const clients: RawIaxClient[] = [];
  afterEach(async () => { for (const c of clients.splice(0)) await c.close(); });

  async function realPeer(): Promise<MatchingPeer> {
    const c = await RawIaxClient.open({ address: '127.0.0.1', port: pbx().port });
    clients.push(c);
    return {
      received: c.received,
      send: (f) => c.send(f),
      sendMini: (call, ts, payload) => c.sendMini(call, ts, payload),
      next: (what, pred) => c.next(what, pred),
      // INVAL is handled as soon as Asterisk reads it; 200 ms is ample on loopback (there is nothing to wait on).
      settle: () => sleep(200),
      channels: async () => {
        // `iax2 show channels` lists "ID (Lo/Rem)" as 00123/04567; only dialogs from this client's port are ours.
        const text = await pbx().cli('iax2 show channels');
        return [...text.matchAll(/^\S+\s+127\.0\.0\.1\s+\S*\s+(\d{5})\/(\d{5})/gm)].map((m) => ({ lo: Number(m[1]), rem: Number(m[2]) }));
      },
    };
  }

  for (const c of MATCHING_CASES) {
    it(c.name, async () => {
      const peer = await realPeer();
      try { await c.run(peer, expect); } finally { await cleanUpMatching(peer); }
    }, 20_000);
  }
});
