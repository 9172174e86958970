import { z } from 'zod';
import { formatInZone } from '../parse/date.js';
import { keywordsIn } from './tender-rules.js';

/** rules/jobs.yaml: what in competitors' hiring is a signal worth a regional head's attention. */
export const jobRulesSchema = z.strictObject({
  /** Our regions by province/city; default: the `regions:` of rules/tenders.yaml. */
  regions: z.record(z.string(), z.array(z.string().min(1))).optional(),
  /** Role categories by title keyword, first match wins (so 销售工程师 is sales, 售后工程师 support). */
  categories: z
    .record(z.string(), z.array(z.string().min(1)))
    .default({
      sales: ['销售', '客户经理', '大客户', '渠道', '商务', '区域经理', 'sales', 'account manager', 'account executive', 'business development'],
      support: ['售后', '客服', '技术支持', '安装', '维修', '服务工程师', 'support', 'customer success', 'service engineer'],
      engineering: ['工程师', '研发', '开发', '技术', '架构', 'engineer', 'developer', 'R&D'],
    }),
  spike: z
    .strictObject({
      /** New postings this week ≥ factor × the trailing average ... */
      factor: z.number().min(1).default(2),
      /** ... and at least this many. */
      min_new: z.number().int().min(1).default(5),
      baseline_weeks: z.number().int().min(1).max(26).default(4),
    })
    .default({ factor: 2, min_new: 5, baseline_weeks: 4 }),
  /** Alert on a competitor's first posting in a city it never hired in before. */
  new_city: z.boolean().default(true),
  salary_shift: z
    .strictObject({
      /** Change of the median annual salary midpoint against the last alerted one, in %. */
      percent: z.number().min(0).default(15),
      /** Postings with a salary needed in a competitor × city × role before it is compared. */
      min_postings: z.number().int().min(1).default(3),
    })
    .default({ percent: 15, min_postings: 3 }),
  /** Weeks of counts kept per competitor × city × role. */
  weeks_kept: z.number().int().min(4).max(104).default(26),
});

export type JobRules = z.output<typeof jobRulesSchema>;

/** Role category of a job title: the first category with a keyword in it, else 'other'. */
export function roleCategory(title: string | null | undefined, categories: JobRules['categories']): string {
  if (!title) return 'other';
  for (const [cat, words] of Object.entries(categories)) if (keywordsIn(title, words).length) return cat;
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// ISO weeks in a time zone

function ymdInZone(d: Date, tz: string): [number, number, number] | null {
  const s = formatInZone(d, tz); // "2026-03-05 09:30"
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function isoWeekOfDay(y: number, m: number, d: number): string {
  const day = new Date(Date.UTC(y, m - 1, d));
  const dow = day.getUTCDay() || 7;
  const thursday = new Date(day.getTime() + (4 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** `2026-W48`: the ISO week the instant falls in, on the calendar of `tz`. */
export function isoWeek(d: Date, tz: string): string {
  const ymd = ymdInZone(d, tz);
  return ymd ? isoWeekOfDay(...ymd) : isoWeekOfDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function mondayOf(week: string): number | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const jan4 = Date.UTC(year, 0, 4);
  const dow = new Date(jan4).getUTCDay() || 7;
  return jan4 - (dow - 1) * 86_400_000 + (Number(m[2]) - 1) * 7 * 86_400_000;
}

/** The week `n` weeks after (negative: before) `week`. */
export function shiftWeek(week: string, n: number): string {
  const monday = mondayOf(week);
  if (monday === null) return week;
  const d = new Date(monday + n * 7 * 86_400_000);
  return isoWeekOfDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Weeks from a to b (a before b), negative when b is before a. */
export function weeksBetween(a: string, b: string): number {
  const ma = mondayOf(a);
  const mb = mondayOf(b);
  return ma === null || mb === null ? 0 : Math.round((mb - ma) / (7 * 86_400_000));
}

// ---------------------------------------------------------------------------------------------
// Signals

export interface Spike {
  week: string;
  count: number;
  /** Average new postings per week over the baseline weeks. */
  baseline: number;
  baselineWeeks: number;
}

/**
 * New postings in `week` against the average of the weeks before it. Only weeks since `since`
 * (the first week we could see) count as baseline, and at least two of them (or all the rule
 * asks for, if fewer) must exist: a series we only started watching cannot spike yet.
 */
export function detectSpike(counts: Readonly<Record<string, number>>, week: string, since: string | null, rules: JobRules['spike']): Spike | null {
  const count = counts[week] ?? 0;
  if (count < rules.min_new) return null;
  const weeks: string[] = [];
  for (let i = 1; i <= rules.baseline_weeks; i++) {
    const w = shiftWeek(week, -i);
    if (since && weeksBetween(since, w) < 0) break;
    weeks.push(w);
  }
  if (weeks.length < Math.min(2, rules.baseline_weeks)) return null;
  const baseline = weeks.reduce((s, w) => s + (counts[w] ?? 0), 0) / weeks.length;
  if (count < rules.factor * baseline) return null;
  return { week, count, baseline: Math.round(baseline * 10) / 10, baselineWeeks: weeks.length };
}

export interface SalaryRange {
  /** Medians of the postings' annual min and max. */
  lo: number;
  hi: number;
  n: number;
  currency: string | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Typical annual range of a set of postings (each with an annual min and/or max), or null when too few. */
export function salaryRange(postings: readonly { lo: number | null; hi: number | null; currency: string | null }[], minPostings: number): SalaryRange | null {
  const withPay = postings.filter((p) => p.lo !== null || p.hi !== null);
  if (withPay.length < minPostings) return null;
  const lo = median(withPay.map((p) => (p.lo ?? p.hi)!));
  const hi = median(withPay.map((p) => (p.hi ?? p.lo)!));
  return { lo: Math.round(lo), hi: Math.round(hi), n: withPay.length, currency: withPay[0]!.currency };
}

/** % change of the range's midpoint, or null when it stays within `percent`. */
export function salaryShift(prev: SalaryRange, next: SalaryRange, percent: number): number | null {
  const a = (prev.lo + prev.hi) / 2;
  const b = (next.lo + next.hi) / 2;
  if (a <= 0 || prev.currency !== next.currency) return null;
  const pct = ((b - a) / a) * 100;
  return Math.abs(pct) >= percent && pct !== 0 ? Math.round(pct * 10) / 10 : null;
}
