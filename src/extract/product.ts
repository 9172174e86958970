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
import { chooseMarkupPrice, priceUnits, type PriceUnit } from './markup-price.js';
import { labelledIdentifiers, markupAvailability } from './markup-fields.js';
import { findProductBlock, type ProductBlock } from './product-block.js';
import { fieldsFromRdfa } from './rdfa.js';
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
import type { ExtractedProduct } from './product-types.js';

export type { Availability, ExtractedProduct } from './product-types.js';

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

  const block = safely(() => findProductBlock($));
  const structured: [Source, ProductFields | null][] = [
    ['json-ld', safely(() => mainJsonLdProduct($, ctx))],
    ['microdata', safely(() => fieldsFromMicrodata($, ctx))],
    ['rdfa', safely(() => fieldsFromRdfa($, ctx))],
    ['opengraph', safely(() => fieldsFromOpenGraph($, ctx))],
  ];
  const markup = block ? safely(() => fieldsFromMarkup($, ctx, block)) : null;
  const units = block ? (safely(() => priceUnits($, block, ctx.defaultCurrency)) ?? []) : [];

  const merged: ProductFields = { name: null, amount: null, currency: null, availability: 'unknown' };
  // The name: structured data, then the page's title element, then OpenGraph (often "Name | Shop").
  const byName: [Source, ProductFields | null][] = [...structured.slice(0, 3), ['markup', markup], structured[3]!];
  const nameSource = byName.find(([, f]) => f?.name)?.[0] ?? null;
  merged.name = byName.find(([, f]) => f?.name)?.[1]?.name ?? null;
  for (const [, f] of [...structured, ['markup', markup] as [Source, ProductFields | null]]) if (f) fillGaps(merged, f);

  const price = safely(() => decidePrice(structured, units, block));
  if (price) {
    merged.amount = price.amount;
    merged.currency = price.currency ?? inferCurrency($, structured, units, ctx);
  }
  const order: Source[] = ['json-ld', 'microdata', 'rdfa', 'opengraph', 'markup'];
  const source = order.find((s) => s === nameSource || s === price?.source) ?? null;
  if (source === null || (merged.name === null && merged.amount === null)) return null;

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


/** Fields other than the price: the first source that has one gives it. */
function fillGaps(into: ProductFields, from: ProductFields): void {
  if (into.name === null && from.name !== null) into.name = from.name;
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
// Common markup and the price decision
// ---------------------------------------------------------------------------------------------

function markupImage($: CheerioAPI, ctx: ExtractContext): string | undefined {
  const selectors = ['#landingImage', '#J_ImgBooth', '#spec-img', '.product-image img', '.product-gallery img', '[itemprop="image"]'];
  for (const el of $(selectors.join(', ')).toArray()) {
    const $el = $(el);
    const src = $el.attr('data-old-hires') || $el.attr('data-src') || $el.attr('src') || $el.attr('content') || $el.attr('href');
    if (src && src.trim() !== '' && !/^data:/i.test(src.trim())) return ctx.url ? absoluteUrl(src.trim(), ctx.url) : src.trim();
  }
  return undefined;
}

/** The title element's text, stock wording, labelled identifiers and the main image. Never a price. */
function fieldsFromMarkup($: CheerioAPI, ctx: ExtractContext, block: ProductBlock): ProductFields | null {
  const title = block.anchor ? cleanText($(block.anchor).attr('content') ?? $(block.anchor).text()) : '';
  const f: ProductFields = { name: title !== '' && title.length <= 300 ? title : null, amount: null, currency: null, availability: markupAvailability($, block) };
  const ids = labelledIdentifiers($, block, {});
  for (const k of ['sku', 'gtin', 'mpn', 'brand'] as const) if (ids[k]) f[k] = ids[k];
  const image = markupImage($, ctx);
  if (image) f.image = image;
  return f;
}

interface PriceChoice {
  amount: number;
  currency: string | null;
  source: Source;
}

/**
 * The page's price, by agreement and position. Structured data is what the shop's system says;
 * the page's own price elements are what the shopper sees. Where structured sources disagree, the
 * one the page shows wins. Structured data is overruled where the page shows it only as the
 * struck-through old price (a sale the feed does not know of), where it is 0 (a placeholder) and
 * where it is the shown price in cents. Without structured data, the product block's price
 * element; no price element there, no price: a carousel's or mini-cart's price is never the answer.
 */
function decidePrice(structured: [Source, ProductFields | null][], units: PriceUnit[], block: ProductBlock | null): PriceChoice | null {
  const shown = block ? chooseMarkupPrice(units, block) : null;
  const visible = new Set(units.filter((u) => !u.old).map((u) => u.amount));
  const old = new Set(units.filter((u) => u.old).map((u) => u.amount));
  const offered = structured.filter((e): e is [Source, ProductFields] => e[1] !== null && e[1].amount !== null);
  const positive = offered.filter(([, f]) => f.amount! > 0);
  const pool = positive.length > 0 ? positive : offered;
  if (pool.length > 0) {
    // Group equal amounts; the group the page shows wins, then the biggest, then the first.
    const groups = new Map<number, [Source, ProductFields][]>();
    for (const e of pool) groups.set(e[1].amount!, [...(groups.get(e[1].amount!) ?? []), e]);
    let best: [Source, ProductFields][] | null = null;
    for (const g of groups.values()) {
      const score = (x: [Source, ProductFields][]) => (visible.has(x[0]![1].amount!) ? 100 : 0) + x.length;
      if (!best || score(g) > score(best)) best = g;
    }
    const [src, f] = best![0]!;
    const amount = f.amount!;
    const currency = f.currency ?? best!.map(([, x]) => x.currency).find((c) => c) ?? pool.map(([, x]) => x.currency).find((c) => c) ?? null;
    if (shown && shown.amount !== amount && !visible.has(amount)) {
      const listPrice = old.has(amount);
      const placeholder = amount === 0;
      const cents = Math.abs(amount - shown.amount * 100) < 0.5;
      // `"price": "3.499"` beside `3.499 €` on the page: the same digits, the separator read two ways.
      const misread = sameDigits(amount, shown.amount);
      if (listPrice || placeholder || cents || misread) return { amount: shown.amount, currency: shown.currency ?? currency, source: 'markup' };
    }
    return { amount, currency, source: src };
  }
  if (shown) return { amount: shown.amount, currency: shown.currency, source: 'markup' };
  return null;
}

/** 3.499 and 3499, 99 and 990: the same significant digits, a power of ten apart. */
function sameDigits(a: number, b: number): boolean {
  if (a <= 0 || b <= 0) return false;
  const digits = (n: number) => String(n).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  const ratio = Math.log10(a / b);
  return digits(a) === digits(b) && Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

/** `<html lang>` → the currency a shop in that locale charges, where the locale says it alone. */
const LANG_CURRENCY: Record<string, string> = {
  'zh-cn': 'CNY', 'zh-hans': 'CNY', zh: 'CNY', 'zh-tw': 'TWD', 'zh-hant': 'TWD', 'zh-hk': 'HKD', ja: 'JPY', ko: 'KRW', ru: 'RUB',
  uk: 'UAH', pl: 'PLN', cs: 'CZK', hu: 'HUF', tr: 'TRY', id: 'IDR', vi: 'VND', th: 'THB', sv: 'SEK', da: 'DKK', nb: 'NOK', nn: 'NOK',
  no: 'NOK', ro: 'RON', bg: 'BGN', 'en-us': 'USD', 'en-gb': 'GBP', 'en-in': 'INR', 'en-au': 'AUD', 'en-ca': 'CAD', 'pt-br': 'BRL',
  'es-mx': 'MXN', 'es-ar': 'ARS', 'de-ch': 'CHF', 'de-de': 'EUR', 'de-at': 'EUR', 'fr-fr': 'EUR', 'es-es': 'EUR', 'it-it': 'EUR',
  'nl-nl': 'EUR', 'fi-fi': 'EUR', de: 'EUR', fr: 'EUR', it: 'EUR', nl: 'EUR', fi: 'EUR', el: 'EUR', sk: 'EUR', et: 'EUR', lv: 'EUR', lt: 'EUR',
};

/** A price without a currency: another source's, the currency the product block writes, the default, the page's language. */
function inferCurrency($: CheerioAPI, structured: [Source, ProductFields | null][], units: PriceUnit[], ctx: ExtractContext): string | null {
  const fromStructured = structured.map(([, f]) => f?.currency).find((c) => c);
  if (fromStructured) return fromStructured;
  const counts = new Map<string, number>();
  for (const u of units) if (u.currency) counts.set(u.currency, (counts.get(u.currency) ?? 0) + 1);
  const fromUnits = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (fromUnits) return fromUnits;
  const dc = defaultCurrency(ctx);
  if (dc) return dc;
  const lang = ($('html').attr('lang') ?? '').trim().toLowerCase();
  return LANG_CURRENCY[lang] ?? LANG_CURRENCY[lang.split('-')[0]!] ?? null;
}
