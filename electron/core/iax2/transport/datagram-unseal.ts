// Opening an encrypted datagram before the transport looks inside it (spec §7.3): which dialog's key applies (full
// frames by dcallno, mini frames by the peer's call number, a just-closed dialog by its tombstone), and which clear
// frames an encrypted dialog still accepts. Kept apart from the transport's demultiplexing, which sees clear frames.
import type { UdpEndpoint } from '../../ports.js';
import { FrameType, IaxSubclass } from '../wire/types.js';
import { plausibleFullFrame, type FrameCipher } from '../crypto/frame-cipher.js';

/** What unsealing needs of a dialog (ReliableDialog). */
export interface SealedDialog {
  readonly encrypted: boolean;
  accepts(from: UdpEndpoint): boolean;
  unseal(wire: Uint8Array): Uint8Array | undefined;
  dropUndecryptable(bytes: number): void;
}

/** Where unsealing finds the key: the transport's tables. */
export interface UnsealLookup<D extends SealedDialog> {
  /** The dialog with our call number `localCall`. */
  byLocal(localCall: number): D | undefined;
  /** The dialog with the peer's call number `remoteCall` at `from`. */
  byRemote(from: UdpEndpoint, remoteCall: number): D | undefined;
  /** The cipher of a just-closed encrypted dialog that would answer this frame (tombstones.ts). */
  tombstoneCipher(localCall: number, from: UdpEndpoint, remoteCall: number): FrameCipher | undefined;
  now(): number;
}

export interface Unsealed {
  readonly bytes: Uint8Array;
  readonly encrypted: boolean;
}

/**
 * Spec §7.3: datagrams for an encrypted dialog are decrypted before anything looks inside them. Full frames are
 * matched by dcallno (bytes 2-3, clear), mini frames by the peer's call number (bytes 0-1). A full frame that does
 * not decrypt to a plausible frame is accepted in clear only if it is a plausible IAX frame (an INVAL, or a
 * retransmitted AUTHREQ, both sent in clear by Asterisk); anything else is dropped (undefined).
 */
export function unsealDatagram<D extends SealedDialog>(data: Uint8Array, from: UdpEndpoint, lookup: UnsealLookup<D>): Unsealed | undefined {
  if (data.length < 4) return { bytes: data, encrypted: false };
  const first = (data[0] << 8) | data[1];
  let d: D | undefined;
  if ((first & 0x8000) !== 0) {
    const dest = ((data[2] << 8) | data[3]) & 0x7fff;
    const candidate = lookup.byLocal(dest);
    if (candidate?.accepts(from)) d = candidate;
    else if (!candidate) {
      // A late retransmission for an encrypted dialog that just closed (its HANGUP whose ACK was lost).
      const cipher = lookup.tombstoneCipher(dest, from, first & 0x7fff);
      if (cipher) {
        const clear = cipher.open(data, lookup.now());
        return clear ? { bytes: clear, encrypted: true } : { bytes: data, encrypted: false };
      }
    }
  } else if (first !== 0) {
    d = lookup.byRemote(from, first);
  }
  if (!d?.encrypted) return { bytes: data, encrypted: false };
  const clear = d.unseal(data);
  if (clear) return { bytes: clear, encrypted: true };
  if ((first & 0x8000) !== 0 && plausibleFullFrame(data) && data[10] === FrameType.IAX
    && (data[11] === IaxSubclass.INVAL || data[11] === IaxSubclass.AUTHREQ)) return { bytes: data, encrypted: false };
  d.dropUndecryptable(data.length);
  return undefined;
}
