/**
 * Pagination in the console builder: which pages a target will read (the next link clicked or
 * found, or a `{page}` pattern typed), page 2 read in the same browser, and every selector
 * counted on every page seen, so ops see a selector that only fits page 1 before they save.
 */
import type { ItemsProposal, PreviewRow } from '../extract/suggest-items.js';
import type { PagesProposal } from '../extract/suggest-pages.js';
import type { Followed } from '../fetch/page-capture.js';

/** What the form holds for pagination ('' = not set). Typed values replace any proposal. */
export interface TypedPages {
  next: string;
  pattern: string;
  pages: string;
}

/** How the saved target reaches its further pages: `fetch.next`, or `fetch.url` with `{page}` and `pages`. */
export type PagesConfig = { next: string } | { url: string; pages: string };

export interface PagesPlan {
  /** What was found on the page or clicked (null: typed, or nothing found). */
  proposal: PagesProposal | null;
  config: PagesConfig | null;
  /** The page to read as page 2. */
  page2: string | null;
}

export interface PageCount {
  page: number;
  url: string;
  items: number;
}

export interface PagesView extends PagesPlan {
  /** Page 2 as read: its items with the same selectors, or why it could not be read. */
  page2Read: { url: string; status: number; count: number; rows: PreviewRow[]; next: string | null } | { url: string; error: string } | null;
  pages: PageCount[];
  /** The item selector and its alternatives, with how many elements each matches on each page seen. */
  candidates: { each: string; counts: number[]; total: number; chosen: boolean }[];
  /** Each field's selector and on how many of all the items seen it reads something. */
  fields: { name: string; selector: string; read: number; of: number }[];
  /** The next link on page 2 leads back to page 1 (a "previous" link): the selector needs fixing. */
  loops: boolean;
}

type Engine = typeof import('../extract/suggest-pages.js');

/** Decide the pagination from page 1's HTML: typed values first, then a click on a page link, then what the page shows. */
export function planPages(engine: Engine, html: string, url: string, req: { nextPick: number[] | null; typed: TypedPages | null }): PagesPlan {
  const t = req.typed;
  if (t && (t.next || t.pattern)) {
    if (t.pattern) {
      const from = Number(/^\s*(\d+)/.exec(t.pages)?.[1] ?? '1');
      return { proposal: null, config: { url: t.pattern, pages: t.pages || '1..5' }, page2: t.pattern.replaceAll('{page}', String(from + 1)) };
    }
    return { proposal: null, config: { next: t.next }, page2: engine.followNext(html, t.next, url) };
  }
  // The form was sent with both left empty: one page, as typed.
  if (t) return { proposal: null, config: null, page2: null };
  const proposal = engine.suggestNext(html, { url, pick: req.nextPick });
  if (!proposal) return { proposal: null, config: null, page2: null };
  const config: PagesConfig | null = proposal.next ? { next: proposal.next } : proposal.pattern ? { url: proposal.pattern.url, pages: proposal.pattern.pages } : null;
  return { proposal, config, page2: proposal.nextUrl };
}

/** Counts on page 1 and, when it was read, page 2, for the proposal (or typed selectors) shown. */
export async function pagesView(plan: PagesPlan, p1: { url: string; html: string }, followed: Followed | null, items: ItemsProposal | null, currency?: string): Promise<PagesView> {
  const [{ loadHtml }, { previewSelectors, suggestItems }, { followNext }] = await Promise.all([import('../extract/selector.js'), import('../extract/suggest-items.js'), import('../extract/suggest-pages.js')]);
  const opts = (url: string) => ({ url, ...(currency ? { defaultCurrency: currency } : {}) });
  const read = (html: string, url: string): ItemsProposal | null => {
    if (!items) return null;
    if (items.each) return previewSelectors(html, { each: items.each, key: items.key, fields: items.fields }, opts(url));
    const ld = suggestItems(html, opts(url));
    return ld?.source === 'json-ld' ? ld : null;
  };
  const seen: { url: string; html: string; read: ItemsProposal | null }[] = [{ ...p1, read: items }];
  let page2Read: PagesView['page2Read'] = null;
  let loops = false;
  if (followed && 'error' in followed) page2Read = followed;
  else if (followed) {
    const r = read(followed.html, followed.url);
    seen.push({ url: followed.url, html: followed.html, read: r });
    const next = plan.config && 'next' in plan.config ? followNext(followed.html, plan.config.next, followed.url) : null;
    loops = next !== null && (next === p1.url || next === followed.url);
    page2Read = { url: followed.url, status: followed.status, count: r?.count ?? 0, rows: r?.rows ?? [], next };
  }
  const pages = seen.map((s, i) => ({ page: i + 1, url: s.url, items: s.read?.count ?? 0 }));
  const docs = seen.map((s) => loadHtml(s.html));
  const count = (sel: string) =>
    docs.map(($) => {
      try {
        return $(sel).length;
      } catch {
        return 0;
      }
    });
  const candidates = items?.each ? [items.each, ...items.alternatives.map((a) => a.each)].map((each, i) => {
    const counts = count(each);
    return { each, counts, total: counts.reduce((a, b) => a + b, 0), chosen: i === 0 };
  }) : [];
  const rows = seen.flatMap((s) => s.read?.rows ?? []);
  const value = (r: PreviewRow, f: string) => (f === 'name' ? r.name : f === 'price' ? r.priceText : f === 'url' ? r.url : f === 'stock' ? r.stock : r.key);
  const fields = items?.each
    ? [...(items.key ? [['key', items.key] as const] : []), ...Object.entries(items.fields)].map(([name, selector]) => ({ name, selector: selector ?? '', read: rows.filter((r) => value(r, name) !== null).length, of: rows.length }))
    : [];
  return { ...plan, page2Read, pages, candidates, fields, loops };
}
