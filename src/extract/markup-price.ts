/**
 * The price a page shows for its own product, read from markup: the price elements of the product
 * block (see product-block.ts), each read as one short text, weighed by what they say and where
 * they are.
 *
 * A price element ("unit") is the outermost element of the block whose text is short and reads as
 * a price. Its text keeps its labels (`Special Price $79.00`, `Was £40 Now £30`, `促销价 ¥599`), so
 * parsePrice weighs them; struck-through children are left out of it. Units are dropped when they
 * are old prices (`<del>`, line-through, `old-price`, Was/RRP/原价 labels), small print (unit
 * prices, ex-tax, instalments, tier prices, savings, loyalty points) or another product's.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { readPrice, type PriceLabel } from '../parse/price.js';
import { inMainFlow, type ProductBlock } from './product-block.js';

export interface PriceUnit {
  el: Element;
  amount: number;
  currency: string | null;
  label: PriceLabel;
  /** Document position. */
  at: number;
  /** How much the markup says "this is the price": price classes, itemprop, headings. */
  weight: number;
  /** An old / list price (struck through or labelled so): evidence, never the answer. */
  old: boolean;
}

/** Class / id words of old prices (`.price-old`, `.was-price`, `compare-at`, `origin-price`, `puvodni`). */
const OLD_WORDS =
  /(?:^|[-_\s])(?:old|orig|original|origin|was|strike|strikethrough|linethrough|line-through|crossed|compare|compare-?at|msrp|rrp|list-?price|regular-price|before|previous|prev|pricing|double_price|puvodni|regi|antes|statt|uvp)(?:$|[-_\s]|price)|(?:old|was|list|compare|orig|regular|before|previous)price|price(?:old|was|list|compare|orig|before|previous)|STRIKETHROUGH|--previous|rrp-price/i;
/** Small print around a price: not the price itself. */
const SMALL_PRINT_WORDS =
  /unit-?price|price-?unit|per-?unit|grundpreis|base-?price|price-tax|ex-?tax|tax-?info|instal|cuota|monthly|saving|you-?save|discount|percent|point|plus|coupon|quan|card__|price-card|approx|tier|prices-tier|shipping|delivery|deposit/i;
/** Text of small print: `/ kg`, `per 100 g`, `(₩498/100g)`, `3 or more`, `Buy 3 for`, `ポイント`. */
const SMALL_PRINT_TEXT =
  /\/\s*(?:\d+\s*)?(?:kg|g|l|ml|cl|m|m2|m²|cm|oz|ounce|lb|each|ea|piece|pcs|stk|stück|unit|bag|count|ct)\b|\bper\s+(?:\d+\s*)?\w+|\d+\s*(?:g|ml|kg)\s*당|\bor more\b|\bbuy \d+|\bab \d+ (?:stück|stk)|ポイント|\bpoints?\b|approximately|environ|etwa|\bca\.\s/i;

const MAX_UNIT_TEXT = 80;

function attr(el: Element, name: string): string {
  return el.attribs[name] ?? '';
}

function isStruckElement(el: Element): boolean {
  const tag = el.tagName.toLowerCase();
  if (tag === 'del' || tag === 's' || tag === 'strike') return true;
  if (/line-through/i.test(attr(el, 'style'))) return true;
  if (attr(el, 'data-a-strike') === 'true') return true;
  if (/old|list|strike|regular|was/i.test(attr(el, 'data-price-type'))) return true;
  return OLD_WORDS.test(`${attr(el, 'class')} ${attr(el, 'id')}`) || /原价|市场价|划线价|参考价|吊牌价|专柜价/.test(attr(el, 'title'));
}

function isSmallPrint(el: Element): boolean {
  const tag = el.tagName.toLowerCase();
  if (tag === 'small' || tag === 'sub') return true;
  return SMALL_PRINT_WORDS.test(`${attr(el, 'class')} ${attr(el, 'id')}`);
}

/** `hidden`, `tb-hidden`, `d-none` (but not `visually-hidden`: screen-reader labels are read). */
const HIDDEN = /(?:^|\s)(?:(?!visually-)[a-z]+-)?(?:hidden|none|hide)(?:\s|$)/;

/**
 * The text a shopper reads: no scripts, no struck-through parts (returned apart as `old`), cents in
 * their own element joined with a decimal mark (`$1.299` + `<span class=cents>99</span>`).
 */
function unitText(root: Element): { text: string; old: string[] } {
  let text = '';
  const old: string[] = [];
  const walk = (n: AnyNode, struck: boolean): void => {
    if (n.type === 'text') {
      const data = (n as unknown as { data: string }).data;
      if (struck) old[old.length - 1] += data;
      else text += data;
      return;
    }
    if (n.type !== 'tag') return;
    const el = n as Element;
    if (HIDDEN.test(attr(el, 'class')) && !/visually-hidden|sr-only|screen-reader|offscreen/.test(attr(el, 'class'))) return;
    const nowStruck = struck || (el !== root && isStruckElement(el));
    if (nowStruck && !struck) old.push('');
    const tag = el.tagName.toLowerCase();
    // Cents written as their own element: `89.999<sup>99</sup>`, `<span class="…__cents">99</span>`.
    const own = el.children.length === 1 && el.children[0]!.type === 'text' ? (el.children[0] as unknown as { data: string }).data.trim() : '';
    if ((tag === 'sup' || /cent/i.test(attr(el, 'class'))) && /^\d{2}$/.test(own)) {
      const sofar = nowStruck ? old[old.length - 1]! : text;
      if (/\d$/.test(sofar)) {
        const mark = /\.\d{3}$/.test(sofar) || /\d\.\d{3}(?!\d)/.test(sofar.slice(-12)) ? ',' : '.';
        if (nowStruck) old[old.length - 1] += mark + own;
        else text += mark + own;
        return;
      }
    }
    for (const c of el.children) walk(c, nowStruck);
  };
  walk(root, isStruckElement(root));
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  return { text: clean(text), old: old.map(clean).filter(Boolean) };
}

/** The element's text length, giving up past `limit` (most elements on a page are long). */
function shortText(el: Element, limit: number): boolean {
  let total = 0;
  const stack: AnyNode[] = [...el.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') {
      total += (n as unknown as { data: string }).data.trim().length;
      if (total > limit) return false;
    } else if (n.type === 'tag') {
      if (stack.length > limit) return false;
      stack.push(...(n as Element).children);
    }
  }
  return true;
}

function hasDigit(el: Element): boolean {
  const stack: AnyNode[] = [...el.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') {
      if (/\d/.test((n as unknown as { data: string }).data)) return true;
    } else if (n.type === 'tag') stack.push(...(n as Element).children);
  }
  return false;
}

const PRICE_NAMES = /price|cost|amount|prix|preis|precio|preco|prezzo|cena|cijena|fiyat|harga|giá|money|tm-price|p-price|a-offscreen/i;
const STRONG_NAMES = /sale|special|current|final|now|promo|deal|our-?price|price-?to-?pay|pricetopay|total-price|final-price|price--with|withTax|main|primary|big|large|price2|current-price/i;

function priceWeight($: CheerioAPI, el: Element, root: Element): number {
  let w = 0;
  for (let p: Element | null = el, k = 0; p && k < 4; p = p.parent && 'attribs' in p.parent ? (p.parent as Element) : null, k++) {
    const n = `${attr(p, 'class')} ${attr(p, 'id')} ${attr(p, 'data-testid')}`;
    if (attr(p, 'itemprop') === 'price' || attr(p, 'property').endsWith('price')) w += 3;
    if (PRICE_NAMES.test(n) || 'data-price-amount' in p.attribs || 'data-product-price-with-tax' in p.attribs) w += k === 0 ? 2 : 1;
    if (STRONG_NAMES.test(n)) w += 1;
    if (p === root) break;
  }
  // The unit is the outermost short element: its inner elements' names count too (`<div><span class="a-price">`).
  let inner = 0;
  for (const d of $(el).find('[class], [id], [itemprop]').toArray() as Element[]) {
    const n = `${attr(d, 'class')} ${attr(d, 'id')}`;
    let x = 0;
    if (attr(d, 'itemprop') === 'price') x += 3;
    if (PRICE_NAMES.test(n)) x += 2;
    if (STRONG_NAMES.test(n)) x += 1;
    inner = Math.max(inner, x);
  }
  w = Math.max(w, inner);
  const tag = el.tagName.toLowerCase();
  if (/^(?:h[1-6]|strong|b|em)$/.test(tag) || $(el).find('h2, h3, strong, b').length > 0) w += 1;
  return w;
}

/** `$0.67 / Ounce`, `€2,49 <span>/</span> 100 g`: what follows the element makes it a unit price. */
function followedByPer(el: Element): boolean {
  let after = '';
  for (let n = el.next; n && after.length < 20; n = n.next) {
    if (n.type === 'text') after += (n as unknown as { data: string }).data;
    else if (n.type === 'tag') after += (n as Element).children.map((c) => (c.type === 'text' ? (c as unknown as { data: string }).data : '')).join('');
  }
  return /^\s*(?:\/|per\b|je\b|pro\b|par\b|por\b|당)/i.test(after);
}

/** Document position of the last element inside `el`. */
function endOf(el: Element, block: ProductBlock): number {
  let last = el;
  for (;;) {
    const tags = last.children.filter((c) => c.type === 'tag' || c.type === 'script' || c.type === 'style');
    if (tags.length === 0) break;
    last = tags[tags.length - 1] as Element;
  }
  return block.order.get(last) ?? 0;
}

/** Every price unit of the product block, in document order (old prices included, marked). */
export function priceUnits($: CheerioAPI, block: ProductBlock, defaultCurrency: string | undefined): PriceUnit[] {
  const units: PriceUnit[] = [];
  const opts = defaultCurrency ? { defaultCurrency } : undefined;
  // The title and what holds it are never one price unit: look inside them, around the title.
  const aroundTitle = new Set<Element>();
  for (let p: Element | null = block.anchor; p; p = p.parent && 'attribs' in p.parent ? (p.parent as Element) : null) aroundTitle.add(p);
  const visit = (el: Element, outerStruck: boolean, outerSmall: boolean): void => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'script' || tag === 'style' || tag === 'noscript' || tag === 'template' || tag === 'select' || tag === 'option') return;
    if (el !== block.root && block.chrome.has(el)) return;
    if (HIDDEN.test(attr(el, 'class')) || /display\s*:\s*none|visibility\s*:\s*hidden/i.test(attr(el, 'style')) || 'hidden' in el.attribs) return;
    if (!hasDigit(el) || el === block.anchor) return;
    // What holds the title (a product wrapper named `… sale shipping-taxable …`) says nothing of one price.
    if (aroundTitle.has(el) || el === block.root) {
      for (const c of el.children) if (c.type === 'tag') visit(c as Element, outerStruck, outerSmall);
      return;
    }
    const struck = outerStruck || isStruckElement(el);
    const small = outerSmall || isSmallPrint(el);
    if (small) return;
    // A section with its heading ("Customers also bought" + one tile) is not one price: look inside.
    const start = block.order.get(el) ?? 0;
    if (block.sections.some((h) => h > start && h <= endOf(el, block))) {
      for (const c of el.children) if (c.type === 'tag') visit(c as Element, struck, small);
      return;
    }
    const short = shortText(el, MAX_UNIT_TEXT);
    const { text, old } = short ? unitText(el) : { text: '', old: [] };
    // Small print inside a short block (`19,900원 (100g당 498원)`): read its parts one by one.
    if (short && SMALL_PRINT_TEXT.test(text) && el.children.some((c) => c.type === 'tag')) {
      for (const c of el.children) if (c.type === 'tag') visit(c as Element, struck, small);
      return;
    }
    if (short) {
      const at = block.order.get(el) ?? 0;
      const weight = priceWeight($, el, block.root);
      if (SMALL_PRINT_TEXT.test(text) || followedByPer(el)) return;
      for (const o of old) {
        const p = readPrice(o, opts);
        if (p.amount !== null && p.amount > 0) units.push({ el, amount: p.amount, currency: p.currency, label: -1, at, weight, old: true });
      }
      if (text === '') return;
      const p = readPrice(text, opts);
      if (p.amount === null || p.amount <= 0) return;
      // A bare number is a price only where the markup calls it one (`<span class="price">399.00</span>`).
      if (p.currency === null && weight === 0) return;
      units.push({ el, amount: p.amount, currency: p.currency, label: p.label, at, weight, old: struck || p.label < 0 });
      return;
    }
    for (const c of el.children) if (c.type === 'tag') visit(c as Element, struck, small);
  };
  visit(block.root, false, false);
  return units;
}

/**
 * The current price among the units: the best-labelled, then the most price-like markup, then the
 * first after the title. Old prices never win. Units after a section heading belong to another
 * product; units before the title count only when none come after it.
 */
export function chooseMarkupPrice(units: PriceUnit[], block: ProductBlock): PriceUnit | null {
  const live = units.filter((u) => !u.old);
  const flow = live.filter((u) => inMainFlow(block, u.el));
  let pool = flow;
  if (pool.length === 0 && block.anchor) {
    pool = live.filter((u) => u.at < (block.order.get(block.anchor!) ?? 0) && !block.sections.some((s) => s < u.at));
  }
  if (pool.length === 0) return null;
  let best = pool[0]!;
  const score = (u: PriceUnit) => (u.label >= 2 ? 4 : u.label === 1 ? 1 : 0) + Math.min(u.weight, 4);
  for (const u of pool.slice(1)) if (score(u) > score(best)) best = u;
  return best;
}
