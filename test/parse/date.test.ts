import { describe, expect, it } from 'vitest';
import { formatInZone, parseDate, parseDateParts, zonedTimeToUtc, type DateParseOptions } from '../../src/parse/date.js';
import { randomStrings as sharedRandomStrings } from '../helpers/random-strings.js';

// Reference instant: Tuesday 2026-03-10 12:00 in Shanghai.
const NOW = new Date('2026-03-10T04:00:00Z');
const BASE: DateParseOptions = { now: NOW };

// [input, expected UTC ISO or null, extra options]
const DATE_CASES: Array<[string, string | null, DateParseOptions?]> = [
  // Chinese absolute
  ['2026年3月5日', '2026-03-04T16:00:00.000Z'],
  ['2026年3月5日 9时30分', '2026-03-05T01:30:00.000Z'],
  ['2026年03月05日 09:30:00', '2026-03-05T01:30:00.000Z'],
  ['2026年3月5日上午9点', '2026-03-05T01:00:00.000Z'],
  ['2026年3月5日下午3点', '2026-03-05T07:00:00.000Z'],
  ['2026年3月5日 下午3点30分', '2026-03-05T07:30:00.000Z'],
  ['2026年3月5日晚上8点', '2026-03-05T12:00:00.000Z'],
  ['2026年3月5日中午12点', '2026-03-05T04:00:00.000Z'],
  ['2026年3月5日凌晨12点', '2026-03-04T16:00:00.000Z'],
  ['2026年3月5日（星期四）下午2:30', '2026-03-05T06:30:00.000Z'],
  ['2026年3月5日9点半', '2026-03-05T01:30:00.000Z'],
  ['二〇二六年三月五日', '2026-03-04T16:00:00.000Z'],
  ['二〇二六年三月五日下午三点', '2026-03-05T07:00:00.000Z'],
  ['26年3月5日', '2026-03-04T16:00:00.000Z'],
  ['发布时间：2026-03-05 09:30', '2026-03-05T01:30:00.000Z'],
  ['投标截止时间：2026年3月25日 09时30分（北京时间）', '2026-03-25T01:30:00.000Z'],
  ['投标截止时间：2026年3月25日 09时30分（北京时间）', '2026-03-25T01:30:00.000Z', { timeZone: 'America/New_York' }],
  ['开标时间：2026-03-25 24:00', '2026-03-25T16:00:00.000Z'],
  ['【发布日期】2026.03.05', '2026-03-04T16:00:00.000Z'],
  // Chinese month-day (year inferred)
  ['3月5日', '2026-03-04T16:00:00.000Z'],
  ['12月28日', '2025-12-27T16:00:00.000Z'],
  ['1月3日', '2027-01-02T16:00:00.000Z', { near: new Date('2026-12-20T00:00:00Z') }],
  ['03-05 14:00', '2026-03-05T06:00:00.000Z'],
  ['12-30', '2025-12-29T16:00:00.000Z'],
  ['截止：3月25日 17:00前', '2026-03-25T09:00:00.000Z'],
  // Chinese relative
  ['3天前', '2026-03-07T04:00:00.000Z'],
  ['2小时前', '2026-03-10T02:00:00.000Z'],
  ['30分钟前', '2026-03-10T03:30:00.000Z'],
  ['半小时前', '2026-03-10T03:30:00.000Z'],
  ['两小时前', '2026-03-10T02:00:00.000Z'],
  ['一个半小时前', '2026-03-10T02:30:00.000Z'],
  ['1周前', '2026-03-03T04:00:00.000Z'],
  ['3个月前', '2025-12-10T04:00:00.000Z'],
  ['10小时前发布', '2026-03-09T18:00:00.000Z'],
  ['报名时间：2026-03-05 09:00:00至2026-03-12 17:00:00', '2026-03-05T01:00:00.000Z'],
  ['刚刚', '2026-03-10T04:00:00.000Z'],
  ['今天 10:00', '2026-03-10T02:00:00.000Z'],
  ['今天', '2026-03-09T16:00:00.000Z'],
  ['昨天', '2026-03-08T16:00:00.000Z'],
  ['昨天 18:30', '2026-03-09T10:30:00.000Z'],
  ['前天', '2026-03-07T16:00:00.000Z'],
  ['发布于 下午3点', '2026-03-10T07:00:00.000Z'],
  // numeric and ISO
  ['2026-03-05', '2026-03-04T16:00:00.000Z'],
  ['2026/3/5 09:30', '2026-03-05T01:30:00.000Z'],
  ['2026.03.05', '2026-03-04T16:00:00.000Z'],
  ['2026-3-5', '2026-03-04T16:00:00.000Z'],
  ['20260305', '2026-03-04T16:00:00.000Z'],
  ['2026-03-05T09:30:00+08:00', '2026-03-05T01:30:00.000Z'],
  ['2026-03-05T01:30:00Z', '2026-03-05T01:30:00.000Z'],
  ['2026-03-05T01:30:00.250Z', '2026-03-05T01:30:00.250Z'],
  ['2026-03-05T09:30:00', '2026-03-05T01:30:00.000Z'],
  ['2026-03-05 09:30:00 -0500', '2026-03-05T14:30:00.000Z'],
  ['2026-03-05 09:30-11:30', '2026-03-05T01:30:00.000Z'],
  ['1772674200', '2026-03-05T01:30:00.000Z'],
  ['1772674200000', '2026-03-05T01:30:00.000Z'],
  // English
  ['Mar 5, 2026', '2026-03-04T16:00:00.000Z'],
  ['5 March 2026', '2026-03-04T16:00:00.000Z'],
  ['March 5th, 2026 3:30 PM', '2026-03-05T07:30:00.000Z'],
  ['Thu, 05 Mar 2026 09:30:00 GMT', '2026-03-05T09:30:00.000Z'],
  ['Posted Mar 5', '2026-03-04T16:00:00.000Z'],
  ['yesterday', '2026-03-08T16:00:00.000Z'],
  ['2 days ago', '2026-03-08T04:00:00.000Z'],
  ['Posted 30+ days ago', '2026-02-08T04:00:00.000Z'],
  ['an hour ago', '2026-03-10T03:00:00.000Z'],
  ['just now', '2026-03-10T04:00:00.000Z'],
  ['05/03/2026', '2026-05-02T16:00:00.000Z'],
  ['25/03/2026', '2026-03-24T16:00:00.000Z'],
  ['05.03.2026', '2026-03-04T16:00:00.000Z'],
  // other zones and DST
  ['2026-03-05 09:30', '2026-03-05T09:30:00.000Z', { timeZone: 'Europe/London' }],
  ['2026-07-01 09:00', '2026-07-01T08:00:00.000Z', { timeZone: 'Europe/London' }],
  ['2026-03-05 09:30', '2026-03-05T00:30:00.000Z', { timeZone: 'Asia/Tokyo' }],
  ['2026-03-07 12:00', '2026-03-07T17:00:00.000Z', { timeZone: 'America/New_York' }],
  ['2026-03-09 12:00', '2026-03-09T16:00:00.000Z', { timeZone: 'America/New_York' }],
  ['2026-03-08 02:30', '2026-03-08T07:30:00.000Z', { timeZone: 'America/New_York' }], // gap → 03:30 EDT
  ['2026-11-01 01:30', '2026-11-01T05:30:00.000Z', { timeZone: 'America/New_York' }], // overlap → earlier (EDT)
  ['yesterday', '2026-03-09T04:00:00.000Z', { timeZone: 'America/New_York', now: new Date('2026-03-10T12:00:00Z') }],
  ['3 days ago', '2026-03-07T17:00:00.000Z', { timeZone: 'America/New_York', now: new Date('2026-03-10T16:00:00Z') }], // keeps 12:00 wall time across DST
  // invalid / nothing
  ['2026-02-30', null],
  ['2026年2月30日', null],
  ['2025-02-29', null],
  ['2028-02-29', '2028-02-28T16:00:00.000Z'],
  ['2026-13-01', null],
  ['2026-03-05 25:00', '2026-03-04T16:00:00.000Z'],
  ['不限', null],
  ['', null],
  ['hello world', null],
  ['2026-03-05', null, { timeZone: 'Not/AZone' }],
];

describe('parseDate', () => {
  it.each(DATE_CASES)('%s → %s', (input, expected, extra) => {
    const d = parseDate(input, { ...BASE, ...extra });
    expect(d === null ? null : d.toISOString()).toBe(expected);
  });

  it('defaults `near` to `now` and the zone to Asia/Shanghai', () => {
    expect(parseDate('3月5日', { now: new Date('2030-03-01T00:00:00Z') })?.toISOString()).toBe('2030-03-04T16:00:00.000Z');
  });

  it('tolerates null, undefined, non-strings and invalid reference dates', () => {
    expect(parseDate(null)).toBeNull();
    expect(parseDate(undefined)).toBeNull();
    expect(parseDate(20260305 as unknown as string)).toBeNull();
    expect(parseDate('2026-03-05', { now: new Date(NaN) })?.toISOString()).toBe('2026-03-04T16:00:00.000Z');
  });
});

describe('parseDateParts', () => {
  it('tells whether a time was present', () => {
    expect(parseDateParts('2026-03-05', BASE)).toMatchObject({ hasTime: false, relative: false, explicitZone: false });
    expect(parseDateParts('2026-03-05 09:30', BASE)).toMatchObject({ hasTime: true, relative: false });
    expect(parseDateParts('2026-03-05T09:30:00Z', BASE)).toMatchObject({ hasTime: true, explicitZone: true });
    expect(parseDateParts('昨天', BASE)).toMatchObject({ hasTime: false, relative: true });
    expect(parseDateParts('2小时前', BASE)).toMatchObject({ hasTime: true, relative: true });
  });
});

describe('zonedTimeToUtc', () => {
  it.each([
    [2026, 3, 5, 9, 30, 0, 'Asia/Shanghai', '2026-03-05T01:30:00.000Z'],
    [2026, 3, 5, 9, 30, 0, 'UTC', '2026-03-05T09:30:00.000Z'],
    [2026, 1, 15, 12, 0, 0, 'America/New_York', '2026-01-15T17:00:00.000Z'],
    [2026, 7, 15, 12, 0, 0, 'America/New_York', '2026-07-15T16:00:00.000Z'],
    [2026, 3, 8, 1, 59, 59, 'America/New_York', '2026-03-08T06:59:59.000Z'],
    [2026, 3, 8, 3, 0, 0, 'America/New_York', '2026-03-08T07:00:00.000Z'],
    [2026, 11, 1, 0, 59, 0, 'America/New_York', '2026-11-01T04:59:00.000Z'],
    [2026, 11, 1, 2, 0, 0, 'America/New_York', '2026-11-01T07:00:00.000Z'],
    [2026, 3, 5, 9, 30, 0, 'Asia/Kolkata', '2026-03-05T04:00:00.000Z'],
    [2026, 1, 15, 12, 0, 0, 'Australia/Sydney', '2026-01-15T01:00:00.000Z'],
  ] as const)('%i-%i-%i %i:%i:%i %s → %s', (y, m, d, h, mi, s, tz, iso) => {
    expect(zonedTimeToUtc(y, m, d, h, mi, s, tz).toISOString()).toBe(iso);
  });
});

describe('formatInZone', () => {
  it('formats wall-clock time in a zone', () => {
    const d = new Date('2026-03-05T01:30:00Z');
    expect(formatInZone(d, 'Asia/Shanghai')).toBe('2026-03-05 09:30');
    expect(formatInZone(d, 'America/New_York')).toBe('2026-03-04 20:30');
    expect(formatInZone(new Date('2026-03-04T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-05 00:00');
    expect(formatInZone(new Date(NaN), 'Asia/Shanghai')).toBe('');
    expect(formatInZone(d, 'Not/AZone')).toBe('');
  });
});

function randomStrings(count: number, seed: number): string[] {
  return sharedRandomStrings(count, seed, '0123456789012345678901234567890123456789-/.:：T Z+年月日号时分秒点半上午下午前天周刚今昨个小星期一二三四五六七八九十〇', ['2026', 'Mar', 'ago', 'days', 'yesterday', 'PM', 'GMT', '北京时间', '24:00', '刚刚', '（', '）', '\u0000', '\ud800', '😀']);
}

describe('never throws', () => {
  it('2,000 random strings', () => {
    for (const s of randomStrings(2000, 2)) {
      const d = parseDate(s, BASE);
      expect(d === null || !Number.isNaN(d.getTime())).toBe(true);
      const p = parseDateParts(s, { ...BASE, timeZone: 'America/New_York' });
      expect(p === null || !Number.isNaN(p.date.getTime())).toBe(true);
    }
  });
});
