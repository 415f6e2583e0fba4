// Percentile summaries for load reports (docs/scenarios.md "Load reports"). Nearest-rank percentiles: the p-th
// percentile of n values is the ⌈p·n/100⌉-th smallest, always one of the measured values (no interpolation, so a
// p99 of 20 calls is honestly the slowest call but one, not an invented figure between two).

export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of values sorted ascending; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  if (!(p > 0)) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** Summary of the finite values among `values` (undefined and NaN are left out: a call without that figure). */
export function distribution(values: Iterable<number | undefined>): Distribution | undefined {
  const v: number[] = [];
  for (const x of values) if (x !== undefined && Number.isFinite(x)) v.push(x);
  if (v.length === 0) return undefined;
  v.sort((a, b) => a - b);
  let sum = 0;
  for (const x of v) sum += x;
  return {
    count: v.length, min: v[0], p50: percentile(v, 50), p95: percentile(v, 95), p99: percentile(v, 99),
    max: v[v.length - 1], mean: sum / v.length,
  };
}
