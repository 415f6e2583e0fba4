// WCAG 2.x contrast of an element's text against its effective background, computed in the page from
// getComputedStyle (the background is taken from the nearest ancestor with an opaque one).

import type { Page } from 'playwright-core';

export interface ContrastSample { readonly selector: string; readonly ratio: number; readonly fg: string; readonly bg: string }

/** The DOM surface the probe uses (the Node tsconfig has no DOM lib). */
interface ProbeElement { readonly parentElement: ProbeElement | null }
interface ProbeGlobals {
  document: { querySelector(selector: string): ProbeElement | null };
  getComputedStyle(el: ProbeElement): { color: string; backgroundColor: string };
}

export async function contrastOf(page: Page, selectors: readonly string[]): Promise<ContrastSample[]> {
  return page.evaluate((sels) => {
    const { document, getComputedStyle } = globalThis as unknown as ProbeGlobals;
    const parse = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const out: { selector: string; ratio: number; fg: string; bg: string }[] = [];
    for (const sel of sels) {
      const el = document.querySelector(sel);
      if (!el) continue;
      const fg = getComputedStyle(el).color;
      let node: ProbeElement | null = el;
      let bg = 'rgb(255, 255, 255)';
      while (node) {
        const c = getComputedStyle(node).backgroundColor;
        if (parse(c)[3] >= 0.99) { bg = c; break; }
        node = node.parentElement;
      }
      const l1 = lum(parse(fg)), l2 = lum(parse(bg));
      out.push({ selector: sel, fg, bg, ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) });
    }
    return out;
  }, selectors);
}
