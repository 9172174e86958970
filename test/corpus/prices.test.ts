import { describe, expect, it } from 'vitest';
import { parsePrice } from '../../src/parse/price.js';
import { loadPriceCorpus, scorePrices } from './corpus.js';

/**
 * parsePrice over the price-string corpus (test/corpus/prices/strings.tsv, sources per line). The
 * held-out part was never tuned on; its floor is lower and says so. `npm run bench:quality` prints
 * the numbers.
 */
describe('parsePrice on the price-string corpus', () => {
  const cases = loadPriceCorpus();
  const score = scorePrices(parsePrice, cases);
  const show = (s: NonNullable<typeof score.tuned>) =>
    s.misses.map((m) => `line ${m.line}: ${JSON.stringify(m.text)} want ${m.want.amount} ${m.want.currency}, got ${m.got.amount} ${m.got.currency}`).join('\n');

  it('holds several hundred strings from many locales, a third held out', () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(score.heldOut!.n).toBeGreaterThanOrEqual(cases.length / 4);
    expect(new Set(cases.map((c) => c.source.split(' ')[1])).size).toBeGreaterThanOrEqual(50);
  });

  it('reads ≥ 99 % of the tuned strings right (amount and currency)', () => {
    const s = score.tuned!;
    expect(s.both / s.n, show(s)).toBeGreaterThanOrEqual(0.99);
  });

  it('reads ≥ 97 % of the held-out strings right (amount)', () => {
    const s = score.heldOut!;
    expect(s.amount / s.n, show(s)).toBeGreaterThanOrEqual(0.97);
  });
});
