/**
 * Competitor offers: the items of every price target's last good snapshot, with the target's
 * competitor and region. Only data a good run wrote is read; a target whose last good run is
 * older than `maxAgeDays` is left out, so a scraper broken for a week never compares our
 * prices against last week's.
 */
import { loadTargets, type Paths } from '../config/load.js';
import { readSnapshot, type Snapshot } from '../store/snapshot.js';

export interface Offer {
  targetId: string;
  competitor: string;
  region: string;
  key: string;
  name: string | null;
  url: string | null;
  amount: number;
  currency: string | null;
  /** "起" / "from": the amount is a lower bound, shown but never compared. */
  from: boolean;
  /** What the page said about availability; out of stock is shown but never compared. */
  stock: 'in_stock' | 'out_of_stock' | null;
  gtin: string | null;
  mpn: string | null;
  brand: string | null;
  /** The price before the latest move, from the item's history; null with one point. */
  previousAmount: number | null;
  /** When the target's snapshot was last written by a good run. */
  seenAt: string;
}

export interface SkippedTarget {
  targetId: string;
  reason: string;
}

export interface LoadedOffers {
  offers: Offer[];
  skipped: SkippedTarget[];
  /** Regions of the price targets, so the index knows where we compete. */
  regions: string[];
}

export function offerId(o: Pick<Offer, 'targetId' | 'key'>): string {
  return `${o.targetId}\0${o.key}`;
}

export function loadOffers(paths: Paths, now: Date, maxAgeDays: number): LoadedOffers {
  const { targets } = loadTargets(paths.scrapersDir);
  const offers: Offer[] = [];
  const skipped: SkippedTarget[] = [];
  const regions = new Set<string>();
  for (const t of targets) {
    if (t.kind !== 'price' || !t.enabled) continue;
    regions.add(t.region);
    let snap: Snapshot | null;
    try {
      snap = readSnapshot(paths.stateDir, t.id);
    } catch (e) {
      skipped.push({ targetId: t.id, reason: (e as Error).message });
      continue;
    }
    if (!snap?.lastGoodAt) {
      skipped.push({ targetId: t.id, reason: 'no good run yet' });
      continue;
    }
    const ageDays = (now.getTime() - Date.parse(snap.lastGoodAt)) / 86_400_000;
    if (ageDays > maxAgeDays) {
      skipped.push({ targetId: t.id, reason: `last good data is ${ageDays.toFixed(1)} days old (max_age_days: ${maxAgeDays})` });
      continue;
    }
    for (const item of snap.items.values()) {
      // Missing from the last good run: not on sale there now, whatever it cost before.
      if (item.missingRuns > 0) continue;
      const d = item.data;
      const amount = typeof d.amount === 'number' && Number.isFinite(d.amount) && d.amount > 0 ? d.amount : null;
      if (amount === null) continue;
      const series = snap.history.get(item.key) ?? [];
      const prev = series.length >= 2 ? series[series.length - 2]!.amount : null;
      offers.push({
        targetId: t.id,
        competitor: t.competitor,
        region: t.region,
        key: item.key,
        name: text(d.name),
        url: text(d.url),
        amount,
        currency: text(d.currency) ?? t.currency,
        from: d.from === true,
        stock: d.stock === 'in_stock' || d.stock === 'out_of_stock' ? d.stock : null,
        gtin: text(d.gtin),
        mpn: text(d.mpn),
        brand: text(d.brand),
        previousAmount: typeof prev === 'number' ? prev : null,
        seenAt: snap.lastGoodAt,
      });
    }
  }
  return { offers, skipped, regions: [...regions].sort() };
}

function text(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}
