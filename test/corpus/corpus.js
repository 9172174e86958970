// Loading and scoring the quality corpora. Plain JavaScript so that the tests (through vitest) and
// `npm run bench` (plain node, against the compiled product) score with the very same code.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const HERE = import.meta.dirname;

// ---------------------------------------------------------------------------------------------
// Price strings
// ---------------------------------------------------------------------------------------------

const unescape = (s) => s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

/** Every case of test/corpus/prices/strings.tsv, with its line number. */
export function loadPriceCorpus(dir = join(HERE, 'prices')) {
  const file = join(dir, 'strings.tsv');
  const cases = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line === '' || line.startsWith('#')) return;
      const [split, text, amount, currency, from, options, source] = line.split('\t');
      if (source === undefined || (split !== 't' && split !== 'h')) throw new Error(`${file}:${i + 1}: expected 7 tab-separated columns`);
      const opts = {};
      for (const part of options ? options.split(';') : []) {
        const [k, v] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
        if (k === 'default') opts.defaultCurrency = v;
        else if (k === 'hint') opts.currencyHint = v;
        else if (k === 'dec') opts.decimalSeparator = v;
        else throw new Error(`${file}:${i + 1}: unknown option ${k}`);
      }
      cases.push({
        line: i + 1,
        split: split === 'h' ? 'heldOut' : 'tuned',
        text: unescape(text),
        amount: amount === 'null' ? null : Number(amount),
        currency: currency === '-' ? null : currency,
        from: from === 'from',
        opts,
        source,
      });
    });
  return cases;
}

/** Per split: how many, how many amounts right, how many amount + currency right, the misses. */
export function scorePrices(parsePrice, cases) {
  const out = {};
  for (const c of cases) {
    const s = (out[c.split] ??= { n: 0, amount: 0, both: 0, misses: [] });
    const got = parsePrice(c.text, c.opts);
    s.n++;
    const amountOk = got.amount === c.amount;
    const bothOk = amountOk && (c.amount === null || got.currency === c.currency);
    if (amountOk) s.amount++;
    if (bothOk) s.both++;
    if (!bothOk) s.misses.push({ line: c.line, text: c.text, opts: c.opts, want: { amount: c.amount, currency: c.currency }, got: { amount: got.amount, currency: got.currency } });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Product pages
// ---------------------------------------------------------------------------------------------

export const PRODUCT_FIELDS = ['price', 'currency', 'name', 'availability', 'sku', 'gtin', 'mpn', 'brand'];

/** Every page of test/corpus/products with its label and HTML. */
export function loadProductCorpus(dir = join(HERE, 'products')) {
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'));
  return labels.map((l) => ({ ...l, html: readFileSync(join(dir, 'pages', `${l.id}.html`), 'utf8') }));
}

const norm = (s) => String(s).normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

/** What extractProduct returned, as the label's fields. */
function predicted(p) {
  if (!p) return {};
  return {
    price: p.amount ?? null,
    currency: p.amount === null || p.amount === undefined ? null : (p.currency ?? null),
    name: p.name ?? null,
    availability: p.availability && p.availability !== 'unknown' ? p.availability : null,
    sku: p.sku ?? null,
    gtin: p.gtin ?? null,
    mpn: p.mpn ?? null,
    brand: p.brand ?? null,
  };
}

function same(field, a, b) {
  if (field === 'price') return Math.abs(a - b) < 1e-9;
  return norm(a) === norm(b);
}

/**
 * Per split and field: tp (right value), fp (a value where the label has none, or a wrong one),
 * fn (no value, or a wrong one, where the label has one). A wrong value counts as both fp and fn.
 * Also the pages with a wrong or missing price.
 */
export function scoreProducts(extractProduct, pages) {
  const out = {};
  for (const page of pages) {
    const s = (out[page.split] ??= { pages: 0, fields: Object.fromEntries(PRODUCT_FIELDS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])), misses: [] });
    s.pages++;
    let got;
    try {
      got = predicted(extractProduct(page.html, { url: page.url }));
    } catch (e) {
      got = {};
      s.misses.push({ id: page.id, field: 'all', want: null, got: `threw ${e}` });
    }
    for (const f of PRODUCT_FIELDS) {
      const want = page.label[f] ?? null;
      const have = got[f] ?? null;
      const c = s.fields[f];
      if (want !== null && have !== null && same(f, want, have)) c.tp++;
      else {
        if (have !== null) c.fp++;
        if (want !== null) c.fn++;
        if (have !== null || want !== null) s.misses.push({ id: page.id, field: f, want, got: have });
      }
    }
  }
  return out;
}
