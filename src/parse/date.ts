/**
 * Date parsing for listings, tenders and job posts: absolute (ISO, Chinese, English), month-day
 * without a year, relative (`3天前`, `2 days ago`, `昨天`) and time-only text, with noise around it.
 *
 * Pure functions: any input gives a value, nothing throws. Results are UTC instants (`Date`).
 * Wall-clock text is read in `opts.timeZone` (default Asia/Shanghai) with DST handled through
 * `Intl.DateTimeFormat` (see `zonedTimeToUtc`).
 *
 * Heuristics for ambiguous input (each one line, also covered by the tests):
 * - A date without a time is midnight in the zone; `parseDateParts` reports `hasTime: false`.
 * - A missing year is the one (previous, same, next) that puts the date closest to `near ?? now`.
 * - `01/02/2026`: first number > 12 → day first; else `/` is month first (US), `.` and `-` day first.
 * - A bare offset after a time (`-11:30`) counts as a zone only for ISO-like text (a `T` separator or
 *   seconds present) or after `UTC`/`GMT`; otherwise `09:30-11:30` would read as a zone.
 * - `北京时间` in the text forces Asia/Shanghai whatever `timeZone` says.
 * - `N秒/分钟/小时前` subtract exact elapsed time; `N天/周/月/年前` move the calendar date in the zone
 *   and keep the wall-clock time of `now` (so DST does not shift the hour).
 * - `昨天`, `前天`, `today` … without a time are midnight of that calendar day in the zone.
 * - A lone time (`10:00`, `下午3点`) is on today's date (of `now`) in the zone.
 * - Digit strings of 10–11 digits are unix seconds, 12–13 digits unix milliseconds; 8 digits YYYYMMDD.
 * - `24:00` is accepted and means 00:00 of the next day (common for tender deadlines).
 * - In a DST gap the wall time is pushed forward (02:30 → 03:30); in an overlap the earlier instant wins.
 */
import { parseChineseNumeral } from './money.js';
import { daysInMonth, DEFAULT_TIME_ZONE, isValidTimeZone, utcMs, wallClock, zonedTimeToUtc } from '../time/zone.js';

export interface DateParseOptions {
  /** IANA zone for wall-clock text; default 'Asia/Shanghai'. */
  timeZone?: string;
  /** Reference for relative dates (`3天前`, `昨天`, a lone time); default the current time. */
  now?: Date;
  /** Reference for inferring a missing year (e.g. the publish date); default `now`. */
  near?: Date;
}

export interface DateParts {
  date: Date;
  /** A time of day was present (or implied, as in `2小时前`). */
  hasTime: boolean;
  /** The text was relative to `now` (`3天前`, `昨天`, `yesterday`, a lone time). */
  relative: boolean;
  /** The text carried its own zone or offset (`Z`, `+08:00`, `GMT`, unix time). */
  explicitZone: boolean;
}

// Wall time in a zone ↔ UTC, and its DST policy, live in time/zone.ts; re-exported for the library API.
export { DEFAULT_TIME_ZONE, formatInZone, isValidTimeZone, zonedTimeToUtc } from '../time/zone.js';

// ---------------------------------------------------------------------------------------------
// Parsing helpers

function validYmd(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

interface TimeOfDay {
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** offset in minutes if the text carried one */
  offsetMin: number | null;
  end: number;
}

const PERIOD_AM = /^(上午|早上|早晨|清晨|凌晨|早)$/;
const PERIOD_NOON = /^(中午|午间)$/;
const PERIOD_PM = /^(下午|午后|傍晚|晚上|夜间|夜里|夜晚|晚间|晚)$/;

const TIME_PREFIX = /^[\s,，T]*(?:at\s+|@\s*)?(?:[(（]?\s*(?:星期|周|礼拜|禮拜)[一二三四五六日天七]\s*[)）]?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:(上午|早上|早晨|清晨|凌晨|中午|午间|下午|午后|傍晚|晚上|夜间|夜里|夜晚|晚间|早|晚)\s*)?/i;
const TIME_COLON = /^(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2})(?:[.,](\d{1,9}))?)?(?!\d)/;
const TIME_CN = /^(\d{1,2})\s*[时時点點](?:\s*(半)|\s*(\d{1,2})\s*分?(?:\s*(\d{1,2})\s*秒)?)?/;
const TIME_BARE_AMPM = /^(\d{1,2})(?=\s*(?:am|pm|a\.m\.|p\.m\.)(?![a-z]))/i;
const AMPM = /^\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])/i;
const ZONE_Z = /^Z(?![A-Za-z])/;
const ZONE_NAMED = /^\s*(?:UTC|GMT)(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?(?![A-Za-z\d])/i;
const ZONE_BARE = /^\s*([+-])(\d{2})(?::?(\d{2}))?(?!\d)/;

/**
 * A time of day at `pos` in `s` (after optional separators, weekday, and 上午/下午 words).
 * `isoLike` allows a bare `+08:00`. Returns null when no time is there.
 */
function timeAt(s: string, pos: number, isoLike: boolean): TimeOfDay | null {
  const rest = s.slice(pos);
  const pre = TIME_PREFIX.exec(rest);
  let i = pre ? pre[0].length : 0;
  const period = pre?.[1];
  const tail = rest.slice(i);
  let h: number;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let hadSeconds = false;
  let m: RegExpExecArray | null;
  if ((m = TIME_COLON.exec(tail))) {
    h = Number(m[1]);
    mi = Number(m[2]);
    if (m[3] !== undefined) {
      sec = Number(m[3]);
      hadSeconds = true;
    }
    if (m[4] !== undefined) ms = Math.floor(Number(`0.${m[4]}`) * 1000);
  } else if ((m = TIME_CN.exec(tail))) {
    h = Number(m[1]);
    if (m[2]) mi = 30;
    else if (m[3] !== undefined) mi = Number(m[3]);
    if (m[4] !== undefined) sec = Number(m[4]);
  } else if ((m = TIME_BARE_AMPM.exec(tail))) {
    h = Number(m[1]);
  } else {
    return null;
  }
  i += m[0].length;

  const ap = AMPM.exec(rest.slice(i));
  if (ap) {
    i += ap[0].length;
    if (h < 1 || h > 12) return null;
    const pm = ap[1]!.toLowerCase().startsWith('p');
    if (pm && h < 12) h += 12;
    if (!pm && h === 12) h = 0;
  } else if (period) {
    if (PERIOD_AM.test(period)) {
      if (h === 12) h = 0;
    } else if (PERIOD_NOON.test(period)) {
      if (h < 11) h += 12;
    } else if (PERIOD_PM.test(period)) {
      if (h < 12) h += 12;
    }
  }
  if (mi > 59 || sec > 60) return null;
  if (h > 24 || (h === 24 && (mi > 0 || sec > 0))) return null;
  if (sec === 60) sec = 59; // leap second: clamp

  // Zone or offset.
  let offsetMin: number | null = null;
  const z = rest.slice(i);
  let zm: RegExpExecArray | null;
  if ((zm = ZONE_Z.exec(z))) {
    offsetMin = 0;
    i += zm[0].length;
  } else if ((zm = ZONE_NAMED.exec(z))) {
    offsetMin = zm[1] ? (zm[1] === '-' ? -1 : 1) * (Number(zm[2]) * 60 + Number(zm[3] ?? 0)) : 0;
    i += zm[0].length;
  } else if ((isoLike || hadSeconds) && (zm = ZONE_BARE.exec(z))) {
    offsetMin = (zm[1] === '-' ? -1 : 1) * (Number(zm[2]) * 60 + Number(zm[3] ?? 0));
    i += zm[0].length;
  }
  if (offsetMin !== null && Math.abs(offsetMin) > 18 * 60) return null;
  return { h, mi, s: sec, ms, offsetMin, end: pos + i };
}

interface Ctx {
  tz: string;
  now: Date;
  near: Date;
}

function build(y: number, m: number, d: number, t: TimeOfDay | null, ctx: Ctx, relative = false): DateParts | null {
  if (!validYmd(y, m, d)) return null;
  if (t && t.offsetMin !== null) {
    const ms = utcMs(y, m, d, t.h, t.mi, t.s, t.ms) - t.offsetMin * 60_000;
    return { date: new Date(ms), hasTime: true, relative, explicitZone: true };
  }
  const date = zonedTimeToUtc(y, m, d, t?.h ?? 0, t?.mi ?? 0, t?.s ?? 0, ctx.tz, t?.ms ?? 0);
  if (Number.isNaN(date.getTime())) return null;
  return { date, hasTime: t !== null, relative, explicitZone: false };
}

/** Month-day without a year: the year that puts the instant closest to `near`. */
function buildInferYear(m: number, d: number, t: TimeOfDay | null, ctx: Ctx): DateParts | null {
  const refYear = wallClock(ctx.near.getTime(), ctx.tz).year;
  let best: DateParts | null = null;
  let bestDist = Infinity;
  for (const y of [refYear - 1, refYear, refYear + 1]) {
    const p = build(y, m, d, t, ctx);
    if (!p) continue;
    const dist = Math.abs(p.date.getTime() - ctx.near.getTime());
    if (dist < bestDist) {
      best = p;
      bestDist = dist;
    }
  }
  return best;
}

/** Calendar shift of `now`'s wall clock in the zone (days, months, years), keeping the time of day. */
function shiftCalendar(ctx: Ctx, days: number, months: number, years: number, keepTime: boolean): DateParts | null {
  const w = wallClock(ctx.now.getTime(), ctx.tz);
  let y = w.year + years;
  let mo = w.month + months;
  y += Math.floor((mo - 1) / 12);
  mo = ((((mo - 1) % 12) + 12) % 12) + 1;
  const d = Math.min(w.day, daysInMonth(y, mo));
  // Day arithmetic through UTC to roll months/years.
  const base = new Date(utcMs(y, mo, d) + days * 86_400_000);
  const t: TimeOfDay | null = keepTime ? { h: w.hour, mi: w.minute, s: w.second, ms: 0, offsetMin: null, end: 0 } : null;
  const p = build(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), t, ctx, true);
  return p;
}

const MONTHS_RE = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_INDEX: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
function monthFromName(name: string): number {
  return MONTH_INDEX[name.slice(0, 3).toLowerCase()] ?? 0;
}

const CN_NUM = '〇零一二两三四五六七八九十';
const RE_CN_DATE_NUMERAL = new RegExp(`([${CN_NUM}]+)(?=\\s*[年月日号號时時点點分秒])`, 'g');

const YEAR_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 二〇二六年三月五日 → 2026年3月5日, 下午三点 → 下午3点 (years digit by digit). */
function arabicizeDateNumerals(s: string): string {
  return s.replace(RE_CN_DATE_NUMERAL, (run: string, _g: string, offset: number) => {
    const next = s.slice(offset + run.length).trimStart()[0];
    if (next === '年' && !run.includes('十')) {
      // Years are read digit by digit: 二〇二六 → 2026.
      return [...run].map((c) => String(YEAR_DIGITS[c] ?? '')).join('');
    }
    const v = parseChineseNumeral(run);
    return v === null ? run : String(v);
  });
}

const RE_UNIX = /^\s*(\d{10,13})\s*$/;
const RE_COMPACT = /^\s*(\d{4})(\d{2})(\d{2})\s*$/;
const RE_YMD = /(?<!\d)(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)/;
const RE_CN_YMD = /(?<!\d)(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*(?:[日号號]|(?!\d))/;
const RE_EN_MDY = new RegExp(`\\b(${MONTHS_RE})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s*,?\\s+(\\d{4})(?!\\d)`, 'i');
const RE_EN_DMY = new RegExp(`(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+|-)(?:of\\s+)?(${MONTHS_RE})\\.?,?(?:\\s+|-)(\\d{4})(?!\\d)`, 'i');
const RE_EN_YMD = new RegExp(`(?<!\\d)(\\d{4})\\s+(${MONTHS_RE})\\.?\\s+(\\d{1,2})(?!\\d)`, 'i');
const RE_NUM_YEAR_LAST = /(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)/;
const RE_CN_MD = /(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]/;
const RE_NUM_MD = /(?<![\d/.:-])(\d{1,2})([-/])(\d{1,2})(?![\d/.:-])/;
const RE_EN_MD = new RegExp(`\\b(${MONTHS_RE})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?![\\d:])`, 'i');
const RE_EN_DM = new RegExp(`(?<![\\d:])(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTHS_RE})\\b`, 'i');
const RE_JUST_NOW = /刚刚|剛剛|刚才|剛才|just now|moments? ago|a moment ago|^\s*now\s*$/i;
const RE_CN_REL = new RegExp(
  `(?<![\\d.月])(\\d+(?:\\.\\d+)?|[${CN_NUM}]+|半)\\s*(?:多|余)?\\s*(个|個)?\\s*(半)?\\s*(秒钟|秒鐘|秒|分钟|分鐘|分|小时|小時|钟头|鐘頭|天|日|周|週|星期|礼拜|禮拜|月|年)\\s*(?:多|余)?\\s*(前|之前|以前|后|後|之后|之後|以后|以後)`,
);
const RE_EN_REL = /(?<![\w.])(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few)\+?\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y)\s+ago\b/i;
const RE_EN_IN = /\bin\s+(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b/i;
const RE_DAY_WORD = /(大前天|前天|昨天|昨日|今天|今日|明天|明日|大后天|大後天|后天|後天|the day before yesterday|day before yesterday|yesterday|today|tonight|tomorrow)/i;
const RE_TIME_START = /(?:上午|早上|早晨|清晨|凌晨|中午|午间|下午|午后|傍晚|晚上|夜间|夜里|夜晚|晚间)?\s*(?<![\d.:])\d{1,2}\s*(?::\s*\d{2}|[时時点點]|(?=\s*(?:am|pm|a\.m\.|p\.m\.)(?![a-z])))/gi;

const EN_WORD_NUM: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, few: 3,
};

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

function cnUnit(u: string): Unit {
  if (u.startsWith('秒')) return 'second';
  if (u.startsWith('分')) return 'minute';
  if (/小时|小時|钟头|鐘頭/.test(u)) return 'hour';
  if (u === '天' || u === '日') return 'day';
  if (/周|週|星期|礼拜|禮拜/.test(u)) return 'week';
  if (u === '月') return 'month';
  return 'year';
}

function enUnit(u: string): Unit {
  const x = u.toLowerCase();
  if (x.startsWith('mo')) return 'month';
  if (x.startsWith('s')) return 'second';
  if (x.startsWith('m')) return 'minute';
  if (x.startsWith('h')) return 'hour';
  if (x.startsWith('d')) return 'day';
  if (x.startsWith('w')) return 'week';
  return 'year';
}

function relative(ctx: Ctx, n: number, unit: Unit, sign: -1 | 1): DateParts | null {
  if (!Number.isFinite(n) || n < 0 || n > 100_000) return null;
  const MS: Record<Unit, number> = { second: 1e3, minute: 6e4, hour: 3.6e6, day: 8.64e7, week: 6.048e8, month: 0, year: 0 };
  if (unit === 'second' || unit === 'minute' || unit === 'hour') {
    return { date: new Date(ctx.now.getTime() + sign * n * MS[unit]), hasTime: true, relative: true, explicitZone: false };
  }
  if (!Number.isInteger(n)) {
    const approx = unit === 'month' ? 30 * MS.day : unit === 'year' ? 365 * MS.day : MS[unit];
    return { date: new Date(ctx.now.getTime() + sign * n * approx), hasTime: true, relative: true, explicitZone: false };
  }
  const p =
    unit === 'day'
      ? shiftCalendar(ctx, sign * n, 0, 0, true)
      : unit === 'week'
        ? shiftCalendar(ctx, sign * n * 7, 0, 0, true)
        : unit === 'month'
          ? shiftCalendar(ctx, 0, sign * n, 0, true)
          : shiftCalendar(ctx, 0, 0, sign * n, true);
  return p ? { ...p, hasTime: false } : null;
}

function dayWordOffset(w: string): number {
  const x = w.toLowerCase();
  if (x.includes('大前天')) return -3;
  if (x.includes('day before yesterday') || x === '前天') return -2;
  if (x === '昨天' || x === '昨日' || x === 'yesterday') return -1;
  if (x === '今天' || x === '今日' || x === 'today' || x === 'tonight') return 0;
  if (x === '明天' || x === '明日' || x === 'tomorrow') return 1;
  if (x.startsWith('大后') || x.startsWith('大後')) return 3;
  return 2; // 后天
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Like `parseDate`, also telling whether a time was present and whether the text was relative. */
export function parseDateParts(text: string | null | undefined, opts?: DateParseOptions): DateParts | null {
  try {
    const r = parseDatePartsUnsafe(text, opts);
    return r && !Number.isNaN(r.date.getTime()) ? r : null;
  } catch {
    return null;
  }
}

/** Parse a date or date-time in free text to a UTC instant; null when nothing (valid) is found. */
export function parseDate(text: string | null | undefined, opts?: DateParseOptions): Date | null {
  return parseDateParts(text, opts)?.date ?? null;
}

function validDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

function parseDatePartsUnsafe(text: string | null | undefined, opts?: DateParseOptions): DateParts | null {
  if (typeof text !== 'string') return null;
  let tz = opts?.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(tz)) return null;
  const now = validDate(opts?.now) ? opts.now : new Date();
  const near = validDate(opts?.near) ? opts.near : now;
  let s = text.normalize('NFKC').replace(/[\u00a0\u3000]/g, ' ').trim();
  if (s === '' || s.length > 2000) return null;
  if (/北京时间|北京時間|beijing time|china standard time/i.test(s)) tz = 'Asia/Shanghai';
  const ctx: Ctx = { tz, now, near };
  s = arabicizeDateNumerals(s);

  let m: RegExpExecArray | null;

  // Unix time and compact YYYYMMDD (the whole string only).
  if ((m = RE_UNIX.exec(s))) {
    const digits = m[1]!;
    const n = Number(digits);
    const ms = digits.length <= 11 ? n * 1000 : n;
    return { date: new Date(ms), hasTime: true, relative: false, explicitZone: true };
  }
  if ((m = RE_COMPACT.exec(s))) return build(Number(m[1]), Number(m[2]), Number(m[3]), null, ctx);

  // Absolute dates with a year: the first one in the text.
  type Hit = { index: number; run: () => DateParts | null };
  const hits: Hit[] = [];
  if ((m = RE_YMD.exec(s))) {
    const mm = m;
    hits.push({
      index: mm.index,
      run: () => {
        const end = mm.index + mm[0].length;
        const isoLike = s[end] === 'T' && mm[2] === '-';
        return build(Number(mm[1]), Number(mm[3]), Number(mm[4]), timeAt(s, end, isoLike), ctx);
      },
    });
  }
  if ((m = RE_CN_YMD.exec(s))) {
    const mm = m;
    hits.push({
      index: mm.index,
      run: () => {
        let y = Number(mm[1]);
        if (mm[1]!.length === 2) y += 2000;
        return build(y, Number(mm[2]), Number(mm[3]), timeAt(s, mm.index + mm[0].length, false), ctx);
      },
    });
  }
  if ((m = RE_EN_MDY.exec(s))) {
    const mm = m;
    hits.push({
      index: mm.index,
      run: () => build(Number(mm[3]), monthFromName(mm[1]!), Number(mm[2]), timeAt(s, mm.index + mm[0].length, false), ctx),
    });
  }
  if ((m = RE_EN_DMY.exec(s))) {
    const mm = m;
    hits.push({
      index: mm.index,
      run: () => build(Number(mm[3]), monthFromName(mm[2]!), Number(mm[1]), timeAt(s, mm.index + mm[0].length, false), ctx),
    });
  }
  if ((m = RE_EN_YMD.exec(s))) {
    const mm = m;
    hits.push({
      index: mm.index,
      run: () => build(Number(mm[1]), monthFromName(mm[2]!), Number(mm[3]), timeAt(s, mm.index + mm[0].length, false), ctx),
    });
  }
  if ((m = RE_NUM_YEAR_LAST.exec(s))) {
    const mm = m;
    hits.push({
      index: mm.index,
      run: () => {
        const a = Number(mm[1]);
        const b = Number(mm[3]);
        const sep = mm[2];
        const dayFirst = a > 12 ? true : b > 12 ? false : sep !== '/';
        const [mo, d] = dayFirst ? [b, a] : [a, b];
        return build(Number(mm[4]), mo, d, timeAt(s, mm.index + mm[0].length, false), ctx);
      },
    });
  }
  if (hits.length > 0) {
    hits.sort((x, y) => x.index - y.index);
    // A well-formed but impossible date (2026-02-30) is null, not a guess from another pattern.
    return hits[0]!.run();
  }

  // Month and day without a year.
  const mdHits: Hit[] = [];
  if ((m = RE_CN_MD.exec(s))) {
    const mm = m;
    mdHits.push({ index: mm.index, run: () => buildInferYear(Number(mm[1]), Number(mm[2]), timeAt(s, mm.index + mm[0].length, false), ctx) });
  }
  if ((m = RE_NUM_MD.exec(s))) {
    const mm = m;
    mdHits.push({ index: mm.index, run: () => buildInferYear(Number(mm[1]), Number(mm[3]), timeAt(s, mm.index + mm[0].length, false), ctx) });
  }
  if ((m = RE_EN_MD.exec(s))) {
    const mm = m;
    mdHits.push({ index: mm.index, run: () => buildInferYear(monthFromName(mm[1]!), Number(mm[2]), timeAt(s, mm.index + mm[0].length, false), ctx) });
  }
  if ((m = RE_EN_DM.exec(s))) {
    const mm = m;
    mdHits.push({ index: mm.index, run: () => buildInferYear(monthFromName(mm[2]!), Number(mm[1]), timeAt(s, mm.index + mm[0].length, false), ctx) });
  }
  if (mdHits.length > 0) {
    mdHits.sort((x, y) => x.index - y.index);
    return mdHits[0]!.run();
  }

  // Relative.
  if (RE_JUST_NOW.test(s)) return { date: new Date(now.getTime()), hasTime: true, relative: true, explicitZone: false };
  if ((m = RE_CN_REL.exec(s))) {
    const raw = m[1]!;
    let n = raw === '半' ? 0.5 : /\d/.test(raw) ? Number(raw) : parseChineseNumeral(raw);
    if (n === null) return null;
    if (m[3]) n += 0.5; // 一个半小时
    const unit = cnUnit(m[4]!);
    return relative(ctx, n, unit, /前/.test(m[5]!) ? -1 : 1);
  }
  if ((m = RE_EN_REL.exec(s))) {
    const raw = m[1]!.toLowerCase();
    const n = EN_WORD_NUM[raw] ?? Number(raw);
    return relative(ctx, n, enUnit(m[2]!), -1);
  }
  if ((m = RE_EN_IN.exec(s))) {
    const raw = m[1]!.toLowerCase();
    const n = EN_WORD_NUM[raw] ?? Number(raw);
    return relative(ctx, n, enUnit(m[2]!), 1);
  }
  if ((m = RE_DAY_WORD.exec(s))) {
    const off = dayWordOffset(m[1]!);
    const t = timeAt(s, m.index + m[0].length, false);
    const day = shiftCalendar(ctx, off, 0, 0, false);
    if (!day) return null;
    const w = wallClock(day.date.getTime(), tz);
    const p = build(w.year, w.month, w.day, t, ctx, true);
    return p;
  }

  // A lone time of day: today in the zone.
  RE_TIME_START.lastIndex = 0;
  while ((m = RE_TIME_START.exec(s))) {
    const t = timeAt(s, m.index, false);
    if (t) {
      const w = wallClock(now.getTime(), tz);
      return build(w.year, w.month, w.day, t, ctx, true);
    }
    if (m[0].length === 0) RE_TIME_START.lastIndex++;
  }
  return null;
}
