/**
 * Proposes an `items:` block for a listing page: which element repeats once per product, a
 * stable key, and where each item's name, price, link and stock are, each previewed on every
 * matched item. Pure: a page's HTML in, a proposal out (the console's builder and
 * `radar try URL --suggest` share it). Structured data comes first when it already has the
 * products: JSON-LD needs no `items:` at all, microdata gets `itemprop` selectors.
 *
 * Why the choices: sales ops keep these selectors for months while shops redeploy, so stable
 * attributes (data-*, itemprop, ids and plain class names) beat generated class names
 * (`css-1x2y3z`, `Card_title__a8F3k`), short selectors beat long paths, and `tbody` never
 * appears (the raw HTML a run reads often has none; the browser always adds one).
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parsePrice } from '../parse/price.js';
import { listedJsonLdProducts } from './jsonld-list.js';
import { cleanText, loadHtml, parseFieldSelector, readValue } from './selector.js';

/** `stock` is read by the price kind as availability ("有货", "sold out"). */
export type FieldName = 'name' | 'price' | 'url' | 'stock';

export interface PreviewRow {
  key: string | null;
  name: string | null;
  /** The price text as on the page, and what parsePrice makes of it. */
  priceText: string | null;
  price: number | null;
  currency: string | null;
  /** A starting price (`¥1,299起`, `from`). */
  from: boolean;
  url: string | null;
  stock: string | null;
}

export interface ItemsProposal {
  /** css = an `items:` block; json-ld = leave `items:` out, the products are in the page's JSON-LD. */
  source: 'css' | 'microdata' | 'json-ld';
  each: string | null;
  count: number;
  key: string | null;
  fields: Partial<Record<FieldName, string>>;
  rows: PreviewRow[];
  /** Other repeating groups seen on the page, best first, with how many elements each matches. */
  alternatives: { each: string; count: number }[];
}

export interface SuggestOptions {
  url: string;
  /** The element the user clicked, as element-child indices from <html> (see pickPath). */
  pick?: number[] | null;
  defaultCurrency?: string;
}

/** The `items:` for the page, or null when nothing on it repeats like a product. */
export function suggestItems(html: string, opts: SuggestOptions): ItemsProposal | null {
  const $ = loadHtml(html);
  const picked = opts.pick ? nodeAt($, opts.pick) : null;
  if (!picked) {
    const ld = jsonLdProposal($, opts);
    if (ld) return ld;
    const md = microdataProposal($, opts);
    if (md) return md;
  }
  const groups = picked ? groupsAround($, picked) : allGroups($);
  if (!groups.length) return null;
  const [best, ...rest] = groups;
  const proposal = proposeFor($, best!, picked, opts);
  const seen = new Set([proposal.each]);
  for (const g of rest) {
    const sel = itemSelector($, g.members);
    if (seen.has(sel)) continue;
    seen.add(sel);
    proposal.alternatives.push({ each: sel, count: $(sel).length });
    if (proposal.alternatives.length >= 4) break;
  }
  return proposal;
}

/** The element at a path of element-child indices from the root element. */
export function nodeAt($: CheerioAPI, path: number[]): Element | null {
  let el: Element | undefined = $.root().children().toArray().find(isElement);
  for (const i of path) {
    if (!el) return null;
    el = el.children.filter(isElement)[i];
  }
  return el ?? null;
}

// ---- structured data ----------------------------------------------------------------------

function jsonLdProposal($: CheerioAPI, opts: SuggestOptions): ItemsProposal | null {
  const products = listedJsonLdProducts($, { url: opts.url, ...(opts.defaultCurrency ? { defaultCurrency: opts.defaultCurrency } : {}) });
  // Offered only when it has what is wanted: a name and a price for (nearly) every product.
  if (!products || products.filter((p) => p.name && p.amount !== null).length < products.length * 0.8) return null;
  return {
    source: 'json-ld',
    each: null,
    count: products.length,
    key: null,
    fields: {},
    rows: products.map((p) => ({
      key: p.sku ?? p.gtin ?? p.mpn ?? p.url ?? null,
      name: p.name,
      priceText: p.amount === null ? null : String(p.amount),
      price: p.amount,
      currency: p.currency,
      from: false,
      url: p.url ?? null,
      stock: p.availability === 'unknown' ? null : p.availability,
    })),
    alternatives: [],
  };
}

function microdataProposal($: CheerioAPI, opts: SuggestOptions): ItemsProposal | null {
  const each = '[itemtype$="schema.org/Product"]';
  const items = $(each).toArray().filter(isElement);
  if (items.length < 2 || !items.every((n) => $(n).find('[itemprop="price"]').length > 0)) return null;
  const p = proposeFor($, { members: items }, null, opts);
  return { ...p, source: 'microdata' };
}

// ---- finding the repeating element ----------------------------------------------------------

interface Group {
  members: Element[];
}

const PRICE_HINT = /[¥￥$€£]|元|RMB|CNY|USD|起|万/;

function priceLike($: CheerioAPI, el: Element): boolean {
  const text = cleanText($(el).text());
  return PRICE_HINT.test(text) && /\d/.test(text);
}

function signature(el: Element): string {
  return `${el.name}|${stableClasses(el).sort().join('.')}`;
}

/** Siblings of `el` that look like it (same tag, same stable classes); table rows must have cells. */
function likeSiblings(el: Element): Element[] {
  const parent = el.parent;
  if (!parent || !('children' in parent)) return [el];
  const sig = signature(el);
  return parent.children.filter(isElement).filter((s) => signature(s) === sig && (el.name !== 'tr' || hasCell(s)));
}

function hasCell(tr: Element): boolean {
  return tr.children.some((c) => isElement(c) && c.name === 'td');
}

/** From the clicked element up: the first ancestor that repeats, with prices in most copies. */
function groupsAround($: CheerioAPI, picked: Element): Group[] {
  const out: Group[] = [];
  for (let el: Element | null = picked; el && el.name !== 'body' && el.name !== 'html'; el = parentElement(el)) {
    const members = likeSiblings(el);
    if (members.length < 2) continue;
    const priced = members.filter((m) => priceLike($, m)).length;
    if (priced >= members.length * 0.6) out.push({ members });
  }
  if (out.length) return out;
  // Nothing priced repeats (a job list, a table of tenders): the nearest repeating ancestor.
  for (let el: Element | null = picked; el && el.name !== 'body'; el = parentElement(el)) {
    const members = likeSiblings(el);
    if (members.length >= 2) return [{ members }];
  }
  return [];
}

/** No click: every group of 3+ look-alike siblings, mostly priced, biggest and richest first. */
function allGroups($: CheerioAPI): Group[] {
  const scored: { g: Group; score: number }[] = [];
  $('body *').each((_i, p) => {
    if (!isElement(p)) return;
    const bySig = new Map<string, Element[]>();
    for (const c of p.children.filter(isElement)) {
      if (c.name === 'tr' && !hasCell(c)) continue;
      const s = signature(c);
      bySig.set(s, [...(bySig.get(s) ?? []), c]);
    }
    for (const members of bySig.values()) {
      if (members.length < 3 || ['option', 'br', 'script', 'style'].includes(members[0]!.name)) continue;
      const priced = members.filter((m) => priceLike($, m)).length / members.length;
      if (priced < 0.6) continue;
      const linked = members.filter((m) => $(m).is('a[href]') || $(m).find('a[href]').length > 0).length / members.length;
      scored.push({ g: { members }, score: members.length * priced * (1 + linked) });
    }
  });
  return scored.sort((a, b) => b.score - a.score).map((s) => s.g);
}

// ---- selectors ------------------------------------------------------------------------------

/**
 * Class names a build tool made up change with every deploy: CSS-in-JS prefixes, CSS-module
 * hashes, and names that mix letters and digits like a hash does.
 */
export function isGeneratedClass(c: string): boolean {
  if (/^(css|sc|jsx|svelte|emotion|styled|chakra|mui|ant)-[a-z0-9]*\d/i.test(c)) return true;
  if (/__[A-Za-z0-9_-]{4,}$/.test(c) || /^_[A-Za-z0-9]{4,}$/.test(c)) return true;
  const digits = (c.match(/\d/g) ?? []).length;
  if (digits >= 2 && /[a-z]/i.test(c) && !/^[a-z]+(-[a-z]+)*-?\d{1,2}$/i.test(c)) return true;
  return /[a-z][A-Z]|[A-Z]{2}[a-z]/.test(c) && digits > 0;
}

function stableClasses(el: Element): string[] {
  return (el.attribs.class ?? '')
    .split(/\s+/)
    .filter((c) => c && !isGeneratedClass(c) && /^[A-Za-z_-][\w-]*$/.test(c) && !/^(active|selected|hover|first|last|odd|even|on|cur|current)$/i.test(c));
}

const esc = (v: string) => v.replace(/["\\]/g, '\\$&');

function sameSet(a: AnyNode[], b: Element[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set<AnyNode>(b);
  return a.every((n) => s.has(n));
}

function tryAll($: CheerioAPI, candidates: string[], members: Element[]): string | null {
  for (const sel of candidates) {
    try {
      if (sameSet($(sel).toArray(), members)) return sel;
    } catch {
      // a class or attribute cheerio cannot read as CSS: next candidate
    }
  }
  return null;
}

/** A selector matching exactly the group's elements, as short and stable as the page allows. */
function itemSelector($: CheerioAPI, members: Element[]): string {
  const first = members[0]!;
  const tag = first.name;
  const common = stableClasses(first).filter((c) => members.every((m) => stableClasses(m).includes(c)));
  const dataAttrs = Object.keys(first.attribs).filter((a) => a.startsWith('data-') && members.every((m) => a in m.attribs));
  const cell = tag === 'tr' ? ':has(td)' : '';
  // Rows: a class may already leave the header out; else ":has(td)" does.
  const withCell = (xs: string[]) => (cell ? [...xs, ...xs.map((x) => x + cell)] : xs);
  const own = withCell([...common.map((c) => `.${c}`), ...common.map((c) => `${tag}.${c}`), ...dataAttrs.map((a) => `${tag}[${a}]`)]);
  const parent = parentElement(first);
  const anchors = parent ? anchorsOf($, tag === 'tr' && parent.name === 'tbody' ? parentElement(parent) ?? parent : parent) : [];
  const joiner = tag === 'tr' ? ' ' : ' > ';
  const underParent = withCell(anchors.flatMap((a) => [...common.map((c) => `${a}${joiner}${tag}.${c}`), `${a}${joiner}${tag}`]));
  const byLength = (xs: string[]) => xs.sort((a, b) => a.length - b.length);
  return tryAll($, byLength(own), members) ?? tryAll($, byLength(underParent), members) ?? `${uniquePath($, parent)}${joiner}${tag}${cell}`;
}

/** Short selectors for an element: its id, its stable classes, alone or with the tag. */
function anchorsOf($: CheerioAPI, el: Element): string[] {
  const out: string[] = [];
  const id = el.attribs.id;
  if (id && !isGeneratedClass(id) && /^[A-Za-z][\w-]*$/.test(id)) out.push(`#${id}`);
  for (const c of stableClasses(el)) out.push(`.${c}`, `${el.name}.${c}`);
  return out.filter((s) => $(s).length === 1);
}

/** A selector for exactly this element: the nearest anchored ancestor, then child steps. */
function uniquePath($: CheerioAPI, el: Element | null): string {
  const steps: string[] = [];
  for (let e = el; e; e = parentElement(e)) {
    if (e.name === 'html' || e.name === 'body') {
      steps.unshift(e.name);
      break;
    }
    const a = anchorsOf($, e)[0];
    if (a) {
      steps.unshift(a);
      break;
    }
    if (e.name === 'tbody') continue;
    const same = parentElement(e)?.children.filter((c): c is Element => isElement(c) && c.name === e.name) ?? [e];
    steps.unshift(same.length > 1 ? `${e.name}:nth-of-type(${same.indexOf(e) + 1})` : e.name);
  }
  return steps.join(' > ').replace(/ > (tr|td)/g, ' $1');
}

/** Selectors that find `target` as the first match inside `item`, shortest and most stable first. */
function relativeSelectors($: CheerioAPI, item: Element, target: Element): string[] {
  if (target === item) return [''];
  const out: string[] = [];
  const t = target.name;
  const ip = target.attribs.itemprop;
  if (ip) out.push(`[itemprop="${esc(ip)}"]`);
  for (const a of Object.keys(target.attribs).filter((a) => a.startsWith('data-') && !/^data-v-/.test(a))) out.push(`[${a}]`);
  for (const c of stableClasses(target)) out.push(`.${c}`, `${t}.${c}`);
  out.push(t);
  const parent = parentElement(target);
  if (parent && parent !== item) for (const c of stableClasses(parent)) out.push(`.${c} ${t}`, `.${c} > ${t}`);
  const same = parent?.children.filter((c): c is Element => isElement(c) && c.name === t) ?? [];
  if (same.length > 1) out.push(`${t}:nth-of-type(${same.indexOf(target) + 1})`);
  // Last resort: the path of tags from the item down.
  const steps: string[] = [];
  for (let e: Element | null = target; e && e !== item; e = parentElement(e)) {
    const sib = parentElement(e)?.children.filter((c): c is Element => isElement(c) && c.name === e!.name) ?? [e];
    steps.unshift(sib.length > 1 ? `${e.name}:nth-of-type(${sib.indexOf(e) + 1})` : e.name);
  }
  out.push(steps.join(' > '));
  const scope = $(item);
  return out.filter((sel) => {
    try {
      return scope.find(sel).first()[0] === target;
    } catch {
      return false;
    }
  });
}

// ---- fields ---------------------------------------------------------------------------------

const OLD_PRICE = /old|orig|was|list|market|del|strike|yuanjia|原价/i;
const NAME_HINT = /title|name|tit|heading|product|goods/i;
const STOCK_TEXT = /有货|无货|缺货|售罄|现货|库存|到货|预售|in stock|out of stock|sold out|available|unavailable|pre-?order/i;

function proposeFor($: CheerioAPI, g: Group, picked: Element | null, opts: SuggestOptions): ItemsProposal {
  const members = g.members;
  const each = itemSelector($, members);
  const items = $(each).toArray().filter(isElement);
  const sample = (picked && items.find((m) => m === picked || $(m).find(picked).length > 0)) || items[0]!;
  const pc = opts.defaultCurrency ? { defaultCurrency: opts.defaultCurrency } : {};
  // Selectors are scored on a spread of up to 16 items (the sample among them), previewed on all:
  // scoring every candidate on every item of a 96-item page took seconds per click.
  const step = Math.max(1, Math.ceil(items.length / 16));
  const scored = [sample, ...items.filter((m, i) => i % step === 0 && m !== sample)].slice(0, 16);
  const texts = (sel: string, attr?: string) => scored.map((m) => readValue(sel ? $(m).find(sel).first() : $(m), { css: sel, attr }, opts.url));
  const descendants = $(sample).find('*').toArray().filter(isElement);

  // A field's selector: among the sample's elements that look right, the one whose selector reads best on every item.
  const pick = (cands: Element[], score: (vals: (string | null)[], sel: string, el: Element) => number, attr?: string): string | null => {
    let best: { sel: string; s: number } | null = null;
    for (const el of cands) {
      for (const sel of relativeSelectors($, sample, el)) {
        // A class or attribute names what the element is; a bare tag breaks when another one is added before it.
        const named = /[.[#]/.test(sel) && !/nth-of-type| /.test(sel) ? 0.05 : 0;
        const s = score(texts(sel, attr), sel, el) + named - sel.length / 1000;
        if (!best || s > best.s) best = { sel, s };
      }
    }
    return best && best.s > 0 ? best.sel : null;
  };
  const coverage = (vals: (string | null)[]) => vals.filter((v) => v !== null).length / vals.length;
  const distinct = (vals: (string | null)[]) => new Set(vals.filter((v) => v !== null)).size / vals.length;

  // price: the smallest elements that read as a price, not a struck-out old price
  const priceEls = [sample, ...descendants].filter((el) => {
    const text = cleanText($(el).text());
    return text.length <= 40 && priceLike($, el) && parsePrice(text, pc).amount !== null && !['del', 's', 'strike'].includes(el.name) && !OLD_PRICE.test(el.attribs.class ?? '');
  });
  const price = pick(priceEls, (vals, sel, el) => {
    const parsed = vals.filter((v) => v !== null && parsePrice(v, pc).amount !== null).length / vals.length;
    const leaf = $(el).children().length === 0 ? 0.1 : 0;
    return parsed + leaf + (/price|jg|sale|now|现价/i.test(sel) ? 0.2 : 0);
  });
  const priceEl = price !== null ? (price ? $(sample).find(price).first()[0] : sample) : null;

  // name: text that differs per item, is not the price, and is not a box around everything
  const nameEls = descendants.filter((el) => {
    const text = cleanText($(el).text());
    return text.length >= 2 && text.length <= 200 && !PRICE_HINT.test(text) && !STOCK_TEXT.test(text) && el !== priceEl && !$(el).find('*').toArray().some((d) => d === priceEl);
  });
  const name = pick(nameEls, (vals, sel, el) => {
    const hint = NAME_HINT.test(`${sel} ${el.attribs.class ?? ''}`) || /^h[1-6]$/.test(el.name) ? 0.3 : 0;
    const avg = vals.reduce((n, v) => n + (v?.length ?? 0), 0) / vals.length;
    return coverage(vals) * distinct(vals) + hint + Math.min(avg, 40) / 400;
  });

  // url: the item's own link (the first one, unless it goes nowhere)
  const linkEls = [sample, ...descendants].filter((el) => el.name === 'a' && el.attribs.href && !/^(#|javascript:)/i.test(el.attribs.href));
  const url = pick(linkEls, (vals) => coverage(vals) * (0.5 + distinct(vals) / 2), 'href');

  // stock: words that say whether it can be bought
  const stockEls = descendants.filter((el) => {
    const text = cleanText($(el).text());
    return (text.length <= 30 && STOCK_TEXT.test(text)) || /stock|avail|inventory|库存/i.test(el.attribs.class ?? '');
  });
  const stock = pick(stockEls, (vals) => (vals.some((v) => v !== null && STOCK_TEXT.test(v)) ? coverage(vals) : 0));

  const fields: Partial<Record<FieldName, string>> = {};
  if (name !== null) fields.name = name;
  if (price !== null) fields.price = price;
  if (url !== null) fields.url = `${url}@href`;
  if (stock !== null) fields.stock = stock;
  const key = keySelector($, items, sample, fields.url ?? null, opts);

  const rows = previewRows($, items, key, fields, opts);
  return { source: 'css', each, count: items.length, key, fields, rows, alternatives: [] };
}

function previewRows($: CheerioAPI, items: Element[], key: string | null, fields: Partial<Record<FieldName, string>>, opts: SuggestOptions): PreviewRow[] {
  const pc = opts.defaultCurrency ? { defaultCurrency: opts.defaultCurrency } : {};
  const read = (spec: string | undefined, m: Element): string | null => {
    if (!spec) return null;
    const sel = parseFieldSelector(spec);
    try {
      return readValue(sel.css ? $(m).find(sel.css).first() : $(m), sel, opts.url);
    } catch {
      return null; // a selector typed by hand that is not CSS: validation names it
    }
  };
  return items.map((m): PreviewRow => {
    const priceText = read(fields.price, m);
    const p = parsePrice(priceText, pc);
    const link = read(fields.url, m);
    return { key: read(key ?? undefined, m) ?? link, name: read(fields.name, m), priceText, price: p.amount, currency: p.currency, from: p.from ?? false, url: link, stock: read(fields.stock, m) };
  });
}

/**
 * What selectors someone typed (or changed) read on the page: the same preview as a proposal's.
 * An `each` that is not valid CSS, or matches nothing, gives a proposal of 0 items.
 */
export function previewSelectors(html: string, spec: { each: string; key: string | null; fields: Partial<Record<FieldName, string>> }, opts: SuggestOptions): ItemsProposal {
  const $ = loadHtml(html);
  let items: Element[] = [];
  try {
    items = $(spec.each).toArray().filter(isElement);
  } catch {
    items = [];
  }
  return { source: 'css', each: spec.each, count: items.length, key: spec.key, fields: spec.fields, rows: previewRows($, items, spec.key, spec.fields, opts), alternatives: [] };
}

/**
 * How many of a proposal's products a page holds, read the way the proposal reads them: its
 * JSON-LD (a name and a price for nearly every product, as offered), or its `each` selector.
 * The builder reads the page as sent with it, to tell whether a plain-page target would find them.
 */
export function countAsProposed(html: string, p: Pick<ItemsProposal, 'source' | 'each'>, opts: SuggestOptions): number {
  if (p.source === 'json-ld') return jsonLdProposal(loadHtml(html), opts)?.count ?? 0;
  return p.each ? previewSelectors(html, { each: p.each, key: null, fields: {} }, opts).count : 0;
}

/**
 * A stable id per item: a data attribute with distinct values (data-sku, data-id ...), the item's
 * id, an element carrying one, a SKU / 货号 text, and last the link (null: the run falls back to it).
 */
function keySelector($: CheerioAPI, items: Element[], sample: Element, urlField: string | null, opts: SuggestOptions): string | null {
  const good = (spec: string) => {
    const sel = parseFieldSelector(spec);
    const vals = items.map((m) => {
      try {
        return readValue(sel.css ? $(m).find(sel.css).first() : $(m), sel, opts.url);
      } catch {
        return null;
      }
    });
    return vals.every((v) => v !== null) && new Set(vals).size === vals.length;
  };
  const keyish = (a: string) => (/sku|pid|product|goods|item|code|id$/i.test(a) ? 0 : 1);
  const own = Object.keys(sample.attribs)
    .filter((a) => a.startsWith('data-'))
    .sort((a, b) => keyish(a) - keyish(b));
  for (const a of own) if (good(`@${a}`)) return `@${a}`;
  // Ids distinct on every item are product ids (g1001), whatever they look like.
  if (sample.attribs.id && good('@id')) return '@id';
  const inner: string[] = [];
  $(sample)
    .find('*')
    .each((_i, el) => {
      if (!isElement(el)) return;
      for (const a of Object.keys(el.attribs).filter((x) => x.startsWith('data-') && keyish(x) === 0)) inner.push(`[${a}]@${a}`);
      if (/sku|货号|编号|型号|item-?no|code/i.test(el.attribs.class ?? '')) for (const c of stableClasses(el)) inner.push(`.${c}`);
    });
  for (const spec of inner) if (good(spec)) return spec;
  return urlField && good(urlField) ? urlField : null;
}

// ---- helpers --------------------------------------------------------------------------------

function isElement(n: AnyNode | undefined): n is Element {
  return !!n && (n.type === 'tag' || n.type === 'script' || n.type === 'style');
}

function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && isElement(p as AnyNode) ? (p as Element) : null;
}

/** The proposal as the `items:` YAML a person would write (null for JSON-LD: no block needed). */
export function itemsBlock(p: ItemsProposal): Record<string, unknown> | null {
  if (p.source === 'json-ld' || !p.each) return null;
  return { each: p.each, ...(p.key ? { key: p.key } : {}), fields: { ...p.fields } };
}
