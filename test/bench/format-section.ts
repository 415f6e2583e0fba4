// One bench table as Markdown (npm run bench prints these; modules run alone print theirs the same way).
import type { BenchSection } from './bench-types.js';

export function formatSection(section: BenchSection): string {
  const cells = [section.columns, ...section.rows].map((r) => r.map((c) => String(c)));
  const widths = section.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const out = [`## ${section.title}`, '', line(cells[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const r of cells.slice(1)) out.push(line(r));
  if (section.notes?.length) out.push('', ...section.notes.map((n) => `* ${n}`));
  return out.join('\n');
}
