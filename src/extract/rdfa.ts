/**
 * RDFa product data (`vocab="https://schema.org/" typeof="Product"`, or the `schema:` prefix):
 * Drupal Commerce, some Magento 1 and hand-made themes write their product this way.
 */
import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { cleanText } from './selector.js';
import { mapAvailability, normalizeCurrency, priceFromValue, type ExtractContext, type ProductFields } from './structured.js';
import { absoluteUrl } from './selector.js';

/** `schema:price`, `https://schema.org/price`, `price` → `price`; a list of them → each. */
function terms(v: string | undefined): string[] {
  return (v ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => t.replace(/^(?:https?:\/\/schema\.org\/|schema:)/i, ''));
}

const PRODUCT = /^(?:Product|IndividualProduct|ProductModel|ProductGroup|SomeProducts)$/;

function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && 'attribs' in p ? (p as Element) : null;
}

/** The typeof scope a property belongs to: its nearest ancestor with `typeof` (not itself). */
function ownerScope(el: Element): Element | undefined {
  for (let p = parentElement(el); p; p = parentElement(p)) if ('typeof' in p.attribs) return p;
  return undefined;
}

function props($: CheerioAPI, scope: Element, name: string): Element[] {
  return $(scope)
    .find('[property]')
    .toArray()
    .filter((el) => terms((el as Element).attribs['property']).includes(name) && ownerScope(el as Element) === scope) as Element[];
}

/** RDFa values: `content`, then href / src, then text. */
function value(el: Element): string | undefined {
  const a = el.attribs;
  const v = a['content'] ?? a['href'] ?? a['src'] ?? a['resource'];
  if (v !== undefined) return v.trim();
  const t = cleanText(textOf(el));
  return t === '' ? undefined : t;
}

function textOf(el: Element): string {
  let out = '';
  for (const c of el.children) {
    if (c.type === 'text') out += (c as unknown as { data: string }).data;
    else if ('children' in c) out += textOf(c as Element);
  }
  return out;
}

function first($: CheerioAPI, scope: Element, ...names: string[]): string | undefined {
  for (const n of names) for (const el of props($, scope, n)) {
    const v = value(el);
    if (v) return v;
  }
  return undefined;
}

export function fieldsFromRdfa($: CheerioAPI, ctx: ExtractContext): ProductFields | null {
  const scopes = ($('[typeof]').toArray() as Element[]).filter((el) => terms(el.attribs['typeof']).some((t) => PRODUCT.test(t)));
  for (const scope of scopes) {
    const f: ProductFields = { name: first($, scope, 'name') ?? null, amount: null, currency: null, availability: 'unknown' };
    const offers = props($, scope, 'offers');
    for (const o of offers.length ? offers : [scope]) {
      const inner = 'typeof' in o.attribs ? o : scope;
      const price = priceFromValue(first($, inner, 'price', 'lowPrice'), ctx.defaultCurrency);
      if (price.amount === null) continue;
      f.amount = price.amount;
      f.currency = normalizeCurrency(first($, inner, 'priceCurrency')) ?? price.currency;
      f.availability = mapAvailability(first($, inner, 'availability'));
      break;
    }
    if (f.name === null && f.amount === null) continue;
    const sku = first($, scope, 'sku', 'productID');
    const gtin = first($, scope, 'gtin13', 'gtin', 'gtin12', 'gtin14', 'gtin8');
    const mpn = first($, scope, 'mpn');
    let brand: string | undefined;
    for (const b of props($, scope, 'brand')) {
      brand = 'typeof' in b.attribs ? first($, b, 'name') : value(b);
      if (brand) break;
    }
    if (sku) f.sku = sku;
    if (gtin) f.gtin = gtin;
    if (mpn) f.mpn = mpn;
    if (brand) f.brand = brand;
    const url = scope.attribs['about'] ?? first($, scope, 'url');
    if (url && ctx.url) f.url = absoluteUrl(url, ctx.url);
    return f;
  }
  return null;
}
