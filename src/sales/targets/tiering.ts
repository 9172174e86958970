/**
 * Tiered targets (目标分档): regions ranked by their collections over the history months fall
 * into tiers by position (A the top 20 %, B the middle 50 %, C the bottom 30 % by default), each
 * tier has a growth band, and a region's own adjustments (a subsidy, a competitor's price cut)
 * move its growth within ±max_adjustment. Pure, and small enough to check by hand.
 *
 * Position of the region ranked r of n (1 = most collections) is (r − 0.5) / n: with the default
 * shares, of 10 regions ranks 1–2 are A, 3–7 B, 8–10 C; of 4 regions rank 1 is A, 2–3 B, 4 C.
 * Regions with equal collections share the better rank.
 */
export interface Tier {
  name: string;
  share: number;
  growth: [number, number];
}

export interface Adjustment {
  percent: number;
  reason: string;
}

export interface Proposal {
  region: string;
  /** Collections over the history months (元). */
  base: number;
  rank: number;
  of: number;
  tier: string;
  band: [number, number];
  /** Growth from the tier's band, in percent. */
  growth: number;
  adjustments: Adjustment[];
  /** Sum of the adjustments, in percentage points. */
  adjustment: number;
  /** base × (1 + (growth + adjustment) / 100). */
  target: number;
}

export function tierOf(rank: number, n: number, tiers: readonly Tier[]): Tier {
  const pos = (rank - 0.5) / n;
  let upto = 0;
  for (const t of tiers) {
    upto += t.share / 100;
    if (pos < upto - 1e-12) return t;
  }
  return tiers[tiers.length - 1]!;
}

export function propose(base: ReadonlyMap<string, number>, tiers: readonly Tier[], pick: number, adjustments: Readonly<Record<string, Adjustment[]>>): Proposal[] {
  const sorted = [...base].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh-CN'));
  const n = sorted.length;
  return sorted.map(([region, amount]) => {
    const rank = 1 + sorted.findIndex(([, a]) => a === amount);
    const tier = tierOf(rank, n, tiers);
    const growth = tier.growth[0] + ((tier.growth[1] - tier.growth[0]) * pick) / 100;
    const adj = adjustments[region] ?? [];
    const adjustment = adj.reduce((s, a) => s + a.percent, 0);
    return { region, base: amount, rank, of: n, tier: tier.name, band: tier.growth, growth, adjustments: adj, adjustment, target: amount * (1 + (growth + adjustment) / 100) };
  });
}
