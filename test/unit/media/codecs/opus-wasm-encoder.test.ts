// Our binding to opusscript's libopus WASM encoder (electron/core/media/codecs/opus-wasm-encoder.ts).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { WasmOpusEncoder } from '../../../../electron/core/media/codecs/opus-wasm-encoder.js';
import { multiTone, frames, noise } from '../../../support/signals.js';

interface OpusScriptLike {
  encode(b: Buffer, n: number): Buffer;
  encoderCTL(c: number, v: number): void;
  delete(): void;
}
const OpusScript = createRequire(import.meta.url)('opusscript') as new (r: number, c: number, a: number) => OpusScriptLike;

describe('WasmOpusEncoder (our binding to opusscript\'s libopus)', () => {
  it('produces exactly the packets of opusscript\'s own wrapper on a fresh instance', async () => {
    const x = multiTone(16000, 0.4, [330, 1700, 4100], 5000);
    const ours = await WasmOpusEncoder.create(16000, 320, 2048);
    ours.ctl(4002, 24000);
    const theirs = new OpusScript(16000, 1, 2048);
    theirs.encoderCTL(4002, 24000);
    for (const f of frames(x, 320)) {
      const a = ours.encode(f);
      const b = theirs.encode(Buffer.from(f.buffer, f.byteOffset, f.byteLength), 320);
      expect(Buffer.from(a).equals(b)).toBe(true);
    }
    ours.close();
    theirs.delete();
  });

  it('keeps many live encoders independent (each equals an encoder run alone)', async () => {
    const x = noise(320 * 20, 9000, 4);
    const alone = await WasmOpusEncoder.create(16000, 320, 2048);
    const reference = frames(x, 320).map((f) => Buffer.from(alone.encode(f)).toString('hex'));
    alone.close();
    const many = await Promise.all(Array.from({ length: 24 }, () => WasmOpusEncoder.create(16000, 320, 2048)));
    const outputs = many.map(() => [] as string[]);
    for (const f of frames(x, 320)) many.forEach((e, k) => outputs[k].push(Buffer.from(e.encode(f)).toString('hex')));
    for (const o of outputs) expect(o).toEqual(reference);
    for (const e of many) e.close();
    expect(() => many[0].encode(new Int16Array(320))).toThrow(/closed/);
  });

  it('rejects a wrong frame size and a bad ctl with clear errors', async () => {
    const e = await WasmOpusEncoder.create(48000, 960, 2048);
    expect(() => e.encode(new Int16Array(320))).toThrow(/960 samples/);
    expect(() => e.ctl(4010, 99)).toThrow(/ctl 4010=99 failed: bad argument/);
    e.close();
  });
});
