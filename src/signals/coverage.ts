/**
 * Which people and days an export covers. A per-person-day export (attendance, CRM activity,
 * chat statistics) that lists 3 people of 57 for a week says nothing about the other 54: they
 * are *no data* for those days, never zero. Every analyser reading exports asks this, not
 * "did the file have that week", and every import says how much of the team it covers.
 *
 * Day masks: bit d is weekday d of an ISO week (0 = Monday ... 6 = Sunday).
 */
import { dayToIso, isoWeek, weekLabelToDay, weekStart, weekToScore } from './dates.js';

export type DayMask = number;

export function dayBit(day: number): DayMask {
  return 1 << (day - weekStart(day));
}

export function daysIn(mask: DayMask): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/** People × ISO weeks × days, for importers that keep no accumulators of their own (health). */
export class Coverage {
  private readonly byPerson = new Map<string, Map<string, DayMask>>();
  private readonly weekCache = new Map<number, string>();

  add(pid: string, day: number): void {
    const monday = weekStart(day);
    let week = this.weekCache.get(monday);
    if (week === undefined) {
      week = isoWeek(monday);
      this.weekCache.set(monday, week);
    }
    let weeks = this.byPerson.get(pid);
    if (!weeks) this.byPerson.set(pid, (weeks = new Map()));
    weeks.set(week, (weeks.get(week) ?? 0) | dayBit(day));
  }

  covers(pid: string, week: string): boolean {
    return (this.byPerson.get(pid)?.get(week) ?? 0) !== 0;
  }

  mask(pid: string, week: string): DayMask {
    return this.byPerson.get(pid)?.get(week) ?? 0;
  }

  *entries(): Iterable<[string, string, DayMask]> {
    for (const [pid, weeks] of this.byPerson) for (const [week, mask] of weeks) yield [pid, week, mask];
  }
}

export interface CoverageSummary {
  /** People with at least one row. */
  people: number;
  /** The team the export is measured against (active people in the roster or org export), if known. */
  team: number | null;
  /** Of the team, how many the export lists. */
  teamCovered: number | null;
  firstDay: string | null;
  lastDay: string | null;
  /** Distinct days with any row. */
  days: number;
  /** Weeks in which the export lists fewer than half of the people of its fullest week: a partial export. */
  thinWeeks: { week: string; people: number }[];
  /** People in the export's fullest week. */
  fullestWeek: number;
}

/** Sums up (person, week, day mask) entries against the team. */
export function summarizeCoverage(entries: Iterable<readonly [string, string, DayMask]>, team: ReadonlySet<string> | null): CoverageSummary {
  const people = new Set<string>();
  const perWeek = new Map<string, { mask: DayMask; people: number }>();
  for (const [pid, week, mask] of entries) {
    if (mask === 0) continue;
    people.add(pid);
    const w = perWeek.get(week) ?? { mask: 0, people: 0 };
    w.mask |= mask;
    w.people++;
    perWeek.set(week, w);
  }
  let first = Infinity;
  let last = -Infinity;
  let days = 0;
  let fullest = 0;
  for (const [week, w] of perWeek) {
    const monday = weekLabelToDay(week);
    for (let d = 0; d < 7; d++) {
      if ((w.mask & (1 << d)) === 0) continue;
      days++;
      first = Math.min(first, monday + d);
      last = Math.max(last, monday + d);
    }
    fullest = Math.max(fullest, w.people);
  }
  const thinWeeks = [...perWeek]
    .filter(([, w]) => w.people < fullest / 2)
    .map(([week, w]) => ({ week, people: w.people }))
    .sort((a, b) => a.week.localeCompare(b.week));
  return {
    people: people.size,
    team: team ? team.size : null,
    teamCovered: team ? [...people].filter((p) => team.has(p)).length : null,
    firstDay: Number.isFinite(first) ? dayToIso(first) : null,
    lastDay: Number.isFinite(last) ? dayToIso(last) : null,
    days,
    thinWeeks,
    fullestWeek: fullest,
  };
}

/** "covers 3 of 57 people (5%) on 7 days, 2026-11-16..2026-11-22; the other 54 have no data there (not zero)". */
export function describeCoverage(s: CoverageSummary, teamName = 'the roster'): string {
  const span = s.firstDay ? ` on ${s.days} day${s.days === 1 ? '' : 's'}, ${s.firstDay}..${s.lastDay}` : '';
  if (s.team === null || s.teamCovered === null || s.team === 0) return `covers ${s.people} people${span}`;
  const missing = s.team - s.teamCovered;
  const pct = Math.round((100 * s.teamCovered) / s.team);
  const thin = s.thinWeeks.length ? `; only ${s.thinWeeks.slice(0, 3).map((t) => `${t.people} in ${t.week}`).join(', ')}${s.thinWeeks.length > 3 ? ' ...' : ''} (of ${s.fullestWeek} in its fullest week)` : '';
  return `covers ${s.teamCovered} of ${s.team} people in ${teamName} (${pct}%)${span}` + (missing > 0 ? `; the other ${missing} have no data there (not zero)` : '') + thin;
}

/**
 * When the week to score lies outside the exports (or, asked for, only partly in them): which days
 * they cover and the latest complete week in them. Null when the week is fine.
 */
export function weekNote(week: string, asked: boolean, span: { first: number; last: number } | null, importHint: string): string | null {
  if (!span) return `no exports read yet (${importHint})`;
  const monday = weekLabelToDay(week);
  const range = `the exports run ${dayToIso(span.first)}..${dayToIso(span.last)}; the latest complete week in them is ${weekToScore(span.last + 7, span.last)}`;
  if (monday + 6 < span.first || monday > span.last) return `${week} has no data: ${range}`;
  if (asked && monday + 4 > span.last) return `${week} is only partly in the exports: ${range}`;
  return null;
}
