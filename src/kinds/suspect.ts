/**
 * A price move too large to take on one sighting: beyond the plausible bound (±80 % by default),
 * or a clean unit-looking factor (×100: a shop showing fen for a run; ÷10 000: 1.2万 read as 1.2).
 *
 *   implausibleMove(2000, 200_000, rules) → 'a factor of 100 (a unit change?)'
 *   implausibleMove(2000, 300, rules)     → '-85 %, beyond the plausible ±80 %'
 *   implausibleMove(2000, 1700, rules)    → null
 *
 * Such a move is held back (kinds/price.ts): not alerted, shown to sales ops, and alerted only when
 * the next good run sees the same price again.
 */
export interface Plausibility {
  /** A move at least this large, either way, is suspect. */
  change_percent: number;
  /** Ratios that look like a unit change rather than a price change. */
  unit_factors: readonly number[];
}

/** How close a ratio must be to a factor to look like one (a ¥1,999 → ¥199,900 "fen" price is exact). */
const FACTOR_TOLERANCE = 0.02;

export function implausibleMove(before: number, after: number, p: Plausibility): string | null {
  if (!(before > 0) || !(after > 0)) return null;
  const ratio = after / before;
  for (const f of p.unit_factors) {
    if (Math.abs(ratio / f - 1) <= FACTOR_TOLERANCE) return `×${f.toLocaleString('en-US')}, which looks like a unit change`;
    if (Math.abs(ratio * f - 1) <= FACTOR_TOLERANCE) return `÷${f.toLocaleString('en-US')}, which looks like a unit change`;
  }
  const pct = (ratio - 1) * 100;
  if (Math.abs(pct) >= p.change_percent) return `${pct > 0 ? '+' : ''}${Math.round(pct)} %, beyond the plausible ±${p.change_percent} %`;
  return null;
}
