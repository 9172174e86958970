import { describe, expect, it } from 'vitest';
import { parseChineseNumeral, parseMoney } from '../../src/parse/money.js';
import { randomStrings as sharedRandomStrings } from '../helpers/random-strings.js';

// [input, amount, currency]
const MONEY_CASES: Array<[string, number | null, string | null]> = [
  // Chinese tender budgets
  ['预算金额：120.5万元', 1205000, 'CNY'],
  ['人民币壹佰贰拾万元整', 1200000, 'CNY'],
  ['人民币壹佰贰拾万零伍佰元整', 1200500, 'CNY'],
  ['壹拾万元', 100000, 'CNY'],
  ['1.2亿元', 120000000, 'CNY'],
  ['500 万元（含税）', 5000000, 'CNY'],
  ['最高限价：98.6万元', 986000, 'CNY'],
  ['预算金额（元）：1200000', 1200000, 'CNY'],
  ['350,000.00元', 350000, 'CNY'],
  ['0.8万', 8000, 'CNY'],
  ['伍佰元伍角', 500.5, 'CNY'],
  ['伍佰元伍角叁分', 500.53, 'CNY'],
  ['壹仟元整', 1000, 'CNY'],
  ['采购预算：¥ 2,350,000.00', 2350000, 'CNY'],
  ['￥88.00', 88, 'CNY'],
  ['项目预算：3500000.00 元', 3500000, 'CNY'],
  ['控制价：人民币 45.8 万元', 458000, 'CNY'],
  ['合同金额：玖拾捌万陆仟元', 986000, 'CNY'],
  ['一百二十万元', 1200000, 'CNY'],
  ['两千元', 2000, 'CNY'],
  ['十五元', 15, 'CNY'],
  ['2026年度预算 100万元', 1000000, 'CNY'],
  ['第一包：预算80万元', 800000, 'CNY'],
  ['成交金额：12.34万元（大写：壹拾贰万叁仟肆佰元整）', 123400, 'CNY'],
  ['预算：3.5千万元', 35000000, 'CNY'],
  ['RMB 1,000', 1000, 'CNY'],
  ['120万美元', 1200000, 'USD'],
  ['港币 300万', 3000000, 'HKD'],
  ['预算金额：120万元（详见附件）', 1200000, 'CNY'],
  ['0元', 0, 'CNY'],
  ['￥1,2345.00', 12345, 'CNY'],
  ['联系电话：0571-88886666 预算：50万元', 500000, 'CNY'],
  // no amount
  ['面议', null, null],
  ['详见公告', null, null],
  ['无', null, null],
  ['预算金额：详见招标文件', null, null],
  ['待定', null, null],
  ['', null, null],
  ['   ', null, null],
  ['价格：--', null, null],
  // other currencies and English
  ['¥1,200,000.00', 1200000, 'CNY'],
  ['USD 1.2 million', 1200000, 'USD'],
  ['$1.5M', 1500000, 'USD'],
  ['€200k', 200000, 'EUR'],
  ['£3,499.99', 3499.99, 'GBP'],
  ['US$ 12.5k', 12500, 'USD'],
  ['EUR 1,250.50', 1250.5, 'EUR'],
  ['HK$1,088', 1088, 'HKD'],
  ['JPY 5,000', 5000, 'JPY'],
  ['$2.5 billion', 2500000000, 'USD'],
  ['Budget: 750 thousand USD', 750000, 'USD'],
  ['1234.567', 1234.57, null],
  ['price on request', null, null],
  ['N/A', null, null],
];

describe('parseMoney', () => {
  it.each(MONEY_CASES)('%s → %s %s', (input, amount, currency) => {
    expect(parseMoney(input)).toEqual({ amount, currency });
  });

  it('uses defaultCurrency when the text names none', () => {
    expect(parseMoney('1,250.00', { defaultCurrency: 'EUR' })).toEqual({ amount: 1250, currency: 'EUR' });
    expect(parseMoney('1.5万', { defaultCurrency: 'HKD' })).toEqual({ amount: 15000, currency: 'HKD' });
    expect(parseMoney('$5', { defaultCurrency: 'EUR' })).toEqual({ amount: 5, currency: 'USD' });
  });

  it('tolerates null, undefined and non-strings', () => {
    expect(parseMoney(null)).toEqual({ amount: null, currency: null });
    expect(parseMoney(undefined)).toEqual({ amount: null, currency: null });
    expect(parseMoney(42 as unknown as string)).toEqual({ amount: null, currency: null });
  });
});

const NUMERAL_CASES: Array<[string, number | null]> = [
  ['壹佰贰拾万', 1200000],
  ['一百二十万', 1200000],
  ['两千', 2000],
  ['零', 0],
  ['十五', 15],
  ['拾伍', 15],
  ['二十五', 25],
  ['一百零五', 105],
  ['一千零五', 1005],
  ['壹佰贰拾万零伍佰', 1200500],
  ['一万五', 15000],
  ['三千二', 3200],
  ['一亿二千万', 120000000],
  ['十万', 100000],
  ['二〇二六', 2026],
  ['一点五万', 15000],
  ['3千', 3000],
  ['万', null],
  ['', null],
  ['abc', null],
  ['一百元', null],
];

describe('parseChineseNumeral', () => {
  it.each(NUMERAL_CASES)('%s → %s', (input, expected) => {
    expect(parseChineseNumeral(input)).toBe(expected);
  });
});

function randomStrings(count: number, seed: number): string[] {
  const alphabet =
    '01234567890123456789.,-/:：~+·()（）$€£¥￥ %kKmMwW' +
    '零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟元角分整人民币美港面议无' +
    'abcdefUSDEURGBPRMBCNYmillionbillion';
  return sharedRandomStrings(count, seed, alphabet, ['\u0000', '\ud800', '😀', '\u00a0', '\u3000']);
}

describe('never throws', () => {
  it('2,000 random strings', () => {
    for (const s of randomStrings(2000, 1)) {
      const m = parseMoney(s);
      expect(m.amount === null || (Number.isFinite(m.amount) && m.amount >= 0)).toBe(true);
      const n = parseChineseNumeral(s);
      expect(n === null || Number.isFinite(n)).toBe(true);
    }
  });
});
