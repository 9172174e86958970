/**
 * One product from a product page: structured data first, then common markup.
 *
 * ```ts
 * const p = extractProduct(html, { url: 'https://shop.example/p/42', defaultCurrency: 'CNY' });
 * // { name: '格力 KFR-35GW 空调', amount: 2599, currency: 'CNY', availability: 'in_stock', url: ..., source: 'markup' }
 * ```
 *
 * Precedence and merging:
 * 1. Sources are read in order JSON-LD → microdata → OpenGraph/meta → markup.
 * 2. The first source that yields a name or a price is the primary one and gives `source`.
 * 3. Later sources only fill gaps (null fields, `availability: 'unknown'`, missing optional
 *    fields); they never overwrite. Amount and currency travel together: a later source that
 *    supplies the amount also supplies its currency; a later currency alone fills a missing one.
 *    An amount of 0 counts as a gap (shops use it for "price on request").
 * 4. Missing currency falls back to `opts.defaultCurrency`; a missing `url` to
 *    `<link rel=canonical>`, then `opts.url`. URLs and images are absolute against `opts.url`.
 * 5. No name and no price after all sources → null. Nothing throws, whatever the input.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parsePrice } from '../parse/price.js';
import { absoluteUrl, cleanText, loadHtml } from './selector.js';
import {
  fieldsFromJsonLdProduct,
  fieldsFromMicrodata,
  fieldsFromOpenGraph,
  findJsonLdProducts,
  mapAvailability,
  readJsonLdBlocks,
  type ExtractContext,
  type ProductFields,
} from './structured.js';

export type Availability = 'in_stock' | 'out_of_stock' | 'preorder' | 'discontinued' | 'unknown';

export interface ExtractedProduct {
  name: string | null;
  amount: number | null;
  currency: string | null;
  availability: Availability;
  sku?: string;
  gtin?: string;
  mpn?: string;
  brand?: string;
  url?: string;
  image?: string;
  source: 'json-ld' | 'microdata' | 'opengraph' | 'markup';
}

export interface ExtractProductOptions {
  /** The page's URL: base for relative links, fallback for `url`. */
  url: string;
  /** Currency when the page gives none (ISO 4217, e.g. `CNY`). */
  defaultCurrency?: string;
}

type Source = ExtractedProduct['source'];

export { mapAvailability } from './structured.js';

export function extractProduct(html: string | CheerioAPI, opts: ExtractProductOptions): ExtractedProduct | null {
  const ctx = context(opts);
  const $ = toCheerio(html);
  if (!$) return null;

  const merged: ProductFields = { name: null, amount: null, currency: null, availability: 'unknown' };
  const readers: [Source, () => ProductFields | null][] = [
    ['json-ld', () => mainJsonLdProduct($, ctx)],
    ['microdata', () => fieldsFromMicrodata($, ctx)],
    ['opengraph', () => fieldsFromOpenGraph($, ctx)],
    ['markup', () => fieldsFromMarkup($, ctx, merged)],
  ];
  let source: Source | null = null;
  for (const [name, read] of readers) {
    if (isComplete(merged)) break;
    const found = safely(read);
    if (!found) continue;
    if (source === null && (found.name !== null || found.amount !== null)) source = name;
    fillGaps(merged, found);
  }
  if (source === null || (merged.name === null && merged.amount === null)) return null;

  if (merged.amount !== null && merged.currency === null) merged.currency = defaultCurrency(ctx);
  if (!merged.url) {
    const canonical = safely(() => $('link[rel~="canonical"]').first().attr('href')?.trim());
    merged.url = canonical ? absoluteUrl(canonical, ctx.url) : ctx.url || undefined;
    if (!merged.url) delete merged.url;
  }
  return finish(merged, source);
}

/**
 * Every JSON-LD product on the page, in document order (ItemList / ListItem.item, `@graph`,
 * arrays, several blocks). Only structured data: listing markup is read by `items.ts`. Products
 * repeated across blocks (same url, sku and name) are listed once.
 */
export function extractJsonLdProducts(html: string | CheerioAPI, opts: ExtractProductOptions): ExtractedProduct[] {
  const ctx = context(opts);
  const $ = toCheerio(html);
  if (!$) return [];
  return (
    safely(() => {
      const { products, index } = findJsonLdProducts(readJsonLdBlocks($));
      const out: ExtractedProduct[] = [];
      const seen = new Set<string>();
      for (const { node } of products) {
        const f = fieldsFromJsonLdProduct(node, ctx, index);
        if (f.name === null && f.amount === null) continue;
        if (f.amount !== null && f.currency === null) f.currency = defaultCurrency(ctx);
        const key = `${f.url ?? ''}|${f.sku ?? ''}|${f.name ?? ''}|${f.amount ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(finish(f, 'json-ld'));
      }
      return out;
    }) ?? []
  );
}

// ---------------------------------------------------------------------------------------------

function context(opts: ExtractProductOptions | undefined): ExtractContext {
  const url = typeof opts?.url === 'string' ? opts.url : '';
  const dc = typeof opts?.defaultCurrency === 'string' && opts.defaultCurrency.trim() !== '' ? opts.defaultCurrency.trim() : undefined;
  return { url, defaultCurrency: dc };
}

function defaultCurrency(ctx: ExtractContext): string | null {
  return ctx.defaultCurrency ? ctx.defaultCurrency.toUpperCase() : null;
}

function toCheerio(html: unknown): CheerioAPI | null {
  if (typeof html === 'function') return html as CheerioAPI;
  if (typeof html !== 'string' || html.trim() === '') return null;
  return safely(() => loadHtml(html));
}

/** A reader that trips over a page it has never seen must not cost us the other sources. */
function safely<T>(fn: () => T): T | null {
  try {
    return fn() ?? null;
  } catch {
    return null;
  }
}

const OPTIONAL = ['sku', 'gtin', 'mpn', 'brand', 'url', 'image'] as const;

function isComplete(f: ProductFields): boolean {
  return f.name !== null && !!f.amount && f.currency !== null && f.availability !== 'unknown' && !!f.url && !!f.image;
}

function fillGaps(into: ProductFields, from: ProductFields): void {
  if (into.name === null && from.name !== null) into.name = from.name;
  // A structured-data price of 0 is a "call for price" placeholder more often than a gift.
  const placeholder = into.amount === 0 && from.amount !== null && from.amount > 0;
  if ((into.amount === null || placeholder) && from.amount !== null) {
    into.amount = from.amount;
    into.currency = from.currency ?? (placeholder ? null : into.currency);
  } else if (into.currency === null && from.currency !== null) {
    into.currency = from.currency;
  }
  if (into.availability === 'unknown') into.availability = from.availability;
  for (const k of OPTIONAL) if (!into[k] && from[k]) into[k] = from[k];
}

function finish(f: ProductFields, source: Source): ExtractedProduct {
  const out: ExtractedProduct = { name: f.name, amount: f.amount, currency: f.currency, availability: f.availability, source };
  for (const k of OPTIONAL) if (f[k]) out[k] = f[k];
  return out;
}

/** `host/path` and `host/path?query`, lower-cased, trailing slash and hash dropped. */
function urlKeys(u: string | undefined, base: string): { path: string; full: string } | null {
  if (!u) return null;
  try {
    const x = new URL(u, base || undefined);
    const path = `${x.host}${x.pathname.replace(/\/+$/, '')}`.toLowerCase();
    return { path, full: `${path}${x.search}` };
  } catch {
    return null;
  }
}

/**
 * The page's product among its JSON-LD products: one whose url is the page's (with, then without
 * the query) wins, then a `mainEntity`, then one with a price, then the first.
 */
function mainJsonLdProduct($: CheerioAPI, ctx: ExtractContext): ProductFields | null {
  const { products, index } = findJsonLdProducts(readJsonLdBlocks($));
  const page = urlKeys(ctx.url, ctx.url);
  let best: { f: ProductFields; score: number } | null = null;
  for (const { node, main } of products) {
    const f = fieldsFromJsonLdProduct(node, ctx, index);
    if (f.name === null && f.amount === null) continue;
    const own = urlKeys(f.url, ctx.url);
    const urlScore = !page || !own ? 0 : own.full === page.full ? 16 : own.path === page.path ? 8 : 0;
    const score = urlScore + (main ? 4 : 0) + (f.amount !== null ? 2 : 0);
    if (!best || score > best.score) best = { f, score };
  }
  return best?.f ?? null;
}

// ---------------------------------------------------------------------------------------------
// Common markup
// ---------------------------------------------------------------------------------------------

/** Not the product itself: mini carts and product carousels (substrings of class or id). */
const NOT_MAIN = ['mini-cart', 'minicart', 'related', 'recommend', 'upsell', 'cross-sell', 'crosssell', 'similar'];
/** Page chrome, unless it sits inside the product's own content (`<article><header><h1>`). */
const CHROME_TAGS = new Set(['header', 'nav', 'footer', 'aside']);
const CONTENT_TAGS = new Set(['main', 'article']);

const NAME_SELECTORS = [
  '#productTitle',
  '.product-title',
  '.product_title',
  '.product-name',
  '.productName',
  '.sku-name',
  '.tb-detail-hd h1',
  '.tb-main-title',
  'h1',
  '[itemprop="name"]',
];

/** First hit wins: the specific shop layouts, then generic sale / current price, then anything "price". */
const PRICE_SELECTORS = [
  '#priceblock_dealprice',
  '#priceblock_ourprice',
  '#priceblock_saleprice',
  '#corePrice_feature_div .a-price:not(.a-text-price) .a-offscreen',
  '.a-price:not(.a-text-price) .a-offscreen',
  '#J_PromoPrice .tm-price',
  '.tm-promo-price .tm-price',
  '.tm-price',
  '.p-price .price',
  '.p-price',
  '[class*="J-p-"]',
  '#jd-price',
  '[itemprop="price"]',
  '.sale-price',
  '.special-price .price',
  '.price-sale',
  '.current-price',
  '.price-current',
  '.price-now',
  '.product-price',
  '.price',
  '[class*="price"]',
  '[id*="price"]',
];

const AVAILABILITY_SELECTORS = [
  '#availability',
  '.availability',
  '#store-prompt',
  '.store-prompt',
  '[class*="availability"]',
  '[class*="stock"]',
  '[id*="stock"]',
  '[class*="inventory"]',
  '[class*="sold-out"]',
  '[class*="soldout"]',
];

/** Class / id words that mark an element or a wrapper as an old price (`.price-old`, `.was-price`, `.compare-at`). */
const OLD_PRICE_WORDS = new Set([
  'old', 'orig', 'original', 'was', 'strike', 'strikethrough', 'linethrough', 'del', 'deleted', 'crossed',
  'compare', 'msrp', 'rrp', 'market',
]);
/** More words, checked on the price element itself only: a wrapper called `list-unstyled` is harmless. */
const EXCLUDED_WORDS = new Set([
  ...OLD_PRICE_WORDS, 'list', 'through', 'before', 'retail', 'reference', 'save', 'saving', 'savings',
  'coupon', 'shipping', 'delivery', 'freight', 'installment', 'monthly', 'deposit',
]);
const EXCLUDED_COMPOUND =
  /^(?:old|orig|original|was|list|strike|compare|market|retail|before|del)price|price(?:old|orig|original|was|list|strike|compare|market|retail|before|del)$/;
const EXCLUDED_CJK = /原价|市场价|划线价|参考价|吊牌价|专柜价/;

function classWords(value: string): { words: string[]; tokens: string[] } {
  const tokens = value.split(/\s+/).filter(Boolean);
  const words = tokens.flatMap((t) =>
    t
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[-_\s]+/)
      .filter(Boolean),
  );
  return { words, tokens: tokens.map((t) => t.toLowerCase().replace(/[-_]/g, '')) };
}

function isExcludedElement($: CheerioAPI, el: Element, words: Set<string> = EXCLUDED_WORDS): boolean {
  const tag = el.tagName.toLowerCase();
  if (tag === 'del' || tag === 's' || tag === 'strike' || tag === 'script' || tag === 'style') return true;
  const $el = $(el);
  if (/line-through/i.test($el.attr('style') ?? '')) return true;
  if ($el.attr('data-a-strike') === 'true') return true;
  if (/old|list|strike/i.test($el.attr('data-price-type') ?? '')) return true;
  const { words: classes, tokens } = classWords(`${$el.attr('class') ?? ''} ${$el.attr('id') ?? ''}`);
  if (classes.some((w) => words.has(w)) || tokens.some((t) => EXCLUDED_COMPOUND.test(t))) return true;
  return EXCLUDED_CJK.test($el.attr('title') ?? '') || EXCLUDED_CJK.test($el.attr('aria-label') ?? '');
}

/** The element, or one of its three nearest ancestors, marks an old / list price. */
function isStruck($: CheerioAPI, el: Element): boolean {
  if (isExcludedElement($, el)) return true;
  let p = parentElement(el);
  for (let i = 0; i < 3 && p; i++, p = parentElement(p)) if (isExcludedElement($, p, OLD_PRICE_WORDS)) return true;
  return false;
}

/**
 * Elements matching any of `selectors`, ordered by the first selector they match, then by
 * document order. One pass over the page for the union, then each selector only filters the
 * (few) hits: several times faster than one page query per selector.
 */
function prioritized($: CheerioAPI, selectors: readonly string[]): Element[] {
  const hits = $(selectors.join(', '));
  const out: Element[] = [];
  const seen = new Set<AnyNode>();
  for (const selector of selectors) {
    for (const n of hits.filter(selector).toArray()) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (n.type === 'tag' || n.type === 'script' || n.type === 'style') out.push(n as Element);
    }
  }
  return out;
}

/**
 * Inside a carousel / mini cart, or inside page chrome that is not part of the product content.
 * Walks the parent chain by hand: cheerio's `closest` re-matches a selector list per ancestor,
 * which costs ~100 ms on a deeply nested page.
 */
function inChrome(el: Element): boolean {
  let chrome = false;
  let contentAboveChrome = false;
  for (let node: Element | null = el; node; node = parentElement(node)) {
    const tag = node.tagName.toLowerCase();
    if (tag === 'body' || tag === 'html') break; // page-wide classes say nothing about this element
    const names = `${node.attribs['class'] ?? ''} ${node.attribs['id'] ?? ''}`.toLowerCase();
    if (NOT_MAIN.some((w) => names.includes(w))) return true;
    if (!chrome && CHROME_TAGS.has(tag)) chrome = true;
    if (chrome && (CONTENT_TAGS.has(tag) || names.includes('product'))) contentAboveChrome = true;
  }
  return chrome && !contentAboveChrome;
}

function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && 'attribs' in p ? p : null;
}

/** Text of a price element with struck-through / old-price children removed (`<del>¥3,999</del> ¥2,999`). */
function currentPriceText($: CheerioAPI, el: Element): string {
  const copy = $(el).clone();
  copy
    .find('*')
    .filter((_, child) => isExcludedElement($, child))
    .remove();
  let t = cleanText(copy.text());
  // A label like 原价 / 市场价 in the text itself: the whole text is the old price.
  if (EXCLUDED_CJK.test(t)) t = '';
  return t;
}

/** Whether the element's text is at most `limit` characters; stops walking as soon as it is not. */
function shortText(el: Element, limit: number): boolean {
  let total = 0;
  const stack: AnyNode[] = [...el.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') {
      total += (n as unknown as { data: string }).data.length;
      if (total > limit) return false;
    } else if ('children' in n) {
      if (stack.length > limit) return false;
      stack.push(...(n as Element).children);
    }
  }
  return true;
}

/** Enough for any product page; bounds the work on a page with thousands of "price" elements. */
const MAX_PRICE_CANDIDATES = 300;

function markupPrice($: CheerioAPI, ctx: ExtractContext): { amount: number | null; currency: string | null } {
  const candidates = prioritized($, PRICE_SELECTORS).slice(0, MAX_PRICE_CANDIDATES);
  for (const el of candidates) {
    if (isStruck($, el) || inChrome(el)) continue;
    const content = $(el).attr('content')?.trim();
    if (!content && !shortText(el, 400)) continue;
    const t = content || currentPriceText($, el);
    if (t === '' || t.length > 80) continue;
    const p = parsePrice(t, ctx.defaultCurrency ? { defaultCurrency: ctx.defaultCurrency } : undefined);
    if (typeof p.amount === 'number' && Number.isFinite(p.amount) && p.amount > 0) {
      return { amount: p.amount, currency: p.currency ?? null };
    }
  }
  return { amount: null, currency: null };
}

function markupName($: CheerioAPI): string | null {
  for (const el of prioritized($, NAME_SELECTORS)) {
    if (inChrome(el)) continue;
    const $el = $(el);
    const t = cleanText($el.attr('content') ?? $el.text());
    if (t !== '' && t.length <= 300) return t;
  }
  return null;
}

function markupAvailability($: CheerioAPI): ExtractedProduct['availability'] {
  for (const el of prioritized($, AVAILABILITY_SELECTORS)) {
    if (inChrome(el)) continue;
    const $el = $(el);
    const fromAttr = mapAvailability($el.attr('content') ?? $el.attr('href') ?? '');
    if (fromAttr !== 'unknown') return fromAttr;
    const t = cleanText($el.text());
    if (t.length > 60) continue;
    const a = mapAvailability(t);
    if (a !== 'unknown') return a;
    if (t === '' && /sold-?out/i.test($el.attr('class') ?? '')) return 'out_of_stock';
  }
  return 'unknown';
}

function markupImage($: CheerioAPI, ctx: ExtractContext): string | undefined {
  const selectors = ['#landingImage', '#J_ImgBooth', '#spec-img', '.product-image img', '.product-gallery img', '[itemprop="image"]'];
  for (const el of prioritized($, selectors)) {
    const $el = $(el);
    const src = $el.attr('data-old-hires') || $el.attr('data-src') || $el.attr('src') || $el.attr('content') || $el.attr('href');
    if (src && src.trim() !== '' && !/^data:/i.test(src.trim())) return ctx.url ? absoluteUrl(src.trim(), ctx.url) : src.trim();
  }
  return undefined;
}

/**
 * `h1` / product-title classes for the name, price classes (never old / list prices), stock
 * wording, main image. Only the fields `have` still lacks are looked for.
 */
function fieldsFromMarkup($: CheerioAPI, ctx: ExtractContext, have: ProductFields): ProductFields | null {
  const name = have.name === null ? markupName($) : null;
  const { amount, currency } = !have.amount ? markupPrice($, ctx) : { amount: null, currency: null };
  const availability = have.availability === 'unknown' ? markupAvailability($) : 'unknown';
  const f: ProductFields = { name, amount, currency, availability };
  const image = have.image ? undefined : markupImage($, ctx);
  if (image) f.image = image;
  return name === null && amount === null && availability === 'unknown' && !image ? null : f;
}
