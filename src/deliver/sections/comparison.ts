import type { ComparisonAlertPayload } from '../../compare/alerts.js';
import type { IndexRow } from '../../compare/price-index.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatMoney, formatPct } from '../format.js';
import { fill } from '../i18n.js';
import { competitorCell, noCell, notComparedLines } from './competitor-cell.js';
import type { Section, SectionContext } from './types.js';

const payload = (a: StoredAlert) => a.payload as unknown as ComparisonAlertPayload;

/** "8%" / "7.4%": the size of a gap, without a sign (the words say which way). */
function gap(pct: number | null): string {
  return formatPct(Math.abs(pct ?? 0)).replace(/^\+/, '').replace('.0%', '%');
}

function productLabel(row: IndexRow | null, sku: string | null): string {
  const label = row?.model ?? row?.name ?? sku ?? '';
  return label.length > 24 ? `${label.slice(0, 23)}…` : label;
}

function note(p: ComparisonAlertPayload, ctx: SectionContext): string {
  const cur = p.row?.currency ?? null;
  switch (p.rule) {
    case 'undercut':
      return fill(ctx.t['comparison.note_undercut'] ?? '{competitor} is {pct} cheaper (threshold {threshold}%)', { competitor: p.competitor ?? '', pct: gap(p.deltaPct), threshold: p.threshold ?? '' });
    case 'floor':
      return fill(ctx.t['comparison.note_floor'] ?? '{competitor} below our floor {floor}', { competitor: p.competitor ?? '', floor: formatMoney(p.threshold, cur, ctx.locale) });
    case 'most_expensive':
      return fill(ctx.t['comparison.note_most_expensive'] ?? 'We are the dearest of {n} competitors', { n: p.row?.competitors.length ?? 0 });
    default:
      return p.message ?? '';
  }
}

/** Stronger news first: undercuts by size, then floors, then "most expensive". */
function severity(p: ComparisonAlertPayload): number {
  if (p.rule === 'undercut') return 1000 - (p.deltaPct ?? 0);
  if (p.rule === 'floor') return 900;
  if (p.rule === 'most_expensive') return 800;
  return 0;
}

export const comparisonSection: Section = {
  topic: 'comparison',
  // Before competitor prices (20): a regional head reads "who undercuts us" first.
  order: 10,
  title: (ctx) => ctx.t['comparison.title'] ?? 'Price comparison',
  view(alerts, ctx) {
    const regionAlerts = alerts.filter((a) => payload(a).rule !== 'problem' && payload(a).row);
    const byRegion = new Map<string, StoredAlert[]>();
    for (const a of regionAlerts) byRegion.set(payload(a).region!, [...(byRegion.get(payload(a).region!) ?? []), a]);
    const regions = [...byRegion.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([region, list]) => {
        // One row per SKU; its numbers come from the newest alert about it.
        const bySku = new Map<string, StoredAlert[]>();
        for (const a of list) bySku.set(payload(a).sku!, [...(bySku.get(payload(a).sku!) ?? []), a]);
        const newest = list.reduce((x, y) => (y.createdAt > x.createdAt ? y : x));
        const competitors = [...new Set([...bySku.values()].flatMap((as) => latest(as).row!.competitors.map((c) => c.competitor)))].sort((a, b) => a.localeCompare(b));
        const rows = [...bySku.values()]
          .map((as) => {
            const row = latest(as).row!;
            const ps = as.map(payload).sort((a, b) => severity(b) - severity(a));
            const flagged = new Set(ps.filter((p) => p.competitor).map((p) => p.competitor));
            return {
              weight: severity(ps[0]!),
              sku: row.sku,
              product: row.model && row.name && !row.name.includes(row.model) ? `${row.name} ${row.model}` : (row.name ?? row.model ?? row.sku),
              ours: formatMoney(row.ourPrice, row.currency, ctx.locale),
              index: row.index.toFixed(1),
              dear: row.index > 100,
              rank: fill(ctx.t['comparison.rank'] ?? '#{rank} of {n}', { rank: row.rank, n: row.competitors.length + 1 }),
              lowest: formatMoney(row.lowest, row.currency, ctx.locale),
              median: formatMoney(row.median, row.currency, ctx.locale),
              notes: [...new Set(ps.map((p) => note(p, ctx)))],
              notCompared: notComparedLines(row.notCompared, row.currency, ctx),
              cells: competitors.map((name) => {
                const c = row.competitors.find((x) => x.competitor === name);
                return c ? { ...competitorCell(c, row.currency, ctx), flagged: flagged.has(name) } : noCell(name);
              }),
            };
          })
          .sort((a, b) => b.weight - a.weight || a.sku.localeCompare(b.sku));
        const np = payload(newest);
        const name = ctx.locale === 'en' ? (np.regionName?.en ?? np.regionName?.zh) : np.regionName?.zh;
        return {
          region,
          regionName: name ?? region,
          competitors,
          rows,
          summary: np.summary.map((s) => fill(ctx.t['comparison.summary'] ?? '{competitor}: cheaper than us on {undercut} of {matched} matched products', { competitor: s.competitor, undercut: s.undercut, matched: s.matched })),
        };
      });
    const problems = alerts.map(payload).filter((p) => p.rule === 'problem');
    return { regions, showRegion: regions.length > 1, problems, hasRegions: regions.length > 0 };
  },
  weight: (a) => severity(payload(a)),
  headline(alerts, ctx) {
    const ps = alerts.map(payload);
    const news = ps.filter((p) => p.rule !== 'problem').sort((a, b) => severity(b) - severity(a));
    const top = news[0];
    if (!top) {
      return ps.length ? { text: fill(ctx.t['comparison.headline_problems'] ?? '{n} price list problems', { n: ps.length }), weight: 40 } : null;
    }
    const vars = {
      competitor: top.competitor ?? '',
      product: productLabel(top.row, top.sku),
      pct: gap(top.deltaPct),
      floor: formatMoney(top.threshold, top.row?.currency ?? null, ctx.locale),
      amount: formatMoney(top.amount, top.row?.currency ?? null, ctx.locale),
      n: top.row?.competitors.length ?? 0,
    };
    let text = fill(ctx.t[`comparison.headline_${top.rule}`] ?? '{competitor} undercuts our {product} by {pct}', vars);
    if (news.length > 1) text += fill(ctx.t['comparison.headline_more'] ?? ' (+{n} more)', { n: news.length - 1 });
    // Outweighs every price move: being undercut is what the regional head acts on.
    return { text, weight: top.rule === 'undercut' ? 100 + news.length : top.rule === 'floor' ? 90 : 80 };
  },
};

function latest(as: StoredAlert[]): ComparisonAlertPayload {
  return payload(as.reduce((x, y) => (y.createdAt > x.createdAt ? y : x)));
}
