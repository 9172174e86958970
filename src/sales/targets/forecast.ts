/**
 * The rolling forecast per region: the monthly collections of the history months, cleaned of
 * end-of-quarter pushes and outliers, then a weighted moving average rolled forward month by month.
 *
 * 1. Quarter-end pushes: in every fiscal quarter fully in the history, the excess of its last
 *    month over the mean of its other two is spread back evenly over the three months (by
 *    `spread`, 1 = all of it). The quarter's total does not change.
 * 2. Outliers: months further than k robust standard deviations (1.4826 × MAD) from the median are
 *    clipped to that distance, so one exceptional receipt does not carry into six months.
 * 3. Weighted moving average: the next month is Σ wᵢ·xᵢ / Σ wᵢ over the last len(w) months (w oldest
 *    first); it is appended and the next one is computed the same way, for `horizon` months.
 */
import { median } from '../../signals/baseline.js';
import { isQuarterEnd, type Month } from '../months.js';

export interface CleanedMonth {
  month: Month;
  raw: number;
  /** After the quarter-end spread. */
  spread: number;
  /** After clipping outliers: what the average uses. */
  clean: number;
  note: 'quarter-end' | 'outlier' | null;
}

export function cleanSeries(series: readonly { month: Month; amount: number }[], o: { fyStart: number; spread: number; outlierK: number }): CleanedMonth[] {
  const out: CleanedMonth[] = series.map((s) => ({ month: s.month, raw: s.amount, spread: s.amount, clean: s.amount, note: null }));
  for (let i = 2; i < out.length; i++) {
    const q = out[i]!;
    if (!isQuarterEnd(q.month, o.fyStart)) continue;
    const a = out[i - 2]!;
    const b = out[i - 1]!;
    const excess = q.raw - (a.raw + b.raw) / 2;
    if (excess <= 0 || o.spread <= 0) continue;
    const moved = excess * o.spread;
    q.spread = q.raw - (moved * 2) / 3;
    a.spread = a.raw + moved / 3;
    b.spread = b.raw + moved / 3;
    q.note = 'quarter-end';
  }
  const values = out.map((c) => c.spread);
  const med = median(values);
  const mad = median(values.map((v) => Math.abs(v - med)));
  const s = 1.4826 * mad;
  for (const c of out) {
    c.clean = c.spread;
    if (s <= 0) continue;
    const lo = med - o.outlierK * s;
    const hi = med + o.outlierK * s;
    if (c.spread > hi || c.spread < lo) {
      c.clean = Math.min(hi, Math.max(lo, c.spread));
      c.note = 'outlier';
    }
  }
  return out;
}

export function rollingWma(values: readonly number[], weights: readonly number[], horizon: number): number[] {
  const xs = [...values];
  const out: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const k = Math.min(weights.length, xs.length);
    if (k === 0) return out;
    const w = weights.slice(weights.length - k);
    const tail = xs.slice(xs.length - k);
    const f = tail.reduce((s, x, j) => s + x * w[j]!, 0) / w.reduce((s, x) => s + x, 0);
    out.push(f);
    xs.push(f);
  }
  return out;
}
