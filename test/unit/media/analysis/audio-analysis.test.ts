import { describe, expect, it } from 'vitest';
import { strongestTone, toneShare } from '../../../../electron/core/media/analysis/spectrum.js';
import { BlockAnalyzer, type AudioBlock } from '../../../../electron/core/media/analysis/block-analyzer.js';
import { SilenceWatch, SpeechWatch, ToneWatch } from '../../../../electron/core/media/analysis/audio-watch.js';
import { multiTone, noise, sine } from '../../../support/signals.js';

const RATE = 8000;
const BLOCK = 320; // 40 ms

function blocksOf(pcm: Int16Array, rate = RATE): AudioBlock[] {
  const out: AudioBlock[] = [];
  const a = new BlockAnalyzer(rate, (b) => out.push({ ...b, pcm: b.pcm.slice() }));
  a.push(pcm);
  return out;
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

describe('toneShare (Hann-windowed Goertzel)', () => {
  it('is about 1 for a pure sine at the frequency and near 0 a main lobe away', () => {
    const pcm = sine(RATE, BLOCK, 1004, 8000);
    expect(toneShare(pcm, RATE, 1004)).toBeGreaterThan(0.97);
    expect(toneShare(pcm, RATE, 1104)).toBeLessThan(0.01);
    expect(toneShare(pcm, RATE, 440)).toBeLessThan(0.001);
  });

  it('splits the energy of an equal two-tone pair about evenly', () => {
    const pcm = multiTone(RATE, 0.04, [350, 440], 4000).subarray(0, BLOCK);
    expect(toneShare(pcm, RATE, 350)).toBeGreaterThan(0.4);
    expect(toneShare(pcm, RATE, 440)).toBeGreaterThan(0.4);
    expect(toneShare(pcm, RATE, 350) + toneShare(pcm, RATE, 440)).toBeLessThan(1.05);
  });

  it('is 0 for a silent block and small for white noise', () => {
    expect(toneShare(new Int16Array(BLOCK), RATE, 1000)).toBe(0);
    expect(toneShare(noise(BLOCK, 8000), RATE, 1000)).toBeLessThan(0.1);
  });
});

describe('strongestTone', () => {
  it.each([440, 1004, 1633, 3000])('finds a %i Hz sine within 3 Hz', (hz) => {
    const peak = strongestTone(sine(RATE, BLOCK, hz, 6000), RATE, 100, 3900, 10);
    expect(Math.abs(peak.hz - hz)).toBeLessThan(3);
    expect(peak.share).toBeGreaterThan(0.9);
  });

  it('works at 16 kHz', () => {
    const peak = strongestTone(sine(16_000, 640, 5000, 6000), 16_000, 4000, 6000, 5);
    expect(Math.abs(peak.hz - 5000)).toBeLessThan(3);
  });
});

describe('BlockAnalyzer', () => {
  it('cuts any frame sizes into 40 ms blocks with their level and audio time', () => {
    const starts: number[] = [];
    const levels: number[] = [];
    const a = new BlockAnalyzer(RATE, (b) => { starts.push(b.startMs); levels.push(b.levelDbfs); });
    const pcm = concat(new Int16Array(BLOCK), sine(RATE, BLOCK * 2, 1000, 16384));
    for (let i = 0; i < pcm.length; i += 100) a.push(pcm.subarray(i, i + 100));
    expect(starts).toEqual([0, 40, 80]);
    expect(levels[0]).toBe(-100);
    expect(levels[1]).toBeCloseTo(-9.03, 0); // half-scale sine: −6 dB, and −3 dB for a sine's RMS
    expect(a.analysedMs).toBe(120);
  });
});

describe('ToneWatch', () => {
  const watch = (o: Partial<ConstructorParameters<typeof ToneWatch>[0]> = {}) =>
    new ToneWatch({ hz: 1004, toleranceHz: 20, minMs: 200, minLevelDbfs: -50, ...o });

  it('is satisfied once the tone has lasted minMs without a break', () => {
    const w = watch();
    const blocks = blocksOf(concat(new Int16Array(BLOCK * 3), sine(RATE, BLOCK * 6, 1004, 6000)));
    const at = blocks.findIndex((b) => w.feed(b));
    expect(at).toBe(3 + 4); // the fifth tone block completes 200 ms
    expect(w.satisfied).toBe(true);
  });

  it('accepts a tone inside the tolerance and rejects one just outside it', () => {
    const inside = watch();
    for (const b of blocksOf(sine(RATE, BLOCK * 6, 1020, 6000))) inside.feed(b);
    expect(inside.satisfied).toBe(true);
    const outside = watch();
    for (const b of blocksOf(sine(RATE, BLOCK * 6, 1034, 6000))) outside.feed(b);
    expect(outside.satisfied).toBe(false);
    expect(outside.heard()).toMatch(/a 1034 Hz tone/);
  });

  it('needs the tone unbroken: a gap restarts the count', () => {
    const w = watch();
    const tone = sine(RATE, BLOCK * 4, 1004, 6000);
    for (const b of blocksOf(concat(tone, new Int16Array(BLOCK), tone))) w.feed(b);
    expect(w.satisfied).toBe(false);
    expect(w.heard()).toMatch(/there for 0\.16 s at most/);
  });

  it('ignores a tone below the level floor, and says what it heard instead', () => {
    const w = watch({ minLevelDbfs: -30 });
    for (const b of blocksOf(sine(RATE, BLOCK * 10, 1004, 300))) w.feed(b);
    expect(w.satisfied).toBe(false);
    expect(w.heard()).toMatch(/only silence \(loudest -43\.\d dBFS\)/);
    const other = watch();
    for (const b of blocksOf(sine(RATE, BLOCK * 10, 440, 6000))) other.feed(b);
    expect(other.heard()).toMatch(/loudest -1\d\.\d dBFS, a 440 Hz tone/);
  });

  it('finds one tone of a pair (dial tone 350 + 440 Hz)', () => {
    const w = watch({ hz: 440, toleranceHz: 10 });
    for (const b of blocksOf(multiTone(RATE, 0.5, [350, 440], 4000))) w.feed(b);
    expect(w.satisfied).toBe(true);
  });
});

describe('SpeechWatch and SilenceWatch', () => {
  it('speech adds up the time above the level across pauses', () => {
    const w = new SpeechWatch({ minMs: 200, levelDbfs: -40 });
    const burst = noise(BLOCK * 2, 4000);
    const gap = new Int16Array(BLOCK * 2);
    const blocks = blocksOf(concat(burst, gap, burst, gap, burst));
    const at = blocks.findIndex((b) => w.feed(b));
    expect(at).toBe(8); // 2 + 2 loud blocks, then the fifth loud block at index 8
  });

  it('speech fails on silence with the level heard', () => {
    const w = new SpeechWatch({ minMs: 200, levelDbfs: -40 });
    for (const b of blocksOf(noise(BLOCK * 10, 50))) w.feed(b);
    expect(w.satisfied).toBe(false);
    expect(w.heard()).toMatch(/only silence \(loudest -6\d\.\d dBFS\); 0\.00 s above -40\.0 dBFS/);
  });

  it('silence needs an unbroken quiet stretch', () => {
    const w = new SilenceWatch({ minMs: 400, levelDbfs: -45 });
    const quiet = new Int16Array(BLOCK * 8);
    const loud = sine(RATE, BLOCK, 700, 8000);
    for (const b of blocksOf(concat(quiet, loud, quiet))) w.feed(b);
    expect(w.satisfied).toBe(false);
    const w2 = new SilenceWatch({ minMs: 400, levelDbfs: -45 });
    for (const b of blocksOf(concat(loud, quiet, quiet, loud))) w2.feed(b);
    expect(w2.satisfied).toBe(true);
    const w3 = new SilenceWatch({ minMs: 400, levelDbfs: -45 });
    for (const b of blocksOf(concat(loud, new Int16Array(BLOCK * 9), loud))) w3.feed(b);
    expect(w3.satisfied).toBe(false);
    expect(w3.heard()).toMatch(/longest quiet stretch was 0\.36 s/);
  });
});
