/**
 * The price index: per our SKU and region, what the matched competitors charge there against
 * what we charge there.
 *
 *   index = our price / median of the competitors' prices × 100
 *
 * 100 = at the market's middle, 108 = 8 % dearer than it, 92 = 8 % cheaper. Each competitor
 * counts once per region (its lowest matched offer there), so a shop listing the same product
 * twice does not outvote the others. Only confirmed matches count, and of those only real prices
 * of offers that can be bought: a "¥1,299起" starting price and an out-of-stock item are shown in
 * the row, marked, and never compared (no index, rank or alert is made of them).
 */
import { CONFIRMING, METHOD_RANK, type Match, type Method } from './match.js';
import { ourPriceIn, type OurProduct } from './pricelist.js';

export type Trend = 'down' | 'up' | null;

export interface CompetitorPrice {
  competitor: string;
  targetId: string;
  key: string;
  name: string | null;
  url: string | null;
  amount: number;
  from: boolean;
  /** Their price against ours, in percent: -8 = 8 % cheaper than us. */
  deltaPct: number;
  trend: Trend;
  previousAmount: number | null;
  method: Method;
  /** Out of stock when last seen (then it is only shown, never compared). */
  outOfStock?: boolean;
  /** When this price was read: the last good run of its target (ISO). */
  seenAt: string;
}

export interface IndexRow {
  sku: string;
  name: string | null;
  model: string | null;
  category: string | null;
  region: string;
  ourPrice: number;
  currency: string;
  /** One per competitor (its lowest offer in the region), cheapest first. */
  competitors: CompetitorPrice[];
  lowest: number;
  median: number;
  index: number;
  /** Our place when all prices are sorted ascending: 1 = cheapest. */
  rank: number;
  /** We are dearer than every competitor. */
  mostExpensive: boolean;
  /** Matched offers shown but not compared: starting prices ("起") and items out of stock. */
  notCompared: CompetitorPrice[];
}

export interface CompetitorSummary {
  region: string;
  competitor: string;
  /** Our SKUs with a price from this competitor in the region. */
  matched: number;
  /** Of those, how many they sell for less than we do. */
  undercut: number;
}

export interface PriceIndex {
  rows: IndexRow[];
  competitors: CompetitorSummary[];
}

export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

export function deltaPct(their: number, ours: number): number {
  return round1(((their - ours) / ours) * 100);
}

export function trendOf(amount: number, previous: number | null): Trend {
  if (previous === null || previous === amount) return null;
  return amount < previous ? 'down' : 'up';
}

export function buildIndex(products: readonly OurProduct[], matches: readonly Match[]): PriceIndex {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const groups = new Map<string, { p: OurProduct; region: string; ourPrice: number; byCompetitor: Map<string, CompetitorPrice>; shown: CompetitorPrice[] }>();
  for (const m of matches) {
    // A suggestion is never compared, whoever set the flag.
    if (!m.confirmed || !CONFIRMING.has(m.method)) continue;
    const p = bySku.get(m.sku);
    if (!p) continue;
    const o = m.offer;
    // Prices in another currency are not comparable without a rate we do not have.
    if (o.currency !== null && o.currency !== p.currency) continue;
    const ourPrice = ourPriceIn(p, o.region);
    if (ourPrice === null) continue;
    const gk = `${p.sku}\0${o.region}`;
    const g = groups.get(gk) ?? { p, region: o.region, ourPrice, byCompetitor: new Map<string, CompetitorPrice>(), shown: [] };
    groups.set(gk, g);
    const c: CompetitorPrice = {
      competitor: o.competitor,
      targetId: o.targetId,
      key: o.key,
      name: o.name,
      url: o.url,
      amount: o.amount,
      from: o.from,
      deltaPct: deltaPct(o.amount, ourPrice),
      trend: trendOf(o.amount, o.previousAmount),
      previousAmount: o.previousAmount,
      method: m.method,
      ...(o.stock === 'out_of_stock' ? { outOfStock: true } : {}),
      seenAt: o.seenAt,
    };
    if (o.from || o.stock === 'out_of_stock') {
      g.shown.push(c);
      continue;
    }
    const prev = g.byCompetitor.get(o.competitor);
    if (!prev || c.amount < prev.amount || (c.amount === prev.amount && METHOD_RANK[c.method] < METHOD_RANK[prev.method])) g.byCompetitor.set(o.competitor, c);
  }

  const rows: IndexRow[] = [];
  for (const g of groups.values()) {
    if (g.byCompetitor.size === 0) continue; // nothing comparable: no index to make
    const competitors = [...g.byCompetitor.values()].sort((a, b) => a.amount - b.amount || a.competitor.localeCompare(b.competitor));
    const prices = competitors.map((c) => c.amount);
    const med = median(prices);
    rows.push({
      sku: g.p.sku,
      name: g.p.name,
      model: g.p.model,
      category: g.p.category,
      region: g.region,
      ourPrice: g.ourPrice,
      currency: g.p.currency,
      competitors,
      lowest: prices[0]!,
      median: med,
      index: round1((g.ourPrice / med) * 100),
      rank: 1 + prices.filter((x) => x < g.ourPrice).length,
      mostExpensive: prices.every((x) => x < g.ourPrice),
      notCompared: g.shown.sort((a, b) => a.competitor.localeCompare(b.competitor) || a.amount - b.amount),
    });
  }
  rows.sort((a, b) => a.region.localeCompare(b.region) || a.sku.localeCompare(b.sku));

  const summary = new Map<string, CompetitorSummary>();
  for (const r of rows) {
    for (const c of r.competitors) {
      const k = `${r.region}\0${c.competitor}`;
      const s = summary.get(k) ?? { region: r.region, competitor: c.competitor, matched: 0, undercut: 0 };
      s.matched++;
      if (c.amount < r.ourPrice) s.undercut++;
      summary.set(k, s);
    }
  }
  const competitors = [...summary.values()].sort((a, b) => a.region.localeCompare(b.region) || b.undercut - a.undercut || a.competitor.localeCompare(b.competitor));
  return { rows, competitors };
}
