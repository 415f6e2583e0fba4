// DTMF digits (spec §2.4, C-6): the subclass of DTMF (1, end) and DTMF_BEGIN (12) frames is the ASCII digit.

const VALID = /^[0-9*#A-D]$/;

/** Normalises one key to its wire character (a-d → A-D), or undefined if it is not a DTMF key. */
export function dtmfChar(key: string): string | undefined {
  const k = key.toUpperCase();
  return VALID.test(k) ? k : undefined;
}

/** The digit carried by a received DTMF / DTMF_BEGIN subclass, or undefined for garbage. */
export function digitOfSubclass(subclass: number): string | undefined {
  if (subclass < 0x20 || subclass > 0x7e) return undefined;
  return dtmfChar(String.fromCharCode(subclass));
}

/** Key-down to key-up time and the pause before the next digit: Asterisk's default 100 ms digit duration. */
export const DTMF_TONE_MS = 100;
export const DTMF_GAP_MS = 100;
