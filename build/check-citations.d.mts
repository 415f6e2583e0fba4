/** What docs/ offers to cite: section numbers per document, spec rule IDs, spec appendices, decision IDs. */
export interface CitableDocs {
  readonly sections: Readonly<Record<string, ReadonlySet<string>>>;
  readonly rules: ReadonlySet<string>;
  readonly appendices: ReadonlySet<string>;
  readonly decisions: ReadonlySet<string>;
}
export function headingNumbers(markdown: string): Set<string>;
export function loadDocs(root: string): CitableDocs;
export function checkText(file: string, text: string, docs: CitableDocs,
  options?: { exists?: (path: string) => boolean; knownMarkdown?: ReadonlySet<string> }): string[];
export function checkRepository(root: string): string[];
