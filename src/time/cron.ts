/**
 * Cron expressions in a time zone: parse once, then ask for the next matching instant after any
 * moment. The scheduler, catch-up after downtime and `radar status` all need "next run after T"
 * for an arbitrary T; croner answers it, in any IANA zone. The syntax check stays ours, so
 * `radar validate` explains a bad expression in one line and accepts exactly the syntax below.
 *
 * Syntax: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first;
 * `*`, lists, ranges, steps (`*\/15`, `1-5/2`, `5/15`), month and weekday names, `?`, 7 = Sunday, and
 * @yearly @monthly @weekly @daily @hourly. As in POSIX cron, when both day fields are restricted
 * a day matches if either does ("0 8 1 * 1" = the 1st of each month and every Monday).
 *
 * Daylight saving (Europe, America; Asia/Shanghai has none), as Vixie cron does it: a schedule
 * whose second, minute and hour fields have no wildcard or step is a fixed time; on the night the
 * clocks skip its time it runs at the moment they jump (02:30 → 03:00 in Berlin), so a daily job
 * never loses a day, and when its time happens twice it runs once, at the first. Other schedules
 * ("*\/15 * * * *", "0 * * * *") run at every real instant that matches: none inside the gap, both
 * occurrences in the overlap, so an hourly job does not lose the repeated hour.
 */
import { Cron as Croner } from 'croner';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from './zone.js';

export interface Cron {
  expr: string;
  timeZone: string;
  seconds: number[];
  minutes: number[];
  hours: number[];
  /** Days of month, 1-31. */
  days: Set<number>;
  /** Months, 1-12. */
  months: Set<number>;
  /** Weekdays, 0-6, Sunday = 0. */
  weekdays: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
  /** The expression as croner reads it: six fields, nicknames expanded. */
  pattern: string;
}

export class CronError extends Error {
  constructor(expr: string, detail: string) {
    super(`invalid cron "${expr}": ${detail}`);
    this.name = 'CronError';
  }
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value the names start at (months are 1-based). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

export function parseCron(expr: string, timeZone = DEFAULT_TIME_ZONE): Cron {
  const trimmed = expr.trim();
  const expanded = NICKNAMES[trimmed.toLowerCase()] ?? trimmed;
  const parts = expanded.split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6) throw new CronError(expr, `expected 5 fields (minute hour day month weekday) or 6 with seconds, got ${parts.length}`);
  if (parts.length === 5) parts.unshift('0');
  checkTimeZone(expr, timeZone);
  const values = parts.map((p, i) => parseField(expr, p, FIELDS[i]!));
  const weekdays = new Set(values[5]!.map((d) => (d === 7 ? 0 : d)));
  const cron: Cron = {
    expr: trimmed,
    timeZone,
    seconds: values[0]!,
    minutes: values[1]!,
    hours: values[2]!,
    days: new Set(values[3]!),
    months: new Set(values[4]!),
    weekdays,
    domRestricted: !isWildcard(parts[3]!),
    dowRestricted: !isWildcard(parts[5]!),
    pattern: parts.join(' '),
  };
  try {
    // Compiled once here, so an expression croner would refuse fails now, with the others' message.
    scheduleOf(cron);
  } catch (e) {
    throw new CronError(expr, e instanceof Error ? e.message : String(e));
  }
  return cron;
}

/** Null when valid; otherwise a one-line reason (for `radar validate` and config reloads). */
export function cronProblem(expr: string, timeZone?: string): string | null {
  try {
    parseCron(expr, timeZone);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

function checkTimeZone(expr: string, timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new CronError(expr, `unknown time zone "${timeZone}" (use an IANA name like Asia/Shanghai)`);
}

function parseField(expr: string, field: string, spec: FieldSpec): number[] {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    if (!item) throw new CronError(expr, `empty list item in ${spec.name}`);
    const [rangePart, stepPart, extra] = item.split('/');
    if (extra !== undefined) throw new CronError(expr, `"${item}" in ${spec.name}: one step only`);
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart) || Number(stepPart) === 0) throw new CronError(expr, `"${item}" in ${spec.name}: step must be a positive number`);
      step = Number(stepPart);
    }
    let lo: number;
    let hi: number;
    if (rangePart === '*' || rangePart === '?') {
      lo = spec.min;
      hi = spec.name === 'day of week' ? 6 : spec.max;
    } else {
      const bounds = rangePart!.split('-');
      if (bounds.length > 2) throw new CronError(expr, `"${item}" in ${spec.name}: expected a value or a range a-b`);
      lo = value(expr, bounds[0]!, spec);
      hi = bounds.length === 2 ? value(expr, bounds[1]!, spec) : stepPart !== undefined ? spec.max : lo;
      if (hi < lo) throw new CronError(expr, `"${item}" in ${spec.name}: range runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function value(expr: string, token: string, spec: FieldSpec): number {
  const lower = token.toLowerCase();
  const named = spec.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(token)) throw new CronError(expr, `"${token}" is not a valid ${spec.name}`);
  const n = Number(token);
  if (n < spec.min || n > spec.max) throw new CronError(expr, `${spec.name} ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/** The first instant strictly after `after` that matches, or null if there is none. */
export function nextRun(c: Cron, after: Date | number): Date | null {
  return scheduleOf(c).nextRun(new Date(typeof after === 'number' ? after : after.getTime()));
}

/**
 * croner keeps a 10,000-entry year table per pattern (~80 KB): one per target made the daemon at
 * rest 54 MB larger at 500 targets (bench daemon row). So a pattern is compiled when a next run is
 * asked for, and only the last few are kept (a daemon's targets mostly share a handful of crons).
 */
const schedules = new Map<string, Croner>();
const KEPT_SCHEDULES = 16;

function scheduleOf(c: Cron): Croner {
  const key = `${c.timeZone} ${c.pattern}`;
  let s = schedules.get(key);
  if (s) schedules.delete(key);
  else s = new Croner(c.pattern, { timezone: c.timeZone, paused: true, mode: '6-part', sloppyRanges: true, fixedTimeRule: 'no-wildcard' });
  schedules.set(key, s);
  if (schedules.size > KEPT_SCHEDULES) schedules.delete(schedules.keys().next().value!);
  return s;
}

/** The next `count` run times after `after`. */
export function nextRuns(c: Cron, after: Date | number, count: number): Date[] {
  const out: Date[] = [];
  let t: Date | number = after;
  while (out.length < count) {
    const n = nextRun(c, t);
    if (!n) break;
    out.push(n);
    t = n;
  }
  return out;
}
