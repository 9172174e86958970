/**
 * Calendar months as the sales analysers count them: a month is "YYYY-MM", days are the day
 * numbers of src/signals/dates.ts (wall clock, no zone), and a fiscal year starts in a configured
 * month (January by default).
 */
import { dayNumber, dayToIso } from '../signals/dates.js';
import { daysInMonth } from '../time/zone.js';

export type Month = string;

export function monthOf(day: number): Month {
  return dayToIso(day).slice(0, 7);
}

export function ym(m: Month): [number, number] {
  return [Number(m.slice(0, 4)), Number(m.slice(5, 7))];
}

export function firstDay(m: Month): number {
  const [y, mo] = ym(m);
  return dayNumber(y, mo, 1);
}

export function lastDay(m: Month): number {
  const [y, mo] = ym(m);
  return dayNumber(y, mo, daysInMonth(y, mo));
}

export function daysIn(m: Month): number {
  const [y, mo] = ym(m);
  return daysInMonth(y, mo);
}

export function addMonths(m: Month, n: number): Month {
  const [y, mo] = ym(m);
  const k = y * 12 + (mo - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** Months from a to b inclusive (empty when b is before a). */
export function monthRange(a: Month, b: Month): Month[] {
  const out: Month[] = [];
  for (let m = a; m <= b; m = addMonths(m, 1)) out.push(m);
  return out;
}

export function isMonth(s: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}

/** The fiscal year a month belongs to, named by the calendar year it starts in. */
export function fiscalYear(m: Month, startMonth: number): number {
  const [y, mo] = ym(m);
  return mo >= startMonth ? y : y - 1;
}

/** The twelve months of a fiscal year. */
export function fiscalMonths(year: number, startMonth: number): Month[] {
  const first = `${year}-${String(startMonth).padStart(2, '0')}`;
  return monthRange(first, addMonths(first, 11));
}

/** Last month of its fiscal quarter (quarters start with the fiscal year). */
export function isQuarterEnd(m: Month, startMonth: number): boolean {
  const [, mo] = ym(m);
  return (((mo - startMonth + 12) % 12) + 1) % 3 === 0;
}

/** The three months of the fiscal quarter that contains m. */
export function quarterMonths(m: Month, startMonth: number): Month[] {
  const [, mo] = ym(m);
  const pos = (mo - startMonth + 12) % 12;
  const first = addMonths(m, -(pos % 3));
  return [first, addMonths(first, 1), addMonths(first, 2)];
}

/** The last month that is complete on `day` (covered through its last day). */
export function lastCompleteMonth(day: number): Month {
  return lastDay(monthOf(day)) === day ? monthOf(day) : addMonths(monthOf(day), -1);
}
