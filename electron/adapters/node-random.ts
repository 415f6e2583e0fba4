// The RandomSource port over node:crypto (call numbers and challenges should not be guessable).
import { randomBytes, randomInt } from 'node:crypto';
import type { RandomSource } from '../core/ports.js';

export class NodeRandom implements RandomSource {
  int(min: number, max: number): number {
    return randomInt(min, max + 1);
  }
  bytes(length: number): Uint8Array {
    return new Uint8Array(randomBytes(length));
  }
}
