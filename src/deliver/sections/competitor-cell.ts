import type { TableCell } from '../../compare/table.js';
import { formatMoney, formatPct } from '../format.js';
import { fill } from '../i18n.js';
import type { SectionContext } from './types.js';

/** A competitor's price in a product's row, as both 比价 views (alerts and the daily table) store it. */
export type CompetitorPriceLike = Pick<TableCell, 'competitor' | 'amount' | 'from' | 'deltaPct' | 'trend' | 'url' | 'name'>;

/**
 * One competitor's cell under a product: the price (a link to their page) and, under it, the gap
 * "vs ours" with ↓/↑ for their latest move. Both views build it here, so they read the same.
 */
export function competitorCell(c: CompetitorPriceLike, currency: string, ctx: SectionContext) {
  const pct = formatPct(c.deltaPct);
  const arrow = c.trend === 'down' ? '↓' : c.trend === 'up' ? '↑' : '';
  const vsOurs = fill(ctx.t['comparison.vs_ours'] ?? '{pct} vs ours', { pct });
  return {
    has: true as const,
    competitor: c.competitor,
    price: formatMoney(c.amount, currency, ctx.locale),
    from: c.from,
    pct,
    arrow,
    vsOurs: arrow ? `${vsOurs} ${arrow}` : vsOurs,
    cheaper: c.deltaPct < 0,
    url: c.url,
    name: c.name,
  };
}

/** A competitor with no price for this product: an empty cell in its column. */
export function noCell(competitor: string) {
  return { has: false as const, competitor };
}

/** Starting prices and out-of-stock offers: shown, marked, never compared (rows stored before this lack them). */
export function notComparedLines(list: readonly { competitor: string; amount: number; outOfStock?: boolean }[] | undefined, currency: string, ctx: SectionContext): string[] {
  return (list ?? []).map((c) =>
    fill(ctx.t['comparison.not_compared'] ?? '{competitor} {price} ({why}): not compared', {
      competitor: c.competitor,
      price: formatMoney(c.amount, currency, ctx.locale),
      why: c.outOfStock ? (ctx.t['comparison.why_out_of_stock'] ?? 'out of stock') : (ctx.t['comparison.why_from'] ?? 'starting price'),
    }),
  );
}
