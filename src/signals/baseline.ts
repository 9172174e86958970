/**
 * Robust baseline maths, pure and small enough to check by hand (test/signals/baseline.test.ts).
 * Median and MAD rather than mean and standard deviation: one holiday week or one sick week
 * in a person's history must not move their "normal".
 */

/** Consistency constant: 1.4826 x MAD estimates the standard deviation of normal data. */
export const MAD_SCALE = 1.4826;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(xs: readonly number[], med = median(xs)): number {
  return median(xs.map((x) => Math.abs(x - med)));
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export interface Baseline {
  median: number;
  mean: number;
  mad: number;
  /** max(1.4826 x MAD, floor): the unit of a robust z-score. Never 0. */
  scale: number;
  weeks: number;
}

export function baseline(xs: readonly number[], floor: number): Baseline {
  const med = median(xs);
  const m = mad(xs, med);
  return { median: med, mean: mean(xs), mad: m, scale: Math.max(MAD_SCALE * m, floor), weeks: xs.length };
}

export function robustZ(x: number, b: Baseline): number {
  return (x - b.median) / b.scale;
}

/**
 * One-sided (downward) Page CUSUM: S_t = max(0, S_{t-1} + (ref - x_t) / scale - k).
 * Slow declines that never look alarming in a single week add up here. Null weeks are skipped.
 * `run` is how many weeks in a row, up to the last, S has been above 0.
 */
export function cusumDown(series: readonly (number | null)[], ref: number, scale: number, k: number): { s: number; run: number } {
  return cusumDownZ(
    series.map((x) => (x === null ? null : (x - ref) / scale)),
    k,
  );
}

/** The same CUSUM on z-scores already computed (and possibly peer-adjusted): S_t = max(0, S_{t-1} - z_t - k). */
export function cusumDownZ(zs: readonly (number | null)[], k: number): { s: number; run: number } {
  let s = 0;
  let run = 0;
  for (const z of zs) {
    if (z === null) continue;
    s = Math.max(0, s - z - k);
    run = s > 0 ? run + 1 : 0;
  }
  return { s, run };
}

/** Percentile rank in 0..100: share of values below x, ties counted half. */
export function percentileRank(x: number, values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let below = 0;
  let equal = 0;
  for (const v of values) {
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return (100 * (below + 0.5 * equal)) / values.length;
}

/** percentileRank over values sorted ascending, by binary search: the same counts, so the same result. */
export function percentileRankSorted(x: number, sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return (100 * (below + 0.5 * (lo - below))) / n;
}

export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
