// Admission of direct calls (transport/incoming-admission.ts, rate-buckets.ts; docs/security.md §7) on a virtual
// clock: tokens bound to address and port and to 10 s, replies never larger than the request, rate limits, and the
// dialog table keeping room for real callers when a tokenless (legacy) flood comes from many addresses.
import { describe, expect, it } from 'vitest';
import { IncomingAdmission, TOKEN_LIFETIME_MS } from '../../../../electron/core/iax2/transport/incoming-admission.js';
import { IaxTransport, MAX_HALF_OPEN_PER_ADDRESS } from '../../../../electron/core/iax2/transport/iax-transport.js';
import { RateBuckets } from '../../../../electron/core/iax2/transport/rate-buckets.js';
import { decodeDatagram } from '../../../../electron/core/iax2/wire/frame-codec.js';
import { IeReader, IeWriter } from '../../../../electron/core/iax2/wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame } from '../../../../electron/core/iax2/wire/types.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { MemorySocket, SeededRandom, frame } from './helpers.js';

const A = { address: '192.0.2.10', port: 4569 };

function newOf(token: string | undefined, sourceCall = 100): FullFrame {
  const w = new IeWriter().u16(IeType.VERSION, 2).string(IeType.CALLED_NUMBER, '1001').string(IeType.CALLING_NUMBER, '6001')
    .string(IeType.CALLING_NAME, 'Caller').u32(IeType.FORMAT, 4).u32(IeType.CAPABILITY, 4);
  if (token !== undefined) w.string(IeType.CALLTOKEN, token);
  const d = decodeDatagram(frame({ sourceCall, destCall: 0, frameType: FrameType.IAX, subclass: IaxSubclass.NEW, payload: w.finish() }));
  if (!d.ok || d.value.kind !== 'full') throw new Error('bad frame');
  return d.value;
}
const size = (f: FullFrame): number => 12 + f.payload.length;

function tokenOf(a: IncomingAdmission, from = A): string {
  const r = a.check(newOf(''), from, size(newOf('')));
  if (r.kind !== 'reply' || r.subclass !== IaxSubclass.CALLTOKEN) throw new Error(`no token: ${JSON.stringify(r)}`);
  const ies = IeReader.fromPayload(r.payload);
  return ies.ok ? ies.value.string(IeType.CALLTOKEN) ?? '' : '';
}

describe('IncomingAdmission: call tokens', () => {
  it('issues a short token no larger than the request, accepts it from the same address and port for 10 s only', () => {
    const clock = new FakeClock(50_000);
    const a = new IncomingAdmission(clock, new SeededRandom(1));
    const token = tokenOf(a);
    expect(token.length).toBeLessThanOrEqual(24);
    expect(a.check(newOf(token), A, size(newOf(token)))).toEqual({ kind: 'open', verified: true });
    expect(a.verified(A)).toBe(true);
    expect(a.check(newOf(token), { ...A, port: 4570 }, 100)).toMatchObject({ kind: 'reply', subclass: IaxSubclass.REJECT });
    expect(a.check(newOf(token), { ...A, address: '192.0.2.11' }, 100)).toMatchObject({ kind: 'reply', subclass: IaxSubclass.REJECT });
    clock.advance(TOKEN_LIFETIME_MS + 1000);
    expect(a.check(newOf(token), A, 100)).toMatchObject({ kind: 'reply', subclass: IaxSubclass.REJECT });
    // Another process (another secret) does not accept it either.
    const other = new IncomingAdmission(new FakeClock(50_000), new SeededRandom(2));
    expect(other.check(newOf(token), A, 100)).toMatchObject({ kind: 'reply', subclass: IaxSubclass.REJECT });
  });

  it('answers a NEW too small for a token with nothing, and refuses tokenless NEWs unless optional', () => {
    const a = new IncomingAdmission(new FakeClock(), new SeededRandom(1));
    expect(a.check(newOf(''), A, 30)).toMatchObject({ kind: 'drop' });
    expect(a.check(newOf(undefined), A, 12)).toMatchObject({ kind: 'reply', subclass: IaxSubclass.REJECT, payload: new Uint8Array(0) });
    a.policy = 'optional';
    expect(a.check(newOf(undefined), { ...A, port: 1 }, 100)).toEqual({ kind: 'open', verified: false });
  });

  it('limits stateless replies per source and dialogs per address', () => {
    const clock = new FakeClock();
    const a = new IncomingAdmission(clock, new SeededRandom(1));
    const replies = Array.from({ length: 30 }, () => a.check(newOf(''), A, 100).kind);
    expect(replies.filter((k) => k === 'reply')).toHaveLength(10);
    clock.advance(1000);
    expect(a.check(newOf(''), A, 100).kind).toBe('reply');
    a.policy = 'optional';
    const opens = Array.from({ length: 20 }, (_, i) => a.check(newOf(undefined), { address: '192.0.2.20', port: 1000 + i }, 100).kind);
    expect(opens.filter((k) => k === 'open')).toHaveLength(8);
  });

  it('answers a source that proved its address at its set-up rate (one process placing many calls), still bounded', () => {
    const clock = new FakeClock();
    const a = new IncomingAdmission(clock, new SeededRandom(1));
    const token = tokenOf(a);
    expect(a.check(newOf(token), A, size(newOf(token)))).toEqual({ kind: 'open', verified: true });
    const replies = Array.from({ length: 300 }, () => a.check(newOf(''), A, 100).kind);
    expect(replies.filter((k) => k === 'reply')).toHaveLength(200);
    // Another port of the same host has proved nothing: the per-source limit applies to it.
    const other = Array.from({ length: 30 }, () => a.check(newOf(''), { ...A, port: 4570 }, 100).kind);
    expect(other.filter((k) => k === 'reply')).toHaveLength(10);
  });

  it('RateBuckets forgets the least recently used key when full, and refills with time', () => {
    const clock = { t: 0 };
    const b = new RateBuckets(1, 2, 3);
    expect([b.take('x', clock.t), b.take('x', clock.t), b.take('x', clock.t)]).toEqual([true, true, false]);
    clock.t = 1000;
    expect(b.take('x', clock.t)).toBe(true);
    for (const k of ['a', 'b', 'c']) b.take(k, clock.t);
    expect(b.size).toBe(3);
  });
});

describe('the dialog table under a tokenless flood from many addresses (call tokens optional)', () => {
  it('caps half-open calls per address and evicts unverified half-open dialogs first, so a verified caller gets in', () => {
    const clock = new FakeClock();
    const socket = new MemorySocket();
    const t = new IaxTransport({ socket, clock, random: new SeededRandom(5), maxDialogs: 64 + 200 });
    t.setCallTokenPolicy('optional');
    const opened: number[] = [];
    const admit = (from: { address: string; port: number }, f: FullFrame): void => {
      t.admitDirect(f, from, (d) => opened.push(d.localCall));
    };
    // One address: at most MAX_HALF_OPEN_PER_ADDRESS half-open (and, tokenless, at most 2 new ones a second).
    for (let i = 0; i < 100; i++) { clock.advance(1000); admit({ address: '198.51.100.1', port: 2000 + i }, newOf(undefined, 100 + i)); }
    expect(t.dialogCount()).toBe(MAX_HALF_OPEN_PER_ADDRESS);
    // Many addresses: the table (200 entries for callers here) fills, then the oldest unverified dialogs give way.
    for (let i = 0; i < 300; i++) admit({ address: `198.51.${101 + (i >> 8)}.${i & 0xff}`, port: 3000 }, newOf(undefined, 200 + i));
    expect(t.dialogCount()).toBe(200);
    // A verified caller still gets a dialog.
    t.setCallTokenPolicy('required');
    const from = { address: '203.0.113.5', port: 4569 };
    socket.clear();
    admit(from, newOf(''));
    const reply = decodeDatagram(socket.sent[0]!.data);
    if (!reply.ok || reply.value.kind !== 'full') throw new Error('no reply');
    const token = IeReader.fromPayload(reply.value.payload);
    const before = opened.length;
    admit(from, newOf(token.ok ? token.value.string(IeType.CALLTOKEN) : ''));
    expect(opened.length).toBe(before + 1);
    expect(t.dialogCount()).toBe(200);
  });
});
