import { formatInZone } from '../parse/date.js';

const DAY = 86_400_000;

/** `2026-03-05`: the calendar day an instant falls on in `tz`. */
export function dayOf(d: Date, tz: string): string {
  return formatInZone(d, tz).slice(0, 10);
}

/** The day `n` days after (negative: before) `day`. */
export function shiftDay(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * DAY).toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  const t = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return Math.round((t(b) - t(a)) / DAY);
}

export interface DailySpike {
  day: string;
  count: number;
  /** Average per day over the baseline days, one decimal. */
  baseline: number;
  baselineDays: number;
}

export interface SpikeRule {
  factor: number;
  /** At least this many on the day. */
  min: number;
  baseline_days: number;
  /** Baseline days that must have been watched before a day can spike. */
  min_history_days: number;
}

/**
 * `counts[day]` against the average of the `baseline_days` before it. Only days since `since`
 * (the first day we could see, backdated by published times) count as baseline, and at least
 * `min_history_days` of them must exist: a series we only started watching cannot spike yet.
 * Days without a count in that range are zero days, which is what they were.
 */
export function detectDailySpike(counts: Readonly<Record<string, number>>, day: string, since: string | null, rule: SpikeRule): DailySpike | null {
  const count = counts[day] ?? 0;
  if (count < rule.min) return null;
  let sum = 0;
  let n = 0;
  for (let i = 1; i <= rule.baseline_days; i++) {
    const d = shiftDay(day, -i);
    if (since && daysBetween(since, d) < 0) break;
    sum += counts[d] ?? 0;
    n++;
  }
  if (n < Math.min(rule.min_history_days, rule.baseline_days)) return null;
  const baseline = sum / n;
  if (count < rule.factor * baseline) return null;
  return { day, count, baseline: Math.round(baseline * 10) / 10, baselineDays: n };
}
