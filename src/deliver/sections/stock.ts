import type { StockAlertPayload } from '../../kinds/price.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatMoney } from '../format.js';
import { fill } from '../i18n.js';
import type { Section } from './types.js';

const p = (a: StoredAlert) => a.payload as unknown as StockAlertPayload;

/** Competitor items that can be bought again, or no longer (kinds/price.ts, rules/price.yaml `stock:`). */
export const stockSection: Section = {
  topic: 'stock',
  order: 25,
  title: (ctx) => ctx.t['stock.title'] ?? 'Availability',
  view(alerts, ctx) {
    const row = (a: StoredAlert) => {
      const x = p(a);
      return { competitor: x.competitor, name: x.name ?? x.key, url: x.url, price: formatMoney(x.amount, x.currency, ctx.locale), from: x.from };
    };
    return {
      back: alerts.filter((a) => p(a).change === 'back_in_stock').map(row),
      out: alerts.filter((a) => p(a).change === 'out_of_stock').map(row),
    };
  },
  headline(alerts, ctx) {
    const back = alerts.filter((a) => p(a).change === 'back_in_stock').length;
    const out = alerts.length - back;
    if (back) return { text: fill(ctx.t['stock.headline_back'] ?? '{n} back in stock', { n: back }), weight: 8 };
    if (out) return { text: fill(ctx.t['stock.headline_out'] ?? '{n} out of stock', { n: out }), weight: 6 };
    return null;
  },
};
