/**
 * Wall time in a zone ↔ UTC, in one place and with one DST policy, for everything that reads or
 * shows a local time (date parsing, cron, digests, charts, the signals' "today"):
 *
 * - a wall time the clocks skip (the spring-forward gap) is moved forward by the length of the
 *   gap: 02:30 on the night Berlin jumps from 02:00 to 03:00 is 03:30 CEST (Temporal's
 *   'compatible', java.time and Python's zoneinfo read it the same way);
 * - a wall time that happens twice (the autumn overlap) is the earlier of the two.
 *
 * Asia/Shanghai, the default, has had no DST since 1991, so there neither case arises. Cron
 * schedules ask a different question (which instants match a pattern); time/cron.ts says how a
 * schedule behaves on those nights.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Calendar date and clock time as a person in the zone reads them (month 1-12, hour 0-23). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// One formatter per zone, kept: each Intl.DateTimeFormat with a time zone holds ~25 KB of ICU
// memory that malloc keeps after GC (one per target cost the daemon ~26 MB at 500 targets).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** An IANA zone name this runtime knows (`Asia/Shanghai`, `UTC` ...). */
export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at an instant. Throws a RangeError for an unknown zone. */
export function wallClock(at: Date | number, timeZone: string): WallTime {
  const w: WallTime = { year: NaN, month: NaN, day: NaN, hour: NaN, minute: NaN, second: NaN };
  for (const part of formatter(timeZone).formatToParts(typeof at === 'number' ? at : at.getTime())) {
    switch (part.type) {
      case 'year':
        w.year = Number(part.value);
        break;
      case 'month':
        w.month = Number(part.value);
        break;
      case 'day':
        w.day = Number(part.value);
        break;
      case 'hour':
        w.hour = Number(part.value) % 24;
        break;
      case 'minute':
        w.minute = Number(part.value);
        break;
      case 'second':
        w.second = Number(part.value);
        break;
    }
  }
  return w;
}

/** Days in month `m` (1-12) of year `y`, Gregorian; 0 for a month that does not exist. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : m >= 1 && m <= 12 ? 31 : 0;
}

/** Milliseconds of a proleptic Gregorian date-time read as UTC; fields may overflow (h = 24 is the next day). Years 0-99 stay years 0-99. */
export function utcMs(y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, 0, 0, 0, 0));
  date.setUTCFullYear(y, m - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

/** The wall clock in `timeZone` at an instant, written as if it were UTC: for axes and day arithmetic that must show local dates. */
export function wallAsUtcMs(at: Date | number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second);
}

/** The local calendar day in `timeZone` at an instant, as days since 1970-01-01: "today" for a job is a wall-clock question. */
export function dayInZone(at: Date | number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Math.floor(Date.UTC(w.year, w.month - 1, w.day) / 86_400_000);
}

/** Offset of `timeZone` from UTC at the instant `ms`, in milliseconds (local = utc + offset). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtcMs(whole, timeZone) - whole;
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows y-m-d h:mi:s (fields may
 * overflow), by the policy above: in a gap, forward by the gap; in an overlap, the earlier.
 */
export function zonedTimeToUtc(y: number, m: number, d: number, h: number, mi: number, s: number, timeZone: string, ms = 0): Date {
  const local = utcMs(y, m, d, h, mi, s, ms);
  const DAY = 86_400_000;
  // The offsets a day either side: equal unless a transition is near (none is ever closer than that).
  const before = offsetAt(local - DAY, timeZone);
  const after = offsetAt(local + DAY, timeZone);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const t = local - off;
    if (offsetAt(t, timeZone) === off) candidates.push(t);
  }
  // None: the wall time is inside a gap; read with the offset in force before it, it lands the gap's length later.
  if (candidates.length === 0) return new Date(local - before);
  return new Date(Math.min(...candidates));
}

/** The UTC instant of a wall time in `timeZone` (see zonedTimeToUtc). */
export function wallToUtc(w: WallTime, timeZone: string): Date {
  return zonedTimeToUtc(w.year, w.month, w.day, w.hour, w.minute, w.second, timeZone);
}

/** `2026-03-05 09:30` in `timeZone`; '' for an invalid date or zone. */
export function formatInZone(d: Date, timeZone: string): string {
  try {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) return '';
    const w = wallClock(d, timeZone);
    const p = (n: number, l = 2): string => String(n).padStart(l, '0');
    return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
  } catch {
    return '';
  }
}
