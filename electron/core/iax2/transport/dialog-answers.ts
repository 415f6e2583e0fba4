// IAX frames a dialog answers itself instead of handing them up to its call or registration (spec §2.2).
import { encodeIes } from '../wire/ies.js';
import { FrameType, IaxSubclass, IeType, type FullFrame } from '../wire/types.js';
import type { OutgoingFrame } from './dialog.js';

const KNOWN_IAX_SUBCLASS_MAX = IaxSubclass.CALLTOKEN;

/** The reply to `f` when the dialog answers it itself; undefined when the frame goes up. */
export function ownAnswer(f: FullFrame): OutgoingFrame | undefined {
  if (f.frameType !== FrameType.IAX) return undefined;
  // Asterisk 22 never path-optimises (spec §2.2); refusing is always safe.
  if (f.subclass === IaxSubclass.TXREQ) return { frameType: FrameType.IAX, subclass: IaxSubclass.TXREJ };
  if (f.subclass >= 1 && f.subclass <= KNOWN_IAX_SUBCLASS_MAX) return undefined;
  // Spec §2.2 #33: UNSUPPORT carrying the unknown subclass byte in IAX_UNKNOWN.
  const byte = f.subclass < 0 ? 0xff : f.subclassBit !== undefined ? 0x80 | f.subclassBit : f.subclass & 0xff;
  return { frameType: FrameType.IAX, subclass: IaxSubclass.UNSUPPORT,
    payload: encodeIes([{ type: IeType.IAX_UNKNOWN, data: Uint8Array.of(byte) }]) };
}
