/** One table printed by `npm run bench` (see /work/notes/bench.md for the contract between bench modules). */
export interface BenchSection {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}
