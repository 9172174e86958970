/**
 * The one place that turns wall time in a zone into UTC and back. Its DST policy: a wall time the
 * clocks skip moves forward by the gap; one that happens twice is the earlier.
 */
import { describe, expect, it } from 'vitest';
import { dayInZone, formatInZone, isValidTimeZone, wallAsUtcMs, wallClock, wallToUtc, zonedTimeToUtc } from '../../src/time/zone.js';

const utc = (y: number, m: number, d: number, h: number, mi: number, tz: string) => zonedTimeToUtc(y, m, d, h, mi, 0, tz).toISOString();

describe('wall time in a zone → UTC', () => {
  it('Europe/Berlin: 02:30 on the spring-forward night is 03:30 CEST; 02:30 in the autumn overlap is the first (CEST)', () => {
    expect(utc(2026, 3, 29, 1, 59, 'Europe/Berlin')).toBe('2026-03-29T00:59:00.000Z');
    expect(utc(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(utc(2026, 3, 29, 3, 0, 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
    expect(utc(2026, 10, 25, 2, 30, 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(utc(2026, 10, 25, 3, 0, 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('America/New_York: the same policy on its own dates', () => {
    expect(utc(2026, 3, 8, 2, 30, 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(utc(2026, 3, 8, 3, 30, 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(utc(2026, 11, 1, 1, 30, 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(utc(2026, 11, 1, 2, 30, 'America/New_York')).toBe('2026-11-01T07:30:00.000Z');
  });

  it('Asia/Shanghai has no DST: always UTC+8, on the dates Europe and America change', () => {
    for (const [m, d] of [[3, 8], [3, 29], [10, 25], [11, 1]] as const) {
      expect(Date.parse(utc(2026, m, d, 2, 30, 'Asia/Shanghai'))).toBe(Date.UTC(2026, m - 1, d, 2, 30) - 8 * 3_600_000);
    }
  });

  it('overflowing fields roll over (24:00 is the next midnight)', () => {
    expect(utc(2026, 1, 31, 24, 0, 'Asia/Shanghai')).toBe('2026-01-31T16:00:00.000Z');
  });
});

describe('UTC → wall time in a zone', () => {
  it('reads both sides of each transition', () => {
    expect(wallClock(Date.parse('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 3, day: 29, hour: 1, minute: 59, second: 59 });
    expect(wallClock(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0 });
    // The overlap: two instants an hour apart show the same wall time.
    expect(formatInZone(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
    expect(formatInZone(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
    expect(wallAsUtcMs(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York')).toBe(Date.parse('2026-11-01T01:30:00Z'));
  });

  it('round-trips every hour of a year, except the second pass through an overlap', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Asia/Shanghai']) {
      const back: string[] = [];
      for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 3_600_000) {
        const again = wallToUtc(wallClock(t, tz), tz).getTime();
        if (again !== t) back.push(`${new Date(t).toISOString()} → ${new Date(again).toISOString()}`);
      }
      // Only the repeated hour reads back as its first occurrence, an hour earlier.
      expect(back, tz).toEqual(
        tz === 'Europe/Berlin' ? ['2026-10-25T01:00:00.000Z → 2026-10-25T00:00:00.000Z'] : tz === 'America/New_York' ? ['2026-11-01T06:00:00.000Z → 2026-11-01T05:00:00.000Z'] : [],
      );
    }
  });

  it("gives a job's local day, which differs from the UTC day near midnight", () => {
    const t = new Date('2026-11-22T17:00:00Z'); // Monday 01:00 in Shanghai, still Sunday in UTC and New York
    expect(new Date(dayInZone(t, 'Asia/Shanghai') * 86_400_000).toISOString().slice(0, 10)).toBe('2026-11-23');
    expect(new Date(dayInZone(t, 'America/New_York') * 86_400_000).toISOString().slice(0, 10)).toBe('2026-11-22');
  });

  it('knows real zones only', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(formatInZone(new Date(0), 'Mars/Olympus')).toBe('');
  });
});
