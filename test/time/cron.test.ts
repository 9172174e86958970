import { describe, expect, it } from 'vitest';
import { cronProblem, nextRun, nextRuns, parseCron, type Cron } from '../../src/time/cron.js';
import { wallClock } from '../../src/time/zone.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('cron next-run in a time zone', () => {
  it('fires a daily 08:00 Asia/Shanghai at 00:00 UTC', () => {
    const c = parseCron('0 8 * * *', 'Asia/Shanghai');
    expect(iso(nextRun(c, new Date('2024-05-01T00:00:00Z')))).toBe('2024-05-02T00:00:00.000Z');
    expect(iso(nextRun(c, new Date('2024-04-30T23:59:59Z')))).toBe('2024-05-01T00:00:00.000Z');
  });

  it('supports seconds, steps, ranges, names and nicknames', () => {
    const after = new Date('2024-05-01T00:00:00Z'); // a Wednesday
    expect(nextRuns(parseCron('*/20 * * * * *', 'UTC'), after, 3).map(iso)).toEqual(['2024-05-01T00:00:20.000Z', '2024-05-01T00:00:40.000Z', '2024-05-01T00:01:00.000Z']);
    expect(iso(nextRun(parseCron('30 9 * * mon-fri', 'UTC'), new Date('2024-05-03T10:00:00Z')))).toBe('2024-05-06T09:30:00.000Z');
    expect(iso(nextRun(parseCron('0 7 * * 1', 'Asia/Shanghai'), after))).toBe('2024-05-05T23:00:00.000Z');
    expect(iso(nextRun(parseCron('@monthly', 'UTC'), after))).toBe('2024-06-01T00:00:00.000Z');
    expect(iso(nextRun(parseCron('0 0 29 feb *', 'UTC'), after))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(nextRun(parseCron('0 12 * * 7', 'UTC'), after))).toBe('2024-05-05T12:00:00.000Z');
  });

  it('ORs day-of-month and day-of-week when both are restricted, as POSIX cron does', () => {
    const runs = nextRuns(parseCron('0 8 1 * mon', 'UTC'), new Date('2024-05-01T09:00:00Z'), 3).map(iso);
    expect(runs).toEqual(['2024-05-06T08:00:00.000Z', '2024-05-13T08:00:00.000Z', '2024-05-20T08:00:00.000Z']);
    expect(iso(nextRun(parseCron('0 8 1 * mon', 'UTC'), new Date('2024-05-27T09:00:00Z')))).toBe('2024-06-01T08:00:00.000Z');
  });

  it('on the spring-forward night runs a skipped fixed time when the clocks jump, so no day is lost', () => {
    // Berlin 2026-03-29: 02:00 CET → 03:00 CEST. New York 2024-03-10: 02:00 EST → 03:00 EDT.
    expect(nextRuns(parseCron('30 2 * * *', 'Europe/Berlin'), new Date('2026-03-28T20:00:00Z'), 2).map(iso)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(nextRuns(parseCron('30 2 * * *', 'America/New_York'), new Date('2024-03-10T05:00:00Z'), 2).map(iso)).toEqual(['2024-03-10T07:00:00.000Z', '2024-03-11T06:30:00.000Z']);
    // A schedule with a wildcard runs at real instants only: none inside the gap.
    expect(iso(nextRun(parseCron('*/15 * * * *', 'America/New_York'), new Date('2024-03-10T06:50:00Z')))).toBe('2024-03-10T07:00:00.000Z');
  });

  it('in the autumn overlap runs a fixed time once, and an hourly schedule in both repeated hours', () => {
    // New York 2024-11-03: 01:00-02:00 happens twice (EDT, then EST); 01:30 EDT is 05:30Z.
    expect(nextRuns(parseCron('30 1 * * *', 'America/New_York'), new Date('2024-11-03T04:00:00Z'), 2).map(iso)).toEqual(['2024-11-03T05:30:00.000Z', '2024-11-04T06:30:00.000Z']);
    // Berlin 2026-10-25: 02:00-03:00 happens twice; an hourly job runs each real hour.
    expect(nextRuns(parseCron('0 * * * *', 'Europe/Berlin'), new Date('2026-10-24T23:30:00Z'), 3).map(iso)).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z']);
  });

  it('Asia/Shanghai has no DST: 08:00 is 00:00 UTC all year', () => {
    const c = parseCron('0 8 * * *', 'Asia/Shanghai');
    for (const after of ['2026-03-28T12:00:00Z', '2026-10-24T12:00:00Z', '2024-03-09T12:00:00Z', '2024-11-02T12:00:00Z']) {
      expect(nextRuns(c, new Date(after), 3).map((d) => d.toISOString().slice(11))).toEqual(['00:00:00.000Z', '00:00:00.000Z', '00:00:00.000Z']);
    }
  });

  it('finds the same next run as a minute-by-minute scan of the parsed fields', () => {
    const exprs = ['*/7 * * * *', '15 8,20 * * *', '0 9-17/2 * * mon-fri', '0 0 1 * *', '45 23 * * sun', '5/15 * * * *', '0 8 1 * mon', '0 12 * jan,jul 7', '? 6 1-7 * *'];
    const zones = ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York'];
    let t = Date.parse('2024-05-28T21:13:07Z');
    for (const expr of exprs) {
      for (const tz of zones) {
        const c = parseCron(expr, tz);
        let at = t;
        for (let k = 0; k < 3; k++) {
          const scanned = scan(c, at);
          expect(iso(nextRun(c, at)), `${expr} ${tz} after ${new Date(at).toISOString()}`).toBe(iso(scanned));
          if (!scanned) break;
          at = scanned.getTime();
        }
      }
      t += 86_400_000 * 3 + 3_600_000;
    }
  });

  it('explains a bad expression in one line', () => {
    expect(cronProblem('0 25 * * *')).toBe('invalid cron "0 25 * * *": hour 25 is outside 0-23');
    expect(cronProblem('0 8 * *')).toMatch(/expected 5 fields/);
    expect(cronProblem('0 8 * * *', 'Mars/Olympus')).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(cronProblem('0 8 * * fri-mon')).toMatch(/runs backwards/);
    expect(cronProblem('*/0 * * * *')).toMatch(/step must be a positive number/);
    expect(cronProblem('0 8 * * *')).toBeNull();
    // croner-only syntax is refused too, so a schedule means the same in any cron tool.
    expect(cronProblem('0 8 L * *')).toMatch(/"L" is not a valid day of month/);
  });
});

/** Brute force: the first whole minute after `after` whose wall clock matches the fields (POSIX day rule); 60 days at most. */
function scan(c: Cron, after: number): Date | null {
  const second = c.seconds[0]!;
  for (let m = Math.floor(after / 60_000) * 60_000; m < after + 60 * 86_400_000; m += 60_000) {
    const at = m + second * 1000;
    // The zones tested are whole hours off UTC, so the minute can be checked before the (slower) wall clock.
    if (at <= after || !c.minutes.includes(new Date(at).getUTCMinutes())) continue;
    const w = wallClock(at, c.timeZone);
    if (!c.minutes.includes(w.minute) || !c.hours.includes(w.hour) || !c.months.has(w.month)) continue;
    const dom = c.days.has(w.day);
    const dow = c.weekdays.has(new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay());
    const day = c.domRestricted && c.dowRestricted ? dom || dow : c.domRestricted ? dom : c.dowRestricted ? dow : true;
    if (day) return new Date(at);
  }
  return null;
}
