/**
 * Salary parsing for job postings: Chinese job boards (`15-25K·13薪`, `1.5-2万/月`, `200-300元/天`)
 * and English ones (`$120k–$150k`, `$45/hr`, `€50,000 - €60,000 a year`).
 *
 * Pure functions: any input gives a value, nothing throws.
 *
 * Heuristics for ambiguous input (each one line, also covered by the tests):
 * - Currency: an explicit marker wins; else `opts.defaultCurrency`; else CNY when the text has any
 *   CJK character (Chinese context); else null (`15k-25k` alone has no currency).
 * - A unit on the upper bound only applies to the lower bound when that keeps min ≤ max
 *   (`15-25K` → 15000-25000, `1.5-2万`; but `8000-1.2万` keeps 8000).
 * - `3.500` (dot groups of three, no unit) is European grouping: 3500; `1.5万` stays a decimal.
 * - No stated period, CNY or unknown currency (Chinese boards quote monthly): value ≥ 100 000 → year
 *   (≥ 200 000 when quoted in K, so `80-100K` stays monthly), ≥ 1 000 → month, ≥ 100 → day, else hour.
 * - `N薪` always means month; `3-5年`, `20-35岁`, `50人` are removed before reading amounts.
 * - No stated period, other currencies: ≥ 15 000 → year (`$120k`, `£30k`), ≥ 1 000 → month,
 *   ≤ 200 → hour, else unknown (null).
 * - A single number is both min and max (`时薪 25元`), except with `以上/起/+/from/at least` (min only)
 *   or `以下/以内/最高/up to` (max only).
 * - `monthsPerYear` is only set when stated (`13薪`); annual figures use 12 when it is not.
 * - Annual figures: month × monthsPerYear, week × 52, day × 21.75 × 12, hour × 8 × 21.75 × 12.
 * - `面议`/`negotiable` sets `negotiable: true`; numbers next to it are still read.
 */
import { detectCurrency, round2 } from './money.js';

export type SalaryPeriod = 'hour' | 'day' | 'week' | 'month' | 'year';

export interface Salary {
  min: number | null;
  max: number | null;
  period: SalaryPeriod | null;
  monthsPerYear: number | null;
  currency: string | null;
  negotiable: boolean;
  annualMin?: number | null;
  annualMax?: number | null;
}

export const WORK_DAYS_PER_MONTH = 21.75;
export const WORK_HOURS_PER_DAY = 8;

function empty(negotiable = false): Salary {
  return { min: null, max: null, period: null, monthsPerYear: null, currency: null, negotiable, annualMin: null, annualMax: null };
}

/** Yearly figure for an amount paid per `period`; null when either is unknown. */
export function annualize(amount: number | null, period: SalaryPeriod | null, monthsPerYear: number | null = null): number | null {
  if (amount === null || period === null || !Number.isFinite(amount)) return null;
  switch (period) {
    case 'year':
      return round2(amount);
    case 'month':
      return round2(amount * (monthsPerYear ?? 12));
    case 'week':
      return round2(amount * 52);
    case 'day':
      return round2(amount * WORK_DAYS_PER_MONTH * 12);
    case 'hour':
      return round2(amount * WORK_HOURS_PER_DAY * WORK_DAYS_PER_MONTH * 12);
  }
}

/** Period guess for a figure without a stated period (see the heuristics above). */
export function inferSalaryPeriod(value: number, currency: string | null, unitHint?: 'k'): SalaryPeriod | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  if (currency === null || currency === 'CNY') {
    // Chinese boards quote K monthly (80-100K is a senior monthly range); 万 figures ≥ 10万 are yearly.
    if (value >= (unitHint === 'k' ? 200_000 : 100_000)) return 'year';
    if (value >= 1_000) return 'month';
    if (value >= 100) return 'day';
    return 'hour';
  }
  if (currency === 'JPY' || currency === 'KRW' || currency === 'INR' || currency === 'TWD') return null;
  if (value >= 15_000) return 'year';
  if (value >= 1_000) return 'month';
  if (value <= 200) return 'hour';
  return null;
}

/** Fill `annualMin`/`annualMax` (and keep the rest) for a salary built elsewhere, e.g. from JSON-LD. */
export function completeSalary(s: Omit<Salary, 'annualMin' | 'annualMax'>): Salary {
  return {
    ...s,
    annualMin: annualize(s.min, s.period, s.monthsPerYear),
    annualMax: annualize(s.max, s.period, s.monthsPerYear),
  };
}

const NEGOTIABLE = /面议|面談|面谈|薪资面议|薪酬面议|待遇面议|可议|(?<![A-Za-z])(?:negotiable|competitive|DOE|depending on experience|TBD)(?![A-Za-z])/i;

// Ordered: the first match decides. Chinese labels, then slash/per forms, then English adverbs.
const PERIOD_PATTERNS: ReadonlyArray<readonly [RegExp, SalaryPeriod]> = [
  [/时薪|時薪|小时工资|\/\s*(?:小时|小時|时|時)|\/\s*(?:h|hr|hour)(?![A-Za-z])|每小时|每小時|元\s*每\s*小时|(?<![A-Za-z])(?:per\s+hour|an\s+hour|a\s+hour|hourly|p\/h|ph)(?![A-Za-z])|(?<=\d)\s*(?:\/\s*)?(?:hr|h)(?![A-Za-z])/i, 'hour'],
  [/日薪|\/\s*(?:天|日|day|d)(?![A-Za-z])|每天|每日|(?<![A-Za-z])(?:per\s+day|a\s+day|daily|p\/d)(?![A-Za-z])/i, 'day'],
  [/周薪|週薪|\/\s*(?:周|週|week|wk)(?![A-Za-z])|每周|每週|(?<![A-Za-z])(?:per\s+week|a\s+week|weekly|pw|p\/w)(?![A-Za-z])/i, 'week'],
  [/年薪|\/\s*(?:年|year|yr|annum)(?![A-Za-z])|每年|(?<![A-Za-z])(?:per\s+(?:year|annum)|a\s+year|annual(?:ly)?|yearly|p\.?a\.?|p\/a)(?![A-Za-z])|(?<=[万元kK千])\s*年(?![龄限终])/i, 'year'],
  [/月薪|\/\s*(?:月|month|mo|mth)(?![A-Za-z])|每月|(?<![A-Za-z])(?:per\s+month|a\s+month|monthly|pcm|p\/m)(?![A-Za-z])|(?<=[万元kK千])\s*月(?!薪)/i, 'month'],
];

const MONTHS_PER_YEAR = /(\d{1,2})\s*薪|(\d{1,2})\s*个月(?:工资|薪)/;

// A number with optional currency prefix and unit suffix.
const NUM_RE = /(?:(US\$|HK\$|NT\$|S\$|A\$|C\$|[$€£¥₩₹]|USD|EUR|GBP|CNY|RMB|HKD|JPY)\s*)?(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?![\d.,]|\s*(?:万|萬|千|[kKwWmM](?![A-Za-z])))|\d+)(\.\d+)?\s*(万|萬|w(?![A-Za-z])|W(?![A-Za-z])|千|k(?![A-Za-z])|K(?![A-Za-z])|thousand|m(?![A-Za-z])|M(?![A-Za-z]))?/gy;
const RANGE_SEP = /^\s*(?:-|–|—|~|～|〜|至|到|to)\s*/i;
const MIN_ONLY = /以上|起(?!止)|\+|(?<![A-Za-z])(?:from|at\s+least|min(?:imum)?|starting)(?![A-Za-z])|不低于|最低/i;
const MAX_ONLY = /以下|以内|之内|不超过|最高|最多|(?<![A-Za-z])(?:up\s+to|max(?:imum)?|under|below)(?![A-Za-z])/i;

interface NumTok {
  value: number;
  hasUnit: boolean;
  unitMult: number;
  index: number;
  end: number;
}

function unitMultiplier(u: string | undefined): number {
  if (!u) return 1;
  if (u === '万' || u === '萬' || u === 'w' || u === 'W') return 1e4;
  if (u === '千' || u === 'k' || u === 'K' || u.toLowerCase() === 'thousand') return 1e3;
  if (u === 'm' || u === 'M') return 1e6;
  return 1;
}

function tokens(s: string): NumTok[] {
  const out: NumTok[] = [];
  let i = 0;
  while (i < s.length) {
    if (i > 0 && /[\d.]/.test(s[i - 1]!)) {
      i++;
      continue;
    }
    NUM_RE.lastIndex = i;
    const m = NUM_RE.exec(s);
    if (m && m[0].length > 0 && m[2] !== undefined) {
      // 3.500 without a unit is European grouping (3 500), 1.5万 is a decimal.
      const intPart = /^\d{1,3}(?:\.\d{3})+$/.test(m[2]) ? m[2].replace(/\./g, '') : m[2].replace(/,/g, '');
      const base = Number(intPart + (m[3] ?? ''));
      const mult = unitMultiplier(m[4]);
      out.push({ value: base, hasUnit: m[4] !== undefined, unitMult: mult, index: i, end: i + m[0].length });
      i += m[0].length;
    } else i++;
  }
  return out;
}

/**
 * `15-25K·13薪` → { min 15000, max 25000, month, 13, CNY, annual ×13 }; `$45/hr`; `面议` → negotiable.
 */
export function parseSalary(text: string | null | undefined, opts?: { defaultCurrency?: string }): Salary {
  try {
    return parseSalaryUnsafe(text, opts);
  } catch {
    return empty();
  }
}

function parseSalaryUnsafe(text: string | null | undefined, opts?: { defaultCurrency?: string }): Salary {
  if (typeof text !== 'string') return empty();
  let s = text.normalize('NFKC').replace(/[\u00a0\u3000]/g, ' ').trim();
  if (s === '' || s.length > 1000) return empty();
  const chineseContext = /[\u3400-\u9fff]/.test(s);
  const negotiable = NEGOTIABLE.test(s);

  // Months per year (13薪) is taken out before looking for amounts.
  let monthsPerYear: number | null = null;
  const mp = MONTHS_PER_YEAR.exec(s);
  if (mp) {
    const n = Number(mp[1] ?? mp[2]);
    if (n >= 12 && n <= 24) monthsPerYear = n;
    s = s.slice(0, mp.index) + ' '.repeat(mp[0].length) + s.slice(mp.index + mp[0].length);
  }
  // Noise that carries numbers but is not pay: 五险一金 has none; experience and age do.
  s = s.replace(/\d+\s*(?:[-~]\s*\d+\s*)?(?:年|岁|歲|人|届|屆)(?:以上|以下|以内)?(?!薪)/g, (x) => ' '.repeat(x.length));

  const toks = tokens(s);
  if (toks.length === 0) return empty(negotiable);

  // Range: first token followed by a separator and another token.
  const first = toks[0]!;
  let lo: number | null;
  let hi: number | null;
  let second: NumTok | undefined;
  const afterFirst = s.slice(first.end);
  const sep = RANGE_SEP.exec(afterFirst);
  if (sep && toks[1] && toks[1].index === first.end + sep[0].length) second = toks[1];

  const kQuoted = [first, second].some((t) => t !== undefined && t.unitMult === 1e3);
  if (second) {
    let loMult = first.unitMult;
    if (!first.hasUnit && second.hasUnit && first.value <= second.value) loMult = second.unitMult;
    lo = first.value * loMult;
    hi = second.value * second.unitMult;
    if (lo > hi) [lo, hi] = [hi, lo];
  } else {
    const v = first.value * first.unitMult;
    const tail = s.slice(first.end, first.end + 12);
    const head = s.slice(Math.max(0, first.index - 8), first.index);
    if (MIN_ONLY.test(tail) || /(?:from|at least|不低于|最低)\s*$/i.test(head)) {
      lo = v;
      hi = null;
    } else if (MAX_ONLY.test(tail) || /(?:up to|最高|不超过|最多)\s*$/i.test(head)) {
      lo = null;
      hi = v;
    } else {
      lo = v;
      hi = v;
    }
  }
  if ((lo !== null && !(lo >= 0)) || (hi !== null && !(hi >= 0))) return empty(negotiable);

  let currency = detectCurrency(s);
  if (currency === null) currency = opts?.defaultCurrency ?? (chineseContext ? 'CNY' : null);

  // N薪 means a monthly figure, whatever else the text says (`3-5年` is experience, not a period).
  let period: SalaryPeriod | null = monthsPerYear !== null ? 'month' : null;
  for (const [re, p] of PERIOD_PATTERNS) {
    if (period !== null) break;
    if (re.test(s)) period = p;
  }
  if (period === null) period = inferSalaryPeriod(hi ?? lo ?? 0, currency, kQuoted ? 'k' : undefined);

  return completeSalary({
    min: lo === null ? null : round2(lo),
    max: hi === null ? null : round2(hi),
    period,
    monthsPerYear,
    currency,
    negotiable,
  });
}
