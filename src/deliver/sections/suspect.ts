import type { SuspectPayload } from '../../kinds/price.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatMoney, formatPct } from '../format.js';
import { fill } from '../i18n.js';
import type { Section } from './types.js';

const p = (a: StoredAlert) => a.payload as unknown as SuspectPayload;

/**
 * Price moves held back as implausible (kinds/suspect.ts), for sales ops: the region hears of a
 * move only when a later good run shows the same price again; ops can look at the page meanwhile.
 */
export const suspectSection: Section = {
  topic: 'suspect',
  order: 85,
  title: (ctx) => ctx.t['suspect.title'] ?? 'Price moves held back',
  view(alerts, ctx) {
    return {
      rows: alerts.map((a) => {
        const x = p(a);
        return {
          target: x.targetId,
          competitor: x.competitor,
          name: x.name ?? x.key,
          url: x.url,
          old: formatMoney(x.oldAmount, x.currency, ctx.locale),
          new: formatMoney(x.newAmount, x.currency, ctx.locale),
          pct: formatPct(x.deltaPct),
          reason: x.reason,
        };
      }),
    };
  },
  headline(alerts, ctx) {
    return alerts.length ? { text: fill(ctx.t['suspect.headline'] ?? '{n} implausible price moves held back', { n: alerts.length }), weight: 20 } : null;
  },
};
