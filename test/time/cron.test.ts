import { createTask } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cronProblem, nextRun, nextRuns, parseCron } from '../../src/time/cron.js';

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

  it('handles DST: a skipped local time is skipped, a repeated one fires once', () => {
    const ny = parseCron('30 2 * * *', 'America/New_York');
    // 2024-03-10 02:30 does not exist in New York.
    expect(iso(nextRun(ny, new Date('2024-03-10T05:00:00Z')))).toBe('2024-03-11T06:30:00.000Z');
    const ny1 = parseCron('30 1 * * *', 'America/New_York');
    // 2024-11-03 01:30 happens twice; the first one (EDT, 05:30Z) is the run.
    const runs = nextRuns(ny1, new Date('2024-11-03T04:00:00Z'), 2).map(iso);
    expect(runs).toEqual(['2024-11-03T05:30:00.000Z', '2024-11-04T06:30:00.000Z']);
  });

  it('agrees with node-cron on what matches', () => {
    const exprs = ['*/7 * * * *', '15 8,20 * * *', '0 9-17/2 * * mon-fri', '0 0 1 * *', '45 23 * * sun', '*/10 * * * * *', '0 30 6 1-7 * *'];
    const zones = ['Asia/Shanghai', 'UTC', 'Europe/Berlin'];
    let t = Date.parse('2024-03-28T21:13:07Z');
    for (const expr of exprs) {
      for (const tz of zones) {
        const task = createTask(expr, () => undefined, { timezone: tz });
        const c = parseCron(expr, tz);
        let at = t;
        for (const run of nextRuns(c, at, 3)) {
          expect(task.match(run), `${expr} ${tz} ${run.toISOString()}`).toBe(true);
          // Nothing just before it matches: probe the first 1500 candidate instants after the previous run.
          const stepMs = c.seconds.length > 1 ? 1000 : 60_000;
          let s = stepMs === 1000 ? Math.floor(at / 1000) * 1000 + 1000 : Math.floor(at / 60_000) * 60_000 + c.seconds[0]! * 1000;
          for (let i = 0; i < 1500 && s < run.getTime(); i++, s += stepMs) {
            if (s > at && task.match(new Date(s))) throw new Error(`${expr} ${tz}: node-cron matches ${new Date(s).toISOString()} before ${run.toISOString()}`);
          }
          at = run.getTime();
        }
        task.destroy();
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
  });
});
