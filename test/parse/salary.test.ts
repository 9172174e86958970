import { describe, expect, it } from 'vitest';
import { annualize, parseSalary, type SalaryPeriod } from '../../src/parse/salary.js';
import { randomStrings as sharedRandomStrings } from '../helpers/random-strings.js';

type Row = [
  input: string,
  min: number | null,
  max: number | null,
  period: SalaryPeriod | null,
  monthsPerYear: number | null,
  currency: string | null,
  negotiable: boolean,
  annualMin: number | null,
  annualMax: number | null,
];

const SALARY_CASES: Row[] = [
  // Chinese job boards
  ['15-25K·13薪', 15000, 25000, 'month', 13, 'CNY', false, 195000, 325000],
  ['15-25K·14薪', 15000, 25000, 'month', 14, 'CNY', false, 210000, 350000],
  ['25-35k·16薪 五险一金', 25000, 35000, 'month', 16, 'CNY', false, 400000, 560000],
  ['1.5-2万/月', 15000, 20000, 'month', null, 'CNY', false, 180000, 240000],
  ['1.5万-2万', 15000, 20000, 'month', null, 'CNY', false, 180000, 240000],
  ['200-300元/天', 200, 300, 'day', null, 'CNY', false, 52200, 78300],
  ['30-50万/年', 300000, 500000, 'year', null, 'CNY', false, 300000, 500000],
  ['8000-12000元/月', 8000, 12000, 'month', null, 'CNY', false, 96000, 144000],
  ['8千-1.2万', 8000, 12000, 'month', null, 'CNY', false, 96000, 144000],
  ['8000-1.2万', 8000, 12000, 'month', null, 'CNY', false, 96000, 144000],
  ['面议', null, null, null, null, null, true, null, null],
  ['薪资面议', null, null, null, null, null, true, null, null],
  ['10-15K 可面议', 10000, 15000, 'month', null, 'CNY', true, 120000, 180000],
  ['20K以上', 20000, null, 'month', null, 'CNY', false, 240000, null],
  ['10K以下', null, 10000, 'month', null, 'CNY', false, null, 120000],
  ['薪资：12-18K', 12000, 18000, 'month', null, 'CNY', false, 144000, 216000],
  ['4000元/月起', 4000, null, 'month', null, 'CNY', false, 48000, null],
  ['时薪 25元', 25, 25, 'hour', null, 'CNY', false, 52200, 52200],
  ['50-80元/小时', 50, 80, 'hour', null, 'CNY', false, 104400, 167040],
  ['周薪 3000元', 3000, 3000, 'week', null, 'CNY', false, 156000, 156000],
  ['2000-3000元/周', 2000, 3000, 'week', null, 'CNY', false, 104000, 156000],
  ['年薪20万', 200000, 200000, 'year', null, 'CNY', false, 200000, 200000],
  ['年薪 30-40万', 300000, 400000, 'year', null, 'CNY', false, 300000, 400000],
  ['月薪8千', 8000, 8000, 'month', null, 'CNY', false, 96000, 96000],
  ['日薪 350元', 350, 350, 'day', null, 'CNY', false, 91350, 91350],
  ['3-5年经验 15-20K', 15000, 20000, 'month', null, 'CNY', false, 180000, 240000],
  ['150-200/天', 150, 200, 'day', null, 'CNY', false, 39150, 52200],
  ['6000~8000元', 6000, 8000, 'month', null, 'CNY', false, 72000, 96000],
  ['1万至1.5万元/月', 10000, 15000, 'month', null, 'CNY', false, 120000, 180000],
  ['20-30万', 200000, 300000, 'year', null, 'CNY', false, 200000, 300000],
  ['底薪5000+提成', 5000, null, 'month', null, 'CNY', false, 60000, null],
  ['最高2万/月', null, 20000, 'month', null, 'CNY', false, null, 240000],
  ['2-3万·15薪', 20000, 30000, 'month', 15, 'CNY', false, 300000, 450000],
  ['实习生 150元/天', 150, 150, 'day', null, 'CNY', false, 39150, 39150],
  ['25K-50K·15薪 | 本科 | 3-5年', 25000, 50000, 'month', 15, 'CNY', false, 375000, 750000],
  ['本科 3-5年 80-100K', 80000, 100000, 'month', null, 'CNY', false, 960000, 1200000],
  ['年龄20-35岁 月薪6000-8000', 6000, 8000, 'month', null, 'CNY', false, 72000, 96000],
  // English and other currencies
  ['15k-25k', 15000, 25000, 'month', null, null, false, 180000, 300000],
  ['20K+', 20000, null, 'month', null, null, false, 240000, null],
  ['$120k–$150k', 120000, 150000, 'year', null, 'USD', false, 120000, 150000],
  ['$45/hr', 45, 45, 'hour', null, 'USD', false, 93960, 93960],
  ['$25 - $30 per hour', 25, 30, 'hour', null, 'USD', false, 52200, 62640],
  ['€50,000 - €60,000 a year', 50000, 60000, 'year', null, 'EUR', false, 50000, 60000],
  ['£30k', 30000, 30000, 'year', null, 'GBP', false, 30000, 30000],
  ['£30k - £35k per annum', 30000, 35000, 'year', null, 'GBP', false, 30000, 35000],
  ['$5,000/month', 5000, 5000, 'month', null, 'USD', false, 60000, 60000],
  ['€3.500 per month', 3500, 3500, 'month', null, 'EUR', false, 42000, 42000],
  ['up to $80,000', null, 80000, 'year', null, 'USD', false, null, 80000],
  ['From $60,000', 60000, null, 'year', null, 'USD', false, 60000, null],
  ['USD 4,000 - 6,000 monthly', 4000, 6000, 'month', null, 'USD', false, 48000, 72000],
  ['$900 a week', 900, 900, 'week', null, 'USD', false, 46800, 46800],
  ['$200 per day', 200, 200, 'day', null, 'USD', false, 52200, 52200],
  ['$35', 35, 35, 'hour', null, 'USD', false, 73080, 73080],
  ['Competitive', null, null, null, null, null, true, null, null],
  ['', null, null, null, null, null, false, null, null],
  ['n/a', null, null, null, null, null, false, null, null],
];

describe('parseSalary', () => {
  it.each(SALARY_CASES)('%s', (input, min, max, period, monthsPerYear, currency, negotiable, annualMin, annualMax) => {
    expect(parseSalary(input)).toEqual({ min, max, period, monthsPerYear, currency, negotiable, annualMin, annualMax });
  });

  it('uses defaultCurrency when the text names none', () => {
    expect(parseSalary('15k-25k', { defaultCurrency: 'CNY' })).toMatchObject({ currency: 'CNY', period: 'month' });
    expect(parseSalary('60k-70k', { defaultCurrency: 'USD' })).toMatchObject({ currency: 'USD', period: 'year', min: 60000 });
    expect(parseSalary('$60k', { defaultCurrency: 'EUR' })).toMatchObject({ currency: 'USD' });
  });

  it('tolerates null, undefined and non-strings', () => {
    for (const v of [null, undefined, 12 as unknown as string, {} as unknown as string]) {
      expect(parseSalary(v)).toMatchObject({ min: null, max: null, period: null, negotiable: false });
    }
  });
});

describe('annualize', () => {
  it.each([
    [10000, 'month', null, 120000],
    [10000, 'month', 13, 130000],
    [1000, 'week', null, 52000],
    [100, 'day', null, 26100],
    [10, 'hour', null, 20880],
    [50000, 'year', null, 50000],
    [null, 'month', null, null],
    [100, null, null, null],
  ] as const)('%s per %s (%s薪) → %s', (amount, period, months, expected) => {
    expect(annualize(amount, period, months)).toBe(expected);
  });
});

function randomStrings(count: number, seed: number): string[] {
  return sharedRandomStrings(count, seed, '0123456789012345678901234567890123456789.,-~～–+·/ kKwWmM$€£¥万千元月年天周时薪以上下起面议经验岁hryear', ['per hour', 'a year', '13薪', '/月', 'K·', 'up to', 'from', '\u0000', '\ud800', '😀', '\u3000']);
}

describe('never throws', () => {
  it('2,000 random strings', () => {
    for (const s of randomStrings(2000, 3)) {
      const r = parseSalary(s);
      expect(typeof r.negotiable).toBe('boolean');
      for (const v of [r.min, r.max, r.annualMin, r.annualMax]) expect(v === null || v === undefined || Number.isFinite(v)).toBe(true);
      if (r.min !== null && r.max !== null) expect(r.min).toBeLessThanOrEqual(r.max);
    }
  });
});
