/**
 * Cron expressions in a time zone: parse once, then ask for the next matching instant after any
 * moment. The scheduler, catch-up after downtime and `radar status` all need "next run after T"
 * for an arbitrary T (node-cron only answers it for "now"), so this is our own small walker.
 *
 * Syntax: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first;
 * `*`, lists, ranges, steps (`*\/15`, `1-5/2`), month and weekday names, `?`, 7 = Sunday, and
 * @yearly @monthly @weekly @daily @hourly. As in POSIX cron, when both day fields are restricted
 * a day matches if either does ("0 8 1 * 1" = the 1st of each month and every Monday).
 */

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

export function parseCron(expr: string, timeZone = 'Asia/Shanghai'): Cron {
  const trimmed = expr.trim();
  const expanded = NICKNAMES[trimmed.toLowerCase()] ?? trimmed;
  const parts = expanded.split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6) throw new CronError(expr, `expected 5 fields (minute hour day month weekday) or 6 with seconds, got ${parts.length}`);
  if (parts.length === 5) parts.unshift('0');
  checkTimeZone(expr, timeZone);
  const values = parts.map((p, i) => parseField(expr, p, FIELDS[i]!));
  const weekdays = new Set(values[5]!.map((d) => (d === 7 ? 0 : d)));
  return {
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
  };
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
  try {
    // The cached formatter, not a new one: each Intl.DateTimeFormat with a time zone holds ~25 KB
    // of ICU memory that malloc keeps after GC, so one per target (500 targets) cost the daemon ~26 MB.
    formatter(timeZone);
  } catch {
    throw new CronError(expr, `unknown time zone "${timeZone}" (use an IANA name like Asia/Shanghai)`);
  }
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

// ---- time zone arithmetic -------------------------------------------------------------------

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

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

export function localParts(ms: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

function asUtc(p: LocalParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/**
 * The instant a wall-clock time happens in a zone, or null if it never does (skipped by a DST
 * jump). An ambiguous time (clocks going back) resolves to its first occurrence.
 */
function localToInstant(p: LocalParts, timeZone: string): number | null {
  const wall = asUtc(p);
  // Offsets are at most ±14h: try the offsets in effect around that wall time.
  const candidates = new Set<number>();
  for (const probe of [wall - 14 * 3600_000, wall, wall + 14 * 3600_000]) {
    const offset = asUtc(localParts(probe, timeZone)) - Math.floor(probe / 1000) * 1000;
    candidates.add(wall - offset);
  }
  const hits = [...candidates].filter((t) => asUtc(localParts(t, timeZone)) === wall).sort((a, b) => a - b);
  return hits[0] ?? null;
}

function dayMatches(c: Cron, year: number, month: number, day: number): boolean {
  if (!c.months.has(month)) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  const dom = c.days.has(day);
  const dow = c.weekdays.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  if (c.domRestricted && c.dowRestricted) return dom || dow;
  if (c.domRestricted) return dom;
  if (c.dowRestricted) return dow;
  return true;
}

/** Search horizon: "0 0 29 2 1" can be years away; anything beyond this never fires. */
const MAX_DAYS = 366 * 8;

/** The first instant strictly after `after` that matches, or null if none within eight years. */
export function nextRun(c: Cron, after: Date | number): Date | null {
  const afterMs = typeof after === 'number' ? after : after.getTime();
  const start = localParts(afterMs, c.timeZone);
  let { year, month, day } = start;
  for (let i = 0; i < MAX_DAYS; i++) {
    if (dayMatches(c, year, month, day)) {
      for (const hour of c.hours) {
        if (i === 0 && hour < start.hour) continue;
        for (const minute of c.minutes) {
          if (i === 0 && hour === start.hour && minute < start.minute) continue;
          for (const second of c.seconds) {
            const t = localToInstant({ year, month, day, hour, minute, second }, c.timeZone);
            if (t !== null && t > afterMs) return new Date(t);
          }
        }
      }
    }
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    year = next.getUTCFullYear();
    month = next.getUTCMonth() + 1;
    day = next.getUTCDate();
  }
  return null;
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
