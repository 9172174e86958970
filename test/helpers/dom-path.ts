import { loadHtml } from '../../src/extract/selector.js';

/** The element-child path from <html> of the first element matching `css`: what a click on the builder's picture sends. */
export function pathOf(html: string, css: string): number[] {
  const $ = loadHtml(html);
  const el = $(css).first()[0];
  if (!el) throw new Error(`nothing matches ${css}`);
  const path: number[] = [];
  for (let e = el; e.parent && e.parent.type === 'tag'; e = e.parent) path.unshift(e.parent.children.filter((c) => c.type === 'tag').indexOf(e));
  return path;
}
