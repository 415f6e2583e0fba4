// The paced fake sound device (electron/adapters/audio/paced-fake-audio.ts): 20 ms pacing without drift, catching
// up after a blocked event loop, exact content, and its lifecycle — on virtual time (test/support/fake-clock.ts), so
// a loaded machine changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { FramePacer } from '../../../../electron/adapters/audio/frame-pacer.js';
import { PacedFakeAudioSystem, fakeDevice, timingStats } from '../../../../electron/adapters/audio/paced-fake-audio.js';
import { BufferSource, fitFrame, functionSource } from '../../../../electron/adapters/audio/pcm-sources.js';
import { ToneGenerator, progressTone } from '../../../../electron/core/media/tones.js';
import { FakeClock, pacerTimers } from '../../../support/fake-clock.js';

let system: PacedFakeAudioSystem | null = null;
afterEach(async () => { await system?.closeAll(); system = null; });

describe('paced fake device: pacing (virtual time)', () => {
  it('delivers one capture frame per 20 ms, exactly, over 2 s, however late its timers fire', async () => {
    const clock = new FakeClock(0);
    // Timers fire 0-15 ms late, as on a loaded machine: lateness must never add up.
    system = new PacedFakeAudioSystem({ timers: pacerTimers(clock, (i) => (i * 7) % 16), captureSource: (rate) => functionSource((n) => (n % rate) / 4) });
    const cap = await system.openCapture({ deviceKey: null, sampleRate: 16000 });
    const lengths: number[] = [];
    cap.onFrame((pcm) => lengths.push(pcm.length));
    clock.advance(2000);
    await cap.close();
    // Frames 0 … 100 fell due in 2 s (the last few may still wait for their late timer).
    expect(lengths.length).toBeGreaterThanOrEqual(100);
    expect(lengths.length).toBeLessThanOrEqual(101);
    expect(lengths.every((n) => n === 320)).toBe(true);
    // Due times are exact multiples of the period from the start: timer lateness never adds up.
    const t = cap.timings;
    for (let i = 0; i < t.length; i++) expect(t[i].dueMs - t[0].dueMs).toBe(i * 20);
    expect(Math.max(...t.map((x) => x.actualMs - x.dueMs))).toBeLessThan(16);
  });

  it('after the event loop was blocked, catches up with every overdue frame and records how late each was', async () => {
    const clock = new FakeClock(0);
    system = new PacedFakeAudioSystem({ timers: pacerTimers(clock) });
    const play = await system.openPlayback({ deviceKey: null, sampleRate: 8000 });
    let pulls = 0;
    play.setSource(() => { pulls++; return new Int16Array(160); });
    clock.advance(100);
    const before = play.framesPlayed;
    clock.stall(150); // blocked: nothing runs
    expect(play.framesPlayed).toBe(before);
    clock.advance(30);
    const stats = timingStats(play.timings, 20);
    // Frames due during the block ran late by up to the block length; none was skipped.
    expect(stats.maxLateMs).toBeGreaterThan(100);
    expect(stats.lateFrames).toBeGreaterThanOrEqual(4);
    expect(play.framesPlayed - before).toBe(9); // 100 … 280 ms
    expect(pulls).toBe(play.framesPlayed);
    const indices = play.timings.map((x) => x.index);
    expect(indices).toEqual(indices.map((_, i) => i));
  });

  it('a pacer stopped inside its own tick delivers nothing more', () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const pacer: FramePacer = new FramePacer(5, (t) => { seen.push(t.index); if (t.index === 3) pacer.stop(); }, pacerTimers(clock));
    pacer.start();
    clock.advance(60);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(pacer.isRunning).toBe(false);
  });
});

describe('paced fake device: content and lifecycle', () => {
  it('plays exactly what the source gives, frame by frame', async () => {
    const clock = new FakeClock(0);
    system = new PacedFakeAudioSystem({ timers: pacerTimers(clock) });
    const play = await system.openPlayback({ deviceKey: null, sampleRate: 16000, frameMs: 10 });
    expect(play.frameSamples).toBe(160);
    const tone = new ToneGenerator({ repeat: true, segments: [{ frequencies: [1000], durationMs: 1000 }] }, 16000);
    const reference = new ToneGenerator(tone.spec, 16000);
    // Frames played before the source was attached are silence.
    clock.advance(25);
    const silentFrames = play.framesPlayed;
    expect(silentFrames).toBe(3);
    play.setSource(() => tone.read(160));
    clock.advance(200);
    await play.close();
    const played = play.playedAudio();
    expect(played.length).toBe(play.framesPlayed * 160);
    expect(played.subarray(0, silentFrames * 160).every((v) => v === 0)).toBe(true);
    expect(played.subarray(silentFrames * 160)).toEqual(reference.read(played.length - silentFrames * 160));
  });

  it('captures the fed source in order and reports it ended', async () => {
    const pcm = Int16Array.from({ length: 1000 }, (_, i) => i - 500);
    const src = new BufferSource(pcm);
    const clock = new FakeClock(0);
    system = new PacedFakeAudioSystem({ timers: pacerTimers(clock), captureSource: () => src });
    const cap = await system.openCapture({ deviceKey: null, sampleRate: 8000 });
    const got: number[] = [];
    cap.onFrame((f) => got.push(...f));
    clock.advance(180);
    await cap.close();
    expect(got.length).toBeGreaterThanOrEqual(1120);
    expect(Int16Array.from(got.slice(0, 1000))).toEqual(pcm);
    expect(got.slice(1000).every((v) => v === 0)).toBe(true);
    expect(cap.sourceEnded).toBe(true);
  });

  it('fits wrong-sized or failing pulls to a full frame and counts them', async () => {
    const clock = new FakeClock(0);
    system = new PacedFakeAudioSystem({ timers: pacerTimers(clock) });
    const play = await system.openPlayback({ deviceKey: null, sampleRate: 8000 });
    let n = 0;
    play.setSource(() => {
      n++;
      if (n % 3 === 0) throw new Error('decoder bug');
      return n % 3 === 1 ? new Int16Array(100).fill(7) : new Int16Array(400).fill(9);
    });
    clock.advance(130);
    await play.close();
    const f = play.playedAudio();
    expect(play.framesPlayed).toBeGreaterThanOrEqual(5);
    expect(play.badFrames).toBe(play.framesPlayed);
    expect(f.length).toBe(play.framesPlayed * 160);
    const frame = (i: number) => Array.from(f.subarray(i * 160, (i + 1) * 160));
    expect(frame(0)).toEqual([...Array(100).fill(7), ...Array(60).fill(0)]); // short: padded
    expect(frame(1)).toEqual(Array(160).fill(9)); // long: cut
    expect(frame(2)).toEqual(Array(160).fill(0)); // threw: silence
    expect(fitFrame(new Int16Array(3), 5).pcm).toEqual(new Int16Array(5));
  });

  it('close is idempotent, a failure fires onError once, and a missing device cannot be opened', async () => {
    const dev = fakeDevice('Headset');
    system = new PacedFakeAudioSystem({ devices: [dev, fakeDevice('Other', { isDefaultInput: false, isDefaultOutput: false })],
      unavailableKeys: ['Fake::Other'] });
    const cap = await system.openCapture({ deviceKey: dev.key });
    const errors: Error[] = [];
    cap.onError((e) => errors.push(e));
    cap.simulateFailure();
    cap.simulateFailure();
    expect(errors).toHaveLength(1);
    expect(cap.isClosed).toBe(true);
    await cap.close();
    await cap.close();
    await expect(system.openPlayback({ deviceKey: 'Fake::Other' })).rejects.toThrow(/not available/);
    await expect(system.openPlayback({ deviceKey: 'Fake::Nope' })).rejects.toThrow(/not found/);
    const p = await system.openPlayback({ deviceKey: null });
    expect(p.sampleRate).toBe(48000);
    expect(p.frameSamples).toBe(960);
  });

  it('tones from the core play through it at the device rate', async () => {
    const clock = new FakeClock(0);
    system = new PacedFakeAudioSystem({ deviceRate: 48000, timers: pacerTimers(clock) });
    const play = await system.openPlayback({ deviceKey: null });
    const tone = progressTone('busy', play.sampleRate);
    play.setSource(() => tone.read(play.frameSamples));
    clock.advance(100);
    await play.close();
    expect(play.playedAudio().some((v) => Math.abs(v) > 1000)).toBe(true);
  });
});

describe('paced fake device history is bounded (a long harness or CLI run must not grow)', () => {
  it('keeps the last HISTORY_FRAMES timings and played frames, and forgets old closed streams', async () => {
    const { PacedFakeAudioSystem, HISTORY_FRAMES } = await import('../../../../electron/adapters/audio/paced-fake-audio.js');
    // Virtual time: every timer fires at once, in order, so hours of frames take milliseconds.
    let now = 0;
    const queue: { at: number; fire: () => void }[] = [];
    const timers = {
      now: () => now,
      setTimeout: (fire: () => void, ms: number) => { const t = { at: now + ms, fire }; queue.push(t); return t; },
      clearTimeout: (h: unknown) => { const i = queue.indexOf(h as { at: number; fire: () => void }); if (i >= 0) queue.splice(i, 1); },
    };
    const run = (frames: number): void => {
      for (let n = 0; n < frames && queue.length > 0; n++) {
        queue.sort((a, b) => a.at - b.at);
        const t = queue.shift() as { at: number; fire: () => void };
        now = t.at;
        t.fire();
      }
    };
    const audio = new PacedFakeAudioSystem({ deviceRate: 8000, timers });
    const play = await audio.openPlayback({ deviceKey: null });
    run(3 * HISTORY_FRAMES);
    expect(play.framesPlayed).toBeGreaterThanOrEqual(3 * HISTORY_FRAMES - 1);
    expect(play.timings.length).toBeLessThanOrEqual(HISTORY_FRAMES * 1.25);
    expect(play.playedAudio().length).toBeLessThanOrEqual(HISTORY_FRAMES * 1.25 * play.frameSamples);
    await play.close();
    for (let i = 0; i < 20; i++) await (await audio.openPlayback({ deviceKey: null })).close();
    expect(audio.playbacks.length).toBeLessThanOrEqual(9);
  });
});
