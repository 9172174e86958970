/**
 * parsePrice: turn the text of a price element into an amount and an ISO 4217 currency.
 *
 *   parsePrice('￥ 2,599 起')            → { amount: 2599, currency: 'CNY', from: true }
 *   parsePrice('原价¥1599 现价¥1299')     → { amount: 1299, currency: 'CNY' }
 *   parsePrice('1.234,56 €')             → { amount: 1234.56, currency: 'EUR' }
 *   parsePrice('19,99', { defaultCurrency: 'EUR' }) → { amount: 19.99, currency: 'EUR' }
 *   parsePrice('面议')                    → { amount: null, currency: null }
 *
 * Pure and total: it never throws, whatever it is given.
 *
 * Shape: normalise → tokenise (currency, number, unit, label, range, "from", "no price") →
 * build candidates (a number with its units, currency and label) → pick one.
 *
 * Heuristics for the ambiguous cases (see `toNumber` and `choose`):
 *  - `1,299` is 1299 (comma + exactly 3 digits = thousands); `19,99` is 19.99.
 *  - `1.234` is 1234 only in a currency that writes thousands with dots or has no minor unit
 *    (EUR, BRL, JPY, IDR ...); otherwise it is 1.234 → 1.23.
 *  - Two separators (`1.234,56`, `1,234.56`): the last one is the decimal mark.
 *  - Spaces group thousands (`1 234,56 zł`) only where that is the custom or a comma-decimal follows,
 *    so `599 399` in a CNY text stays two prices.
 *  - Labelled prices: 到手价/券后 > 现价/促销价/Now/Sale > 售价/价格/Price > unlabelled > 原价/Was/RRP.
 *    Discounts, coupons, thresholds, shipping and instalments (省/立减/满/运费/月供/Save/off) never count.
 *  - Unlabelled prices in a row (`¥1,599 ¥1,299`): the lower one, since a struck-through price is
 *    always the higher one, whichever side the page prints it on.
 *  - Ranges (`¥99 - ¥199`, `99-199元`): the lower bound, with `from: true`.
 *  - Bare numbers only count when no number carries a currency; then `opts.defaultCurrency`.
 *  - `¥` is CNY unless the default is JPY; `$` is USD unless the default is another dollar.
 */

export interface ParsedPrice {
  amount: number | null;
  currency: string | null;
  /** The amount is a lower bound: `起`, `from`, `低至`, or the low end of a range. */
  from?: boolean;
}

export interface ParsePriceOptions {
  /** ISO 4217 code used for bare numbers and to settle ambiguous symbols (`¥`, `$`, `kr`). */
  defaultCurrency?: string;
}

const NONE: ParsedPrice = Object.freeze({ amount: null, currency: null }) as ParsedPrice;

/** Price fields are short; a whole page pasted in by mistake should not cost seconds. */
const MAX_INPUT = 5000;

// ---------------------------------------------------------------------------------------------
// Lexicon
// ---------------------------------------------------------------------------------------------

/** Where a currency token sits relative to its number; decides which number it binds to. */
type Side = 'prefix' | 'suffix' | 'both';

interface CurrencyDef {
  /** Primary ISO code. */
  code: string;
  /** Other currencies sharing the symbol; the default currency wins if it is one of them. */
  family?: readonly string[];
  side: Side;
}

const YEN = ['CNY', 'JPY'] as const;
const DOLLARS = ['USD', 'AUD', 'CAD', 'HKD', 'TWD', 'SGD', 'NZD', 'MXN', 'ARS', 'CLP', 'COP'] as const;
const KRONA = ['SEK', 'NOK', 'DKK', 'ISK'] as const;
const RUPEE = ['INR', 'PKR', 'LKR', 'NPR'] as const;
/** 元 is also the unit of the New Taiwan and Hong Kong dollars. */
const YUAN = ['CNY', 'TWD', 'HKD'] as const;

const cur = (code: string, side: Side, family?: readonly string[]): CurrencyDef =>
  family ? { code, side, family } : { code, side };

const CURRENCIES: Record<string, CurrencyDef> = {
  $: cur('USD', 'prefix', DOLLARS),
  US$: cur('USD', 'prefix'),
  USD$: cur('USD', 'prefix'),
  HK$: cur('HKD', 'prefix'),
  NT$: cur('TWD', 'prefix'),
  A$: cur('AUD', 'prefix'),
  AU$: cur('AUD', 'prefix'),
  C$: cur('CAD', 'prefix'),
  CA$: cur('CAD', 'prefix'),
  S$: cur('SGD', 'prefix'),
  SG$: cur('SGD', 'prefix'),
  NZ$: cur('NZD', 'prefix'),
  R$: cur('BRL', 'prefix'),
  MX$: cur('MXN', 'prefix'),
  '¥': cur('CNY', 'both', YEN), // ￥ and ¥ both arrive here after NFKC
  '€': cur('EUR', 'both'),
  '£': cur('GBP', 'both'),
  '₩': cur('KRW', 'both'),
  '₹': cur('INR', 'both'),
  '₽': cur('RUB', 'both'),
  '₺': cur('TRY', 'both'),
  '₫': cur('VND', 'both'),
  '฿': cur('THB', 'both'),
  '₱': cur('PHP', 'prefix'),
  'Rs.': cur('INR', 'prefix', RUPEE),
  Rs: cur('INR', 'prefix', RUPEE),
  'Rp.': cur('IDR', 'prefix'),
  Rp: cur('IDR', 'prefix'),
  RM: cur('MYR', 'prefix'),
  'Fr.': cur('CHF', 'prefix'),
  zł: cur('PLN', 'suffix'),
  Kč: cur('CZK', 'suffix'),
  kr: cur('SEK', 'both', KRONA),
  'kr.': cur('DKK', 'both', KRONA),
  rmb: cur('CNY', 'both'),
  // Chinese words. 元/块/円 are written after the number, never before it.
  元: cur('CNY', 'suffix', YUAN),
  圆: cur('CNY', 'suffix', YUAN),
  块: cur('CNY', 'suffix'),
  块钱: cur('CNY', 'suffix'),
  円: cur('JPY', 'suffix'),
  원: cur('KRW', 'suffix'),
  人民币: cur('CNY', 'both'),
  美元: cur('USD', 'both'),
  美金: cur('USD', 'both'),
  港币: cur('HKD', 'both'),
  港元: cur('HKD', 'both'),
  港幣: cur('HKD', 'both'),
  新台币: cur('TWD', 'both'),
  新台幣: cur('TWD', 'both'),
  台币: cur('TWD', 'both'),
  台幣: cur('TWD', 'both'),
  日元: cur('JPY', 'both'),
  日圆: cur('JPY', 'both'),
  欧元: cur('EUR', 'both'),
  英镑: cur('GBP', 'both'),
  韩元: cur('KRW', 'both'),
  澳元: cur('AUD', 'both'),
  加元: cur('CAD', 'both'),
};

/** ISO codes written as words (`RMB 899`, `JPY 1,200`, `899 USD`). Upper case only: `TRY` vs "try". */
const ISO_CODES = (
  'CNY RMB USD EUR GBP JPY KRW HKD TWD NTD SGD AUD CAD NZD CHF INR BRL PLN CZK SEK NOK DKK ISK ' +
  'RUB UAH TRY MXN THB VND IDR MYR PHP ZAR AED SAR ILS HUF RON ARS CLP COP PKR'
).split(' ');
for (const code of ISO_CODES) {
  CURRENCIES[code] = cur(code === 'RMB' ? 'CNY' : code === 'NTD' ? 'TWD' : code, 'both');
}

/**
 * Label ranks: how much a label says "this is what you pay now".
 * 3 = final price after everything, 2 = current/sale price, 1 = plain "price",
 * -1 = old/list price, -2 = not a price at all (discount, coupon, threshold, shipping, instalment).
 */
const LABELS: Record<string, number> = {
  到手价: 3, 到手: 3, 券后价: 3, 券后: 3, 折后价: 3, 折后: 3, 实付: 3, 实付款: 3, 预估到手价: 3,
  现价: 2, 促销价: 2, 活动价: 2, 秒杀价: 2, 特价: 2, 特惠价: 2, 优惠价: 2, 抢购价: 2, 团购价: 2,
  拼团价: 2, 限时价: 2, 折扣价: 2, 会员价: 2, 闪购价: 2, 现售价: 2, 現價: 2,
  售价: 1, 價格: 1, 售價: 1, 价格: 1, 京东价: 1, 当当价: 1, 天猫价: 1, 淘宝价: 1, 本店价: 1,
  商城价: 1, 单价: 1, 报价: 1,
  原价: -1, 原價: -1, 原售价: -1, 划线价: -1, 市场价: -1, 參考價: -1, 参考价: -1, 指导价: -1,
  官方指导价: -1, 厂商指导价: -1, 建议零售价: -1, 建议售价: -1, 门市价: -1, 专柜价: -1,
  吊牌价: -1, 定价: -1, 日常价: -1, 市場價: -1,
  省: -2, 立省: -2, 立减: -2, 直降: -2, 减: -2, 优惠: -2, 返: -2, 返现: -2, 满: -2, 每满: -2,
  券: -2, 领券: -2, 优惠券: -2, 运费: -2, 邮费: -2, 月供: -2, 定金: -2, 订金: -2,
  // English, matched case-insensitively on word boundaries.
  now: 2, 'now only': 2, sale: 2, 'sale price': 2, 'special price': 2, 'our price': 2,
  'offer price': 2, 'deal price': 2, 'your price': 1, price: 1,
  was: -1, rrp: -1, msrp: -1, 'list price': -1, list: -1, 'regular price': -1, 'reg.': -1,
  reg: -1, regular: -1, 'orig.': -1, 'original price': -1, originally: -1, 'compare at': -1, 'retail price': -1,
  uvp: -1, statt: -1,
  save: -2, 'you save': -2, shipping: -2, deposit: -2,
};

/** Labels written after the number they describe (`$5 off`). */
const POST_LABELS: Record<string, number> = { off: -2 };

/**
 * "From" markers. `post` applies to the number before it (`¥99起`), `pre` to the one after
 * (`低至¥99`, `from £5`), `any` to whichever it is attached to.
 */
const FROM: Record<string, 'pre' | 'post' | 'any'> = {
  起: 'post', 起价: 'any', 起售价: 'any', 低至: 'pre', 最低: 'pre', 最低价: 'pre',
  from: 'pre', 'starting at': 'pre', 'starts at': 'pre', 'starting from': 'pre', 'as low as': 'pre',
  ab: 'pre', 'à partir de': 'pre', 'a partir de': 'pre', desde: 'pre', dès: 'pre',
};

/** Words that contain 起 or 千 but are neither "from" nor a multiplier: ignore them whole. */
const NOISE_WORDS = ['起售', '起订', '起批', '起送', '起购', '起拍', '千克', '千瓦', '千米', '千卡', '万能'];

/** Between two numbers these make a range: `¥99 - ¥199`, `99~199元`, `$10 to $20`. */
const RANGE = ['-', '–', '—', '~', '〜', '至', '到', 'to', 'bis'];

/** Say there is no price. With no currency-marked number present, the answer is null. */
const NO_PRICE = [
  '面议', '议价', '询价', '请询价', '来电询价', '暂无报价', '暂无价格', '暂无', '价格待定', '待定',
  '电询', '来电咨询', '咨询客服', '缺货', '无货', '暂时缺货', '售罄', '已售罄', '已售完', '已下架',
  '下架', '停产', '停售', '敬请期待', '電詢', '缺貨',
  'call for price', 'price on request', 'on request', 'poa', 'n/a', 'tbd', 'tba', 'sold out',
  'out of stock', 'unavailable', 'contact us', 'enquire', 'inquire',
];

/** Multipliers written after a number. CJK ones must touch the number (万家乐 is a brand). */
const UNITS: Record<string, number> = { 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8, 千: 1e3, 百万: 1e6, 千万: 1e7 };

/**
 * Currencies whose amounts may be written `1.234` meaning 1234: comma-decimal locales and
 * currencies without a minor unit (where `¥1.299` cannot be 1.299 yen).
 */
const DOT_GROUPING = new Set([
  'EUR', 'BRL', 'PLN', 'CZK', 'DKK', 'NOK', 'SEK', 'ISK', 'RUB', 'UAH', 'TRY', 'IDR', 'VND', 'ARS',
  'CLP', 'COP', 'HUF', 'RON', 'JPY', 'KRW',
]);

/** Where `1 234` is how thousands are written, so a space may join two digit groups. */
const SPACE_GROUPING_HINT = /zł|Kč|\bkr\b|€|₽|\b(?:PLN|CZK|SEK|NOK|DKK|EUR|RUB|UAH|HUF|CHF)\b/;
const SPACE_GROUPING_CODES = new Set(['PLN', 'CZK', 'SEK', 'NOK', 'DKK', 'EUR', 'RUB', 'UAH', 'HUF', 'CHF']);

type Entry =
  | { kind: 'cur'; def: CurrencyDef }
  | { kind: 'label'; rank: number; post: boolean }
  | { kind: 'from'; side: 'pre' | 'post' | 'any' }
  | { kind: 'unit'; mult: number }
  | { kind: 'range' }
  | { kind: 'noprice' }
  | { kind: 'noise' };

interface LexEntry {
  text: string;
  /** Compared lower-cased: English words. */
  fold: boolean;
  entry: Entry;
}

const LEXICON: LexEntry[] = (() => {
  const out: LexEntry[] = [];
  const isWord = (t: string) => /^[a-zà-ÿ .\/]+$/i.test(t) && /[a-z]/i.test(t);
  const add = (text: string, entry: Entry, fold = false) => out.push({ text: fold ? text.toLowerCase() : text, fold, entry });
  for (const [t, def] of Object.entries(CURRENCIES)) add(t, { kind: 'cur', def });
  for (const [t, rank] of Object.entries(LABELS)) add(t, { kind: 'label', rank, post: false }, isWord(t));
  for (const [t, rank] of Object.entries(POST_LABELS)) add(t, { kind: 'label', rank, post: true }, true);
  for (const [t, side] of Object.entries(FROM)) add(t, { kind: 'from', side }, isWord(t));
  for (const t of NOISE_WORDS) add(t, { kind: 'noise' });
  for (const t of RANGE) add(t, { kind: 'range' }, isWord(t));
  for (const t of NO_PRICE) add(t, { kind: 'noprice' }, isWord(t));
  for (const [t, mult] of Object.entries(UNITS)) add(t, { kind: 'unit', mult });
  // Longest first, so 原售价 beats 售价, 到手价 beats 到, US$ beats $.
  return out.sort((a, b) => b.text.length - a.text.length);
})();

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

type Token =
  | { t: 'num'; raw: string }
  | { t: 'cur'; def: CurrencyDef }
  | { t: 'unit'; mult: number; cjk: boolean }
  | { t: 'label'; rank: number; post: boolean }
  | { t: 'from'; side: 'pre' | 'post' | 'any' }
  | { t: 'range' }
  | { t: 'noprice' }
  | { t: 'glue' } // whitespace and colons: never separate a number from its currency
  | { t: 'other' };

const isAsciiLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

const DIGITS = /\d+(?:[.,'’]\d+)*/y;
const SPACE_GROUP = / \d{3}(?!\d)(?:[.,'’]\d+)*/y;
const SPACE_GROUPS_THEN_COMMA_DECIMAL = /(?: \d{3})+,\d{1,2}(?!\d)/y;
/** A Latin word with its digits and joiners (`KFR-35GW`, `iPhone15`, `v1.2`): never a price. */
const WORD = /[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*/y;

/**
 * The lexicon entries that can start with a given character, longest first. Scanning all ~250
 * entries at every character was most of a price's parsing time (profiled on a 24,000-item crawl).
 */
const BY_FIRST = new Map<string, LexEntry[]>();
function entriesStartingWith(c: string): LexEntry[] {
  let list = BY_FIRST.get(c);
  if (!list) {
    const lower = c.toLowerCase();
    list = LEXICON.filter((e) => e.text[0] === (e.fold ? lower : c));
    // Characters seen once in odd input need no entry of their own.
    if (list.length || BY_FIRST.size < 4096) BY_FIRST.set(c, list);
  }
  return list;
}

function matchLexicon(s: string, i: number): LexEntry | undefined {
  for (const e of entriesStartingWith(s[i]!)) {
    const piece = s.slice(i, i + e.text.length);
    if ((e.fold ? piece.toLowerCase() : piece) !== e.text) continue;
    // Latin entries must stand alone: "was" is not inside "wasabi", "RM" is not inside "RMX".
    // Currency codes may touch digits (`RMB899`); words may not (`AB123` is a model, not "ab 123").
    const after = s[i + e.text.length];
    if (isAsciiLetter(e.text[0]) && isAsciiLetter(s[i - 1])) continue;
    if (isAsciiLetter(e.text[e.text.length - 1]) && (isAsciiLetter(after) || (e.fold && isDigit(after)))) continue;
    return e;
  }
  return undefined;
}

function toToken(e: Entry): Token {
  switch (e.kind) {
    case 'cur': return { t: 'cur', def: e.def };
    case 'label': return { t: 'label', rank: e.rank, post: e.post };
    case 'from': return { t: 'from', side: e.side };
    case 'unit': return { t: 'unit', mult: e.mult, cjk: true };
    case 'range': return { t: 'range' };
    case 'noprice': return { t: 'noprice' };
    case 'noise': return { t: 'other' };
  }
}

function tokenize(s: string, spaceGrouping: boolean): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === ':') {
      if (out[out.length - 1]?.t !== 'glue') out.push({ t: 'glue' });
      i++;
      continue;
    }
    if (isDigit(c)) {
      i = readNumber(s, i, spaceGrouping, out);
      continue;
    }
    const lex = matchLexicon(s, i);
    if (lex) {
      out.push(toToken(lex.entry));
      i += lex.text.length;
      continue;
    }
    if (isAsciiLetter(c)) {
      WORD.lastIndex = i;
      WORD.exec(s);
      i = WORD.lastIndex;
      out.push({ t: 'other' });
      continue;
    }
    out.push({ t: 'other' });
    i += c.length;
  }
  return out;
}

/** Reads a number at `i` (with any k/M suffix), pushes its tokens, returns the next index. */
function readNumber(s: string, i: number, spaceGrouping: boolean, out: Token[]): number {
  DIGITS.lastIndex = i;
  let raw = DIGITS.exec(s)![0];
  let j = i + raw.length;
  // `1 234 567,89`: join space-separated thousands, but only from a 1–3 digit head, and only where
  // spaces group thousands (else `599 399` would become one number).
  if (/^\d{1,3}$/.test(raw)) {
    SPACE_GROUPS_THEN_COMMA_DECIMAL.lastIndex = j;
    if (spaceGrouping || SPACE_GROUPS_THEN_COMMA_DECIMAL.test(s)) {
      for (;;) {
        SPACE_GROUP.lastIndex = j;
        const m = SPACE_GROUP.exec(s);
        if (!m) break;
        raw += m[0];
        j += m[0].length;
      }
    }
  }
  // `1.299,-` and `12.–`: a dash for "no cents".
  if ((s[j] === ',' || s[j] === '.') && /[-–—]/.test(s[j + 1] ?? '')) {
    raw += s[j] + '00';
    j += 2;
  }
  const next = s[j];
  // `5k`, `$1.2M`: Latin multipliers, only when not the start of a word (`5kg`, `2Mbps`).
  if ((next === 'k' || next === 'K' || next === 'M') && !isAsciiLetter(s[j + 1])) {
    out.push({ t: 'num', raw }, { t: 'unit', mult: next === 'M' ? 1e6 : 1e3, cjk: false });
    return j + 1;
  }
  // `50%`, `8.5折`, `256GB`, `35GW`: a number that is part of something else.
  if (next === '%' || next === '折' || next === '°') {
    out.push({ t: 'other' });
    return j + 1;
  }
  if (isAsciiLetter(next)) {
    const lex = matchLexicon(s, j);
    if (!lex || lex.entry.kind !== 'cur') {
      WORD.lastIndex = j;
      WORD.exec(s);
      out.push({ t: 'other' });
      return WORD.lastIndex;
    }
  }
  out.push({ t: 'num', raw });
  return j;
}

// ---------------------------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------------------------

interface Candidate {
  /** Token index of the number. */
  num: number;
  /** First and last token index it spans (prefix currency … units, suffix currency). */
  first: number;
  last: number;
  raw: string;
  mult: number;
  /** A 万/亿 multiplier implies a Chinese-style amount even without a currency word. */
  cjkUnit: boolean;
  def: CurrencyDef | null;
  rank: number;
  from: boolean;
}

function skipGlue(tokens: Token[], i: number, step: 1 | -1): number {
  while (tokens[i]?.t === 'glue') i += step;
  return i;
}

function buildCandidates(tokens: Token[]): Candidate[] {
  const cands: Candidate[] = [];
  tokens.forEach((tok, n) => {
    if (tok.t !== 'num') return;
    const c: Candidate = { num: n, first: n, last: n, raw: tok.raw, mult: 1, cjkUnit: false, def: null, rank: 0, from: false };
    // Units must touch the number.
    for (let k = n + 1, u = tokens[k]; u?.t === 'unit'; u = tokens[++k]) {
      c.mult *= u.mult;
      c.cjkUnit ||= u.cjk;
      c.last = k;
    }
    cands.push(c);
  });

  // Currencies. First every prefix (`¥ 1,299`, `€ 9,99`): a symbol in front of a number is read as
  // its own, so in `满299减50 ¥1299` the ¥ goes with 1299, not with 50. Suffix-only words (元, zł)
  // never bind forwards.
  const owner = new Map<number, Candidate>();
  for (const c of cands) {
    const p = skipGlue(tokens, c.num - 1, -1);
    const pt = tokens[p];
    if (pt?.t === 'cur' && pt.def.side !== 'suffix') {
      owner.set(p, c);
      c.def = pt.def;
      c.first = p;
    }
  }
  // Then suffixes for numbers still without one: `1299元`, `1.234,56 €`.
  const suffixOf = (c: Candidate): number | null => {
    const q = skipGlue(tokens, c.last + 1, 1);
    const qt = tokens[q];
    return qt?.t === 'cur' && qt.def.side !== 'prefix' ? q : null;
  };
  for (const c of cands) {
    if (c.def) continue;
    const q = suffixOf(c);
    if (q === null) continue;
    const rival = owner.get(q);
    if (rival) {
      // `9,99 € 12,99 €`: the € after 9,99 was taken as 12,99's prefix, but 12,99 has its own
      // € behind it. Then each symbol goes with the number before it.
      const r = suffixOf(rival);
      const rt = r === null ? undefined : tokens[r];
      if (r === null || owner.has(r) || rt?.t !== 'cur' || rt.def.code !== rival.def?.code) continue;
      owner.set(r, rival);
      rival.first = rival.num;
      rival.last = r;
    }
    owner.set(q, c);
    c.def = (tokens[q] as Extract<Token, { t: 'cur' }>).def;
    c.last = q;
  }

  // Labels and "from" markers between two numbers belong to one of them.
  cands.forEach((c, idx) => {
    const prevEnd = idx > 0 ? cands[idx - 1]!.last : -1;
    const nextStart = idx + 1 < cands.length ? cands[idx + 1]!.first : tokens.length;
    for (let i = prevEnd + 1; i < c.first; i++) {
      const t = tokens[i]!;
      if (t.t === 'label' && !t.post) c.rank = t.rank; // the nearest label wins
      if (t.t === 'from' && (t.side === 'pre' || (t.side === 'any' && !attachedAfter(tokens, i, prevEnd)))) c.from = true;
    }
    for (let i = c.last + 1; i < nextStart; i++) {
      const t = tokens[i]!;
      if (t.t === 'label' && t.post) c.rank = t.rank;
      if (t.t === 'from' && (t.side === 'post' || (t.side === 'any' && attachedAfter(tokens, i, c.last)))) c.from = true;
    }
  });
  return cands;
}

/** True when only glue separates token `i` from token `end` before it. */
function attachedAfter(tokens: Token[], i: number, end: number): boolean {
  return end >= 0 && skipGlue(tokens, i - 1, -1) === end;
}

/** Only glue between a and b (in token order). */
function adjacent(tokens: Token[], a: Candidate, b: Candidate): boolean {
  return skipGlue(tokens, a.last + 1, 1) === b.first;
}

/** `A - B` with one range token and glue between them. */
function isRange(tokens: Token[], a: Candidate, b: Candidate): boolean {
  const r = skipGlue(tokens, a.last + 1, 1);
  return tokens[r]?.t === 'range' && skipGlue(tokens, r + 1, 1) === b.first;
}

// ---------------------------------------------------------------------------------------------
// Numbers and currencies
// ---------------------------------------------------------------------------------------------

function resolveCurrency(def: CurrencyDef | null, fallback: string | null): string | null {
  if (!def) return fallback;
  if (fallback && def.family?.includes(fallback)) return fallback;
  return def.code;
}

/**
 * Reads `1,234.56`, `1.234,56`, `1 234,56`, `1'234.50`, `1,23,456`, `19,99`, `1,299`, `1.234`.
 * `currency` and `hasUnit` settle the one truly ambiguous shape, `d.ddd`.
 */
function toNumber(raw: string, currency: string | null, hasUnit = false): number | null {
  const grouped = /[ '’]/.test(raw);
  const digitsOnly = raw.replace(/[ '’]/g, '');
  const lastDot = digitsOnly.lastIndexOf('.');
  const lastComma = digitsOnly.lastIndexOf(',');
  let decimal: '.' | ',' | null = null;
  if (lastDot >= 0 && lastComma >= 0) {
    decimal = lastDot > lastComma ? '.' : ','; // the last separator is the decimal mark
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const count = digitsOnly.split(sep).length - 1;
    const after = digitsOnly.length - digitsOnly.lastIndexOf(sep) - 1;
    const head = digitsOnly.slice(0, digitsOnly.indexOf(sep));
    if (count > 1) decimal = null; // 1.234.567, 1,23,456 (Indian lakh grouping)
    else if (grouped) decimal = sep; // 1 234,56 / 1'234.50: the other mark is already grouping
    else if (after !== 3) decimal = sep; // 19,99 · 12.5 · 1299.00
    else if (sep === ',') decimal = null; // 1,299: nobody prices in thousandths
    else if (hasUnit || /^0+$/.test(head)) decimal = '.'; // 1.234万 · 0.299
    else decimal = currency && DOT_GROUPING.has(currency) ? null : '.'; // 1.234 € vs $1.234
  }
  let normal = digitsOnly;
  if (decimal === null) normal = normal.replace(/[.,]/g, '');
  else {
    const at = normal.lastIndexOf(decimal);
    normal = normal.slice(0, at).replace(/[.,]/g, '') + '.' + normal.slice(at + 1);
  }
  const n = Number(normal);
  return Number.isFinite(n) ? n : null;
}

function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// parsePrice
// ---------------------------------------------------------------------------------------------

function normalise(text: string): string {
  return (
    text
      .slice(0, MAX_INPUT)
      // NFKC folds full-width digits and symbols (１２９９, ￥, ＄, ～), NBSP and thin spaces.
      .normalize('NFKC')
      .replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g, ' ')
      .trim()
  );
}

export function parsePrice(text: string | null | undefined, opts?: ParsePriceOptions): ParsedPrice {
  // Belt and braces: the contract is "never throws", and a scraper run must not die on one field.
  try {
    return parse(text, opts);
  } catch {
    return { ...NONE };
  }
}

function parse(text: unknown, opts: unknown): ParsedPrice {
  if (typeof text !== 'string') return { ...NONE };
  const rawDefault = (opts as ParsePriceOptions | null | undefined)?.defaultCurrency;
  const fallback = typeof rawDefault === 'string' && /^[a-z]{3}$/i.test(rawDefault.trim()) ? rawDefault.trim().toUpperCase() : null;

  const s = normalise(text);
  if (!/\d/.test(s)) return { ...NONE };

  const spaceGrouping = SPACE_GROUPING_HINT.test(s) || (fallback !== null && SPACE_GROUPING_CODES.has(fallback));
  const tokens = tokenize(s, spaceGrouping);
  const cands = buildCandidates(tokens);
  const value = (c: Candidate): number | null => {
    const code = resolveCurrency(c.def, fallback);
    const n = toNumber(c.raw, code, c.mult !== 1);
    return n === null ? null : n * c.mult;
  };

  // Ranges collapse into their lower bound. `1-2万元`: the unit and currency of the high end apply
  // to the low end too. A "range" that goes down (`2024-05`) is not one.
  const merged: Candidate[] = [];
  for (let i = 0; i < cands.length; i++) {
    const a = cands[i]!;
    const b = cands[i + 1];
    if (b && isRange(tokens, a, b)) {
      const lo: Candidate = { ...a, def: a.def ?? b.def, last: b.last, from: true };
      if (a.mult === 1 && b.cjkUnit) {
        lo.mult = b.mult;
        lo.cjkUnit = true;
      }
      const va = value(lo);
      const vb = value(b);
      if (va !== null && vb !== null && va <= vb) {
        merged.push(lo);
        i++;
        continue;
      }
    }
    merged.push(a);
  }

  const prices = merged.filter((c) => c.rank > -2);
  // A number that carries a currency (or 万/亿) beats any bare number: model numbers, quantities, dates.
  const marked = prices.filter((c) => c.def !== null || c.cjkUnit);
  if (marked.length === 0 && tokens.some((t) => t.t === 'noprice')) return { ...NONE };
  const pool = marked.length > 0 ? marked : prices;
  const chosen = choose(tokens, pool, value);
  if (!chosen) return { ...NONE };

  const amount = value(chosen);
  if (amount === null || amount < 0) return { ...NONE };
  let currency = resolveCurrency(chosen.def, fallback);
  // 12.5万 with no currency word: a Chinese amount.
  if (currency === null && chosen.cjkUnit) currency = 'CNY';
  const out: ParsedPrice = { amount: round2(amount), currency };
  if (chosen.from) out.from = true;
  return out;
}

/**
 * Picks the price being charged now. The best label wins (first of equals); without labels, a run
 * of prices printed side by side is an old/new pair, and the lower one is the current price.
 */
function choose(tokens: Token[], pool: Candidate[], value: (c: Candidate) => number | null): Candidate | undefined {
  if (pool.length === 0) return undefined;
  const best = Math.max(...pool.map((c) => c.rank));
  if (best > 0) return pool.find((c) => c.rank === best);
  // Unlabelled ones first; a lone 原价 is still better than nothing.
  const current = pool.filter((c) => c.rank === 0);
  const from = current.length > 0 ? current : pool;
  const run: Candidate[] = [from[0]!];
  for (let i = 1; i < from.length && adjacent(tokens, from[i - 1]!, from[i]!); i++) run.push(from[i]!);
  let pick = run[0]!;
  let pickValue = value(pick) ?? Infinity;
  for (const c of run.slice(1)) {
    const v = value(c) ?? Infinity;
    if (v < pickValue) {
      pick = c;
      pickValue = v;
    }
  }
  return pick;
}
