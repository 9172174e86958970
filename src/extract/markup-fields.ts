/**
 * Product identifiers and stock from visible markup: `SKU: 24-MB01`, `<dt>Артикул</dt><dd>…</dd>`,
 * `商品编号：100012043978`, `Brand: Harlow`, `Availability: In Stock`, `Skladem`.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { inMainFlow, type ProductBlock } from './product-block.js';
import type { Availability } from './product-types.js';
import { mapAvailability } from './structured.js';

const LABELS = {
  sku: [
    'sku', 'product code', 'item code', 'item number', 'item no.', 'art.-nr.', 'art. nr.', 'art.nr.', 'artikelnummer', 'artikel-nr.',
    'produktnummer', 'bestellnummer', 'référence', 'reference', 'ref.', 'referencia', 'código', 'codice', 'артикул', 'код товара',
    'kód', 'katalogové číslo', 'cikkszám', 'numer katalogowy', 'kod produktu', 'ürün kodu', 'stok kodu', 'mã sản phẩm', 'asin',
    '商品编号', '商品編號', '商品番号', '货号', '品番', '상품번호',
  ],
  mpn: ['mpn', 'model number', 'item model number', 'manufacturer part number', 'part number', 'modellnummer', 'herstellernummer', 'model', 'modelo', 'modell', '型号', '型番'],
  gtin: ['ean', 'ean13', 'ean-13', 'ean code', 'gtin', 'upc', 'barcode', 'isbn', 'jan', '条码', '条形码'],
  brand: ['brand', 'marque', 'marke', 'hersteller', 'marca', 'merk', 'marka', 'бренд', 'производитель', 'značka', 'výrobce', 'márka', 'thương hiệu', '品牌', 'ブランド', '브랜드'],
} as const;
export type IdField = keyof typeof LABELS;

const STOCK_LABELS = [
  'availability', 'stock', 'in stock?', 'verfügbarkeit', 'lieferstatus', 'disponibilité', 'disponibilidad', 'disponibilità', 'dostupnost',
  'dostępność', 'készlet', 'elérhetőség', 'наличие', 'tình trạng', 'stok', 'stok durumu', 'lagerstatus', 'beschikbaarheid', '库存', '庫存', '在庫', '재고',
];

const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
const clean = (s: string) => s.replace(BIDI, '').replace(/\s+/g, ' ').trim();

function textOf(n: AnyNode, limit = 200): string {
  let out = '';
  const stack: AnyNode[] = [n];
  while (stack.length > 0 && out.length <= limit) {
    const x = stack.pop()!;
    if (x.type === 'text') out += (x as unknown as { data: string }).data;
    else if (x.type === 'tag') for (let i = (x as Element).children.length - 1; i >= 0; i--) stack.push((x as Element).children[i]!);
  }
  return clean(out);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const labelRe = (labels: readonly string[]) => new RegExp(`^(?:${labels.map(escape).join('|')})\\s*[:：#]?\\s*`, 'i');
const RE = Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [k, labelRe(v)])) as Record<IdField, RegExp>;
const STOCK_RE = labelRe(STOCK_LABELS);

function isInside(el: Element, outer: Element): boolean {
  for (let p = el.parent; p; p = p.parent) if (p === outer) return true;
  return false;
}

function nextElement(el: Element): Element | null {
  for (let n = el.next; n; n = n.next) if (n.type === 'tag') return n as Element;
  return null;
}

/** The value after a label: in the same element (`SKU: X`) or in the next one (`<dt>SKU</dt><dd>X</dd>`). */
function labelled(el: Element, re: RegExp): string | null {
  const t = textOf(el, 120);
  if (t.length > 120) return null;
  const m = re.exec(t);
  if (!m) return null;
  const rest = t.slice(m[0].length).trim();
  if (rest !== '') return rest.length <= 80 ? rest : null;
  const next = nextElement(el);
  const v = next ? textOf(next, 100) : '';
  return v !== '' && v.length <= 80 ? v : null;
}

/** The elements worth looking at: outside chrome and carousels, before the first section heading after the title. */
function candidates($: CheerioAPI, block: ProductBlock): Element[] {
  const firstSection = block.sections[0] ?? Infinity;
  return ($('dt, dd, li, th, td, span, div, p, strong, b, label, tr').toArray() as Element[]).filter(
    (el) => (block.order.get(el) ?? 0) < firstSection && !block.chrome.has(el),
  );
}

/** sku / mpn / gtin / brand written as label and value. Only fields not in `skip` are looked for. */
export function labelledIdentifiers($: CheerioAPI, block: ProductBlock, skip: Partial<Record<IdField, unknown>>): Partial<Record<IdField, string>> {
  const out: Partial<Record<IdField, string>> = {};
  const wanted = (Object.keys(LABELS) as IdField[]).filter((k) => !skip[k]);
  if (wanted.length === 0) return out;
  // The innermost element that holds label and value: `<div>SKU: <span>X</span> Category: …</div>`
  // reads as "X Category: …", its `<span class="sku_wrapper">` as "X".
  const found = new Map<IdField, Element>();
  for (const el of candidates($, block)) {
    if (el.children.some((c) => c.type === 'tag' && /^(?:li|tr|div|p|dd|dt|ul|ol|dl|table|tbody|section)$/.test((c as Element).tagName))) continue;
    for (const k of wanted) {
      const prev = found.get(k);
      if (prev && !isInside(el, prev)) continue;
      const v = labelled(el, RE[k]);
      if (v && !/^[:：]/.test(v)) {
        if (k === 'gtin' && !/^\d{8,14}$/.test(v.replace(/[\s-]/g, ''))) continue;
        out[k] = k === 'gtin' ? v.replace(/[\s-]/g, '') : v;
        found.set(k, el);
      }
    }
  }
  return out;
}

const AVAILABILITY_SELECTORS = [
  '#availability',
  '.availability',
  '#store-prompt',
  '.store-prompt',
  '[class*="availability"]',
  '[class*="stock"]',
  '[id*="stock"]',
  '[class*="inventory"]',
  '[class*="delivery-information"]',
  '[data-testid*="Stock"]',
  '[class*="sold-out"]',
  '[class*="soldout"]',
];

/** Stock wording: the shop's availability element, else a labelled value in the product block. */
export function markupAvailability($: CheerioAPI, block: ProductBlock): Availability {
  const firstSection = block.sections[0] ?? Infinity;
  const usable = (el: Element) => !block.chrome.has(el) && (block.order.get(el) ?? 0) < firstSection && !/badge/i.test(el.attribs['class'] ?? '') && el.tagName !== 'button';
  for (const el of $(AVAILABILITY_SELECTORS.join(', ')).toArray() as Element[]) {
    if (!usable(el)) continue;
    const fromAttr = mapAvailability(el.attribs['content'] ?? el.attribs['href'] ?? '');
    if (fromAttr !== 'unknown') return fromAttr;
    const t = textOf(el, 80).replace(STOCK_RE, '');
    if (t.length > 60) continue;
    const a = mapAvailability(t);
    if (a !== 'unknown') return a;
    if (t === '' && /sold-?out/i.test(el.attribs['class'] ?? '')) return 'out_of_stock';
  }
  const flow = candidates($, block).filter((el) => usable(el) && inMainFlow(block, el));
  for (const el of flow) {
    const v = labelled(el, STOCK_RE);
    if (v === null) continue;
    const a = mapAvailability(v);
    if (a !== 'unknown') return a;
  }
  // Unlabelled, as a line of its own: `Нет в наличии`, `Skladem`, `Currently unavailable.`
  for (const el of flow) {
    if (el.children.some((c) => c.type === 'tag' && !/^(?:b|strong|span|em|i)$/.test((c as Element).tagName))) continue;
    const t = textOf(el, 40);
    if (t.length > 30) continue;
    const a = mapAvailability(t);
    if (a !== 'unknown') return a;
  }
  return 'unknown';
}
