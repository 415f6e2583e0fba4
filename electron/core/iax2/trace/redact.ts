// Secrets out of captures: a copy of a datagram with the bytes of every secret-bearing IE overwritten, lengths
// kept, so a pcap we write still decodes in Wireshark/tshark frame for frame but holds nothing that gives the
// password away (docs/security.md "What a capture holds").
//
// Which IEs (RFC 5456 §8.6; spec §3.2):
// - PASSWORD (plaintext authentication) is the secret itself.
// - MD5_RESULT is MD5(challenge ‖ secret): with the CHALLENGE beside it a dictionary attack runs offline, so both
//   go. CHALLENGE is also what the AES-128 key is derived from (spec §7.2), and inside RTKEY it carries key
//   material (16 raw bytes).
// - RSA_RESULT is a signature over the challenge; ENCKEY, PROVISIONING and AESPROVISIONING carry keys or device
//   passwords in Asterisk's provisioning (IAXy). We never send these, but a server could.
// The debug text (ie-display.ts) already shows these as <hidden>; this is the byte-level counterpart.
import { FrameType, IeType } from '../wire/types.js';

/** IE types whose data never reaches a capture file unless the user opts out. */
export const SECRET_IES: ReadonlySet<number> = new Set([
  IeType.PASSWORD, IeType.CHALLENGE, IeType.MD5_RESULT, IeType.RSA_RESULT, IeType.ENCKEY, IeType.PROVISIONING,
  IeType.AESPROVISIONING,
]);

/** What redacted IE bytes read as: printable, so string IEs still dissect as strings. */
export const REDACTED_BYTE = 0x2a; // '*'

const FULL_HEADER = 12;

/**
 * `bytes` with the data of secret IEs overwritten by '*' (same length). Only full IAX frames (F bit set, frame type
 * 6) carry IEs; anything else comes back as it is. When an IE block does not parse to its end (a malformed or
 * undecryptable frame), everything from the first IE that does not fit is overwritten too: we cannot tell what it
 * holds. The input is never modified; the same array is returned when there is nothing to hide.
 */
export function redactDatagram(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= FULL_HEADER || (bytes[0] & 0x80) === 0 || bytes[10] !== FrameType.IAX) return bytes;
  let out: Uint8Array | undefined;
  const blank = (from: number, to: number): void => {
    out ??= Uint8Array.from(bytes);
    out.fill(REDACTED_BYTE, from, to);
  };
  let at = FULL_HEADER;
  while (at < bytes.length) {
    if (at + 2 > bytes.length || at + 2 + bytes[at + 1] > bytes.length) {
      blank(at, bytes.length);
      break;
    }
    const type = bytes[at];
    const end = at + 2 + bytes[at + 1];
    if (SECRET_IES.has(type) && end > at + 2) blank(at + 2, end);
    at = end;
  }
  return out ?? bytes;
}
