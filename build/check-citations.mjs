#!/usr/bin/env node
// Citation check (run by `npm run lint`): every document a comment, test or doc cites must be in the repository, and
// every section, rule or decision it names must exist there. What a citation means (docs/spec.md, top):
//  - "spec §4.3", "docs/spec.md §4.3"      → a heading numbered 4.3 in docs/spec.md
//  - "stack-notes §1.2", "softphone-anchors §6.2", "docs/<name>.md §x" → a heading numbered so in that file
//  - a bare "§x" takes the document of the citation before it on the same line ("spec §4.2-§4.5", "§5.4 and §5.5");
//    after "RFC 5456 §6.1" or another outside document it is that document's, and not checked
//  - rule IDs F-1 … N-3, E-1 … E-4, P1 … P25 → defined in docs/spec.md; "docs/decisions.md D-12" → a D-12 entry
//    there (a D-n after "decisions" on the line is a decision, otherwise one of the spec's codec rules D-1 … D-5)
//  - "Appendix A.2" → docs/spec.md's appendix A, item A.2
//  - a file name ending in .md → a file in the repository
//  - every entry of docs/decisions.md has its own number
//  - no citations of things outside the repository: issue numbers ("issue 3"), round notes ("R2-soak-findings",
//    "notes H6-H7", "H1's proxy"), paths under /work/.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOC_OF_QUALIFIER = { spec: 'docs/spec.md', 'stack-notes': 'docs/stack-notes.md', 'softphone-anchors': 'docs/softphone-anchors.md' };

/** Section numbers of a markdown document: headings that start with a number ("### 4.3 ACK", "## 2a. IAX2 anchors"). */
export function headingNumbers(markdown) {
  const out = new Set();
  for (const m of markdown.matchAll(/^#{1,6}\s+§?\s*(\d+(?:\.\d+)*[a-z]?)\.?\s/gm)) out.add(m[1]);
  return out;
}

/** What docs/ offers to cite, read from the repository at `root` (or given directly, for tests). */
export function loadDocs(root) {
  const read = (p) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : '');
  const docsDir = join(root, 'docs');
  const files = existsSync(docsDir) ? readdirSync(docsDir).filter((f) => f.endsWith('.md')) : [];
  const sections = {};
  for (const f of files) sections[`docs/${f}`] = headingNumbers(read(`docs/${f}`));
  const spec = read('docs/spec.md');
  const rules = new Set();
  for (const m of spec.matchAll(/^\s*(?:[-*]\s+)?\*\*([FRTKACDEN]-\d+|P\d+)\b/gm)) rules.add(m[1]);
  const appendices = new Set();
  for (const m of spec.matchAll(/^#{1,6}\s+Appendix\s+([A-Z])\b/gm)) appendices.add(m[1]);
  for (const m of spec.matchAll(/^\s*\*\*([A-Z]\.\d+)\b/gm)) appendices.add(m[1]);
  const decisions = new Set();
  for (const m of read('docs/decisions.md').matchAll(/^##\s+(D-\d+)\b/gm)) decisions.add(m[1]);
  return { sections, rules, appendices, decisions };
}

const DOC_QUALIFIER = /(?:^|[^\w-])(spec(?:['’]s)?|stack-notes|softphone-anchors|docs\/[\w.-]+\.md)\s*$/i;
const LIST_SEPARATOR = /§\s?[\d.]+[a-z]?\s*(?:-|–|—|\/|,|;|and|or|&)\s*$/;
const OUTSIDE_QUALIFIER = /(?:RFC\s*\d+|\b[\w.]*\d[\w.]*|\b[A-Z]{2,}[\w.-]*)\s*$/;
const ANY_QUALIFIER = /(spec(?:['’]s)?|stack-notes|softphone-anchors|docs\/[\w.-]+\.md)|RFC\s*\d+|ETSI|ITU-T|GSM 06\.10|G\.\d+/gi;

function docOfQualifier(q) {
  const word = q.toLowerCase().replace(/['’]s$/, '');
  return DOC_OF_QUALIFIER[word] ?? q;
}

/**
 * The document a "§" refers to, from the text before it on its line: a qualifier right before it ("spec §", "RFC 5456
 * §"), else the previous citation's document ("§4.2-§4.5", "§5.4 and §5.5"), else the last qualifier earlier on the
 * line ("spec R-9, §8.3"). 'outside' for documents outside docs/; undefined when the line names none.
 */
function documentOf(before, previous) {
  if (previous !== undefined && LIST_SEPARATOR.test(before)) return previous;
  const q = DOC_QUALIFIER.exec(before);
  if (q) return docOfQualifier(q[1]);
  if (OUTSIDE_QUALIFIER.test(before)) return 'outside';
  if (previous !== undefined) return previous;
  const all = [...before.matchAll(ANY_QUALIFIER)];
  const last = all.at(-1);
  if (!last) return undefined;
  return last[1] ? docOfQualifier(last[1]) : 'outside';
}

const FORBIDDEN = [
  [/\bissues?\s*#?\d+/i, 'cites an issue number: cite the docs/decisions.md entry or docs/spec.md section it means, or say it in words'],
  [/\bR\d+(?:-[A-Za-z][\w-]*|\s+(?:interop|pass|round|notes?)\b)/, 'cites a round note (R…): cite docs/ or say it in words'],
  [/\bnotes?\s+[A-Z]\d|\b[A-Z]\d+\s+notes\b/, 'cites notes outside the repository: cite docs/ or say it in words'],
  [/\bsee notes\b/i, 'cites notes outside the repository: cite docs/ or say it in words'],
  [/\bH\d+(?:['’]s\b|-H\d+\b)/, 'names an earlier helper (H…): name the file or the docs/ entry instead'],
  [/\/work\//, 'cites a path outside the repository'],
];

/**
 * Problems with the citations in one file's text. `file` is its path relative to the repository root; `exists(p)`
 * says whether a repository path exists and `knownMarkdown` holds the base names of the repository's .md files.
 */
export function checkText(file, text, docs, { exists = () => true, knownMarkdown = new Set() } = {}) {
  const problems = [];
  const lines = text.split('\n');
  const inDecisions = file === 'docs/decisions.md';
  const entries = new Set(); // decision IDs seen so far in docs/decisions.md
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    const say = (why) => problems.push(`${at}: ${why}`);

    const entry = inDecisions ? /^##\s+(D-\d+)\b/.exec(line) : null;
    if (entry) {
      if (entries.has(entry[1])) say(`${entry[1]} is used twice: give the later entry the next free number`);
      entries.add(entry[1]);
    }

    for (const [re, why] of FORBIDDEN) if (re.test(line)) say(`${why}: "${line.trim().slice(0, 100)}"`);

    // Markdown files named anywhere must be in the repository.
    for (const m of line.matchAll(/(?<![\w/.-])((?:[\w.-]+\/)*[\w.-]+\.md)\b/g)) {
      const name = m[1];
      const ok = name.includes('/')
        ? exists(name) || exists(relative('.', join(dirname(file), name)))
        : knownMarkdown.has(name);
      if (!ok) say(`cites ${name}, which is not in the repository`);
    }

    // § citations, each resolved to a document (or to an outside one, not checked).
    let current; // the document of the last citation on this line: a docs/ path, 'outside', or undefined
    for (const m of line.matchAll(/§\s?(\d+(?:\.\d+)*[a-z]?)/g)) {
      current = documentOf(line.slice(0, m.index), current);
      if (current === undefined || current === 'outside') continue;
      const known = docs.sections[current];
      if (!known) { say(`cites ${current} §${m[1]}, but ${current} does not exist`); continue; }
      if (!known.has(m[1])) say(`cites ${current} §${m[1]}, which has no such section`);
    }

    // Rule IDs of docs/spec.md, and decisions.
    for (const m of line.matchAll(/(?<![\w-])([FRTKACEN]-\d+|D-\d+|P\d{1,2})(?![\w-])/g)) {
      const id = m[1];
      if (id.startsWith('D-')) {
        const before = line.slice(0, m.index).toLowerCase();
        const d = before.lastIndexOf('decisions');
        const s = before.lastIndexOf('spec');
        const isDecision = d > s || (d < 0 && s < 0 && inDecisions);
        if (isDecision) {
          if (!docs.decisions.has(id)) say(`cites docs/decisions.md ${id}, which has no such entry`);
        } else if (!docs.rules.has(id)) {
          say(`cites rule ${id}, which docs/spec.md does not define (a decision is cited as "docs/decisions.md ${id}")`);
        }
        continue;
      }
      if (!docs.rules.has(id)) say(`cites rule ${id}, which docs/spec.md does not define`);
    }

    for (const m of line.matchAll(/\bAppendix\s+([A-Z])(?:\.(\d+))?/g)) {
      // Only the spec's appendices (other documents have theirs: "ITU-T G.711 Appendix I").
      if (file !== 'docs/spec.md' && documentOf(line.slice(0, m.index), undefined) !== 'docs/spec.md') continue;
      const id = m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`;
      if (!docs.appendices.has(id)) say(`cites docs/spec.md Appendix ${id}, which does not exist`);
    }
  });
  return problems;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'release', '.git', '.tmp', 'assets']);
/** This file describes the patterns it refuses, so it is not checked itself. */
const SELF = 'build/check-citations.mjs';
const TEXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|md|css|html|json|conf|plist|sh|yml|yaml)$/;

function walk(root, dir, out) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(root, p, out);
    else if (TEXT.test(name) && name !== 'package-lock.json' && relative(root, p) !== SELF) out.push(relative(root, p));
  }
  return out;
}

/** Checks every text file of the repository at `root`; returns the problems. */
export function checkRepository(root) {
  const files = walk(root, root, []);
  if (existsSync(join(root, '.ci/run'))) files.push('.ci/run');
  const docs = loadDocs(root);
  const knownMarkdown = new Set(files.filter((f) => f.endsWith('.md')).map((f) => basename(f)));
  const exists = (p) => existsSync(resolve(root, p));
  return files.flatMap((f) => checkText(f, readFileSync(join(root, f), 'utf8'), docs, { exists, knownMarkdown }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = checkRepository(root);
  if (problems.length) {
    console.error(`Citation check failed (${problems.length}): every cited document, section and rule must exist in docs/\n  `
      + problems.join('\n  '));
    process.exit(1);
  }
  console.log('citation check: ok');
}
