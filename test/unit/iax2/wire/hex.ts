// Byte fixtures are written as spaced hex, the way the spec's Appendix A prints them.
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\|/g, ' ').trim().split(/\s+/).filter(Boolean);
  return Uint8Array.from(clean.map((b) => {
    if (!/^[0-9a-fA-F]{2}$/.test(b)) throw new Error(`bad hex byte "${b}"`);
    return parseInt(b, 16);
  }));
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
