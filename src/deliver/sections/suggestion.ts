import type { SuggestionPayload } from '../../compare/alerts.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatMoney } from '../format.js';
import { fill } from '../i18n.js';
import type { Section } from './types.js';

const p = (a: StoredAlert) => a.payload as unknown as SuggestionPayload;

/**
 * Proposed matches (model series, ambiguous models, similar titles), for sales ops: none is used
 * for the price index or an undercut alert until it is confirmed in rules/matches.yaml.
 */
export const suggestionSection: Section = {
  topic: 'suggestion',
  order: 95,
  title: (ctx) => ctx.t['suggestion.title'] ?? 'Match suggestions',
  view(alerts, ctx) {
    const rows = alerts
      .map(p)
      .sort((a, b) => Number(a.ambiguous) - Number(b.ambiguous) || b.confidence - a.confidence || a.sku.localeCompare(b.sku))
      .map((x) => ({
        sku: x.sku,
        ours: x.ourName ?? x.sku,
        competitor: x.competitor,
        name: x.name ?? x.key,
        url: x.url,
        price: formatMoney(x.amount, x.currency, ctx.locale),
        from: x.from,
        confidence: x.confidence.toFixed(2),
        detail: x.detail,
        yaml: x.yaml,
      }));
    return { rows };
  },
  headline(alerts, ctx) {
    return alerts.length ? { text: fill(ctx.t['suggestion.headline'] ?? '{n} match suggestions to confirm', { n: alerts.length }), weight: 3 } : null;
  },
};
