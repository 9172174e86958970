/**
 * Money / budget parsing for prices and tender notices (招标/采购公告).
 *
 * Pure functions: any input gives a value, nothing throws. Amounts are rounded to 2 decimals.
 *
 * Heuristics for ambiguous input (each one line, also listed in the tests):
 * - `¥` alone is CNY (Chinese sites); JPY needs `JPY`, `日元` or `円`. A bare `$` is USD.
 * - `元` without a qualifier (`美元`, `港元`, `日元` ...) is CNY.
 * - Chinese multipliers (`万`, `亿`) or Chinese numerals without any currency marker imply CNY,
 *   unless `opts.defaultCurrency` says otherwise.
 * - With several numbers, the one next to a currency marker or multiplier wins; numbers followed by
 *   `年 月 日 % 个 ...` are not amounts; among equals the first wins.
 * - `面议`, `详见公告`, `无`, `待定` ... give `{ amount: null, currency: null }` unless a number with a
 *   currency marker or multiplier is present too (`120万元（详见附件）` is still 1 200 000).
 * - A range (`100-200万`) yields its first bound.
 */

export interface Money {
  amount: number | null;
  currency: string | null;
}

const NONE: Money = { amount: null, currency: null };

/** Ordered: more specific markers before the generic ones they contain (`美元` before `元`, `HK$` before `$`). */
const CURRENCY_MARKERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<![A-Za-z])HK\$|(?<![A-Za-z])HKD(?![A-Za-z])|港元|港币|港幣/i, 'HKD'],
  [/(?<![A-Za-z])NT\$|(?<![A-Za-z])TWD(?![A-Za-z])|新台币|新臺幣/i, 'TWD'],
  [/(?<![A-Za-z])S\$|(?<![A-Za-z])SGD(?![A-Za-z])|新加坡元|新币/i, 'SGD'],
  [/(?<![A-Za-z])A\$|(?<![A-Za-z])AUD(?![A-Za-z])|澳元|澳币/i, 'AUD'],
  [/(?<![A-Za-z])C\$|(?<![A-Za-z])CAD(?![A-Za-z])|加元|加币/i, 'CAD'],
  [/US\$|(?<![A-Za-z])USD(?![A-Za-z])|美元|美金/i, 'USD'],
  [/€|(?<![A-Za-z])EUR(?![A-Za-z])|欧元|歐元/i, 'EUR'],
  [/£|(?<![A-Za-z])GBP(?![A-Za-z])|英镑|英鎊/i, 'GBP'],
  [/(?<![A-Za-z])JPY(?![A-Za-z])|日元|日圓|日圆|円/i, 'JPY'],
  [/₩|(?<![A-Za-z])KRW(?![A-Za-z])|韩元|韓元/i, 'KRW'],
  [/₹|(?<![A-Za-z])INR(?![A-Za-z])|卢比/i, 'INR'],
  [/(?<![A-Za-z])CHF(?![A-Za-z])|瑞士法郎/i, 'CHF'],
  [/人民币|人民幣|(?<![A-Za-z])RMB(?![A-Za-z])|(?<![A-Za-z])CNY(?![A-Za-z])|元|圆|¥|￥/i, 'CNY'],
  [/\$/, 'USD'],
];

/** The first currency named in `text` (ISO 4217 code), or null. */
export function detectCurrency(text: string): string | null {
  for (const [re, code] of CURRENCY_MARKERS) if (re.test(text)) return code;
  return null;
}

export function round2(x: number): number {
  return Math.round((x + Math.sign(x) * Number.EPSILON * Math.abs(x)) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Chinese numerals

const CN_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, '○': 0,
  一: 1, 壹: 1, 幺: 1,
  二: 2, 两: 2, 兩: 2, 贰: 2, 貳: 2, 弐: 2,
  三: 3, 叁: 3, 參: 3, 叄: 3,
  四: 4, 肆: 4,
  五: 5, 伍: 5,
  六: 6, 陆: 6, 陸: 6,
  七: 7, 柒: 7,
  八: 8, 捌: 8,
  九: 9, 玖: 9,
};
const CN_SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const CN_BIG_UNITS: Record<string, number> = { 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8 };

/** Characters that can make up a Chinese numeral (without the decimal point 点). */
export const CN_NUMERAL_CHARS = '零〇○一壹幺二两兩贰貳弐三叁參叄四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億';

/**
 * `壹佰贰拾万` → 1200000, `一百二十万`, `两千` → 2000, `十五` → 15, `一万零五` → 10005,
 * `一万五` → 15000 (colloquial trailing digit), `二〇二六` → 2026 (digit by digit), `一点五万` → 15000.
 * Arabic digits may be mixed in (`3千` → 3000, `1.5万` → 15000). Anything else → null.
 */
export function parseChineseNumeral(text: string): number | null {
  try {
    return parseChineseNumeralUnsafe(text);
  } catch {
    return null;
  }
}

function parseChineseNumeralUnsafe(input: string): number | null {
  if (typeof input !== 'string') return null;
  const s = input.normalize('NFKC').replace(/[\s,，]/g, '');
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);

  // Pure digit sequence (二〇二六, 一二三): positional.
  if ([...s].every((c) => c in CN_DIGITS) && s.length > 1) {
    let v = 0;
    for (const c of s) v = v * 10 + (CN_DIGITS[c] ?? 0);
    return v;
  }

  let total = 0; // completed 亿 groups
  let wan = 0; // completed 万 group (below 亿)
  let section = 0; // below 万
  let number: number | null = null; // pending digit(s)
  let lastSmallUnit = 0; // unit just before a trailing bare digit, for 一万五 / 三千二
  let prevWasUnit = false;
  let sawDigitOrTen = false;
  let sawZeroSinceUnit = false;
  let sawZero = false;
  const chars = [...s];

  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (/\d/.test(c)) {
      // Arabic run, possibly with a decimal part.
      let j = i;
      while (j < chars.length && /[\d.]/.test(chars[j]!)) j++;
      const run = chars.slice(i, j).join('');
      if (!/^\d+(\.\d+)?$/.test(run)) return null;
      number = Number(run);
      i = j - 1;
      sawDigitOrTen = true;
      prevWasUnit = false;
      continue;
    }
    if (c === '点' || c === '點') {
      // decimal part: following digits, positional
      let j = i + 1;
      let frac = '';
      while (j < chars.length && chars[j]! in CN_DIGITS) {
        frac += String(CN_DIGITS[chars[j]!]);
        j++;
      }
      if (frac === '') return null;
      number = (number ?? 0) + Number(`0.${frac}`);
      i = j - 1;
      prevWasUnit = false;
      continue;
    }
    if (c in CN_DIGITS) {
      const d = CN_DIGITS[c]!;
      if (d === 0) {
        sawZeroSinceUnit = true;
        sawZero = true;
        prevWasUnit = false;
        continue;
      }
      number = d;
      sawDigitOrTen = true;
      prevWasUnit = false;
      continue;
    }
    if (c in CN_SMALL_UNITS) {
      const u = CN_SMALL_UNITS[c]!;
      // 十五 = 15, 一万十五? rare; 零十 → treat as 十
      const n = number ?? (u === 10 ? 1 : null);
      if (n === null) return null;
      section += n * u;
      number = null;
      lastSmallUnit = u;
      prevWasUnit = true;
      sawDigitOrTen = true;
      sawZeroSinceUnit = false;
      continue;
    }
    if (c in CN_BIG_UNITS) {
      const u = CN_BIG_UNITS[c]!;
      const group = section + (number ?? 0);
      if (u === 1e4) {
        if (group === 0 && total === 0 && wan === 0) return null;
        wan += group * 1e4;
      } else {
        const g = wan + group;
        if (g === 0 && total === 0) return null;
        total = (total + g) * 1e8;
        wan = 0;
      }
      section = 0;
      number = null;
      lastSmallUnit = u;
      prevWasUnit = true;
      sawZeroSinceUnit = false;
      continue;
    }
    return null;
  }

  if (!sawDigitOrTen) return sawZero && total === 0 && wan === 0 ? 0 : null;
  if (number !== null) {
    // Colloquial 一万五 (15000), 三千二 (3200), 一百五 (150): digit right after a unit ≥ 100, no 零.
    if (prevWasUnit === false && lastSmallUnit >= 100 && !sawZeroSinceUnit && Number.isInteger(number) && number < 10) {
      const lastChar = chars[chars.length - 1]!;
      const beforeLast = chars[chars.length - 2];
      if (lastChar in CN_DIGITS && beforeLast !== undefined && (beforeLast in CN_SMALL_UNITS || beforeLast in CN_BIG_UNITS)) {
        number = number * (lastSmallUnit / 10);
      }
    }
    section += number;
  }
  const v = total + wan + section;
  return Number.isFinite(v) ? v : null;
}

// ---------------------------------------------------------------------------------------------
// Money

const NEGOTIABLE = /面议|面談|面谈|议价|詳見|详见|见公告|見公告|见附件|见招标文件|待定|另行|不公开|暂无|未公布|未公开|不详|^\s*无\s*$|^\s*-+\s*$|(?<![A-Za-z])(?:N\/A|TBD|TBA|negotiable|on request|POA)(?![A-Za-z])/i;

const CN_RUN = new RegExp(`[${CN_NUMERAL_CHARS}]+`, 'y');
const ARABIC = /(\d{1,3}(?:,\d{3})+(?!\d)|\d{1,4}(?:,\d{4})+(?!\d)|\d+)(\.\d+)?/y;
const CN_MULT = /\s*([十百千万亿拾佰仟萬億]+)/y;
const EN_MULT = /\s*(thousand|million|billion|mn|bn|k|m|b)(?![A-Za-z\d])/iy;
const NOT_AMOUNT_AFTER = /^\s*(?:年|月|日|号|號|%|％|个|個|天|小时|时|点|分钟|人|次|项|項|家|名|位|期|包|标段|年度|km|公里|平方|㎡|m²|份|页|頁|条|條|:\d|：\d)/;
const CURRENCY_BEFORE = /(?:[¥￥$€£₩₹]|人民币|人民幣|RMB|CNY|USD|EUR|GBP|HKD|JPY|US\$|HK\$)\s*[:：]?\s*$/i;
const CURRENCY_AFTER = /^\s*(?:元|圆|块|美元|港元|港币|欧元|英镑|日元|USD|EUR|GBP|CNY|RMB|HKD|JPY|dollars?|euros?|pounds?)/i;
const YUAN_TAIL = new RegExp(`^[元圆](?:整|正)?(?:([${CN_NUMERAL_CHARS}]+)角)?(?:([${CN_NUMERAL_CHARS}]+)分)?`);

interface Candidate {
  value: number;
  score: number;
  index: number;
  chinese: boolean;
  cnMultiplier: boolean;
}

function cnMultiplierValue(units: string): number | null {
  let m = 1;
  for (const c of units) {
    const u = CN_SMALL_UNITS[c] ?? CN_BIG_UNITS[c];
    if (u === undefined) return null;
    m *= u;
  }
  return m;
}

function enMultiplierValue(word: string): number {
  const w = word.toLowerCase();
  if (w === 'k' || w === 'thousand') return 1e3;
  if (w === 'm' || w === 'mn' || w === 'million') return 1e6;
  return 1e9;
}

function findCandidates(s: string): Candidate[] {
  const out: Candidate[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    // Arabic number (not the tail of a longer number).
    if (/\d/.test(ch) && !(i > 0 && /[\d.]/.test(s[i - 1]!))) {
      ARABIC.lastIndex = i;
      const m = ARABIC.exec(s);
      if (m) {
        let end = i + m[0].length;
        let value = Number(m[1]!.replace(/,/g, '') + (m[2] ?? ''));
        let score = 0;
        let cnMultiplier = false;
        CN_MULT.lastIndex = end;
        const cm = CN_MULT.exec(s);
        let mult: number | null = null;
        if (cm) {
          mult = cnMultiplierValue(cm[1]!);
          if (mult !== null && mult >= 100) {
            end += cm[0].length;
            cnMultiplier = true;
          } else mult = null;
        } else {
          EN_MULT.lastIndex = end;
          const em = EN_MULT.exec(s);
          if (em) {
            mult = enMultiplierValue(em[1]!);
            end += em[0].length;
          }
        }
        if (mult !== null) {
          value *= mult;
          score += 2;
        }
        const before = s.slice(Math.max(0, i - 8), i);
        const after = s.slice(end);
        if (CURRENCY_BEFORE.test(before)) score += 2;
        if (CURRENCY_AFTER.test(after)) score += 2;
        if (mult === null && NOT_AMOUNT_AFTER.test(after)) score -= 5;
        // Glued to a word that is not a currency code: a model number like "X200".
        if (/[A-Za-z]$/.test(before) && !/(?:USD|RMB|CNY|EUR|GBP|HKD|JPY|US|HK|NT|S|A|C)$/i.test(before)) score -= 3;
        if (/\d[-/.]\s*$/.test(before) || /^[-/]\d/.test(after)) score -= 1; // dates, phone numbers
        out.push({ value, score, index: i, chinese: false, cnMultiplier });
        i = end;
        continue;
      }
    }
    if (CN_NUMERAL_CHARS.includes(ch)) {
      CN_RUN.lastIndex = i;
      const m = CN_RUN.exec(s);
      if (m) {
        let end = i + m[0].length;
        let value = parseChineseNumeral(m[0]);
        if (value !== null) {
          let score = 0;
          const tail = YUAN_TAIL.exec(s.slice(end));
          if (tail) {
            score += 2;
            const jiao = tail[1] ? parseChineseNumeral(tail[1]) : 0;
            const fen = tail[2] ? parseChineseNumeral(tail[2]) : 0;
            value += (jiao ?? 0) / 10 + (fen ?? 0) / 100;
            end += tail[0].length;
          } else if (CURRENCY_AFTER.test(s.slice(end))) score += 2;
          const before = s.slice(Math.max(0, i - 8), i);
          if (CURRENCY_BEFORE.test(before)) score += 2;
          if (m[0].length >= 2) score += 1;
          if (NOT_AMOUNT_AFTER.test(s.slice(end))) score -= 5;
          if (/第\s*$/.test(before)) score -= 5;
          out.push({ value, score, index: i, chinese: true, cnMultiplier: /[万萬亿億]/.test(m[0]) });
        }
        i = end;
        continue;
      }
    }
    i++;
  }
  return out;
}

/**
 * `预算金额：120.5万元` → { 1205000, CNY }, `¥1,200,000.00`, `人民币壹佰贰拾万元整`, `1.2亿元`,
 * `USD 1.2 million`, `$1.5M`, `€200k`; `面议` / `详见公告` / `无` → nulls.
 */
export function parseMoney(text: string | null | undefined, opts?: { defaultCurrency?: string }): Money {
  try {
    return parseMoneyUnsafe(text, opts);
  } catch {
    return { ...NONE };
  }
}

function parseMoneyUnsafe(text: string | null | undefined, opts?: { defaultCurrency?: string }): Money {
  if (typeof text !== 'string') return { ...NONE };
  const s = text.normalize('NFKC').replace(/\u00a0/g, ' ').trim();
  if (s === '') return { ...NONE };

  const candidates = findCandidates(s);
  let best: Candidate | undefined;
  for (const c of candidates) if (!best || c.score > best.score) best = c;
  if (!best || best.score < -2) return { ...NONE };
  if (NEGOTIABLE.test(s) && best.score <= 0) return { ...NONE };

  const amount = round2(best.value);
  if (!Number.isFinite(amount) || amount < 0) return { ...NONE };

  let currency = detectCurrency(s);
  if (currency === null) {
    if (opts?.defaultCurrency) currency = opts.defaultCurrency;
    else if (best.chinese || best.cnMultiplier) currency = 'CNY';
  }
  return { amount, currency };
}
