import { describe, expect, it } from 'vitest';
import { parseCount } from '../../src/parse/count.js';

describe('parseCount: engagement numbers as pages show them', () => {
  it.each([
    ['1.2万', 12_000],
    ['3.4亿', 340_000_000],
    ['10万+', 100_000],
    ['999+', 999],
    ['1,234', 1234],
    ['１２３４', 1234],
    ['2.5k', 2500],
    ['3w', 30_000],
    ['转发 356', 356],
    ['评论(1.5万)', 15_000],
    ['56 comments', 56],
    [42, 42],
  ])('%s → %s', (text, n) => {
    expect(parseCount(text)).toBe(n);
  });

  it('gives null where the page shows no number (Weibo writes 转发 for zero), and for junk', () => {
    for (const t of ['转发', '赞', '', null, undefined, -3, Number.NaN]) expect(parseCount(t as string)).toBeNull();
  });

  it('does not read a word after a number as a multiplier (5 weeks is 5)', () => {
    expect(parseCount('5 weeks ago')).toBe(5);
    expect(parseCount('12 Mar')).toBe(12);
  });
});
