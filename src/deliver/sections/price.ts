import { createHash } from 'node:crypto';
import type { PriceAlertPayload } from '../../kinds/price.js';
import type { StoredAlert } from '../../store/outbox.js';
import { readSnapshot, snapshotFile, type Snapshot } from '../../store/snapshot.js';
import { renderPriceChart, type ChartPoint } from '../charts.js';
import { currencySymbol, formatDate, formatMoney, formatPct } from '../format.js';
import { counted, fill } from '../i18n.js';
import type { InlineImage, Section, SectionContext } from './types.js';

function payloads(alerts: StoredAlert[]): PriceAlertPayload[] {
  return alerts.map((a) => a.payload as unknown as PriceAlertPayload);
}

const p = (a: StoredAlert) => a.payload as unknown as PriceAlertPayload;

/** Points shown in the text history line. */
const TEXT_POINTS = 6;
/** Points drawn in a chart. */
const CHART_POINTS = 30;

/**
 * An item's price history from its target's snapshot (read once per compose pass), ending with
 * the alert's new price even if the snapshot has moved on or not yet caught up.
 */
function history(a: StoredAlert, ctx: SectionContext): ChartPoint[] {
  const pl = p(a);
  let points: ChartPoint[] = [];
  if (ctx.stateDir) {
    const memoKey = `snapshot:${snapshotFile(ctx.stateDir, pl.targetId)}`;
    let snap = ctx.memo?.get(memoKey) as Snapshot | null | undefined;
    if (snap === undefined) {
      try {
        snap = readSnapshot(ctx.stateDir, pl.targetId);
      } catch {
        snap = null; // an unreadable snapshot costs the chart, not the digest
      }
      ctx.memo?.set(memoKey, snap);
    }
    const series = snap?.history.get(pl.key) ?? [];
    points = series.filter((h) => typeof h.amount === 'number' && (h.currency ?? pl.currency) === pl.currency).map((h) => ({ at: h.at, amount: h.amount as number }));
  }
  // History up to this alert: a later change belongs to a later email.
  const cut = points.findIndex((pt) => Date.parse(pt.at) > Date.parse(a.createdAt));
  if (cut >= 0) points = points.slice(0, cut);
  if (pl.newAmount !== null && points.at(-1)?.amount !== pl.newAmount) points.push({ at: a.createdAt, amount: pl.newAmount });
  if (points.length === 1 && pl.oldAmount !== null && pl.oldAmount !== pl.newAmount) points.unshift({ at: a.recordedAt < a.createdAt ? a.recordedAt : a.createdAt, amount: pl.oldAmount });
  return points;
}

function historyText(points: ChartPoint[], currency: string | null, ctx: SectionContext): string | null {
  if (points.length < 2) return null;
  const shown = points.slice(-TEXT_POINTS);
  // `4 Dec` / `12月4日`: a bare `12-04` reads as 12 April to half the readers.
  const date = (iso: string) => formatDate(new Date(iso), ctx.timeZone, ctx.locale, { year: false });
  return `${points.length > shown.length ? '… ' : ''}${shown.map((pt) => `${formatMoney(pt.amount, currency, ctx.locale)} (${date(pt.at)})`).join(' → ')}`;
}

const byMove = (a: PriceAlertPayload, b: PriceAlertPayload) => Math.abs(b.deltaPct ?? 0) - Math.abs(a.deltaPct ?? 0);

export const priceSection: Section = {
  topic: 'price',
  order: 20,
  title: (ctx) => ctx.t['price.title'] ?? 'Competitor prices',
  view(alerts, ctx: SectionContext) {
    const row = (a: StoredAlert) => {
      const pl = p(a);
      const img = ctx.images?.get(a.id);
      return {
        competitor: pl.competitor,
        name: pl.name ?? pl.key,
        url: pl.url,
        old: formatMoney(pl.oldAmount, pl.currency, ctx.locale),
        new: formatMoney(pl.newAmount, pl.currency, ctx.locale),
        pct: formatPct(pl.deltaPct),
        down: (pl.deltaPct ?? 0) < 0,
        up: (pl.deltaPct ?? 0) > 0,
        from: pl.from,
        history: pl.change === 'changed' ? historyText(history(a, ctx), pl.currency, ctx) : null,
        chart: img ? { cid: img.cid, width: img.width, height: img.height, alt: img.alt } : null,
      };
    };
    const of = (change: PriceAlertPayload['change']) => alerts.filter((a) => p(a).change === change);
    return {
      changed: of('changed')
        .sort((a, b) => byMove(p(a), p(b)))
        .map(row),
      added: of('added').map(row),
      removed: of('removed').map(row),
    };
  },
  headline(alerts, ctx) {
    const changed = payloads(alerts).filter((p) => p.change === 'changed');
    if (changed.length === 0) {
      const n = alerts.length;
      return n ? { text: fill(counted(ctx.t, 'price.headline_other', n, '{n} product updates'), { n }), weight: 1 } : null;
    }
    const biggest = changed.reduce((a, b) => (Math.abs(b.deltaPct ?? 0) > Math.abs(a.deltaPct ?? 0) ? b : a));
    const drops = changed.filter((p) => (p.deltaPct ?? 0) < 0).length;
    const key = drops === changed.length ? 'price.headline_drops' : drops === 0 ? 'price.headline_rises' : 'price.headline_moves';
    return {
      text: fill(counted(ctx.t, key, changed.length, '{n} competitor price changes, largest {pct}: {competitor} {name}'), {
        n: changed.length,
        pct: formatPct(biggest.deltaPct),
        competitor: biggest.competitor,
        // "Acme Acme 空调" reads badly: drop the competitor from the name when the shop repeats it.
        name: truncate(stripPrefix(biggest.name ?? biggest.key, biggest.competitor), 24),
      }),
      weight: 10 + changed.length,
    };
  },
  weight(a) {
    const pl = p(a);
    return pl.change === 'changed' ? 1 + Math.abs(pl.deltaPct ?? 0) : 0;
  },
  /** A price-history chart for each of the biggest moves that has at least two prices to draw. */
  async images(alerts, ctx, max) {
    const out: InlineImage[] = [];
    const changed = alerts.filter((a) => p(a).change === 'changed').sort((a, b) => byMove(p(a), p(b)));
    for (const a of changed) {
      if (out.length >= max) break;
      const points = history(a, ctx).slice(-CHART_POINTS);
      if (points.length < 2) continue;
      const pl = p(a);
      const memoKey = `chart:${ctx.locale}:${a.id}`;
      let chart = ctx.memo?.get(memoKey) as Awaited<ReturnType<typeof renderPriceChart>> | undefined;
      if (!chart) {
        chart = await renderPriceChart({ points, currencySymbol: currencySymbol(pl.currency), locale: ctx.locale, timeZone: ctx.timeZone, title: ctx.t['price.chart_title'] ?? 'Price history', now: ctx.now });
        ctx.memo?.set(memoKey, chart);
      }
      const cid = `price-${createHash('sha256').update(a.id).digest('hex').slice(0, 16)}@sales-radar`;
      const alt = fill(ctx.t['price.chart_alt'] ?? 'Price history of {name}', { name: pl.name ?? pl.key });
      out.push({ alertId: a.id, cid, png: chart.png, width: chart.width, height: chart.height, alt });
    }
    return out;
  },
};

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function stripPrefix(name: string, competitor: string): string {
  return name.toLowerCase().startsWith(competitor.toLowerCase()) ? name.slice(competitor.length).trim() || name : name;
}
