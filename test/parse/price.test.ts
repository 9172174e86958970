import { describe, expect, it } from 'vitest';
import { parsePrice, type ParsePriceOptions } from '../../src/parse/price.js';

interface Case {
  text: string;
  amount: number | null;
  currency: string | null;
  from?: true;
  opts?: ParsePriceOptions;
}

const c = (text: string, amount: number | null, currency: string | null, extra: Partial<Case> = {}): Case => ({
  text,
  amount,
  currency,
  ...extra,
});
const FROM = { from: true } as const;
const EUR = { opts: { defaultCurrency: 'EUR' } };
const NBSP = '\u00a0';
const THIN = '\u2009';
const NNBSP = '\u202f';

/** Chinese-site strings: symbols, 元/万, 起, labels, old/new pairs, ranges, noise, no-price words. */
const CHINESE: Case[] = [
  c('¥1,299.00', 1299, 'CNY'),
  c('￥ 2,599 起', 2599, 'CNY', FROM),
  c('RMB 899', 899, 'CNY'),
  c('RMB899', 899, 'CNY'),
  c('1299元', 1299, 'CNY'),
  c('12.5万', 125000, 'CNY'),
  c('12.5万元', 125000, 'CNY'),
  c('¥12.8万', 128000, 'CNY'),
  c('1.2亿元', 120000000, 'CNY'),
  c('3千元', 3000, 'CNY'),
  c('１２９９元', 1299, 'CNY'),
  c('￥１，２９９．００', 1299, 'CNY'),
  c('¥1299.00/台', 1299, 'CNY'),
  c('1299.00元/件起', 1299, 'CNY', FROM),
  c('¥ 1,299.00 起 / 台', 1299, 'CNY', FROM),
  c('约¥1299', 1299, 'CNY'),
  c('￥1299 - 包邮', 1299, 'CNY'),
  c('售价：¥ 1,299.00 (含税)', 1299, 'CNY'),
  c('价格：¥1299起', 1299, 'CNY', FROM),
  c('低至¥99', 99, 'CNY', FROM),
  c('起价 ¥3,999', 3999, 'CNY', FROM),
  c('空调 KFR-35GW ¥1,299 起', 1299, 'CNY', FROM),
  c('万家乐热水器 ¥1,299', 1299, 'CNY'),
  c('人民币1299元', 1299, 'CNY'),
  c('CNY 1,299', 1299, 'CNY'),
  c('¥0', 0, 'CNY'),
  // ranges → lower bound
  c('¥99 - ¥199', 99, 'CNY', FROM),
  c('¥99~199', 99, 'CNY', FROM),
  c('￥99～￥199', 99, 'CNY', FROM),
  c('99-199元', 99, 'CNY', FROM),
  c('1299-1599元', 1299, 'CNY', FROM),
  c('¥ 1,299.00 - ¥ 1,599.00', 1299, 'CNY', FROM),
  c('3.5万-4.2万', 35000, 'CNY', FROM),
  c('1-2万元', 10000, 'CNY', FROM),
  c('30万至50万元', 300000, 'CNY', FROM),
  // old and new price side by side
  c('¥1,599 ¥1,299', 1299, 'CNY'),
  c('¥1,299 ¥1,599', 1299, 'CNY'),
  c('¥2,999.00 ¥3,499.00', 2999, 'CNY'),
  c('原价¥1599 现价¥1299', 1299, 'CNY'),
  c('原价：￥1,599.00 促销价：￥1,299.00', 1299, 'CNY'),
  c('促销价 ¥1,099 原价 ¥1,299', 1099, 'CNY'),
  c('促销价¥1,099.00 ¥1,299.00', 1099, 'CNY'),
  c('划线价¥1999 ¥1699', 1699, 'CNY'),
  c('¥1699 划线价¥1999', 1699, 'CNY'),
  c('参考价：¥4999 京东价：¥4599', 4599, 'CNY'),
  c('京东价 ¥1299 券后价 ¥1199', 1199, 'CNY'),
  c('¥1,599 到手价¥1,199', 1199, 'CNY'),
  c('到手价 ¥1,199 ¥1,599', 1199, 'CNY'),
  c('市场价：¥2680 秒杀价：¥1980', 1980, 'CNY'),
  c('吊牌价¥899 活动价¥399', 399, 'CNY'),
  c('原价¥1599', 1599, 'CNY'),
  // discounts, coupons, thresholds, instalments are not the price
  c('现价：¥1299 (省¥300)', 1299, 'CNY'),
  c('¥1299 省¥300', 1299, 'CNY'),
  c('满299减50 ¥1299', 1299, 'CNY'),
  c('¥1299 领券减¥100', 1299, 'CNY'),
  c('¥1299.00 月供¥108', 1299, 'CNY'),
  c('¥1299 3期免息', 1299, 'CNY'),
  c('¥1299 运费¥10', 1299, 'CNY'),
  c('¥99 2件起售', 99, 'CNY'),
  c('iPhone 15 256GB ¥5999', 5999, 'CNY'),
  // other Chinese currencies
  c('1299美元', 1299, 'USD'),
  c('港币 88', 88, 'HKD'),
  c('88港元', 88, 'HKD'),
  c('新台幣 1,290 元', 1290, 'TWD'),
  c('1,290元', 1290, 'TWD', { opts: { defaultCurrency: 'TWD' } }),
  c('日元 1,200', 1200, 'JPY'),
  c('12.5万', 125000, 'TWD', { opts: { defaultCurrency: 'TWD' } }),
  // no price
  c('面议', null, null),
  c('价格面议', null, null),
  c('询价', null, null),
  c('暂无报价', null, null),
  c('价格待定', null, null),
  c('电询', null, null),
  c('电询 400-123-4567', null, null),
  c('缺货', null, null),
  c('已售罄', null, null),
  c('¥--', null, null),
];

/** Other locales: separators, symbols, codes. */
const INTERNATIONAL: Case[] = [
  c('$1,234.56', 1234.56, 'USD'),
  c('$0.99', 0.99, 'USD'),
  c('USD 1,299.00', 1299, 'USD'),
  c('1299 USD', 1299, 'USD'),
  c('US$ 12', 12, 'USD'),
  c('US $12.99', 12.99, 'USD'),
  c('HK$ 88', 88, 'HKD'),
  c('NT$ 1,200', 1200, 'TWD'),
  c('A$ 49.95', 49.95, 'AUD'),
  c('AU$49', 49, 'AUD'),
  c('C$10', 10, 'CAD'),
  c('S$ 5.50', 5.5, 'SGD'),
  c('NZ$ 20', 20, 'NZD'),
  c('R$ 1.234,56', 1234.56, 'BRL'),
  c('£5', 5, 'GBP'),
  c('£1,049.99', 1049.99, 'GBP'),
  c('€ 9,99', 9.99, 'EUR'),
  c('€ 9.99', 9.99, 'EUR'),
  c('1.234,56 €', 1234.56, 'EUR'),
  c('€ 1.299,00', 1299, 'EUR'),
  c('1.299 €', 1299, 'EUR'),
  c('€1.234', 1234, 'EUR'),
  c('1.299,- €', 1299, 'EUR'),
  c('12,50 €', 12.5, 'EUR'),
  c('12,50 EUR', 12.5, 'EUR'),
  c(`1${NBSP}234,56${NBSP}€`, 1234.56, 'EUR'),
  c('1 234,56 zł', 1234.56, 'PLN'),
  c(`1${NBSP}234,56${NBSP}zł`, 1234.56, 'PLN'),
  c(`1${THIN}234,56 zł`, 1234.56, 'PLN'),
  c(`1${NNBSP}234${NNBSP}567,89 zł`, 1234567.89, 'PLN'),
  c('1 299 Kč', 1299, 'CZK'),
  c('1 299 kr', 1299, 'SEK'),
  c('kr 1 299', 1299, 'SEK'),
  c('100 kr', 100, 'NOK', { opts: { defaultCurrency: 'NOK' } }),
  c("CHF 1'234.50", 1234.5, 'CHF'),
  c('CHF 1’234.50', 1234.5, 'CHF'),
  c('CHF 12.–', 12, 'CHF'),
  c('Rs. 1,23,456', 123456, 'INR'),
  c('₹ 1,23,456.50', 123456.5, 'INR'),
  c('Rp 15.000', 15000, 'IDR'),
  c('₫ 1.290.000', 1290000, 'VND'),
  c('JPY 1,200', 1200, 'JPY'),
  c('1,200円', 1200, 'JPY'),
  c('1.200円', 1200, 'JPY'),
  c('₩12,000', 12000, 'KRW'),
  c('12,000원', 12000, 'KRW'),
  c('$1.2M', 1200000, 'USD'),
  c('$2.5k', 2500, 'USD'),
  // ranges, from, old/new
  c('$10 - $20', 10, 'USD', FROM),
  c('$10 to $20', 10, 'USD', FROM),
  c('From £5', 5, 'GBP', FROM),
  c('ab 19,99 €', 19.99, 'EUR', FROM),
  c('Was $20 Now $15', 15, 'USD'),
  c('Was: $19.99 Now: $14.99', 14.99, 'USD'),
  c('RRP £49.99 Our price £39.99', 39.99, 'GBP'),
  c('Sale $15 Regular $20', 15, 'USD'),
  c('$25 $5 off', 25, 'USD'),
  c('Save $5 $25', 25, 'USD'),
  c('9,99 € 12,99 €', 9.99, 'EUR'),
  // no price
  c('Call for price', null, null),
  c('Price on request', null, null),
  c('N/A', null, null),
  c('--', null, null),
  c('sold out', null, null),
  c('Out of stock', null, null),
  c('', null, null),
  c('   ', null, null),
  c('$', null, null),
];

/** Symbols shared between currencies, bare numbers, and the thousands-vs-decimal heuristic. */
const AMBIGUOUS: Case[] = [
  c('¥1299', 1299, 'CNY'),
  c('¥1299', 1299, 'JPY', { opts: { defaultCurrency: 'JPY' } }),
  c('¥1.299', 1299, 'JPY', { opts: { defaultCurrency: 'JPY' } }),
  c('$ 12', 12, 'AUD', { opts: { defaultCurrency: 'AUD' } }),
  c('$ 12', 12, 'USD', { opts: { defaultCurrency: 'CNY' } }),
  c('1,299', 1299, null),
  c('1,299', 1299, 'CNY', { opts: { defaultCurrency: 'CNY' } }),
  c('19,99', 19.99, 'EUR', EUR),
  c('19,99', 19.99, null),
  c('1.234', 1234, 'EUR', EUR),
  c('1.234', 1.23, 'USD', { opts: { defaultCurrency: 'USD' } }),
  c('$1.234', 1.23, 'USD'),
  c('0.299', 0.3, null),
  c('1.234万', 12340, 'CNY'),
  c('1299', 1299, 'CNY', { opts: { defaultCurrency: 'cny' } }),
  c('1299', 1299, null, { opts: { defaultCurrency: 'not a code' } }),
  c('19.990000001', 19.99, null),
  c('1,234,567.891', 1234567.89, null),
  c('1.5k', 1500, null),
  c('599 399', 399, null),
];

const CASES = [...CHINESE, ...INTERNATIONAL, ...AMBIGUOUS];

describe('parsePrice', () => {
  it('has a table big enough to mean something', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(CHINESE.length).toBeGreaterThanOrEqual(35);
  });

  it.each(CASES)('$text $opts → $amount $currency', ({ text, amount, currency, from, opts }) => {
    const got = parsePrice(text, opts);
    expect(got.amount).toBe(amount);
    expect(got.currency).toBe(currency);
    expect(got.from ?? false).toBe(from ?? false);
  });

  it.each([null, undefined, 42, {}, [], true, Symbol('x'), () => '¥1', new String('¥1')])(
    'non-string input %s → nothing',
    (input) => {
      expect(parsePrice(input as unknown as string)).toEqual({ amount: null, currency: null });
    },
  );

  it('survives odd options', () => {
    expect(parsePrice('¥5', null as unknown as ParsePriceOptions)).toEqual({ amount: 5, currency: 'CNY' });
    expect(parsePrice('5', { defaultCurrency: 7 } as unknown as ParsePriceOptions)).toEqual({ amount: 5, currency: null });
  });

  it('never throws on 2,000 random strings, and answers sanely', () => {
    // Deterministic PRNG (mulberry32) so a failure reproduces.
    let seed = 0x5eed;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pieces = [
      ...'0123456789012345678901234567890123456789.,\' -~:/()%'.split(''),
      '¥', '￥', '$', '€', '£', '₩', 'zł', 'kr', 'CHF', 'US$', 'HK$', 'R$', 'Rs.', 'RMB', 'USD', '元', '円', '万', '亿',
      '千', 'k', 'M', '起', '原价', '现价', '到手价', '券后', '省', '满', '减', 'Was', 'Now', 'Sale', 'off', 'from',
      '面议', 'N/A', '—', '～', '１', '２', '．', '，', NBSP, THIN, '\u3000', '\ud800', '\udfff', '\u0000', '𠮷', 'é',
      '<b>', '&nbsp;', '\n', '\t', '9'.repeat(400), '.'.repeat(50), ',', '½', '²', '٣',
    ];
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(rand() * 14);
      let s = '';
      for (let i = 0; i < len; i++) {
        s += rand() < 0.15 ? String.fromCharCode(Math.floor(rand() * 0xffff)) : pieces[Math.floor(rand() * pieces.length)];
      }
      const opts = rand() < 0.3 ? { defaultCurrency: ['EUR', 'JPY', 'USD', 'xx', ''][Math.floor(rand() * 5)]! } : undefined;
      let got: ReturnType<typeof parsePrice> | undefined;
      expect(() => {
        got = parsePrice(s, opts);
      }, JSON.stringify(s)).not.toThrow();
      const { amount, currency } = got!;
      if (amount !== null) {
        expect(Number.isFinite(amount), JSON.stringify(s)).toBe(true);
        expect(amount, JSON.stringify(s)).toBeGreaterThanOrEqual(0);
        expect(Math.round(amount * 100) / 100, JSON.stringify(s)).toBe(amount);
      } else {
        expect(currency).toBeNull();
      }
      if (currency !== null) expect(currency).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('reads only the first 5,000 characters of a huge text, so a page dump cannot stall a run', () => {
    expect(parsePrice('售价 ¥1,299.00 ' + 'x'.repeat(20_000)).amount).toBe(1299);
    expect(parsePrice('<div class="p">'.repeat(2000) + '售价 ¥1,299.00').amount).toBeNull();
  });
});
