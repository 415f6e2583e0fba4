// The citation check run by `npm run lint` (build/check-citations.mjs): it must refuse a citation of a section, rule,
// decision or file that docs/ does not have, and citations of things outside the repository — and accept the real
// repository as it is. The bad citations below carry a '~' that bad() removes, so this file does not cite them itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkRepository, checkText, headingNumbers, loadDocs } from '../../../build/check-citations.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const docs = loadDocs(root);
const S = '§';
const bad = (text: string): string => text.replaceAll('~', '');
const check = (text: string, file = 'electron/core/x.ts'): string[] =>
  checkText(file, bad(text), docs, { exists: (p: string) => existsSync(join(root, p)), knownMarkdown: new Set(['README.md']) });

describe('citation check', () => {
  it('reads section numbers, rules and decisions from docs/', () => {
    expect(headingNumbers('## 4. Transport\n### 4.3 ACKs\n### 2a. Anchors\n#### not a number\n')).toEqual(new Set(['4', '4.3', '2a']));
    expect(docs.sections['docs/spec.md']?.has('4.3')).toBe(true);
    expect(docs.sections['docs/stack-notes.md']?.has('1.2')).toBe(true);
    expect(docs.rules.has('R-8') && docs.rules.has('P25') && docs.rules.has('D-5')).toBe(true);
    expect(docs.decisions.has('D-2')).toBe(true);
  });

  it('accepts citations that exist, including lists, ranges and outside documents', () => {
    expect(check(`// spec ${S}4.3, ${S}4.2-${S}4.5 and ${S}7.4 (R-3, T-2, P16; RFC 5456 ${S}8.1.1/${S}99.1)`)).toEqual([]);
    expect(check(`// spec N-3, ${S}8.4; stack-notes ${S}1.2 item 8; softphone-anchors ${S}6.2; docs/decisions.md D-2`)).toEqual([]);
    expect(check(`// the spec's ${S}10 checklist, spec Appendix A.2, ITU-T G.711 Appendix I, GSM 06.10 ${S}4.2.13`)).toEqual([]);
  });

  it('refuses a section the cited document does not have', () => {
    expect(check(`// see spec ${S}4.9`)).toEqual([expect.stringContaining(`docs/spec.md ${S}4.9, which has no such section`)]);
    expect(check(`// spec ${S}4.3 and ${S}4.99`)).toHaveLength(1);
    expect(check(`// spec R-9, ${S}8.77`)).toHaveLength(1);
    expect(check(`// stack-notes ${S}9.9`)).toEqual([expect.stringContaining('docs/stack-notes.md')]);
    expect(check(`// softphone-anchors ${S}6.9`)).toHaveLength(1);
    expect(check(`// docs/spec.md ${S}11`)).toHaveLength(1);
    expect(check('// spec Appendix A.~9')).toHaveLength(1);
  });

  it('refuses rule IDs and decisions that do not exist', () => {
    expect(check('// (R~-99)')).toEqual([expect.stringContaining(bad('rule R~-99'))]);
    expect(check('// pitfall P~26')).toHaveLength(1);
    expect(check('// docs/decisions.md D~-999')).toEqual([expect.stringContaining(bad('docs/decisions.md D~-999'))]);
    // A bare D-n is one of the spec's codec rules; a decision needs its file named.
    expect(check('// (D~-9)')).toEqual([expect.stringContaining(bad('docs/decisions.md D~-9'))]);
  });

  it('refuses two decisions with one number', () => {
    const decisions = '## D-1 One\n\ntext\n\n## D-2 Two\n\n## D-2 Another\n';
    expect(check(decisions, 'docs/decisions.md')).toEqual([expect.stringContaining('docs/decisions.md:7: D-2 is used twice')]);
  });

  it('refuses documents that are not in the repository', () => {
    expect(check('// see docs/nowhere~.md')).toEqual([expect.stringContaining(bad('docs/nowhere~.md'))]);
    expect(check('// (test-peers~.md)')).toHaveLength(1);
    expect(check('// see README.md and docs/spec.md')).toEqual([]);
  });

  it('refuses issue numbers, round notes and paths outside the repository', () => {
    for (const text of ['// (iss~ue 3)', '// Iss~ue #2: never crash', '// see no~tes R~2-soak-findings',
      '// found in the R~2 interop pass', '// (no~tes H~6-H7)', "// through H~1's proxy", '// see /wo~rk/notes/x']) {
      expect(check(text), text).not.toEqual([]);
    }
  });

  it('passes on this repository', () => {
    expect(checkRepository(root)).toEqual([]);
  });
});
