/**
 * Our own price list: a CSV or XLSX export with one row per SKU. Headers are found by name
 * (Chinese or English, full-width or not), so the columns can come in any order; rules can map
 * headers the built-in names miss. A row that cannot be used is reported with file:line and
 * the rest of the list is still used.
 */
import { displayPath } from '../config/load.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { RadarError } from '../core/errors.js';
import { parsePrice } from '../parse/price.js';
import { BadRows, readTable, type Cell } from '../signals/table.js';
import type { CompareRules } from './config.js';

export interface OurProduct {
  sku: string;
  name: string | null;
  model: string | null;
  brand: string | null;
  category: string | null;
  gtin: string | null;
  listPrice: number;
  currency: string;
  /** region id → our price there; 'not_sold' when the list says we do not sell it there. */
  regionPrices: Record<string, number | 'not_sold'>;
  /** file:line of the row. */
  where: string;
}

export interface Problem {
  /** file:line a person can open. */
  where: string;
  message: string;
}

export interface PriceList {
  file: string;
  products: OurProduct[];
  problems: Problem[];
  /** Data rows read (header excluded). */
  rows: number;
}

type Field = 'sku' | 'name' | 'model' | 'brand' | 'category' | 'list_price' | 'currency' | 'gtin';

const ALIASES: Record<Field, string[]> = {
  sku: ['sku', '我方sku', '商品编码', '物料编码', '物料号', '货号', '编码', '商品编号', '产品编码', 'itemcode', 'code'],
  name: ['name', '商品名称', '产品名称', '品名', '名称', '商品', 'productname', 'title'],
  model: ['model', '型号', '规格型号', '产品型号', '机型', 'modelnumber', 'modelno', 'mpn'],
  brand: ['brand', '品牌'],
  category: ['category', '品类', '类别', '分类', '类目', '产品类别'],
  list_price: ['listprice', 'price', '指导价', '建议零售价', '零售价', '标准价', '统一售价', '价格', '售价', '全国价', 'rrp', 'msrp'],
  currency: ['currency', '币种', '货币'],
  gtin: ['gtin', 'ean', 'upc', '条码', '条形码', '商品条码', '69码', 'barcode'],
};

const REQUIRED: Field[] = ['sku', 'list_price'];
const NOT_SOLD = new Set(['-', '--', '—', 'x', '不售', '不销售', '无', 'n/a', 'na', 'notsold']);

/** Header text compared without case, width, spaces or punctuation. */
export function normHeader(h: Cell | undefined): string {
  if (h === null || h === undefined) return '';
  return String(h)
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s_\-:：·.*()（）[\]【】/]/g, '');
}

function str(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c).trim();
}

function price(c: Cell | undefined, currency: string): number | null | 'empty' | 'not_sold' {
  if (typeof c === 'number') return Number.isFinite(c) && c > 0 ? c : null;
  const s = str(c);
  if (s === '') return 'empty';
  if (NOT_SOLD.has(s.toLowerCase())) return 'not_sold';
  const p = parsePrice(s, { defaultCurrency: currency });
  return p.amount !== null && p.amount > 0 ? p.amount : null;
}

interface Header {
  cols: Partial<Record<Field, number>>;
  regions: Record<string, number>;
  names: string[];
}

function mapHeader(cells: Cell[], rules: CompareRules, owners: OwnersRules): Header {
  const norm = cells.map(normHeader);
  const cols: Header['cols'] = {};
  const used = new Set<number>();
  const find = (aliases: string[]) => {
    for (const a of aliases) {
      const n = normHeader(a);
      const i = norm.findIndex((h, j) => h === n && !used.has(j));
      if (i >= 0) return i;
    }
    return -1;
  };
  const regions: Record<string, number> = {};
  // Region columns first: "华东价" must not be taken for the list price by a looser alias.
  for (const [id, r] of Object.entries(owners.regions)) {
    const custom = rules.price_list.region_columns[id];
    const names = custom ? [custom] : [`price_${id}`, `${id}_price`, `${id} price`, `${id}价`, id, ...(r.name ? [`${r.name}价`, `${r.name}价格`, `${r.name}售价`, r.name] : []), ...(r.name_en ? [`${r.name_en} price`, r.name_en] : [])];
    const i = find(names);
    if (i >= 0) {
      regions[id] = i;
      used.add(i);
    }
  }
  for (const f of Object.keys(ALIASES) as Field[]) {
    const custom = rules.price_list.columns[f];
    const aliases = custom ? (Array.isArray(custom) ? custom : [custom]) : ALIASES[f];
    const i = find(aliases);
    if (i >= 0) {
      cols[f] = i;
      used.add(i);
    }
  }
  return { cols, regions, names: cells.map((c) => str(c)) };
}

const HEADER_SCAN_ROWS = 10;

export async function loadPriceList(file: string, rules: CompareRules, owners: OwnersRules): Promise<PriceList> {
  const shown = displayPath(file);
  const bad = new BadRows(10_000);
  const problems: Problem[] = [];
  const products: OurProduct[] = [];
  const seen = new Map<string, string>();
  let header: Header | null = null;
  let scanned = 0;
  let headerless: Header | null = null;
  let rows = 0;
  const where = (line: number) => `${shown}:${line}`;

  await readTable(
    file,
    { encoding: rules.price_list.encoding, ...(rules.price_list.sheet !== undefined ? { sheet: rules.price_list.sheet } : {}) },
    (cells, line) => {
      if (!header) {
        if (scanned >= HEADER_SCAN_ROWS) return;
        const h = mapHeader(cells, rules, owners);
        if (REQUIRED.every((f) => h.cols[f] !== undefined) && (h.cols.name !== undefined || h.cols.model !== undefined)) header = h;
        else if (scanned++ === 0) headerless = h;
        return;
      }
      rows++;
      const h: Header = header;
      const col = (f: Field) => (h.cols[f] === undefined ? '' : str(cells[h.cols[f]!]));
      const head = (f: Field) => `${f} (${h.names[h.cols[f]!]})`;
      const fail = (message: string) => problems.push({ where: where(line), message });
      const sku = col('sku');
      if (!sku) return fail(`${head('sku')}: empty`);
      const currency = (col('currency') || rules.price_list.currency).toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) return fail(`${head('currency')}: "${col('currency')}" is not an ISO 4217 code like CNY`);
      const list = price(cells[h.cols.list_price!], currency);
      if (typeof list !== 'number') {
        return fail(`${head('list_price')}: ${list === 'empty' ? 'empty' : `"${truncate(col('list_price'))}" is not a price`}`);
      }
      const regionPrices: OurProduct['regionPrices'] = {};
      for (const [region, i] of Object.entries(h.regions)) {
        const p = price(cells[i], currency);
        if (p === 'empty') continue;
        if (p === null) return fail(`${region} (${h.names[i]}): "${truncate(str(cells[i]))}" is not a price (leave it empty for the list price, or "-" if not sold there)`);
        regionPrices[region] = p;
      }
      const first = seen.get(sku);
      if (first) return fail(`${head('sku')}: duplicate SKU "${truncate(sku)}" (first on ${first})`);
      seen.set(sku, where(line));
      const opt = (f: Field) => col(f) || null;
      products.push({ sku, name: opt('name'), model: opt('model'), brand: opt('brand'), category: opt('category'), gtin: opt('gtin'), listPrice: list, currency, regionPrices, where: where(line) });
    },
    bad,
  );
  if (!header) throw noHeader(shown, headerless);
  // Rows the reader itself could not decode (an unclosed quote, bytes not in the encoding).
  for (const b of bad.sample) problems.push({ where: where(b.line), message: b.reason.replace('rules/signals.yaml', 'rules/compare.yaml (price_list.encoding)') });
  problems.sort((a, b) => lineOf(a.where) - lineOf(b.where));
  return { file: shown, products, problems, rows };
}

function noHeader(file: string, h: Header | null): RadarError {
  const missing = h ? REQUIRED.filter((f) => h.cols[f] === undefined) : REQUIRED;
  return new RadarError('config', `no header row with ${missing.join(', ')} (and name or model) in the first ${HEADER_SCAN_ROWS} rows; map your headers under price_list.columns in rules/compare.yaml`, { where: file });
}

function lineOf(where: string): number {
  return Number(/:(\d+)$/.exec(where)?.[1] ?? 0);
}

function truncate(s: string, n = 30): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Our price in a region: its own column, else the list price; null where we do not sell it. */
export function ourPriceIn(p: OurProduct, region: string): number | null {
  const r = p.regionPrices[region];
  if (r === 'not_sold') return null;
  return r ?? p.listPrice;
}
