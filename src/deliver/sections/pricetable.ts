import type { PriceTablePayload } from '../../compare/table.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatDateTime, formatDay, formatMoney } from '../format.js';
import { counted, fill } from '../i18n.js';
import { competitorCell, noCell, notComparedLines } from './competitor-cell.js';
import type { Section, SectionContext } from './types.js';

const payload = (a: StoredAlert) => a.payload as unknown as PriceTablePayload;

/** The newest table of each region: several runs a day make several, the digest shows the latest prices. */
function newestPerRegion(alerts: StoredAlert[]): PriceTablePayload[] {
  const byRegion = new Map<string, StoredAlert>();
  for (const a of alerts) {
    const cur = byRegion.get(payload(a).region);
    if (!cur || a.createdAt > cur.createdAt) byRegion.set(payload(a).region, a);
  }
  return [...byRegion.values()].map(payload).sort((a, b) => a.region.localeCompare(b.region));
}

/** "1 product", "3 competitors" (Chinese has one form for both). */
function sizes(n: number, m: number, ctx: SectionContext): { products: string; competitors: string } {
  return {
    products: fill(counted(ctx.t, 'pricetable.products', n, '{n} products'), { n }),
    competitors: fill(counted(ctx.t, 'pricetable.competitors', m, '{n} competitors'), { n: m }),
  };
}

/** The 比价 table: every matched product of the region with each competitor's price, stale ones marked. */
export const priceTableSection: Section = {
  topic: 'pricetable',
  // After the comparison alerts (10) and before single price moves (20): the news first, then the whole picture.
  order: 15,
  title: (ctx) => ctx.t['pricetable.title'] ?? 'Price comparison table',
  view(alerts, ctx) {
    const tables = newestPerRegion(alerts).map((p) => {
      const name = ctx.locale === 'en' ? (p.regionName.en ?? p.regionName.zh) : p.regionName.zh;
      let stale = 0;
      const rows = p.rows.map((r) => ({
        sku: r.sku,
        product: r.model && r.name && !r.name.includes(r.model) ? `${r.name} ${r.model}` : (r.name ?? r.model ?? r.sku),
        ours: formatMoney(r.ourPrice, r.currency, ctx.locale),
        index: r.index.toFixed(1),
        dear: r.index > 100,
        rank: fill(ctx.t['comparison.rank'] ?? '#{rank} of {n}', { rank: r.rank, n: r.n + 1 }),
        notCompared: notComparedLines(r.notCompared, r.currency, ctx),
        cells: p.competitors.map((competitor) => {
          const c = r.cells.find((x) => x.competitor === competitor);
          if (!c) return noCell(competitor);
          if (c.stale) stale++;
          return { ...competitorCell(c, r.currency, ctx), stale: c.stale, seen: c.stale ? formatDateTime(new Date(c.seenAt), ctx.timeZone, ctx.locale) : '' };
        }),
      }));
      return {
        region: p.region,
        regionName: name ?? p.region,
        heading: fill(ctx.t['pricetable.heading'] ?? '{region}, {date}: {products}, {competitors}', {
          region: name ?? p.region,
          date: formatDay(p.date, ctx.timeZone, ctx.locale, ctx.now),
          ...sizes(p.rows.length, p.competitors.length, ctx),
        }),
        competitors: p.competitors,
        rows,
        staleNote: stale ? fill(ctx.t['pricetable.stale_note'] ?? '{n} prices marked "old" are from a run more than {hours} h ago (the date is shown): that shop has not been read since.', { n: stale, hours: p.staleAfterHours }) : '',
        summary: p.summary.map((s) => fill(ctx.t['comparison.summary'] ?? '{competitor}: cheaper than us on {undercut} of {matched} matched products', { competitor: s.competitor, undercut: s.undercut, matched: s.matched })),
      };
    });
    return { tables };
  },
  headline(alerts, ctx) {
    const tables = newestPerRegion(alerts);
    if (!tables.length) return null;
    const n = tables.reduce((s, p) => s + p.rows.length, 0);
    const dearer = tables.reduce((s, p) => s + p.rows.filter((r) => r.index > 100).length, 0);
    const m = new Set(tables.flatMap((p) => p.competitors)).size;
    // The least news in a digest: any alert's headline comes first.
    return { text: fill(ctx.t['pricetable.headline'] ?? 'Price table: {products} vs {competitors}, dearer than the market on {dearer}', { ...sizes(n, m, ctx), dearer }), weight: 5 };
  },
};
