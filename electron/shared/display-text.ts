// Text that came from the network (caller name and number, TEXT messages, cause strings, server messages) is
// shown only through these functions, so a hostile peer cannot drive a terminal (escape sequences set the window
// title, clear the screen, or worse), forge whole lines of output or of the trace, or reorder what is displayed
// with bidirectional overrides (the "Trojan Source" characters). What is escaped stays visible as \xNN or \u{NNNN}.
// docs/security.md, "Remote text".

/**
 * C0 controls (tab and newline included), DEL, C1 controls (0x9B is a one-byte CSI for some terminals), the
 * bidirectional embeddings, overrides, isolates and marks, and the Unicode line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** A backslash that would read as the start of one of our escapes: escaped itself, so no two texts look alike. */
const LOOKS_ESCAPED = /\\(?=x[0-9a-f]{2}|u\{[0-9a-f]+\})/g;
const ESCAPE = /\\x([0-9a-f]{2})|\\u\{([0-9a-f]{1,6})\}/g;

/**
 * `s` with every unsafe character escaped: safe to print on a terminal or to show in the UI on one line. One to
 * one (a backslash that already reads as an escape becomes \x5c), so rawText() gives the exact text back to a
 * client that needs it as data (`redial --json`). Not idempotent: escape each text once.
 */
export function displayText(s: string): string {
  return s.replace(LOOKS_ESCAPED, '\\x5c').replace(UNSAFE, escapeChar);
}

/** The text displayText() was given: its escapes turned back into the characters they stand for. */
export function rawText(shown: string): string {
  return shown.replace(ESCAPE, (whole, byte: string | undefined, code: string | undefined) => {
    const n = parseInt(byte ?? code ?? '', 16);
    return n <= 0x10ffff ? String.fromCodePoint(n) : whole;
  });
}

/**
 * JSON for a terminal or a log: JSON.stringify already escapes C0 controls; this also writes C1 controls, the
 * bidirectional controls and U+2028/2029 as \uXXXX escapes. The text parses back to exactly the same value.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
