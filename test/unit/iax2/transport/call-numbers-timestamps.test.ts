// Call-number allocation and quarantine, timestamp rules (spec §4.6, §4.7: T-1..T-3), sequence helpers (spec §4.2).
import { describe, expect, it } from 'vitest';
import { CallNumberAllocator, MAX_CALL_NUMBER, MIN_CALL_NUMBER } from '../../../../electron/core/iax2/transport/call-numbers.js';
import { classifyArrival, inSeqRange, isUnsequenced } from '../../../../electron/core/iax2/transport/sequencing.js';
import { IncomingTimestamps, MAX_MINI_STEP_MS, OutgoingTimestamps, voiceNeedsFullFrame } from '../../../../electron/core/iax2/transport/timestamps.js';
import { addRttSample, initialRto, nextRto, DEFAULT_RETRANSMIT } from '../../../../electron/core/iax2/transport/retransmit-policy.js';
import { FrameType, IaxSubclass } from '../../../../electron/core/iax2/wire/types.js';
import type { RandomSource } from '../../../../electron/core/ports.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { SeededRandom } from './helpers.js';

describe('call numbers (spec §4.1, R-1)', () => {
  it('are unique, within 2-32767, and never 0 or 1', () => {
    const clock = new FakeClock();
    const a = new CallNumberAllocator(clock, new SeededRandom(3));
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const n = a.allocate();
      if (n === undefined) throw new Error('exhausted');
      expect(n).toBeGreaterThanOrEqual(MIN_CALL_NUMBER);
      expect(n).toBeLessThanOrEqual(MAX_CALL_NUMBER);
      expect(seen.has(n)).toBe(false);
      seen.add(n);
    }
  });

  it('quarantines a released number for 60 s', () => {
    const clock = new FakeClock();
    // A "random" source that always proposes 1234 first: only the quarantine can make the allocator avoid it.
    const stuck: RandomSource = { int: (min, max) => Math.min(max, Math.max(min, 1234)), bytes: (n) => new Uint8Array(n) };
    const a = new CallNumberAllocator(clock, stuck);
    expect(a.allocate()).toBe(1234);
    a.release(1234);
    clock.advance(59_999);
    const other = a.allocate();
    expect(other).not.toBe(1234);
    expect(other).toBeDefined();
    clock.advance(2);
    expect(a.allocate()).toBe(1234);
  });

  it('reports exhaustion instead of looping', () => {
    const clock = new FakeClock();
    const a = new CallNumberAllocator(clock, new SeededRandom(1));
    for (let i = MIN_CALL_NUMBER; i <= MAX_CALL_NUMBER; i++) expect(a.allocate()).toBeDefined();
    expect(a.allocate()).toBeUndefined();
  });
});

describe('outgoing timestamps (spec §4.6)', () => {
  it('IAX frames follow the clock but are strictly increasing (last + 3)', () => {
    let t = 0;
    const ts = new OutgoingTimestamps(() => t);
    expect(ts.forIax()).toBe(0);
    expect(ts.forIax()).toBe(3);
    t = 100;
    expect(ts.forIax()).toBe(100);
    expect(ts.forIax()).toBe(103);
  });

  it('voice is predicted from the frame duration and snaps to the clock after a pause', () => {
    let t = 7;
    const ts = new OutgoingTimestamps(() => t);
    expect(ts.forVoice(20)).toBe(20); // rounded up to a multiple of the frame
    t = 31; // capture callbacks jitter; the stream does not
    expect(ts.forVoice(20)).toBe(40);
    t = 45;
    expect(ts.forVoice(20)).toBe(60);
    t = 1000; // talk resumes after silence: more than 160 ms off the prediction
    expect(ts.forVoice(20)).toBe(1000);
    expect(ts.forVoice(20)).toBe(1020);
  });

  it('control frames within 160 ms of the last timestamp follow it by 3 ms', () => {
    let t = 0;
    const ts = new OutgoingTimestamps(() => t);
    t = 200;
    expect(ts.forVoice(20)).toBe(200);
    t = 250;
    expect(ts.forControl()).toBe(203);
    t = 900;
    expect(ts.forControl()).toBe(900);
  });

  it('needs a full voice frame when the upper 16 bits change (T-2)', () => {
    expect(voiceNeedsFullFrame(100, undefined)).toBe(true);
    expect(voiceNeedsFullFrame(65_535, 0)).toBe(false);
    expect(voiceNeedsFullFrame(65_536, 65_500)).toBe(true);
  });
});

describe('incoming timestamps (spec §4.7, T-3)', () => {
  it('un-wraps 16-bit timestamps with the ±50 000 ms rule', () => {
    const ts = new IncomingTimestamps();
    ts.noteFull(131_000); // 0x0001_FFB8
    expect(ts.unwrap16(131_020 & 0xffff)).toBe(131_020);
    expect(ts.unwrap16(10)).toBe(0x20000 + 10); // sender wrapped with minis
    expect(ts.unwrap16(131_040 & 0xffff)).toBe(131_040); // a late frame from before the wrap
  });

  it('a garbage mini timestamp does not move the reference: later frames un-wrap as if it had never come', () => {
    // The reference at 40 s; two injected minis, 25 s and 45 s ahead (the second would cross into the next epoch
    // from a reference the first had moved), then the real stream goes on 20 ms at a time.
    const ts = new IncomingTimestamps();
    ts.noteFull(40_000);
    ts.unwrap16(65_000);
    ts.unwrap16(10_000);
    expect(ts.lastSeen()).toBe(40_000);
    expect(ts.unwrap16(40_020)).toBe(40_020);
    expect(ts.unwrap16(40_040)).toBe(40_040);
    // The same garbage with no bound: the first would have moved the reference to 65 000, the second un-wrapped to
    // 75 536 (10 000 + one epoch) and the real frame after it to 105 576 instead of 40 060.
    expect(ts.unwrap16(40_060)).toBe(40_060);
  });

  it('one frame moves the reference at most MAX_MINI_STEP_MS; a bigger jump (talk after silence) once the next frame confirms it', () => {
    const ts = new IncomingTimestamps();
    ts.noteFull(1_000);
    expect(ts.unwrap16(1_020)).toBe(1_020);
    expect(ts.lastSeen()).toBe(1_020);
    // 8 s of silence, then talk resumes: the first frame is un-wrapped right, the reference waits for the second.
    expect(ts.unwrap16(9_020)).toBe(9_020);
    expect(ts.lastSeen()).toBe(1_020);
    expect(ts.unwrap16(9_040)).toBe(9_040);
    expect(ts.lastSeen()).toBe(9_040);
    // Within the bound the reference follows at once.
    expect(ts.unwrap16(9_040 + MAX_MINI_STEP_MS)).toBe(9_040 + MAX_MINI_STEP_MS);
    expect(ts.lastSeen()).toBe(9_040 + MAX_MINI_STEP_MS);
  });

  it('a real stream crosses the 16-bit wrap in mini frames with the bound in place', () => {
    const ts = new IncomingTimestamps();
    ts.noteFull(65_000);
    const out: number[] = [];
    for (let t = 65_020; t <= 66_500; t += 20) out.push(ts.unwrap16(t & 0xffff));
    expect(out).toEqual(Array.from({ length: out.length }, (_, i) => 65_020 + 20 * i));
  });
});

describe('sequence helpers (spec §4.2-§4.5)', () => {
  it('classifies arrivals modulo 256', () => {
    expect(classifyArrival(5, 5)).toBe('in-order');
    expect(classifyArrival(5, 4)).toBe('duplicate');
    expect(classifyArrival(0, 255)).toBe('duplicate');
    expect(classifyArrival(5, 6)).toBe('future');
    expect(classifyArrival(250, 3)).toBe('future');
  });
  it('implicit ACK ranges wrap', () => {
    expect(inSeqRange(254, 250, 2)).toBe(true);
    expect(inSeqRange(2, 250, 2)).toBe(false);
    expect(inSeqRange(1, 250, 2)).toBe(true);
  });
  it('the five unsequenced frames', () => {
    const un = [IaxSubclass.ACK, IaxSubclass.INVAL, IaxSubclass.VNAK, IaxSubclass.TXCNT, IaxSubclass.TXACC];
    for (let s = 1; s <= 40; s++) expect(isUnsequenced(FrameType.IAX, s)).toBe(un.includes(s));
    expect(isUnsequenced(FrameType.CONTROL, IaxSubclass.ACK)).toBe(false);
  });
  it('RTO (RFC 6298 §2): 300 ms until measured, then SRTT + 4 × RTTVAR within [200 ms, 4 s], ×2 per retry', () => {
    expect(initialRto(DEFAULT_RETRANSMIT, undefined)).toBe(300);
    const one = addRttSample(undefined, 100);
    expect(one).toEqual({ srtt: 100, rttvar: 50 });
    expect(initialRto(DEFAULT_RETRANSMIT, one)).toBe(300);
    const two = addRttSample(one, 20);
    expect(two).toEqual({ srtt: 90, rttvar: 57.5 });
    expect(initialRto(DEFAULT_RETRANSMIT, addRttSample(undefined, 10))).toBe(200);
    expect(initialRto(DEFAULT_RETRANSMIT, addRttSample(undefined, 5_000))).toBe(4_000);
    expect(nextRto(DEFAULT_RETRANSMIT, 300)).toBe(600);
    expect(nextRto(DEFAULT_RETRANSMIT, 3_000)).toBe(4_000);
  });
});
