import { describe, expect, it } from 'vitest';
import { parseAvailability } from '../../src/parse/availability.js';

describe('parseAvailability', () => {
  it.each([
    ['https://schema.org/InStock', 'in_stock'],
    ['http://schema.org/OutOfStock', 'out_of_stock'],
    ['InStock', 'in_stock'],
    ['in_stock', 'in_stock'],
    ['PreOrder', 'out_of_stock'],
    ['SoldOut', 'out_of_stock'],
    ['LimitedAvailability', 'in_stock'],
    ['有货', 'in_stock'],
    ['现货 当天发', 'in_stock'],
    ['仅剩 3 件', 'in_stock'],
    ['暂时无货，到货通知', 'out_of_stock'],
    ['缺货', 'out_of_stock'],
    ['已售罄', 'out_of_stock'],
    ['预售 3月5日发货', 'out_of_stock'],
    ['Only 3 left', 'in_stock'],
    ['Currently unavailable.', 'out_of_stock'],
    ['Sold out', 'out_of_stock'],
    ['Add to cart', 'in_stock'],
    ['¥2,999', null],
    ['', null],
    [null, null],
    [42, null],
  ])('%j → %s', (text, want) => {
    expect(parseAvailability(text)).toBe(want);
  });
});
