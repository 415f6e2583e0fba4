// CallMedia (electron/core/media/call-media*.ts): voice through the real codecs and jitter buffer, concealment
// of loss, silence, gain/mute/levels, the processor hook, recording, and impairment statistics.
import { describe, expect, it } from 'vitest';
import type { CallEvents } from '../../../electron/core/iax2/engine-api.js';
import { TypedEmitter } from '../../../electron/core/util/typed-emitter.js';
import type { FrameProcessor, RecordingFormat, RecordingSink } from '../../../electron/core/media/call-media.js';
import { ulawCodec } from '../../../electron/core/media/codecs/g711.js';
import { DBFS_FLOOR, rmsDbfs } from '../../../electron/core/media/levels.js';
import { ManualClock, deliver, makeMedia, trackedCodecs } from './call-media-harness.js';
import { concat, dbfsOfSine, rms, sineFrames, toneFraction } from '../../support/signals.js';

const RATE = 48000;
const FRAME = 960; // 20 ms at 48 kHz

async function captureTone(codec: 'ulaw' | 'g722' | 'opus', freq: number, frames: number, amplitude = 10000) {
  const clock = new ManualClock();
  const tx = await makeMedia(codec, clock);
  for (const f of sineFrames(RATE, FRAME, frames, freq, amplitude)) tx.media.capture(f);
  return tx;
}

describe('CallMedia: round trip through real codecs', () => {
  it('µ-law: a 1 kHz tone captured at 48 kHz comes out of pull() at 48 kHz, same tone and level', async () => {
    const tx = await captureTone('ulaw', 1000, 50);
    expect(tx.sent.length).toBe(50);
    expect(tx.sent.every((s) => s.payload.length === 160 && s.durationMs === 20)).toBe(true);
    const clock = new ManualClock();
    const rx = await makeMedia('ulaw', clock);
    const out = deliver(rx.media, clock, tx.sent, 'ulaw');
    expect(out.every((f) => f.length === FRAME)).toBe(true);
    // Steady state: skip the start (buffering, resampler filter delay), keep 0.5 s.
    const played = concat(out.slice(10, 35));
    expect(toneFraction(played, 1000, RATE)).toBeGreaterThan(0.95);
    expect(Math.abs(rmsDbfs(played) - dbfsOfSine(10000))).toBeLessThan(0.5);
    const s = rx.media.stats();
    expect(s).toMatchObject({ rxCodec: 'ulaw', framesReceived: 50, framesDecoded: 50, decodeErrors: 0 });
    expect(s.jitter).toMatchObject({ lost: 0, late: 0 });
  });

  it('G.722 carries a 5 kHz tone (wideband: impossible at 8 kHz) from capture to playback', async () => {
    const tx = await captureTone('g722', 5000, 50, 8000);
    const clock = new ManualClock();
    const rx = await makeMedia('g722', clock);
    const played = concat(deliver(rx.media, clock, tx.sent, 'g722').slice(10, 35));
    expect(toneFraction(played, 5000, RATE)).toBeGreaterThan(0.9);
    expect(Math.abs(rmsDbfs(played) - dbfsOfSine(8000))).toBeLessThan(1.5);
  });
  it('Opus: the decoder is ready when create() resolves, so the very first frame received is decoded, not concealed', async () => {
    // The Opus decoder loads WASM asynchronously; CallMedia.create awaits it, so no frame that arrives after the
    // call's media exists can find it missing (test/integration/wideband-call.test.ts measured silence for other
    // reasons: a stalled thread).
    const tx = await captureTone('opus', 6000, 50, 8000);
    expect(tx.sent.length).toBe(50);
    const clock = new ManualClock();
    const rx = await makeMedia('opus', clock);
    const out = deliver(rx.media, clock, tx.sent, 'opus');
    const s = rx.media.stats();
    expect(s).toMatchObject({ rxCodec: 'opus', framesReceived: 50, framesDecoded: 50, decodeErrors: 0, concealedMs: 0 });
    expect(toneFraction(concat(out.slice(10, 35)), 6000, RATE)).toBeGreaterThan(0.9);
  });
});

describe('CallMedia: loss, concealment, silence', () => {
  it('conceals a lost frame with the codec PLC (the tone continues instead of a hole)', async () => {
    const tx = await captureTone('ulaw', 400, 60);
    const clock = new ManualClock();
    const rx = await makeMedia('ulaw', clock);
    const out = deliver(rx.media, clock, tx.sent, 'ulaw', (i) => (i === 30 ? null : 30));
    const s = rx.media.stats();
    expect(s.jitter.lost).toBe(1);
    expect(s.concealedMs).toBe(20);
    // Find the 20 ms of output with the least energy in the steady part: with PLC it is still most of the tone.
    const steady = concat(out.slice(10, 55));
    const levels: number[] = [];
    for (let o = 0; o + 960 <= steady.length; o += 240) levels.push(rms(steady.subarray(o, o + 960)));
    const normal = rms(concat(out.slice(10, 20)));
    expect(Math.min(...levels)).toBeGreaterThan(0.5 * normal);
  });

  it('pull() always returns exactly one device frame: before any audio, on garbage, after close', async () => {
    const clock = new ManualClock();
    const { media } = await makeMedia('ulaw', clock, { playbackRate: 44100, playbackFrameSamples: 441 });
    const first = media.pull();
    expect(first.length).toBe(441);
    expect(rms(first)).toBe(0);
    media.receive({ codec: 'gsm', timestamp: 0, payload: new Uint8Array(7) }); // not a whole GSM frame
    media.receive({ codec: 'ulaw', timestamp: 0, payload: new Uint8Array(0) }); // empty
    for (let i = 0; i < 100; i++) {
      clock.t += 10;
      expect(media.pull().length).toBe(441);
    }
    expect(media.stats().framesRejected).toBe(2);
    media.close();
    expect(media.pull().length).toBe(441);
  });

  it('plays comfort noise at the CNG level during the peer\'s silence', async () => {
    const tx = await captureTone('ulaw', 400, 20);
    const clock = new ManualClock();
    const rx = await makeMedia('ulaw', clock);
    const out: Int16Array[] = [];
    for (let t = 0; t < 2000; t += 20) {
      clock.t = t;
      const i = t / 20;
      if (i < 20) rx.media.receive({ codec: 'ulaw', timestamp: t, payload: tx.sent[i].payload });
      if (i === 20) rx.media.receiveComfortNoise(t, 50);
      out.push(rx.media.pull());
    }
    const silence = concat(out.slice(40, 90));
    expect(Math.abs(rmsDbfs(silence) - -50)).toBeLessThan(1.5);
    expect(rx.media.stats().comfortNoiseMs).toBeGreaterThan(1000);
    expect(rx.media.stats().jitter.silent).toBe(true);
  });
});

describe('CallMedia: gain, mute, levels', () => {
  it('input gain and level meter in dBFS; mute sends silence but keeps metering', async () => {
    const clock = new ManualClock();
    const { media, sent } = await makeMedia('ulaw', clock);
    const frames = sineFrames(RATE, FRAME, 20, 1000, 4000);
    for (const f of frames.slice(0, 5)) media.capture(f);
    const base = media.stats().input.level.rmsDbfs;
    expect(base).toBeCloseTo(dbfsOfSine(4000), 0);
    media.setGainDb('input', 6);
    for (const f of frames.slice(5, 10)) media.capture(f);
    expect(media.stats().input.level.rmsDbfs - base).toBeCloseTo(6, 0);
    media.setMuted('input', true);
    const before = sent.length;
    for (const f of frames.slice(10, 15)) media.capture(f);
    expect(sent.length).toBe(before + 5);
    const decoder = await ulawCodec.createDecoder();
    for (const s of sent.slice(before)) expect(rms(decoder.decode(s.payload))).toBe(0);
    expect(media.stats().input).toMatchObject({ muted: true, gainDb: 6 });
    expect(media.stats().input.level.rmsDbfs).toBeCloseTo(base + 6, 0);
  });

  it('output gain, mute and meter apply to what the speaker gets', async () => {
    const tx = await captureTone('ulaw', 1000, 60, 8000);
    const clock = new ManualClock();
    const rx = await makeMedia('ulaw', clock);
    const out = deliver(rx.media, clock, tx.sent.slice(0, 20), 'ulaw', () => 30, 0);
    const plain = rmsDbfs(out[out.length - 1]);
    rx.media.setGainDb('output', -6);
    const more = deliver(rx.media, clock, tx.sent.slice(0, 40), 'ulaw', () => 30, 0).slice(25);
    expect(rmsDbfs(more[5])).toBeCloseTo(plain - 6, 0);
    expect(rx.media.stats().output.level.rmsDbfs).toBeCloseTo(rmsDbfs(more[more.length - 1]), 5);
    rx.media.setMuted('output', true);
    clock.t += 20;
    expect(rms(rx.media.pull())).toBe(0);
    expect(rx.media.stats().output.level.rmsDbfs).toBe(DBFS_FLOOR);
  });
});

describe('CallMedia: processor hook and recording', () => {
  it('gives the processor codec-rate frames with an equally long far-end reference, and sends what it returns', async () => {
    const clock = new ManualClock();
    const calls: { near: number; far: number; farEnergy: number }[] = [];
    const silencer: FrameProcessor = {
      process(near, far) {
        calls.push({ near: near.length, far: far?.length ?? -1, farEnergy: far ? rms(far) : 0 });
        return new Int16Array(near.length);
      },
    };
    const tx = await captureTone('ulaw', 1000, 40, 8000);
    const { media, sent } = await makeMedia('ulaw', clock, { processor: silencer });
    // The far end talks (the speaker plays a tone) while the microphone hears a tone too.
    const farOut = deliver(media, clock, tx.sent, 'ulaw', () => 30, 0);
    expect(rms(concat(farOut.slice(10)))).toBeGreaterThan(1000);
    for (const f of sineFrames(RATE, FRAME, 10, 700, 8000)) media.capture(f);
    expect(calls.length).toBe(10);
    expect(calls.every((c) => c.near === 160 && c.far === 160)).toBe(true);
    expect(calls.some((c) => c.farEnergy > 1000)).toBe(true);
    const decoder = await ulawCodec.createDecoder();
    expect(rms(decoder.decode(sent[sent.length - 1].payload))).toBe(0);
  });

  it('records both directions: stereo keeps them apart (left local, right remote), mixed sums them', async () => {
    for (const layout of ['stereo', 'mixed'] as const) {
      const clock = new ManualClock();
      const far = await captureTone('ulaw', 1000, 60, 6000);
      const { media } = await makeMedia('ulaw', clock);
      const chunks: Int16Array[] = [];
      let format: RecordingFormat | undefined;
      let closed = false;
      const sink: RecordingSink = { open: (f) => (format = f), write: (s) => chunks.push(s), close: () => (closed = true) };
      expect(media.startRecording(sink, layout)).toEqual({ sampleRate: 8000, channels: layout === 'stereo' ? 2 : 1 });
      expect(format).toEqual({ sampleRate: 8000, channels: layout === 'stereo' ? 2 : 1 });
      const mic = sineFrames(RATE, FRAME, 60, 400, 6000);
      const arrivals = far.sent;
      let i = 0;
      for (let t = 0; t < 1200; t += 20, i++) {
        clock.t = t;
        if (i < arrivals.length) media.receive({ codec: 'ulaw', timestamp: t, payload: arrivals[i].payload });
        media.capture(mic[i]);
        media.pull();
      }
      media.stopRecording();
      expect(closed).toBe(true);
      expect(media.stats().recording).toBe(false);
      const all = concat(chunks);
      if (layout === 'stereo') {
        const left = all.filter((_, k) => k % 2 === 0).slice(4000);
        const right = all.filter((_, k) => k % 2 === 1).slice(4000);
        expect(toneFraction(left, 400, 8000)).toBeGreaterThan(0.9);
        expect(toneFraction(right, 1000, 8000)).toBeGreaterThan(0.9);
        expect(all.length / 2).toBeGreaterThanOrEqual(8000);
      } else {
        const mixed = all.slice(4000);
        expect(toneFraction(mixed, 400, 8000)).toBeGreaterThan(0.3);
        expect(toneFraction(mixed, 1000, 8000)).toBeGreaterThan(0.3);
      }
    }
  });
});

describe('CallMedia: network impairments reach the stats', () => {
  it('reports jitter, reordering and late frames from the buffer', async () => {
    const tx = await captureTone('ulaw', 500, 100);
    const clock = new ManualClock();
    const rx = await makeMedia('ulaw', clock);
    // Alternating 20 / 45 ms delay (25 ms jitter); frame 50 is 300 ms late.
    const out = deliver(rx.media, clock, tx.sent, 'ulaw', (i) => (i === 50 ? 300 : i % 2 ? 45 : 20));
    expect(out.every((f) => f.length === FRAME)).toBe(true);
    const s = rx.media.stats().jitter;
    expect(s.jitterMs).toBe(25);
    // Frame 50, and frame 1: it came 45 ms after frame 0 (20 ms), before the history knew about the jitter.
    expect(s.late).toBe(2);
    expect(s.outOfOrder).toBeGreaterThanOrEqual(1);
    expect(s.currentDelayMs).toBeGreaterThanOrEqual(s.targetDelayMs);
  });
});

describe('CallMedia: robustness and codec changes', () => {
  it('survives a flood of random frames: pull() keeps its shape, the buffer stays bounded', async () => {
    const clock = new ManualClock();
    const tracked = trackedCodecs();
    const { media } = await makeMedia('ulaw', clock, { codecs: tracked.codecs });
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const codecs = ['ulaw', 'alaw', 'gsm', 'g722', 'slin', 'opus'] as const;
    for (let i = 0; i < 5000; i++) {
      clock.t = i * 2;
      const payload = Uint8Array.from({ length: Math.floor(rnd() * 400) }, () => Math.floor(rnd() * 256));
      const timestamp = rnd() < 0.1 ? Math.floor(rnd() * 2 ** 32) : i * 2 + Math.floor(rnd() * 100);
      media.receive({ codec: codecs[Math.floor(rnd() * codecs.length)], timestamp, payload });
      if (i % 10 === 0) expect(media.pull().length).toBe(FRAME);
    }
    await tracked.decodersReady(); // every codec's decoder, then a clean stretch
    for (let i = 0; i < 200; i++) {
      clock.t += 20;
      expect(media.pull().length).toBe(FRAME);
    }
    const s = media.stats();
    expect(s.framesReceived).toBe(5000);
    expect(s.jitter.queuedMs).toBeLessThanOrEqual(400 * 20 * 4);
    expect(s.pipelineErrors).toBe(0);
  });

  it('follows a mid-call format change (µ-law → G.722) once the new decoder is ready', async () => {
    const narrow = await captureTone('ulaw', 1000, 30, 8000);
    const wide = await captureTone('g722', 5000, 60, 8000);
    const clock = new ManualClock();
    const { codecs, decodersReady } = trackedCodecs();
    const { media } = await makeMedia('ulaw', clock, { codecs });
    const out: Int16Array[] = [];
    for (let i = 0; i < 90; i++) {
      clock.t = 20 * i + 30;
      const useWide = i >= 30;
      media.receive({ codec: useWide ? 'g722' : 'ulaw', timestamp: 20 * i, payload: (useWide ? wide.sent[i - 30] : narrow.sent[i]).payload });
      if (i === 30) await decodersReady(); // the G.722 decoder is created asynchronously
      clock.t = 20 * i + 40;
      out.push(media.pull());
    }
    expect(media.stats().rxCodec).toBe('g722');
    expect(toneFraction(concat(out.slice(10, 28)), 1000, RATE)).toBeGreaterThan(0.9);
    expect(toneFraction(concat(out.slice(45, 85)), 5000, RATE)).toBeGreaterThan(0.9);
  });
});

describe('CallMedia: device periods that differ from the codec frame', () => {
  it('10 ms capture and playback periods at 44.1 kHz still carry a clean tone both ways', async () => {
    const clock = new ManualClock();
    const rates = { playbackRate: 44100, playbackFrameSamples: 441, captureRate: 44100 };
    const a = await makeMedia('ulaw', clock, rates);
    const b = await makeMedia('ulaw', clock, rates);
    const mic = sineFrames(44100, 441, 200, 600, 8000);
    const out: Int16Array[] = [];
    let delivered = 0;
    for (let i = 0; i < 200; i++) {
      clock.t = 10 * i;
      a.media.capture(mic[i]); // every second capture completes a 20 ms µ-law frame
      while (delivered < a.sent.length) {
        b.media.receive({ codec: 'ulaw', timestamp: 20 * delivered, payload: a.sent[delivered].payload });
        delivered++;
      }
      out.push(b.media.pull());
    }
    expect(a.sent.length).toBe(100);
    expect(out.every((f) => f.length === 441)).toBe(true);
    const steady = concat(out.slice(40, 190));
    expect(toneFraction(steady, 600, 44100)).toBeGreaterThan(0.95);
    expect(b.media.stats().jitter).toMatchObject({ lost: 0, late: 0 });
    expect(b.media.stats().concealedMs).toBe(0);
  });
});

describe('CallMedia.connect', () => {
  class FakeCallEvents extends TypedEmitter<CallEvents> {
    fire<K extends keyof CallEvents>(name: K, payload: CallEvents[K]): void {
      this.emit(name, payload);
    }
  }

  it('takes voice and CNG from the call\'s events until disconnected', async () => {
    const tx = await captureTone('ulaw', 400, 10);
    const clock = new ManualClock();
    const { media } = await makeMedia('ulaw', clock);
    const call = new FakeCallEvents();
    const disconnect = media.connect(call);
    for (let i = 0; i < 10; i++) call.fire('voice', { codec: 'ulaw', timestamp: 20 * i, payload: tx.sent[i].payload });
    call.fire('cng', { timestamp: 200, levelDbov: 60 });
    for (let t = 0; t < 600; t += 20) {
      clock.t = t;
      media.pull();
    }
    expect(media.stats().framesReceived).toBe(10);
    expect(media.stats().jitter.silent).toBe(true);
    disconnect();
    call.fire('voice', { codec: 'ulaw', timestamp: 1000, payload: tx.sent[0].payload });
    expect(media.stats().framesReceived).toBe(10);
  });
});
