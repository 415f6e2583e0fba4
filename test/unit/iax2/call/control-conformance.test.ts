// C-5 (the CONTROL values a client must act on, the rest ignored) and UNSUPPORT handling, on the call layer
// (spec §2.2 #33, §2.3; the transport's ACK of these frames is covered in test/unit/iax2/transport/dialog.test.ts).
import { describe, expect, it } from 'vitest';
import { createCallManager } from '../../../../electron/core/iax2/call/index.js';
import type { AccountConfig, CallEndInfo, CallNotice, CallState } from '../../../../electron/core/iax2/engine-api.js';
import { IeWriter } from '../../../../electron/core/iax2/wire/ies.js';
import { ControlSubclass, FrameType, IaxSubclass, IeType } from '../../../../electron/core/iax2/wire/types.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { FakeDialog, fakeHost } from './fake-dialog.js';

const account: AccountConfig = { id: 'a', server: 'pbx.test', username: '1001', secret: 'secret', codecs: ['ulaw'] };
const flush = () => new Promise((r) => setTimeout(r, 0));

async function acceptedCall() {
  const clock = new FakeClock();
  const dialogs: FakeDialog[] = [];
  const mgr = createCallManager(fakeHost(clock, dialogs, []));
  const call = mgr.dial({ number: '600' }, account);
  const states: CallState[] = [];
  const ended: CallEndInfo[] = [];
  const notices: CallNotice[] = [];
  const tones: number[] = [];
  const holds: boolean[] = [];
  call.on('state', (s) => states.push(s));
  call.on('ended', (e) => ended.push(e));
  call.on('notice', (n) => notices.push(n));
  call.on('stop-tones', () => tones.push(1));
  call.on('remote-hold', (h) => holds.push(h));
  await flush();
  const d = dialogs[0]!;
  d.deliver(FrameType.IAX, IaxSubclass.ACCEPT, new IeWriter().u32(IeType.FORMAT, 4).versionedU64(IeType.FORMAT2, 4n).finish());
  return { call, d, states, ended, notices, tones, holds };
}

describe('C-5: CONTROL values 3, 4, 5, 8, 14, 15, 16, 17, 0xFF are acted on; the rest ignored', () => {
  it('PROCEEDING (15) changes nothing; HOLD/UNHOLD (16/17) are reported; 0xFF stops tones', async () => {
    const c = await acceptedCall();
    const sentBefore = c.d.sent.length;
    c.d.deliver(FrameType.CONTROL, ControlSubclass.PROCEEDING);
    c.d.deliver(FrameType.CONTROL, ControlSubclass.RINGING);
    c.d.deliver(FrameType.CONTROL, ControlSubclass.STOP_INDICATIONS);
    c.d.deliver(FrameType.CONTROL, ControlSubclass.ANSWER);
    c.d.deliver(FrameType.CONTROL, ControlSubclass.HOLD);
    c.d.deliver(FrameType.CONTROL, ControlSubclass.UNHOLD);
    expect(c.states).toEqual(['proceeding', 'ringing', 'up']);
    expect(c.holds).toEqual([true, false]);
    expect(c.tones.length).toBe(2); // 0xFF and ANSWER
    expect(c.d.sent.length).toBe(sentBefore); // nothing answered by the call: the transport ACKs
  });

  it('CONGESTION (8) ends the call as congestion and releases the leg with HANGUP', async () => {
    const c = await acceptedCall();
    c.d.deliver(FrameType.CONTROL, ControlSubclass.CONGESTION);
    expect(c.ended[0]?.error?.code).toBe('congestion');
    expect(c.d.lastReliable().frame.subclass).toBe(IaxSubclass.HANGUP);
  });

  it('every other CONTROL value (RING, OFFHOOK, FLASH, WINK, OPTION, VIDUPDATE, SRCUPDATE, CONNECTED_LINE, unknown 99) is ignored', async () => {
    const c = await acceptedCall();
    c.d.deliver(FrameType.CONTROL, ControlSubclass.RINGING);
    const sentBefore = c.d.sent.length;
    for (const v of [ControlSubclass.RING, ControlSubclass.OFFHOOK, ControlSubclass.FLASH, ControlSubclass.WINK,
      ControlSubclass.OPTION, ControlSubclass.VIDUPDATE, ControlSubclass.SRCUPDATE, ControlSubclass.CONNECTED_LINE,
      ControlSubclass.REDIRECTING, ControlSubclass.AOC, 99]) {
      c.d.deliver(FrameType.CONTROL, v);
    }
    expect(c.states).toEqual(['proceeding', 'ringing']);
    expect(c.ended).toEqual([]);
    expect(c.tones).toEqual([]);
    expect(c.d.sent.length).toBe(sentBefore);
  });
});

describe('UNSUPPORT from the peer (spec §2.2 #33)', () => {
  it('is reported as a notice naming the command, and the call goes on', async () => {
    const c = await acceptedCall();
    c.d.deliver(FrameType.IAX, IaxSubclass.UNSUPPORT, new IeWriter().u8(IeType.IAX_UNKNOWN, IaxSubclass.RTKEY).finish());
    expect(c.notices).toMatchObject([{ kind: 'unsupported' }]);
    expect(c.notices[0]?.message).toContain(String(IaxSubclass.RTKEY));
    expect(c.ended).toEqual([]);
    expect(c.call.state).toBe('proceeding');
  });
});
