// Quality: extractProduct on the product-page corpus (test/corpus/products: pages and labels):
// precision, recall and F1 per field, on the pages the code was tuned on and on the held-out ones.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args } from '../lib/child.js';
import { dec, prf, reportQuality } from '../lib/quality.js';

const a = args();
const { extractProduct } = await import(pathToFileURL(join(a.dist, 'extract', 'product.js')).href);
const { loadProductCorpus, scoreProducts, PRODUCT_FIELDS } = await import(pathToFileURL(join(a.src, 'test', 'corpus', 'corpus.js')).href);

const score = scoreProducts(extractProduct, loadProductCorpus(join(a.src, 'test', 'corpus', 'products')));
const cell = (s, field) => {
  if (!s) return '–';
  const c = s.fields[field];
  if (c.tp + c.fn === 0 && c.fp === 0) return `– (none labelled in ${s.pages})`;
  const { precision, recall, f1 } = prf(c);
  return `${dec(precision, 2)} / ${dec(recall, 2)} / ${dec(f1, 3)} (${c.tp + c.fn} labelled)`;
};
const { tuned, heldOut } = score;
const f1 = (s, field) => (s ? prf(s.fields[field]).f1 : null);
reportQuality(a.out, {
  lines: PRODUCT_FIELDS.map((field, i) => ({
    row: i === 0 ? `extractProduct (${tuned?.pages ?? 0} + ${heldOut?.pages ?? 0} pages)` : 'extractProduct',
    measure: `${field}: P / R / F1`,
    tuned: cell(tuned, field),
    heldOut: cell(heldOut, field),
  })),
  goals: heldOut ? [{ goal: 'extractProduct price F1 ≥ 0.93 on held-out pages', measured: dec(f1(heldOut, 'price'), 3), met: (f1(heldOut, 'price') ?? 0) >= 0.93 }] : [],
});
