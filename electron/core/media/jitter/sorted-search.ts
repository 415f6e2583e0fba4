// Binary search over the first `count` entries of a sorted Float64Array: the delay floor's keys and the delay
// history's sorted window both keep their values sorted in place (no sort or allocation per frame, docs/stack-notes.md
// §5.5), and both need the insertion point of a value.

/** First index in `sorted[0..count)` whose value is ≥ v (`count` when none is). */
export function lowerBound(sorted: Float64Array, count: number, v: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
