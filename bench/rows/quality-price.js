// Quality: parsePrice on the price-string corpus (test/corpus/prices/strings.tsv): the share of
// strings whose amount is read right, and whose amount and currency are both right.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args } from '../lib/child.js';
import { pct, reportQuality } from '../lib/quality.js';

const a = args();
const { parsePrice } = await import(pathToFileURL(join(a.dist, 'parse', 'price.js')).href);
const { loadPriceCorpus, scorePrices } = await import(pathToFileURL(join(a.src, 'test', 'corpus', 'corpus.js')).href);

const score = scorePrices(parsePrice, loadPriceCorpus(join(a.src, 'test', 'corpus', 'prices')));
const cell = (s, k) => (s ? `${pct(s[k] / s.n)} of ${s.n}` : '–');
const { tuned, heldOut } = score;
reportQuality(a.out, {
  lines: [
    { row: 'parsePrice', measure: 'amount right', tuned: cell(tuned, 'amount'), heldOut: cell(heldOut, 'amount'), note: 'strings from many locales, sources in the corpus' },
    { row: 'parsePrice', measure: 'amount + currency right', tuned: cell(tuned, 'both'), heldOut: cell(heldOut, 'both') },
  ],
  goals: heldOut ? [{ goal: 'parsePrice reads ≥ 99 % of held-out price strings right (amount)', measured: pct(heldOut.amount / heldOut.n), met: heldOut.amount / heldOut.n >= 0.99 }] : [],
});
