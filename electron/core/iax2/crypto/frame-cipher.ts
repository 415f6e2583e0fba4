// One dialog's encryption state (spec §7): the key we encrypt with, the key(s) we decrypt with, and the checks
// that stand in for the integrity protection IAX2 encryption lacks. Asterisk cannot tell a wrong key from a right
// one (spec §7.3), so every decrypted full frame must look like a frame before we believe it.
import type { RandomSource } from '../../ports.js';
import { FrameType, IaxSubclass } from '../wire/types.js';
import { decryptDatagram, encryptDatagram } from './aes-frame.js';

/** How long the previous decrypt key stays usable after an RTKEY (spec §7.5 race: frames under the new key can
 *  overtake the RTKEY, and old-key frames can trail it). */
export const RTKEY_GRACE_MS = 5_000;
/** Padding needs at most 31 random bytes (spec §7.4). */
const MAX_PADDING = 31;

/**
 * Plausibility of a decrypted full frame (spec §7.3 "sanity-check"): a frame type Asterisk sends (1-12, RFC 5456 §8
 * table), and for IAX frames a subclass we know. A wrong key yields random bytes, which pass with roughly 1 % odds.
 */
export function plausibleFullFrame(clear: Uint8Array): boolean {
  if (clear.length < 12 || (clear[0] & 0x80) === 0) return false;
  const type = clear[10];
  const sub = clear[11];
  switch (type) {
    case FrameType.IAX:
      return sub >= IaxSubclass.NEW && sub <= IaxSubclass.CALLTOKEN;
    case FrameType.VOICE:
    case FrameType.VIDEO:
      // One format bit, either as the bit itself or compressed (0x80 | bit number) (spec §1.2).
      return (sub & 0x80) !== 0 ? (sub & 0x7f) < 64 : sub !== 0 && (sub & (sub - 1)) === 0;
    case FrameType.CONTROL:
      return sub <= 0x30 || sub === 0xff; // Asterisk's control subclasses (spec §2.3), -1 sent as 0xFF
    case FrameType.DTMF:
    case FrameType.DTMF_BEGIN:
      return sub >= 0x20 && sub < 0x7f;
    default:
      return type >= FrameType.DTMF && type <= FrameType.DTMF_BEGIN;
  }
}

interface DecryptKey {
  readonly key: Uint8Array;
  /** Clock ms after which this key is no longer tried (undefined: current key). */
  readonly until?: number;
}

export class FrameCipher {
  private encryptKey: Uint8Array;
  private decryptKeys: DecryptKey[];

  constructor(key: Uint8Array, private readonly random: RandomSource) {
    this.encryptKey = Uint8Array.from(key);
    this.decryptKeys = [{ key: Uint8Array.from(key) }];
  }

  /** A clear datagram (full or mini) → what goes on the wire, with fresh random padding. */
  seal(clear: Uint8Array): Uint8Array {
    return encryptDatagram(clear, this.encryptKey, this.random.bytes(MAX_PADDING));
  }

  /**
   * The clear form of a received datagram, or undefined if no usable key gives a plausible frame. Full frames are
   * checked with {@link plausibleFullFrame}; mini frames (audio, not checkable) with `miniCheck` when given.
   */
  open(wire: Uint8Array, now: number, miniCheck?: (clear: Uint8Array) => boolean): Uint8Array | undefined {
    this.decryptKeys = this.decryptKeys.filter((k) => k.until === undefined || k.until > now);
    const full = (wire[0] & 0x80) !== 0;
    for (const k of this.decryptKeys) {
      const clear = decryptDatagram(wire, k.key);
      if (!clear) continue;
      if (full ? plausibleFullFrame(clear) : (miniCheck?.(clear) ?? true)) return clear;
    }
    return undefined;
  }

  /**
   * RTKEY received (spec §7.5, E-4): the peer now encrypts under `next`. Only our decrypt key changes; the old one
   * stays usable for {@link RTKEY_GRACE_MS} and is tried after the new one.
   */
  rotateDecryptKey(next: Uint8Array, now: number): void {
    const current = this.decryptKeys.find((k) => k.until === undefined);
    this.decryptKeys = [{ key: Uint8Array.from(next) }];
    if (current) this.decryptKeys.push({ key: current.key, until: now + RTKEY_GRACE_MS });
  }

  /** Keys tried when decrypting (for tests of the grace period). */
  decryptKeyCount(now: number): number {
    return this.decryptKeys.filter((k) => k.until === undefined || k.until > now).length;
  }
}
