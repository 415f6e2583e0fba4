// Numbers as people write them, as the phone dials them: visual separators dropped ("+1 (212) 555-0100" →
// "+12125550100") and digits of any script read as ASCII ("٦٠٠" → "600"). One definition for the number field, the
// keyboard and the address book.

/**
 * Digits of any script as ASCII: Arabic-Indic "٢٠١" and fullwidth "２０１" are the number 201. Unicode encodes every
 * decimal digit (category Nd) in runs of ten from 0 to 9, some runs back to back (the mathematical digits), so a
 * digit's value is its distance from the start of its stretch of Nd characters, modulo ten.
 */
export function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => {
    let cp = d.codePointAt(0) ?? 0;
    let distance = 0;
    while (distance < 100 && /\p{Nd}/u.test(String.fromCodePoint(cp - 1))) { cp--; distance++; }
    return String(distance % 10);
  });
}

/** "+1 (212) 555-0100" → "+12125550100"; extension names ("voicemail") are left alone. */
export function normaliseNumber(text: string): string {
  const trimmed = asciiDigits(text.trim());
  if (/^[+0-9()\s.\-]+$/.test(trimmed) && /[0-9]/.test(trimmed)) return trimmed.replace(/[()\s.\-]/g, '');
  return trimmed;
}
