/** One table printed by `npm run bench` (test/bench/index.ts prints and collects them). */
export interface BenchSection {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}
