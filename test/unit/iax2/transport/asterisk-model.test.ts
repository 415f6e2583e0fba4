// The Asterisk model the set-up tests rely on (test/support/asterisk-model.ts) answers the matching cases as the
// real Asterisk 22 does (test/interop/asterisk-matching.test.ts runs the same cases against it).
import { describe, expect, it } from 'vitest';
import { decodeDatagram, encodeMiniFrame } from '../../../../electron/core/iax2/wire/frame-codec.js';
import type { FullFrame } from '../../../../electron/core/iax2/wire/types.js';
import { AsteriskModel } from '../../../support/asterisk-model.js';
import { MATCHING_CASES, MATCHING_USERS, type MatchingPeer } from '../../../support/asterisk-matching-cases.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { encodeRawFrame } from '../../../support/raw-iax-client.js';

const CLIENT = { address: '127.0.0.1', port: 40000 };

function modelPeer(): MatchingPeer {
  const received: FullFrame[] = [];
  const model = new AsteriskModel({
    clock: new FakeClock(), users: MATCHING_USERS,
    send: (bytes) => { const d = decodeDatagram(bytes); if (d.ok && d.value.kind === 'full') received.push(d.value); },
  });
  return {
    received,
    send: (f) => model.receive(encodeRawFrame(f), CLIENT),
    sendMini: (call, ts, payload) => model.receive(encodeMiniFrame(call, ts & 0xffff, payload), CLIENT),
    next: async (what, pred) => {
      const f = received.find(pred);
      if (!f) throw new Error(`the model sent no ${what}`);
      return f;
    },
    settle: async () => undefined,
    channels: async () => model.channels(),
  };
}

describe('the Asterisk model matches frames to dialogs as Asterisk 22 does', () => {
  for (const c of MATCHING_CASES) it(c.name, () => c.run(modelPeer(), expect));
});
