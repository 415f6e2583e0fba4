// Decoders face whatever arrives from the network: random bytes must either decode to bounded PCM or raise a clear
// Error (never another exception type, never a hang), and a decoder must keep working after rejecting a payload.

import { describe, expect, it, vi } from 'vitest';
import { codecFactory } from '../../../../electron/core/media/codecs/registry.js';
import { CODEC_NAMES } from '../../../../electron/shared/api.js';
import { seededRandom } from '../../../support/seeded-random.js';


describe('decoder robustness', () => {
  for (const factory of CODEC_NAMES.map(codecFactory)) {
    it(`${factory.info.name}: 1000 random payloads decode or fail with a clear Error, and decoding goes on`, async () => {
      const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined); // opus-decoder logs its errors
      try {
        const dec = await factory.createDecoder();
        const r = seededRandom(42 + factory.info.name.length);
        let decoded = 0;
        let rejected = 0;
        for (let i = 0; i < 1000; i++) {
          const len = Math.floor(r() * 700);
          const payload = Uint8Array.from({ length: len }, () => Math.floor(r() * 256));
          if (factory.info.name === 'gsm' && len > 0 && r() < 0.7) {
            // Mostly whole frames with the right signature, so the decoder proper is exercised.
            const frames = 1 + Math.floor(r() * 3);
            const p = Uint8Array.from({ length: frames * 33 }, () => Math.floor(r() * 256));
            for (let f = 0; f < frames; f++) p[f * 33] = 0xd0 | (p[f * 33] & 0x0f);
            const out = dec.decode(p);
            expect(out.length).toBe(frames * 160);
            decoded++;
            continue;
          }
          // Only the decoder's own call is inside the try: an assertion failing must not pass for a rejection.
          let out: Int16Array;
          try {
            out = dec.decode(payload);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).message).toMatch(/payload|frame|packet|Opus|GSM/);
            rejected++;
            continue;
          }
          expect(out).toBeInstanceOf(Int16Array);
          // Exactly as long as the payload says (spec §6.6 duration, the TOC for Opus).
          expect(out.length).toBe(Math.round((dec.durationMs(payload) * factory.info.sampleRate) / 1000));
          decoded++;
        }
        expect(decoded + rejected).toBe(1000);
        expect(decoded).toBeGreaterThan(0);
        // Still usable afterwards.
        expect(dec.conceal(160).length).toBe(160);
      } finally {
        quiet.mockRestore();
      }
    });
  }
});
