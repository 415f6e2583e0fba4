// One dialog's encryption (spec §7): off until the key is set (from our AUTHREP on, in both directions, spec §7.3),
// then every datagram sealed on the way out (retransmissions re-sealed, spec §7.4) and opened on the way in; the
// peer's key rotation (RTKEY, E-4, spec §7.5); and the count of frames that did not decrypt (a key mismatch shows up
// so), told once to the log.
import { randomBytes } from 'node:crypto';
import type { Logger, RandomSource } from '../../ports.js';
import { AES_KEY_BYTES } from '../crypto/aes-frame.js';
import { FrameCipher } from '../crypto/frame-cipher.js';

const nodeRandom: RandomSource = {
  int: (min, max) => min + Math.floor(Math.random() * (max - min + 1)),
  bytes: (n) => new Uint8Array(randomBytes(n)),
};

export class DialogEncryption {
  private current: FrameCipher | undefined;
  private failures = 0;
  private warned = false;

  /** `random`: padding bytes for encrypted frames (spec §7.4); node:crypto when absent. */
  constructor(private readonly random: RandomSource | undefined, private readonly logger: Logger | undefined) {}

  /** The keys, once encryption is on (a closed dialog's tombstone keeps them to re-ACK late retransmissions). */
  get cipher(): FrameCipher | undefined { return this.current; }

  /** Switches encryption on under `key`; never switched off, a second key or a bad one is ignored. */
  start(key: Uint8Array): void {
    if (this.current || key.length !== AES_KEY_BYTES) return;
    this.current = new FrameCipher(key, this.random ?? nodeRandom);
  }

  /** The datagram as it goes on the wire: sealed once encryption is on. */
  seal(clear: Uint8Array): Uint8Array {
    return this.current ? this.current.seal(clear) : clear;
  }

  /** The clear datagram, or undefined when no key decrypts it to a plausible frame. */
  open(wire: Uint8Array, now: number): Uint8Array | undefined {
    return this.current ? this.current.open(wire, now) : wire;
  }

  /** E-4: the peer encrypts under `key` from now on (only our decrypt key changes). False for a key of the wrong size. */
  rotate(key: Uint8Array | undefined, now: number): boolean {
    if (!this.current || !key || key.length !== AES_KEY_BYTES) return false;
    this.current.rotateDecryptKey(key, now);
    return true;
  }

  /** A datagram that did not decrypt was dropped; returns how many have been so far. */
  dropped(call: number, bytes: number): number {
    this.failures++;
    if (!this.warned) {
      this.warned = true;
      this.logger?.log('warn', 'an encrypted frame did not decrypt to a valid frame (the server may hold another secret)', { call, bytes });
    }
    return this.failures;
  }

  get undecryptable(): number { return this.failures; }
}
