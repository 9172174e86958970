import type { Locale } from '../alerts/route.js';
import { wallClock } from '../time/zone.js';

const SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: 'HK$', TWD: 'NT$', KRW: '₩', INR: '₹' };

export function formatMoney(amount: number | null | undefined, currency: string | null | undefined, locale: Locale): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return locale === 'zh-CN' ? '面议' : 'n/a';
  const sym = currency ? (SYMBOLS[currency] ?? `${currency} `) : '';
  const digits = Number.isInteger(amount) ? 0 : 2;
  return `${sym}${amount.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: 2 })}`;
}

/** "¥", "$", or the code and a space for currencies without a well-known sign. */
export function currencySymbol(currency: string | null | undefined): string {
  return currency ? (SYMBOLS[currency] ?? `${currency} `) : '';
}

export function formatPct(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '';
  const s = Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1);
  return `${p > 0 ? '+' : p < 0 ? '-' : ''}${s.replace('-', '')}%`;
}

/**
 * Dates as people read them, never a form that reads two ways (04/12/2026): `4 Dec 2026` in
 * English, `12月4日` in Chinese (with the year when it is not the year of `now`). With `time`,
 * the clock follows: `4 Dec 2026, 09:30`, `12月4日 09:30`.
 */
export function formatDate(d: Date, timeZone: string, locale: Locale, opts: { time?: boolean; now?: Date; year?: boolean } = {}): string {
  const w = wallClock(d, timeZone);
  const hm = opts.time ? `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}` : '';
  // `year: false` for compact runs of dates (a price history line), where the year is plain.
  const year = opts.year ?? !(opts.now && wallClock(opts.now, timeZone).year === w.year && locale === 'zh-CN');
  if (locale === 'zh-CN') return `${year ? `${w.year}年` : ''}${w.month}月${w.day}日${hm ? ` ${hm}` : ''}`;
  return `${w.day} ${MONTHS[w.month - 1]}${year ? ` ${w.year}` : ''}${hm ? `, ${hm}` : ''}`;
}

/**
 * A calendar day already in the reader's zone (YYYY-MM-DD, e.g. the owners' day a table or a
 * spike is about) as formatDate shows dates; anything else is shown as it is.
 */
export function formatDay(day: string, timeZone: string, locale: Locale, now?: Date): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const year = Number(m[1]);
  // Noon UTC of that day, read in UTC: no zone moves it to the day before or after. The year
  // shows as formatDate shows it: unless it is this year in the reader's zone (Chinese).
  const thisYear = now !== undefined && wallClock(now, timeZone).year === year;
  return formatDate(new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), 12)), 'UTC', locale, { year: !(thisYear && locale === 'zh-CN') });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** When a digest was made: date and time, the year always shown. */
export function formatDateTime(d: Date, timeZone: string, locale: Locale): string {
  return formatDate(d, timeZone, locale, { time: true });
}
