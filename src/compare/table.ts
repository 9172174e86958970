/**
 * The 比价 table: the whole comparison of a region for its owners, whether or not anything
 * crossed a threshold (the undercut alerts say what is news; this says where we stand). Each
 * owner chooses how often (rules/compare.yaml `table:`): daily, weekly, only along with an alert,
 * or never. A competitor price read longer ago than `stale_after_hours` is marked stale, with its
 * date, so a scraper that has been failing does not pass yesterday's price off as today's.
 * Starting prices and out-of-stock offers are listed under their product, marked, never as a column.
 */
import { createHash } from 'node:crypto';
import type { Alert } from '../alerts/model.js';
import { PRICE_TABLE_TOPIC } from '../alerts/tables.js';
import type { OwnersRules } from '../config/rules-schema.js';
import type { CompareRules, TableCadence } from './config.js';
import type { CompetitorSummary, PriceIndex, Trend } from './price-index.js';

export interface TableCell {
  competitor: string;
  amount: number;
  from: boolean;
  /** Their price against ours: -8 = 8 % cheaper than us. */
  deltaPct: number;
  trend: Trend;
  url: string | null;
  name: string | null;
  seenAt: string;
  /** Read longer ago than stale_after_hours. */
  stale: boolean;
}

export interface TableRow {
  sku: string;
  name: string | null;
  model: string | null;
  ourPrice: number;
  currency: string;
  index: number;
  rank: number;
  /** Competitors in the row (for "#2 of 5"). */
  n: number;
  cells: TableCell[];
  /** Matched offers shown but never compared: starting prices ("起") and items out of stock. */
  notCompared: { competitor: string; amount: number; outOfStock: boolean }[];
}

export interface PriceTablePayload {
  region: string;
  regionName: { zh: string | null; en: string | null };
  /** The owners' calendar day (rules/owners.yaml time_zone), YYYY-MM-DD. */
  date: string;
  /** Column order: every competitor with a price in the region. */
  competitors: string[];
  rows: TableRow[];
  summary: CompetitorSummary[];
  staleAfterHours: number;
}

/** YYYY-MM-DD and ISO weekday (1 = Monday) of `now` in a time zone. */
function localDay(now: Date, timeZone: string): { date: string; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, weekday };
}

/** Who of a region's owners gets today's table, and who only along with an alert. */
export function tableRecipients(owners: readonly string[], table: CompareRules['table'], weekday: number): { now: string[]; withAlerts: string[] } {
  const now: string[] = [];
  const withAlerts: string[] = [];
  const byOwner = new Map(Object.entries(table.owners).map(([k, v]) => [k.toLowerCase(), v]));
  for (const email of owners) {
    const cadence: TableCadence = byOwner.get(email.toLowerCase()) ?? table.send;
    if (cadence === 'daily' || (cadence === 'weekly' && weekday === table.weekday)) now.push(email);
    else if (cadence === 'alerts') withAlerts.push(email);
  }
  return { now, withAlerts };
}

/**
 * Table alerts for every region with matched products. The id carries the day and a hash of
 * the prices: several runs a day with the same prices make one table; a price that moved makes
 * a newer one (the digest shows the newest table of a region only).
 */
export function tableAlerts(index: PriceIndex, rules: CompareRules, owners: OwnersRules, now: Date): Alert<PriceTablePayload>[] {
  const { date, weekday } = localDay(now, owners.time_zone);
  const staleMs = rules.table.stale_after_hours * 3_600_000;
  const out: Alert<PriceTablePayload>[] = [];
  for (const region of [...new Set(index.rows.map((r) => r.region))].sort()) {
    const owned = owners.regions[region];
    if (!owned) continue;
    const who = tableRecipients(owned.owners, rules.table, weekday);
    if (!who.now.length && !who.withAlerts.length) continue;
    const rows = index.rows.filter((r) => r.region === region);
    const competitors = [...new Set(rows.flatMap((r) => r.competitors.map((c) => c.competitor)))].sort((a, b) => a.localeCompare(b));
    const payload: PriceTablePayload = {
      region,
      regionName: { zh: owned.name ?? null, en: owned.name_en ?? null },
      date,
      competitors,
      rows: rows.map((r) => ({
        sku: r.sku,
        name: r.name,
        model: r.model,
        ourPrice: r.ourPrice,
        currency: r.currency,
        index: r.index,
        rank: r.rank,
        n: r.competitors.length,
        cells: r.competitors.map((c) => ({
          competitor: c.competitor,
          amount: c.amount,
          from: c.from,
          deltaPct: c.deltaPct,
          trend: c.trend,
          url: c.url,
          name: c.name,
          seenAt: c.seenAt,
          stale: now.getTime() - Date.parse(c.seenAt) > staleMs,
        })),
        notCompared: r.notCompared.map((c) => ({ competitor: c.competitor, amount: c.amount, outOfStock: c.outOfStock === true })),
      })),
      summary: index.competitors.filter((s) => s.region === region),
      staleAfterHours: rules.table.stale_after_hours,
    };
    const prices = createHash('sha256')
      .update(JSON.stringify(payload.rows.map((r) => [r.sku, r.ourPrice, r.cells.map((c) => [c.competitor, c.amount, c.stale]), r.notCompared])))
      .digest('hex')
      .slice(0, 10);
    const base = { topic: PRICE_TABLE_TOPIC, createdAt: now.toISOString(), urgency: 'digest' as const, payload };
    if (who.now.length) out.push({ ...base, id: `pricetable:${region}:${date}:${prices}`, audience: { kind: 'region', region, owners: who.now } });
    if (who.withAlerts.length) {
      out.push({ ...base, id: `pricetable:${region}:${date}:${prices}:with-alerts`, audience: { kind: 'region', region, owners: who.withAlerts }, onlyWith: ['comparison'] });
    }
  }
  return out;
}
