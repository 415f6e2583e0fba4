import { describe, expect, it } from 'vitest';
import { EncodedAudioCache, EncodedCursor, encodeAudio, toneSamples } from '../../../electron/core/media/encoded-audio.js';
import { codecFactory } from '../../../electron/core/media/codecs/registry.js';
import { rmsDbfs } from '../../../electron/core/media/levels.js';
import { toneShare } from '../../../electron/core/media/analysis/spectrum.js';

describe('encoded audio', () => {
  it('generates a tone at the asked level (a sine reads its RMS in dBFS)', () => {
    const pcm = toneSamples([1004], -10, 1, 8000);
    expect(rmsDbfs(pcm)).toBeCloseTo(-10, 1);
    expect(toneShare(pcm.subarray(0, 320), 8000, 1004)).toBeGreaterThan(0.97);
  });

  it('cuts audio into codec frames, resampling and padding the last one', async () => {
    const a = await encodeAudio(toneSamples([440], -10, 0.05, 16_000), 16_000, 'ulaw'); // 50 ms at 16 kHz
    expect(a).toMatchObject({ codec: 'ulaw', frameMs: 20 });
    expect(a.frames.map((f) => f.length)).toEqual([160, 160, 160]);
    const decoder = await codecFactory('ulaw').createDecoder();
    const first = decoder.decode(a.frames[0]);
    expect(rmsDbfs(first)).toBeGreaterThan(-14);
    expect(rmsDbfs(decoder.decode(a.frames[2]).subarray(100))).toBeLessThan(-60); // the padding is silence
    const g722 = await encodeAudio(new Int16Array(16_000), 16_000, 'g722');
    expect(g722.frames).toHaveLength(50);
    expect(g722.frames[0]).toHaveLength(160);
  });

  it('a cursor loops or ends, handing out the same prepared payloads', async () => {
    const a = await encodeAudio(new Int16Array(480), 8000, 'alaw');
    const looped = new EncodedCursor(a, true);
    const once = new EncodedCursor(a, false);
    const seen = Array.from({ length: 5 }, () => looped.next());
    expect(seen).toEqual([a.frames[0], a.frames[1], a.frames[2], a.frames[0], a.frames[1]]);
    expect([once.next(), once.next(), once.next()].every((f) => f !== undefined)).toBe(true);
    expect(once.ended).toBe(true);
    expect(once.next()).toBeUndefined();
  });

  it('the cache encodes each sound once per codec', async () => {
    let loads = 0;
    const cache = new EncodedAudioCache();
    const load = () => { loads++; return { pcm: new Int16Array(160), rate: 8000 }; };
    const [a, b] = await Promise.all([cache.get('x', 'ulaw', load), cache.get('x', 'ulaw', load)]);
    expect(a).toBe(b);
    await cache.get('x', 'alaw', load);
    expect(loads).toBe(2);
    expect((await cache.tone([1004], -10, 'ulaw')).frames).toHaveLength(50); // one second
    expect((await cache.silence('gsm')).frames).toHaveLength(1);
  });
});
