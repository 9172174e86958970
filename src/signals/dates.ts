/**
 * Calendar helpers for exported logs. Exports carry wall-clock dates and times with no zone
 * (a DingTalk sheet says "2026-11-18 08:57", meaning Shanghai time), so we keep them naive:
 * a day is an integer day number, a time is minutes after midnight, and no Date object with a
 * zone ever touches a row. That also keeps the per-row path free of allocations.
 */
import { daysInMonth } from '../time/zone.js';

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function dayToIso(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Monday ... 6 = Sunday. Day 0 (1970-01-01) was a Thursday. */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The Monday of the ISO week that contains `day`. */
export function weekStart(day: number): number {
  return day - weekday(day);
}

/** ISO 8601 week label, e.g. "2026-W47". The ISO year is the year of that week's Thursday. */
export function isoWeek(day: number): string {
  const thursday = weekStart(day) + 3;
  const t = new Date(thursday * 86_400_000);
  const year = t.getUTCFullYear();
  const jan1 = dayNumber(year, 1, 1);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${week < 10 ? '0' : ''}${week}`;
}

/** Monday (day number) of an ISO week label; inverse of isoWeek. */
export function weekLabelToDay(label: string): number {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) throw new Error(`not an ISO week: ${label}`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  // Jan 4th is always in week 1.
  const jan4 = dayNumber(year, 1, 4);
  return weekStart(jan4) + (week - 1) * 7;
}

/** The week label `n` weeks after (negative: before) `label`. */
export function shiftWeek(label: string, n: number): string {
  return isoWeek(weekLabelToDay(label) + n * 7);
}

/** Today's date in a time zone, as a day number: "now" for a job is a wall-clock question (time/zone.ts). */
export { dayInZone } from '../time/zone.js';

/** The last complete ISO week before `today`: a job on Monday scores the week that just ended. */
export function lastCompleteWeek(today: number): string {
  return isoWeek(weekStart(today) - 7);
}

/**
 * The week to score by default: the last complete week before `today`, unless the exports end
 * earlier; then the last week they cover completely (up to its Friday: weekends rarely have rows).
 * Scoring a week the exports do not reach would show everyone with no data.
 */
export function weekToScore(today: number, lastDataDay: number | null): string {
  const calendar = lastCompleteWeek(today);
  if (lastDataDay === null) return calendar;
  const inData = weekday(lastDataDay) >= 4 ? isoWeek(lastDataDay) : isoWeek(weekStart(lastDataDay) - 7);
  return inData < calendar ? inData : calendar;
}

const EXCEL_EPOCH = dayNumber(1899, 12, 30);

/**
 * Parses the date part of a cell: "2026-11-18", "2026/11/18", "2026.11.18", "2026年11月18日",
 * "20261118", each optionally followed by a time or a weekday ("2026-11-18 星期三"), an Excel
 * serial number (46344, 46344.375) or a Date (exceljs, read as UTC wall-clock). Null when none.
 */
export function parseDay(v: unknown): number | null {
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? null : Math.floor(t / 86_400_000);
  }
  if (typeof v === 'number') {
    // Excel serials for 1990..2100; anything else is not a date we trust.
    return v > 32_000 && v < 73_000 ? EXCEL_EPOCH + Math.floor(v) : null;
  }
  if (typeof v !== 'string') return null;
  const s = v.trim();
  // Fast path for the common "YYYY-MM-DD..." shape: no regex on the hot path.
  if (s.length >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = num4(s, 0);
    const m = num2(s, 5);
    const d = num2(s, 8);
    if (y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return dayNumber(y, m, d);
  }
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})(?!\d)/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    const day = dayNumber(y, mo, d);
    // Date.UTC rolls 2026-02-31 over to March; a date that does not round-trip is not a date.
    const back = new Date(day * 86_400_000);
    return back.getUTCMonth() + 1 === mo && back.getUTCDate() === d ? day : null;
  }
  if (/^\d{5}(\.\d+)?$/.test(s)) return parseDay(Number(s));
  return null;
}

/**
 * Parses a clock time to minutes after midnight: "08:57", "8:57:03", "2026-11-18 08:57",
 * an Excel day fraction (0.373) or a Date. Empty, "--", "未打卡" and the like are null.
 */
export function parseMinutes(v: unknown): number | null {
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? null : v.getUTCHours() * 60 + v.getUTCMinutes();
  }
  if (typeof v === 'number') {
    const frac = v - Math.floor(v);
    if (v < 0 || (v >= 1 && v < 32_000)) return null;
    return Math.round(frac * 1440) % 1440;
  }
  if (typeof v !== 'string') return null;
  // Fast path for the common "HH:MM" cell: no regex on the hot path.
  if (v.length === 5 && v.charCodeAt(2) === 58) {
    const h = num2(v, 0);
    const mi = num2(v, 3);
    if (h >= 0 && h <= 23 && mi >= 0 && mi <= 59) return h * 60 + mi;
  }
  const s = v.trim();
  if (s === '') return null;
  const m = /(?:^|\s|T)(\d{1,2}):(\d{2})(?::\d{2})?\s*$/.exec(s) ?? /^(\d{1,2}):(\d{2})/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 23 || mi > 59) return null;
  return h * 60 + mi;
}

function num4(s: string, i: number): number {
  let n = 0;
  for (let k = i; k < i + 4; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function num2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}
