import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { Target } from '../config/target-schema.js';
import { absoluteUrl, loadHtml, own, parseFieldSelector, readValue, releaseDocument, type FieldSelector } from './selector.js';
import { extractProduct, type ExtractedProduct } from './product.js';
import { listedJsonLdProducts } from './jsonld-list.js';
import { insideItem, repeatedElements } from './hint.js';

/** What extraction hands to normalisation: text as found on the page, nothing parsed yet. */
export interface RawItem {
  key: string | null;
  fields: Record<string, string | null>;
  /** Extra values structured data gave us (sku, gtin, availability ...). */
  extra?: Record<string, string | number | null>;
}

export interface ExtractedPage {
  items: RawItem[];
  /** Absolute URL of the next page, when the target paginates by a "next" link. */
  nextUrl: string | null;
  /** Number of elements matched by `items.each` (0 tells "selector no longer matches"). */
  matched: number;
  /** When `each` or a required field matched nothing on most items: what the page has instead (extract/hint.ts). */
  hint?: string;
}

/**
 * A kind's own reader of a page's structured data (a job board's JSON-LD JobPostings, a feed);
 * null = none there. `doc()` is the page parsed as HTML, the same tree the rest of extraction
 * reads: parsed on first use and only once, so a reader of the text alone (a feed) costs no parse.
 */
export type StructuredReader = (html: string, pageUrl: string, target: Target, doc: () => CheerioAPI) => RawItem[] | null;

export interface ExtractOptions {
  /** The page, already parsed. */
  doc?: CheerioAPI;
  /** Used on a page without `items:` before the default product reader (the pipeline passes the target kind's). */
  structured?: StructuredReader;
}

export function extractPage(html: string, pageUrl: string, target: Target, opts: ExtractOptions = {}): ExtractedPage {
  let parsed: CheerioAPI | undefined;
  const doc = (): CheerioAPI => opts.doc ?? (parsed ??= loadHtml(html));
  try {
    return extractFrom(doc, html, pageUrl, target, opts.structured);
  } finally {
    // A page parsed here is taken apart here, once read (see releaseDocument).
    if (parsed) releaseDocument(parsed);
  }
}

function extractFrom(tree: () => CheerioAPI, html: string, pageUrl: string, target: Target, structured?: StructuredReader): ExtractedPage {
  const next = (): string | null => (target.fetch.next ? readNext(tree(), target.fetch.next, pageUrl) : null);
  if (!target.items) {
    // A kind may read its own structured data (JSON-LD JobPostings, a feed); price reads a Product below.
    const own = structured?.(html || tree().html(), pageUrl, target, tree);
    if (own) return { items: own, nextUrl: next(), matched: own.length };
    const doc = tree();
    const nextUrl = next();
    // A listing whose JSON-LD is an ItemList of products needs no items: block either.
    const listed = listedJsonLdProducts(doc, { url: pageUrl, ...(target.currency ? { defaultCurrency: target.currency } : {}) });
    if (listed) return { items: listed.map((p) => productItem(p, pageUrl)), nextUrl, matched: listed.length };
    const p = extractProduct(doc, { url: pageUrl, defaultCurrency: target.currency });
    if (!p) return { items: [], nextUrl, matched: 0 };
    const item = productItem(p, pageUrl);
    return { items: [item], nextUrl, matched: 1 };
  }
  const doc = tree();
  const nextUrl = next();
  const spec = target.items;
  const fieldSels = Object.entries(spec.fields).map(([name, s]) => [name, parseFieldSelector(s)] as const);
  const keySel = spec.key ? parseFieldSelector(spec.key) : null;
  const linkSel = parseFieldSelector('a@href');
  const nodes = doc(spec.each);
  const found = new Matches(doc, nodes);
  const items: RawItem[] = [];
  nodes.each((_i, node) => {
    const scope = doc(node);
    const read = (sel: FieldSelector) => readValue(found.first(node, scope, sel.css), sel, pageUrl);
    const fields: Record<string, string | null> = {};
    for (const [name, sel] of fieldSels) fields[name] = read(sel);
    // No key selector, or an empty key: an item's link is the next most stable id it has.
    let key = keySel ? read(keySel) : null;
    if (!key) key = fields.url ?? read(linkSel);
    items.push({ key: key ? canonicalKey(key) : null, fields });
  });
  const hint = missHint(doc, nodes, items, target);
  return { items, nextUrl, matched: nodes.length, ...(hint ? { hint } : {}) };
}

/** Worked out only when something missed, so a page that reads fine pays nothing for it. */
function missHint(doc: CheerioAPI, nodes: Cheerio<AnyNode>, items: readonly RawItem[], target: Target): string | null {
  const spec = target.items!;
  if (nodes.length === 0) return own(`"${spec.each}" matched nothing; ${repeatedElements(doc)}`);
  // Every field a target lists (or only its `required` ones): which of them the kind needs is the
  // verdict's business; extraction only says what missed and what is there instead.
  const fields = (spec.required ?? Object.keys(spec.fields)).filter((f) => f in spec.fields);
  const missed = fields.filter((f) => items.filter((i) => i.fields[f] === null).length > items.length / 2);
  if (missed.length === 0) return null;
  const empty = (f: string) => items.filter((i) => i.fields[f] === null).length;
  const which = missed.map((f) => `fields.${f} "${spec.fields[f]}"`).join(' and ');
  return own(`${which} matched nothing in ${empty(missed[0]!)} of ${items.length} "${spec.each}" items; inside the first one: ${insideItem(doc, nodes.first())}`);
}

/** One product read from structured data or markup, as an item (key: its sku, gtin, mpn or link). */
export function productItem(p: ExtractedProduct, pageUrl: string): RawItem {
  return {
    key: p.sku ?? p.gtin ?? p.mpn ?? canonical(p.url ?? pageUrl),
    fields: {
      name: p.name,
      price: p.amount === null ? null : String(p.amount),
      url: p.url ?? pageUrl,
    },
    extra: {
      currency: p.currency,
      availability: p.availability,
      ...(p.sku ? { sku: p.sku } : {}),
      ...(p.gtin ? { gtin: p.gtin } : {}),
      ...(p.mpn ? { mpn: p.mpn } : {}),
      ...(p.brand ? { brand: p.brand } : {}),
      source: p.source,
    },
  };
}

/**
 * The first match of a field's selector inside each item, found with one query per page rather
 * than one per item: cheerio compiles the selector on every call, and on a 24-item listing that
 * compiling cost more than the matching (profiled: ~20 % of a crawl's CPU). Same result as
 * `scope.find(css).first()`; items nested in items, and selectors that leave the item
 * (`+ x`, `~ x`), go through that per-item path.
 */
class Matches {
  private readonly byCss = new Map<string, Map<AnyNode, AnyNode> | null>();
  private readonly nested: boolean;
  private readonly itemSet: Set<AnyNode>;

  constructor(private readonly $: CheerioAPI, private readonly items: Cheerio<AnyNode>) {
    this.itemSet = new Set(items.toArray());
    this.nested = items.toArray().some((n) => this.itemAbove(n) !== null);
  }

  first(node: AnyNode, scope: Cheerio<AnyNode>, css: string): Cheerio<AnyNode> {
    if (!css) return scope;
    let firsts = this.byCss.get(css);
    if (firsts === undefined) {
      firsts = this.nested || /^\s*[+~]/.test(css) ? null : this.query(css);
      this.byCss.set(css, firsts);
    }
    if (!firsts) return scope.find(css).first();
    const el = firsts.get(node);
    return el ? this.$(el) : this.$([]);
  }

  private query(css: string): Map<AnyNode, AnyNode> {
    const firsts = new Map<AnyNode, AnyNode>();
    // Matches come in document order, so the first one seen for an item is its first match.
    for (const m of this.items.find(css).toArray()) {
      const item = this.itemAbove(m);
      if (item && !firsts.has(item)) firsts.set(item, m);
    }
    return firsts;
  }

  private itemAbove(n: AnyNode): AnyNode | null {
    for (let p = n.parent; p; p = p.parent) if (this.itemSet.has(p)) return p;
    return null;
  }
}

function readNext($: CheerioAPI, spec: string, pageUrl: string): string | null {
  const sel = parseFieldSelector(spec);
  const el = $(sel.css).first();
  if (el.length === 0) return null;
  const href = sel.attr ? el.attr(sel.attr) : el.attr('href');
  if (!href || href.startsWith('javascript:') || href === '#') return null;
  return absoluteUrl(href.trim(), pageUrl);
}

/** URLs as keys drop fragments and tracking parameters so the same product keeps its key. */
export function canonical(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    for (const p of [...u.searchParams.keys()]) {
      if (/^(utm_|spm$|scm$|from$|ref$|_t$|timestamp$)/i.test(p)) u.searchParams.delete(p);
    }
    return u.toString();
  } catch {
    return url;
  }
}

function canonicalKey(key: string): string {
  return /^https?:\/\//i.test(key) ? canonical(key) : key.trim();
}
