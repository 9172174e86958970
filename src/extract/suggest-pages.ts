/**
 * Proposes how a listing's further pages are reached, as a target writes it: `fetch.next` (the
 * "next" link, read on every page) or a numbered URL (`fetch.url` with `{page}` and `pages`).
 * Pure: a page's HTML in, a proposal out; the console builder (a click on the next link) and
 * `radar try URL --suggest` (no click) share it.
 *
 * Why `next` first: it needs no page count, which changes as the shop adds products; a numbered
 * pattern is offered beside it when the link only changes a page number, for sites whose "next"
 * is a script button.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { nodeAt } from './suggest-items.js';
import { absoluteUrl, cleanText, loadHtml } from './selector.js';

export interface PagesProposal {
  /** `fetch.next`: a selector whose first match on every page is the next link, with `@href`. */
  next: string | null;
  /** Where that link leads from this page. */
  nextUrl: string;
  /** The link's text as shown ("下一页", "›"). */
  text: string;
  /** The same pages by number, when the link only changes one: `fetch.url` with `{page}`, `pages: "1..N"`. */
  pattern: { url: string; pages: string } | null;
  /** The link's element-child path from <html>, as the builder's boxes name elements. */
  path: number[];
}

/** Words and arrows a "next page" link carries. */
const NEXT_TEXT = /^(下一页|下一頁|下页|后页|後頁|下一页\s*[>›»]+|next|next\s*page|next\s*[>›»]+|[>›»→]{1,2}|更多商品)$/i;
const NEXT_ATTR = /(^|[-_\s])(next|nextpage|next-page|pn-next|page-next)([-_\s]|$)|下一页/i;

/**
 * The page's next link: the element clicked (or the link around it) when it is one, else the
 * clearest next link on the page. Null when there is none (a single page, or "load more" by script).
 */
export function suggestNext(html: string, opts: { url: string; pick?: number[] | null }): PagesProposal | null {
  const $ = loadHtml(html);
  if (opts.pick) {
    const el = nodeAt($, opts.pick);
    const a = el ? linkAround(el) : null;
    return a && isPageLink($, a, opts.url) ? proposalFor($, a, opts.url) : null;
  }
  const links = $('a[href]').toArray().filter(isElement);
  const next = links.find((a) => /\bnext\b/i.test(a.attribs.rel ?? '')) ?? links.find((a) => looksNext($, a) && usableHref(a.attribs.href, opts.url));
  return next ? proposalFor($, next, opts.url) : null;
}

/** True when the clicked element is (inside) a link to another page of this listing. */
export function isNextClick(html: string, pick: number[], url: string): boolean {
  const $ = loadHtml(html);
  const el = nodeAt($, pick);
  const a = el ? linkAround(el) : null;
  return !!a && isPageLink($, a, url);
}

/** Where `next` (a `fetch.next` value) leads from a page, as a run reads it; null at the last page. */
export function followNext(html: string, next: string, pageUrl: string): string | null {
  const $ = loadHtml(html);
  const at = next.lastIndexOf('@');
  const css = at > 0 ? next.slice(0, at) : next;
  const attr = at > 0 ? next.slice(at + 1) : 'href';
  let href: string | undefined;
  try {
    href = $(css).first().attr(attr);
  } catch {
    return null;
  }
  return href && usableHref(href, pageUrl) ? absoluteUrl(href.trim(), pageUrl) : null;
}

// ---- which link ------------------------------------------------------------------------------

function linkAround(el: Element): Element | null {
  for (let e: Element | null = el; e && e.name !== 'body'; e = parentOf(e)) if (e.name === 'a' && e.attribs.href) return e;
  return null;
}

function looksNext($: CheerioAPI, a: Element): boolean {
  const text = cleanText($(a).text());
  if (NEXT_TEXT.test(text)) return true;
  return [a.attribs.class, a.attribs.id, a.attribs['aria-label'], a.attribs.title].some((v) => !!v && NEXT_ATTR.test(v));
}

/** A next link, or a numbered link to this listing's page N (a click on "2"). */
function isPageLink($: CheerioAPI, a: Element, url: string): boolean {
  if (!usableHref(a.attribs.href, url)) return false;
  if (/\bnext\b/i.test(a.attribs.rel ?? '') || looksNext($, a)) return true;
  return pagePattern(url, absoluteUrl(a.attribs.href!.trim(), url)) !== null && /^\d{1,4}$/.test(cleanText($(a).text()));
}

function usableHref(href: string | undefined, pageUrl: string): boolean {
  if (!href || /^(#|javascript:)/i.test(href.trim())) return false;
  return absoluteUrl(href.trim(), pageUrl) !== pageUrl;
}

// ---- the proposal ----------------------------------------------------------------------------

function proposalFor($: CheerioAPI, a: Element, url: string): PagesProposal {
  const nextUrl = absoluteUrl(a.attribs.href!.trim(), url);
  const numbered = pagePattern(url, nextUrl);
  // A numbered link that is not "next" (the "2" of 1 2 3 ›) is followed by number: its selector
  // would find page 2's own "2" again on page 2.
  const next = looksNext($, a) || /\bnext\b/i.test(a.attribs.rel ?? '') ? nextSelector($, a) : null;
  return {
    next: next ? `${next}@href` : null,
    nextUrl,
    text: cleanText($(a).text()) || a.attribs['aria-label'] || a.attribs.title || '',
    pattern: numbered ? { url: numbered.url, pages: `${numbered.from}..${Math.max(numbered.from + 1, lastPage($, url, numbered.url))}` } : null,
    path: pathOf(a),
  };
}

/** Short selectors whose first match on the page is `a`, stable attributes before text. */
function nextSelector($: CheerioAPI, a: Element): string | null {
  const out: string[] = [];
  const q = (v: string) => v.replace(/["\\]/g, '\\$&');
  if (/\bnext\b/i.test(a.attribs.rel ?? '')) out.push('a[rel="next"]', `a[rel="${q(a.attribs.rel!)}"]`);
  const classes = (a.attribs.class ?? '').split(/\s+/).filter((c) => /^[A-Za-z_-][\w-]*$/.test(c) && !/\d{2}/.test(c));
  for (const c of classes.sort((x, y) => Number(!NEXT_ATTR.test(x)) - Number(!NEXT_ATTR.test(y)))) out.push(`a.${c}`, `.${c}`);
  if (a.attribs.id && /^[A-Za-z][\w-]*$/.test(a.attribs.id)) out.push(`#${a.attribs.id}`);
  for (const attr of ['aria-label', 'title']) if (a.attribs[attr]) out.push(`a[${attr}="${q(a.attribs[attr]!)}"]`);
  const parent = parentOf(a);
  const pc = (parent?.attribs.class ?? '').split(/\s+/).filter((c) => /^[A-Za-z_-][\w-]*$/.test(c));
  const text = cleanText($(a).text());
  // Text last: a shop translating its site breaks it, but many pagers have nothing else.
  if (text && text.length <= 12 && !/["\\]/.test(text)) {
    for (const c of pc) out.push(`.${c} a:contains("${text}")`);
    out.push(`a:contains("${text}")`);
  }
  for (const sel of out) {
    try {
      if ($(sel).first()[0] === a) return sel;
    } catch {
      // not CSS cheerio reads: next candidate
    }
  }
  return null;
}

/**
 * `next` as a numbered URL: the one run of digits (or the `page=2` added to a first page without
 * one) that differs between this page and the next. Null when more than a number changes.
 */
export function pagePattern(cur: string, next: string): { url: string; from: number } | null {
  for (const m of next.matchAll(/\d+/g)) {
    const n = Number(m[0]);
    const url = next.slice(0, m.index) + '{page}' + next.slice(m.index + m[0].length);
    if (n >= 1 && url.replace('{page}', String(n - 1)) === cur) return { url, from: n - 1 };
    // Page 1 often has no number at all: /list → /list?page=2, /list?c=3 → /list?c=3&page=2.
    if (n === 2) {
      const bare = url.replace(/([?&])[\w.-]+=\{page\}(&|$)/, (_s, lead: string, tail: string) => (tail ? lead : '')).replace(/[?&]$/, '');
      if (bare !== url && bare === cur.replace(/[?&]$/, '')) return { url, from: 1 };
    }
  }
  return null;
}

/** The highest page number among the page's links that fit the pattern (the "5" of 1 2 3 … 5). */
function lastPage($: CheerioAPI, pageUrl: string, pattern: string): number {
  const re = new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{page\\}', '(\\d{1,4})') + '$');
  let max = 0;
  for (const a of $('a[href]').toArray().filter(isElement)) {
    const m = re.exec(absoluteUrl(a.attribs.href!.trim(), pageUrl));
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

function pathOf(el: Element): number[] {
  const path: number[] = [];
  for (let e: Element | null = el; e && e.name !== 'html'; e = parentOf(e)) {
    const p = e.parent as AnyNode | null;
    const sibs = p && 'children' in p ? (p.children as AnyNode[]).filter(isElement) : [e];
    path.unshift(sibs.indexOf(e));
  }
  return path;
}

function isElement(n: AnyNode | undefined): n is Element {
  return !!n && n.type === 'tag';
}

function parentOf(el: Element): Element | null {
  const p = el.parent as AnyNode | null;
  return isElement(p ?? undefined) ? (p as Element) : null;
}
