// The basic fixed-point operators of ETSI GSM 06.10 §5.1 (add, sub, mult, mult_r, abs, norm, div). Every step of
// the codec uses these so that our bit stream matches other conforming implementations exactly.

export const MIN_WORD = -32768;
export const MAX_WORD = 32767;

export function sat(v: number): number {
  return v > MAX_WORD ? MAX_WORD : v < MIN_WORD ? MIN_WORD : v;
}

export function add(a: number, b: number): number {
  return sat(a + b);
}

export function sub(a: number, b: number): number {
  return sat(a - b);
}

/** (a·b) >> 15, with the single overflow case −1·−1 saturated. */
export function mult(a: number, b: number): number {
  if (a === MIN_WORD && b === MIN_WORD) return MAX_WORD;
  return (a * b) >> 15;
}

/** Rounded (a·b + 2^14) >> 15. */
export function multR(a: number, b: number): number {
  if (a === MIN_WORD && b === MIN_WORD) return MAX_WORD;
  return (a * b + 16384) >> 15;
}

export function abs16(a: number): number {
  return a < 0 ? (a === MIN_WORD ? MAX_WORD : -a) : a;
}

/** Arithmetic shift right of a 32-bit value (SASR). */
export function sasr(a: number, n: number): number {
  return a >> n;
}

/** Number of left shifts that normalise a non-zero 32-bit value (§5.1 "norm"). */
export function norm(a: number): number {
  if (a < 0) {
    if (a <= -1073741824) return 0;
    a = ~a;
  }
  return Math.clz32(a) - 1;
}

/** 15-bit fraction num/denum for 0 <= num <= denum (§5.1 "div"). */
export function div(num: number, denum: number): number {
  if (num === 0) return 0;
  let q = 0;
  let n = num;
  for (let k = 0; k < 15; k++) {
    q <<= 1;
    n <<= 1;
    if (n >= denum) {
      n -= denum;
      q++;
    }
  }
  return q;
}

/** Shift left for n >= 0, right for n < 0, with the 16-bit limits of §5.1 "asl". */
export function asl(a: number, n: number): number {
  if (n >= 16) return 0;
  if (n <= -16) return a < 0 ? -1 : 0;
  return n < 0 ? a >> -n : a << n;
}

/** Shift right for n >= 0, left for n < 0 (§5.1 "asr"). */
export function asr(a: number, n: number): number {
  if (n >= 16) return a < 0 ? -1 : 0;
  if (n <= -16) return 0;
  return n < 0 ? a << -n : a >> n;
}

/** Truncates to a 16-bit two's complement word (what C does when storing an int into a `word`). */
export function toWord(v: number): number {
  return (v << 16) >> 16;
}
