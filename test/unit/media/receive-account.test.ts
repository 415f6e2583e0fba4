// ReceivePath.account(): a call nobody listens to (bulk load) counts what pull() would count — the jitter buffer's
// decisions, late and lost frames, concealment and comfort noise — without decoding anything.
import { describe, expect, it } from 'vitest';
import { ReceivePath } from '../../../electron/core/media/call-media-rx.js';
import { codecFactory } from '../../../electron/core/media/codecs/registry.js';
import { payloadDurationMs } from '../../../electron/core/media/codecs/payload-duration.js';
import { Resampler } from '../../../electron/core/media/dsp/resample.js';

async function path(): Promise<ReceivePath> {
  const rx = new ReceivePath({ codecs: codecFactory, resampler: (a, b) => new Resampler(a, b), payloadDurationMs }, 8000, 8000);
  await rx.prepare('ulaw');
  return rx;
}

/** 40 s of 20 ms frames with every 7th lost, a 300 ms gap, and a few delayed 120 ms; pulled every 20 ms. */
async function run(use: 'pull' | 'account'): Promise<ReceivePath> {
  const rx = await path();
  const payload = new Uint8Array(160).fill(0x7f);
  const out = new Int16Array(160);
  for (let i = 0; i < 2000; i++) {
    const now = i * 20 + 5;
    const late = i % 97 === 0 ? 120 : 0;
    if (i % 7 !== 3 && !(i > 800 && i < 815)) rx.receive('ulaw', i * 20, payload, now + late);
    if (use === 'pull') rx.pullInto(out, now);
    else rx.account(160, now);
  }
  return rx;
}

describe('ReceivePath.account', () => {
  it('counts exactly what pull counts, and decodes nothing', async () => {
    const pulled = await run('pull');
    const counted = await run('account');
    expect(counted.stats()).toEqual(pulled.stats());
    expect(counted.concealedMs).toBe(pulled.concealedMs);
    expect(counted.comfortNoiseMs).toBe(pulled.comfortNoiseMs);
    expect(pulled.concealedMs).toBeGreaterThan(0);
    expect(pulled.stats().lost).toBeGreaterThan(0);
    expect(pulled.framesDecoded).toBeGreaterThan(1000);
    expect(counted.framesDecoded).toBe(0);
  });
});
