/**
 * Structured product data: JSON-LD, microdata and OpenGraph readers.
 *
 * Each reader returns plain `ProductFields` (or null when the page has none of that kind); merging
 * and precedence live in `product.ts`. Nothing here throws on bad input: a JSON-LD block that cannot
 * be repaired is skipped, a missing field is null.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { parsePrice } from '../parse/price.js';
import { absoluteUrl, cleanText } from './selector.js';
import type { Availability, ExtractedProduct } from './product-types.js';

/** An extracted product before we know which source wins: everything but `source`. */
export type ProductFields = Omit<ExtractedProduct, 'source'>;

export interface ExtractContext {
  /** Page URL: base for relative `url` / `image`. */
  url: string;
  defaultCurrency?: string | undefined;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

// ---------------------------------------------------------------------------------------------
// Availability and prices (shared by every source)
// ---------------------------------------------------------------------------------------------

/**
 * schema.org availability (`https://schema.org/InStock`, `InStock`, `instock`), OpenGraph values
 * (`in stock`, `oos`, `preorder`) and shop wording in English or Chinese (有货 / 无货 / 缺货 / 预售 /
 * 已下架). Negative wording is checked before positive ("out of stock" contains "in stock" once
 * spaces go; 无货 ends like 有货).
 */
export function mapAvailability(value: unknown): Availability {
  if (typeof value !== 'string') return 'unknown';
  const raw = value.trim();
  if (raw === '') return 'unknown';
  const t = raw
    .replace(/^https?:\/\/(?:www\.)?schema\.org\//i, '')
    .replace(/^schema:/i, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

  const low = raw.toLowerCase();
  if (/已下架|下架|停产|停售|停止销售/.test(raw) || /discontinued|nolongeravailable|nolongersold/.test(t)) {
    return 'discontinued';
  }
  // Negative wording first: "není skladem" ends like "skladem", "нет в наличии" like "в наличии".
  if (
    /无货|缺货|缺貨|售罄|已售完|已售罄|售完|卖光|已抢光|暂无库存|无库存|到货通知|売り切れ|在庫切れ|在庫なし|품절|일시품절/.test(raw) ||
    /outofstock|soldout|unavailable|notavailable|notinstock|nostock|^oos$/.test(t) ||
    /není skladem|vyprodáno|nincs raktáron|elfogyott|нет в наличии|закончился|немає в наявності|hết hàng|nicht verfügbar|nicht auf lager|ausverkauft|rupture de stock|épuisé|indisponible|agotado|sin stock|no disponible|esgotado|indisponível|esaurito|non disponibile|uitverkocht|niet op voorraad|slut i lager|slutsåld|ikke på lager|tükendi|stokta yok|niedostępny|brak w magazynie|wyprzedany|habis|stok kosong/.test(low)
  ) {
    return 'out_of_stock';
  }
  if (
    /预售|预订|预定|即将上市|即将开售|予約/.test(raw) || /preorder|presale|backorder|comingsoon/.test(t) ||
    /na objednávku|rendelésre|под заказ|предзаказ|auf bestellung|vorbestell|précommande|sur commande|bajo pedido|reserva|op bestelling|förbeställ|ön sipariş|na zamówienie|đặt trước/.test(low)
  ) {
    return 'preorder';
  }
  if (
    /有货|现货|現貨|有現貨|库存充足|在售|可售|仅剩|有库存|在庫あり|在庫有り|재고 ?있음|구매 ?가능/.test(raw) ||
    /instock|instoreonly|onlineonly|limitedavailability|madetoorder|available|^yes$|^true$/.test(t) ||
    /skladem|raktáron|készleten|в наличии|є в наявності|còn hàng|auf lager|sofort verfügbar|lieferbar|en stock|disponible|en existencia|stock disponible|em estoque|disponível|disponibile|op voorraad|i lager|på lager|stokta|w magazynie|dostępny|tersedia|^stok/.test(low)
  ) {
    return 'in_stock';
  }
  return 'unknown';
}

export interface PriceValue {
  amount: number | null;
  currency: string | null;
}

const PLAIN_DECIMAL = /^[+]?\d+(?:\.\d+)?$/;

/**
 * A price as structured data gives it: a number, or a string. Strings that are plain decimals
 * ("1299.00", "12.990") are read as schema.org says (dot = decimal point); anything else
 * ("1,299.00", "¥2,599起") goes through `parsePrice`. Negative, NaN and infinite amounts are null.
 */
export function priceFromValue(value: unknown, defaultCurrency?: string): PriceValue {
  if (typeof value === 'number') {
    return { amount: Number.isFinite(value) && value >= 0 ? value : null, currency: null };
  }
  if (typeof value !== 'string') return { amount: null, currency: null };
  const s = value.trim();
  if (s === '') return { amount: null, currency: null };
  if (PLAIN_DECIMAL.test(s)) return { amount: Number(s), currency: null };
  const p = parsePrice(s, defaultCurrency ? { defaultCurrency } : undefined);
  const amount = typeof p.amount === 'number' && Number.isFinite(p.amount) && p.amount >= 0 ? p.amount : null;
  return { amount, currency: amount === null ? null : p.currency };
}

/** `usd` → `USD`, `RMB` → `CNY`, `¥` → whatever parsePrice makes of it; junk → null. */
export function normalizeCurrency(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s === '') return null;
  if (/^[a-z]{3}$/i.test(s)) {
    const up = s.toUpperCase();
    return up === 'RMB' ? 'CNY' : up;
  }
  const p = parsePrice(`${s}1`);
  return p.currency ?? null;
}

/** Keep the lowest positive amount (zero only when nothing positive exists), ties keep the first. */
function better(a: PriceValue | null, b: PriceValue): boolean {
  if (b.amount === null) return false;
  if (a === null || a.amount === null) return true;
  if (a.amount === 0 && b.amount > 0) return true;
  if (b.amount === 0 && a.amount > 0) return false;
  return b.amount < a.amount;
}

function absolute(href: string | null | undefined, ctx: ExtractContext): string | undefined {
  if (!href) return undefined;
  const v = href.trim();
  if (v === '' || /^(?:javascript|data|mailto):/i.test(v)) return undefined;
  return ctx.url ? absoluteUrl(v, ctx.url) : v;
}

function emptyFields(): ProductFields {
  return { name: null, amount: null, currency: null, availability: 'unknown' };
}

/** Drop undefined optional keys so results compare cleanly. */
function compact(f: ProductFields): ProductFields {
  const out = { ...f } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as ProductFields;
}

// ---------------------------------------------------------------------------------------------
// JSON-LD: lenient parsing
// ---------------------------------------------------------------------------------------------

const LEAD_WRAPPERS: RegExp[] = [/^\/\*\s*<!\[CDATA\[\s*\*\//, /^\/\/[ \t]*<!\[CDATA\[/, /^<!\[CDATA\[/, /^\/\/[ \t]*<!--/];
const TRAIL_WRAPPERS: RegExp[] = [/\/\*\s*\]\]>\s*\*\/$/, /\/\/[ \t]*\]\]>$/, /\/\/[ \t]*-->$/, /\]\]>$/, /-->$/, /;$/];

/** Remove what CMSs wrap JSON-LD in: BOM, `<!-- -->`, `<![CDATA[ ]]>` (also `//`-commented), a trailing `;`. */
function stripWrappers(raw: string): string {
  let s = raw.replace(/^\uFEFF/, '').trim();
  for (let guard = 0; guard < 20; guard++) {
    const before = s;
    if (s.startsWith('<!--')) {
      const end = s.indexOf('-->');
      const inner = end < 0 ? '' : s.slice(4, end);
      // A comment holding the JSON is a wrapper; a comment before it is just a comment.
      s = end >= 0 && !/[{[]/.test(inner) ? s.slice(end + 3) : s.slice(4);
    }
    for (const re of LEAD_WRAPPERS) s = s.replace(re, '');
    for (const re of TRAIL_WRAPPERS) s = s.replace(re, '');
    s = s.trim();
    if (s === before) break;
  }
  return s;
}

const VALID_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function skipInsignificant(text: string, from: number): number {
  let j = from;
  for (;;) {
    while (j < text.length && /\s/.test(text[j]!)) j++;
    if (text[j] === '/' && text[j + 1] === '/') {
      while (j < text.length && text[j] !== '\n') j++;
    } else if (text[j] === '/' && text[j + 1] === '*') {
      const end = text.indexOf('*/', j + 2);
      j = end < 0 ? text.length : end + 2;
    } else {
      return j;
    }
  }
}

/**
 * One pass over almost-JSON, fixing what shops get wrong: raw control characters (newlines, tabs)
 * inside strings, invalid escapes (`\'`, `C:\path`), unescaped quotes inside strings, trailing and
 * doubled commas, `//` and `/* *\/` comments, odd whitespace, and several top-level values in one
 * block (wrapped into an array).
 */
function repairJson(text: string): string {
  let out = '';
  let inStr = false;
  let depth = 0;
  let valueDone = false;
  let multi = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      if (c === '\\') {
        const next = text[i + 1];
        if (next === undefined) {
          out += '\\\\';
        } else if (VALID_ESCAPES.has(next)) {
          out += c + next;
          i++;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += text.slice(i, i + 6);
          i += 5;
        } else {
          out += '\\\\'; // keep the backslash as a literal character
        }
        continue;
      }
      if (c === '"') {
        // A closing quote is followed by , } ] : or the end; anything else means a quote the
        // shop forgot to escape: `"27" Monitor"`.
        const j = skipInsignificant(text, i + 1);
        const after = text[j];
        if (after === undefined || after === ',' || after === '}' || after === ']' || after === ':') {
          inStr = false;
          out += c;
        } else {
          out += '\\"';
        }
        continue;
      }
      const code = c.charCodeAt(0);
      if (code < 0x20) {
        out += c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${code.toString(16).padStart(4, '0')}`;
        continue;
      }
      out += c;
      continue;
    }
    if (c === '"') {
      if (depth === 0 && valueDone) {
        multi = true;
        out += ',';
      }
      inStr = true;
      out += c;
      continue;
    }
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      i = skipInsignificant(text, i) - 1;
      continue;
    }
    if (c === ',') {
      const j = skipInsignificant(text, i + 1);
      const after = text[j];
      if (after === undefined || after === '}' || after === ']' || after === ',' || depth === 0) continue;
      out += c;
      continue;
    }
    if (c === '{' || c === '[') {
      if (depth === 0 && valueDone) {
        multi = true;
        out += ',';
      }
      depth++;
      out += c;
      continue;
    }
    if (c === '}' || c === ']') {
      depth = Math.max(0, depth - 1);
      out += c;
      if (depth === 0) valueDone = true;
      continue;
    }
    if (c.charCodeAt(0) < 0x20 || c === '\u00a0' || c === '\u3000' || c === '\uFEFF') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return multi ? `[${out}]` : out;
}

/** JSON.parse, then a repaired JSON.parse; undefined when neither works. Never throws. */
export function parseJsonLenient(raw: string): unknown {
  if (typeof raw !== 'string') return undefined;
  const text = stripWrappers(raw);
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // fall through to the repair pass
  }
  try {
    return JSON.parse(repairJson(text)) as unknown;
  } catch {
    return undefined;
  }
}

/** Parsed JSON-LD blocks of a page, in document order; blocks that cannot be read are skipped. */
export function readJsonLdBlocks($: CheerioAPI): unknown[] {
  const blocks: unknown[] = [];
  $('script').each((_, el) => {
    const type = ($(el).attr('type') ?? '').trim().toLowerCase();
    if (!type.startsWith('application/ld+json')) return;
    const parsed = parseJsonLenient($(el).text());
    if (parsed !== undefined && parsed !== null && typeof parsed === 'object') blocks.push(parsed);
  });
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// JSON-LD: schema.org helpers
// ---------------------------------------------------------------------------------------------

const PRODUCT_TYPES = new Set(['product', 'productgroup', 'productmodel', 'individualproduct', 'someproducts']);
const OFFER_TYPES = new Set(['offer', 'aggregateoffer']);
const SKIPPED_PRICE_TYPES = new Set(['listprice', 'strikethroughprice', 'msrp', 'srp', 'invoiceprice', 'minimumadvertisedprice']);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `https://schema.org/Product`, `schema:Product`, `Product` → `product`. */
function localName(s: string): string {
  const t = s.trim();
  const cut = Math.max(t.lastIndexOf('/'), t.lastIndexOf('#'), t.lastIndexOf(':'));
  return t.slice(cut + 1).toLowerCase();
}

function typesOf(node: JsonObject): string[] {
  const t = node['@type'] ?? node['type'];
  const list = Array.isArray(t) ? t : [t];
  return list.filter((x): x is string => typeof x === 'string').map(localName);
}

function hasType(node: JsonObject, set: Set<string>): boolean {
  return typesOf(node).some((t) => set.has(t));
}

/** A property under its plain name or its expanded forms (`schema:name`, `http://schema.org/name`). */
function prop(node: JsonObject, key: string): Json | undefined {
  if (key in node) return node[key];
  for (const k of [`schema:${key}`, `http://schema.org/${key}`, `https://schema.org/${key}`]) {
    if (k in node) return node[k];
  }
  return undefined;
}

function asList(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** JSON-LD text is not HTML-decoded by the parser, and many CMSs entity-encode it anyway. */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (m, body: string) => {
    const b = body.toLowerCase();
    if (b.startsWith('#x')) return safeFromCodePoint(parseInt(b.slice(2), 16)) ?? m;
    if (b.startsWith('#')) return safeFromCodePoint(parseInt(b.slice(1), 10)) ?? m;
    return ENTITIES[b] ?? m;
  });
}

function safeFromCodePoint(n: number): string | undefined {
  try {
    return Number.isFinite(n) && n > 0 ? String.fromCodePoint(n) : undefined;
  } catch {
    return undefined;
  }
}

/** First text value: a string, a number, `{"@value": ...}`, or (for brand and the like) `{name}`. */
function text(v: Json | undefined, viaName = false): string | undefined {
  for (const item of asList(v)) {
    if (typeof item === 'string') {
      const s = cleanText(decodeEntities(item));
      if (s !== '') return s;
    } else if (typeof item === 'number' && Number.isFinite(item)) {
      return String(item);
    } else if (isObject(item)) {
      const inner = item['@value'] ?? (viaName ? prop(item, 'name') : undefined);
      const s = text(inner);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/** First URL of an image value: a string, an ImageObject (`url` / `contentUrl`), or a list of them. */
function imageUrl(v: Json | undefined): string | undefined {
  for (const item of asList(v)) {
    if (typeof item === 'string' && item.trim() !== '') return item.trim();
    if (isObject(item)) {
      const u = text(prop(item, 'url')) ?? text(prop(item, 'contentUrl')) ?? (typeof item['@id'] === 'string' ? item['@id'] : undefined);
      if (u) return u;
    }
  }
  return undefined;
}

/** Nodes by `@id`, across every block, so `{"@id": "#offer"}` references can be followed. */
type IdIndex = Map<string, JsonObject>;

function indexIds(root: unknown, index: IdIndex, depth = 0): void {
  if (depth > 40) return;
  if (Array.isArray(root)) {
    for (const v of root) indexIds(v, index, depth + 1);
  } else if (isObject(root)) {
    const id = root['@id'];
    if (typeof id === 'string' && Object.keys(root).length > 1 && !index.has(id)) index.set(id, root);
    for (const [k, v] of Object.entries(root)) if (k !== '@context') indexIds(v, index, depth + 1);
  }
}

function deref(v: Json, index: IdIndex): Json {
  if (isObject(v) && typeof v['@id'] === 'string') {
    const keys = Object.keys(v).filter((k) => k !== '@type');
    if (keys.length === 1) return index.get(v['@id']) ?? v;
  }
  return v;
}

export interface JsonLdProductNode {
  node: JsonObject;
  /** Reached as a page's `mainEntity` (directly or by `@id`). */
  main: boolean;
}

/**
 * Every Product-like node in the blocks, in document order: top level, arrays, `@graph`,
 * `mainEntity`, `ItemList` → `ListItem.item`, `Offer.itemOffered`, anything nested. A product's
 * own sub-nodes (variants, related products) are not listed separately.
 */
export function findJsonLdProducts(blocks: unknown[]): { products: JsonLdProductNode[]; index: IdIndex } {
  const index: IdIndex = new Map();
  for (const b of blocks) indexIds(b, index);
  const mainIds = new Set<string>();
  const products: JsonLdProductNode[] = [];
  const seen = new Set<JsonObject>();

  const walk = (v: unknown, main: boolean, depth: number): void => {
    if (depth > 40) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, main, depth + 1);
      return;
    }
    if (!isObject(v)) return;
    const offered = hasType(v, OFFER_TYPES) ? deref(prop(v, 'itemOffered') ?? null, index) : null;
    if (isObject(offered) && hasType(offered, PRODUCT_TYPES) && !seen.has(offered)) {
      // An Offer wrapping its Product (`itemOffered`): the product, priced by this offer.
      seen.add(offered);
      const { itemOffered: _drop, ...offer } = v;
      products.push({ node: prop(offered, 'offers') === undefined ? { ...offered, offers: offer } : offered, main });
      return;
    }
    if (hasType(v, PRODUCT_TYPES)) {
      if (!seen.has(v)) {
        seen.add(v);
        products.push({ node: v, main });
      }
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      if (k === '@context') continue;
      const isMain = localName(k) === 'mainentity';
      if (isMain) for (const ref of asList(child)) if (isObject(ref) && typeof ref['@id'] === 'string') mainIds.add(ref['@id']);
      walk(child, isMain, depth + 1);
    }
  };
  for (const b of blocks) walk(b, false, 0);

  for (const p of products) {
    const id = p.node['@id'];
    if (typeof id === 'string' && mainIds.has(id)) p.main = true;
  }
  return { products, index };
}

interface OfferPick {
  price: PriceValue;
  availability: Availability;
  url?: string | undefined;
  sku?: string | undefined;
  gtin?: string | undefined;
}

/** Price of a (Unit)PriceSpecification list: the lowest one that is not a list / strikethrough price. */
function priceFromSpecs(specs: Json | undefined, ctx: ExtractContext, index: IdIndex): PriceValue | null {
  let best: PriceValue | null = null;
  for (const raw of asList(specs)) {
    const spec = deref(raw, index);
    if (!isObject(spec)) continue;
    const priceType = text(prop(spec, 'priceType'));
    if (priceType && SKIPPED_PRICE_TYPES.has(localName(priceType))) continue;
    let p = priceFromValue(prop(spec, 'price') ?? prop(spec, 'minPrice'), ctx.defaultCurrency);
    if (p.amount === null && prop(spec, 'priceComponent') !== undefined) {
      p = priceFromSpecs(prop(spec, 'priceComponent'), ctx, index) ?? p;
    }
    const cur = normalizeCurrency(text(prop(spec, 'priceCurrency')));
    const candidate: PriceValue = { amount: p.amount, currency: cur ?? p.currency };
    if (better(best, candidate)) best = candidate;
  }
  return best;
}

function gtinOf(node: JsonObject): string | undefined {
  for (const k of ['gtin13', 'gtin', 'gtin12', 'gtin14', 'gtin8', 'isbn']) {
    const v = text(prop(node, k));
    if (v) return v;
  }
  return undefined;
}

/** All offers of a product flattened to picks; AggregateOffer gives lowPrice, else price, else its offers. */
function offerPicks(offers: Json | undefined, ctx: ExtractContext, index: IdIndex, depth = 0): OfferPick[] {
  const picks: OfferPick[] = [];
  if (depth > 4) return picks;
  for (const raw of asList(offers)) {
    const offer = deref(raw, index);
    if (!isObject(offer)) continue;
    const currency = normalizeCurrency(text(prop(offer, 'priceCurrency')));
    const availability = mapAvailability(text(prop(offer, 'availability')));
    const aggregate = typesOf(offer).includes('aggregateoffer');
    let price = aggregate
      ? priceFromValue(prop(offer, 'lowPrice'), ctx.defaultCurrency)
      : priceFromValue(prop(offer, 'price'), ctx.defaultCurrency);
    if (price.amount === null) {
      price = aggregate
        ? priceFromValue(prop(offer, 'price'), ctx.defaultCurrency)
        : priceFromValue(prop(offer, 'lowPrice'), ctx.defaultCurrency);
    }
    if (price.amount === null) price = priceFromSpecs(prop(offer, 'priceSpecification'), ctx, index) ?? price;
    const pick: OfferPick = {
      price: { amount: price.amount, currency: currency ?? price.currency },
      availability,
      url: text(prop(offer, 'url')),
      sku: text(prop(offer, 'sku')),
      gtin: gtinOf(offer),
    };
    if (price.amount === null && aggregate && prop(offer, 'offers') !== undefined) {
      const inner = offerPicks(prop(offer, 'offers'), ctx, index, depth + 1);
      for (const p of inner) {
        if (p.price.currency === null) p.price.currency = pick.price.currency;
        if (p.availability === 'unknown') p.availability = availability;
      }
      picks.push(...inner);
      if (inner.length === 0) picks.push(pick);
    } else {
      picks.push(pick);
    }
  }
  return picks;
}

/**
 * The offer a user would quote: the lowest valid price. With offers in several currencies only
 * those in `defaultCurrency` (else the first priced offer's currency) compete.
 */
function chooseOffer(picks: OfferPick[], ctx: ExtractContext): OfferPick | null {
  const priced = picks.filter((p) => p.price.amount !== null);
  if (priced.length === 0) return picks[0] ?? null;
  const want =
    (ctx.defaultCurrency && priced.some((p) => p.price.currency === ctx.defaultCurrency?.toUpperCase())
      ? ctx.defaultCurrency.toUpperCase()
      : null) ?? priced[0]!.price.currency;
  const pool = priced.filter((p) => p.price.currency === want || p.price.currency === null || want === null);
  let best: OfferPick | null = null;
  for (const p of pool.length > 0 ? pool : priced) if (better(best?.price ?? null, p.price)) best = p;
  return best;
}

/** ProductFields of one JSON-LD Product node. */
export function fieldsFromJsonLdProduct(node: JsonObject, ctx: ExtractContext, index: IdIndex): ProductFields {
  const f = emptyFields();
  f.name = text(prop(node, 'name')) ?? null;

  let picks = offerPicks(prop(node, 'offers'), ctx, index);
  if (!picks.some((p) => p.price.amount !== null)) {
    // ProductGroup: the variants carry the offers.
    for (const v of asList(prop(node, 'hasVariant'))) {
      const variant = deref(v, index);
      if (isObject(variant)) picks.push(...offerPicks(prop(variant, 'offers'), ctx, index));
    }
  }
  if (!picks.some((p) => p.price.amount !== null)) {
    // Not schema.org, but common: price straight on the Product.
    const p = priceFromValue(prop(node, 'price') ?? prop(node, 'lowPrice'), ctx.defaultCurrency);
    if (p.amount !== null) {
      const cur = normalizeCurrency(text(prop(node, 'priceCurrency')));
      picks = [...picks, { price: { amount: p.amount, currency: cur ?? p.currency }, availability: 'unknown' }];
    }
  }
  const chosen = chooseOffer(picks, ctx);
  if (chosen) {
    f.amount = chosen.price.amount;
    f.currency = chosen.price.currency;
    f.availability = chosen.availability;
  }
  if (f.amount !== null && f.currency === null) f.currency = normalizeCurrency(text(prop(node, 'priceCurrency')));
  if (f.availability === 'unknown') {
    f.availability =
      picks.map((p) => p.availability).find((a) => a !== 'unknown') ?? mapAvailability(text(prop(node, 'availability')));
  }

  const sku = text(prop(node, 'sku')) ?? chosen?.sku;
  const gtin = gtinOf(node) ?? chosen?.gtin;
  const mpn = text(prop(node, 'mpn'));
  const brandNode = asList(prop(node, 'brand')).map((b) => deref(b, index));
  const brand = text(brandNode, true);
  const url = text(prop(node, 'url')) ?? chosen?.url;
  const imgRaw = asList(prop(node, 'image')).map((i) => deref(i, index));
  const image = imageUrl(imgRaw);

  if (sku) f.sku = sku;
  if (gtin) f.gtin = gtin;
  if (mpn) f.mpn = mpn;
  if (brand) f.brand = brand;
  const absUrl = absolute(url, ctx);
  if (absUrl) f.url = absUrl;
  const absImage = absolute(image, ctx);
  if (absImage) f.image = absImage;
  return compact(f);
}

// ---------------------------------------------------------------------------------------------
// Microdata
// ---------------------------------------------------------------------------------------------

const MICRODATA_PRODUCT = /(?:^|\/)(?:Product|IndividualProduct|ProductModel|ProductGroup|SomeProducts)$/i;

function tokens(v: string | undefined): string[] {
  return (v ?? '').trim().split(/\s+/).filter(Boolean);
}

function isProductScope($el: Cheerio<Element>): boolean {
  return tokens($el.attr('itemtype')).some((t) => MICRODATA_PRODUCT.test(t));
}

/** The itemscope an itemprop belongs to: its nearest itemscope ancestor (not itself). */
function ownerScope(el: Element): Element | undefined {
  for (let p = parentElement(el); p; p = parentElement(p)) if ('itemscope' in p.attribs) return p;
  return undefined;
}

function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && 'attribs' in p ? (p as Element) : null;
}

/** Elements carrying `itemprop=name` that belong to `scope` (not to a nested item). */
function props($: CheerioAPI, scope: Element, name: string): Cheerio<Element> {
  return $(scope)
    .find('[itemprop]')
    .filter((_, el) => tokens($(el).attr('itemprop')).includes(name) && ownerScope(el) === scope);
}

/** Microdata value rules: `content`, then href/src/value/datetime by tag, then text. */
function itemValue($: CheerioAPI, el: Element): string | undefined {
  const $el = $(el);
  const content = $el.attr('content');
  if (content !== undefined) return content.trim();
  const tag = el.tagName.toLowerCase();
  const attr =
    tag === 'a' || tag === 'link' || tag === 'area'
      ? 'href'
      : ['img', 'audio', 'video', 'source', 'iframe', 'embed', 'track'].includes(tag)
        ? 'src'
        : tag === 'object'
          ? 'data'
          : tag === 'data' || tag === 'meter'
            ? 'value'
            : tag === 'time'
              ? 'datetime'
              : undefined;
  const v = attr ? $el.attr(attr) : undefined;
  if (v !== undefined) return v.trim();
  const t = cleanText($el.text());
  return t === '' ? undefined : t;
}

function firstProp($: CheerioAPI, scope: Element, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const el of props($, scope, name).toArray()) {
      const v = itemValue($, el);
      if (v) return v;
    }
  }
  return undefined;
}

function microdataPrice($: CheerioAPI, scope: Element, ctx: ExtractContext): { price: PriceValue; availability: Availability } {
  const fromScope = (s: Element): { price: PriceValue; availability: Availability } => {
    let best: PriceValue | null = null;
    for (const name of ['price', 'lowPrice']) {
      for (const el of props($, s, name).toArray()) {
        const p = priceFromValue(itemValue($, el), ctx.defaultCurrency);
        if (better(best, p)) best = p;
      }
      if (best) break;
    }
    const cur = normalizeCurrency(firstProp($, s, 'priceCurrency'));
    return {
      price: { amount: best?.amount ?? null, currency: cur ?? best?.currency ?? null },
      availability: mapAvailability(firstProp($, s, 'availability')),
    };
  };

  const results: { price: PriceValue; availability: Availability }[] = [];
  for (const el of props($, scope, 'offers').toArray()) {
    if ($(el).is('[itemscope]')) {
      const r = fromScope(el);
      if (r.price.amount === null) {
        // priceSpecification or a sloppy nesting: any price inside this offer, skipping list prices.
        for (const inner of $(el).find('[itemprop~="price"]').toArray()) {
          const spec = $(ownerScope(inner) ?? inner);
          const type = (spec.find('[itemprop~="priceType"]').first().attr('content') ?? spec.find('[itemprop~="priceType"]').first().attr('href') ?? '').trim();
          if (type && SKIPPED_PRICE_TYPES.has(localName(type))) continue;
          const p = priceFromValue(itemValue($, inner), ctx.defaultCurrency);
          if (better(r.price.amount === null ? null : r.price, p)) r.price = { amount: p.amount, currency: r.price.currency ?? p.currency };
        }
      }
      results.push(r);
    } else {
      const p = priceFromValue(itemValue($, el), ctx.defaultCurrency);
      results.push({ price: p, availability: 'unknown' });
    }
  }
  // Price / availability straight on the product (not valid schema.org, but common).
  results.push(fromScope(scope));

  let best: { price: PriceValue; availability: Availability } | null = null;
  for (const r of results) if (better(best?.price ?? null, r.price)) best = r;
  const availability =
    best && best.availability !== 'unknown' ? best.availability : (results.map((r) => r.availability).find((a) => a !== 'unknown') ?? 'unknown');
  return { price: best?.price ?? { amount: null, currency: null }, availability };
}

/** The page's main microdata Product (first top-level Product scope with a name or price). */
export function fieldsFromMicrodata($: CheerioAPI, ctx: ExtractContext): ProductFields | null {
  const scopes = $('[itemscope][itemtype]')
    .filter((_, el) => isProductScope($(el)))
    .toArray()
    // Products nested in another product (related, accessories) are not the page's product.
    .filter((el) => {
      for (let p = parentElement(el); p; p = parentElement(p)) if (isProductScope($(p))) return false;
      return true;
    });
  for (const scope of scopes) {
    const f = emptyFields();
    f.name = firstProp($, scope, 'name') ?? null;
    const { price, availability } = microdataPrice($, scope, ctx);
    f.amount = price.amount;
    f.currency = price.currency;
    f.availability = availability;
    if (f.name === null && f.amount === null) continue;

    const sku = firstProp($, scope, 'sku', 'productID');
    const gtin = firstProp($, scope, 'gtin13', 'gtin', 'gtin12', 'gtin14', 'gtin8');
    const mpn = firstProp($, scope, 'mpn');
    let brand: string | undefined;
    for (const el of props($, scope, 'brand').toArray()) {
      brand = $(el).is('[itemscope]') ? firstProp($, el, 'name') : itemValue($, el);
      if (brand) break;
    }
    if (sku) f.sku = sku;
    if (gtin) f.gtin = gtin;
    if (mpn) f.mpn = mpn;
    if (brand) f.brand = brand;
    const url = absolute(firstProp($, scope, 'url'), ctx);
    if (url) f.url = url;
    const image = absolute(firstProp($, scope, 'image'), ctx);
    if (image) f.image = image;
    return compact(f);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// OpenGraph and product meta tags
// ---------------------------------------------------------------------------------------------

/** `property=` or `name=` → first non-empty `content`, read in one pass over the page's meta tags. */
function metaReader($: CheerioAPI): (...keys: string[]) => string | undefined {
  const map = new Map<string, string>();
  for (const el of $('meta').toArray()) {
    const key = ($(el).attr('property') ?? $(el).attr('name') ?? '').trim().toLowerCase();
    const content = ($(el).attr('content') ?? '').trim();
    if (key !== '' && content !== '' && !map.has(key)) map.set(key, content);
  }
  return (...keys) => {
    for (const k of keys) {
      const v = map.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/**
 * `product:price:amount` / `og:price:amount` (a `product:sale_price:amount` wins: it is what the
 * buyer pays), their currencies, `og:title`, `og:image`, `og:url`, `product:availability`.
 * `og:title` counts as a product name only when `og:type` is a product type, is absent, or a
 * price meta is present: on an `article` or `website` page it is usually the shop's name.
 */
export function fieldsFromOpenGraph($: CheerioAPI, ctx: ExtractContext): ProductFields | null {
  const f = emptyFields();
  const meta = metaReader($);
  const pairs: [string, string][] = [
    ['product:sale_price:amount', 'product:sale_price:currency'],
    ['product:price:amount', 'product:price:currency'],
    ['og:price:amount', 'og:price:currency'],
    ['product:price', 'product:currency'],
  ];
  for (const [amountKey, currencyKey] of pairs) {
    const p = priceFromValue(meta(amountKey), ctx.defaultCurrency);
    if (p.amount === null) continue;
    f.amount = p.amount;
    f.currency = normalizeCurrency(meta(currencyKey)) ?? p.currency;
    break;
  }
  const ogType = meta('og:type')?.toLowerCase();
  const productType = ogType === undefined || /product/.test(ogType);
  if (productType || f.amount !== null) f.name = meta('og:title') ?? null;
  if (f.name !== null) f.name = cleanText(f.name) || null;
  f.availability = mapAvailability(meta('product:availability', 'og:availability'));
  if (f.name === null && f.amount === null && f.availability === 'unknown') return null;

  const sku = meta('product:retailer_item_id', 'product:sku');
  const gtin = meta('product:gtin', 'product:ean', 'product:upc');
  const mpn = meta('product:mfr_part_no');
  const brand = meta('product:brand', 'og:brand');
  if (sku) f.sku = sku;
  if (gtin) f.gtin = gtin;
  if (mpn) f.mpn = mpn;
  if (brand) f.brand = brand;
  const url = absolute(meta('og:url'), ctx);
  if (url) f.url = url;
  const image = absolute(meta('og:image:secure_url', 'og:image', 'og:image:url'), ctx);
  if (image) f.image = image;
  return compact(f);
}
