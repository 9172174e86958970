import type { PriceAlertPayload } from '../../kinds/price.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatMoney, formatPct } from '../format.js';
import { fill } from '../i18n.js';
import type { Section, SectionContext } from './types.js';

function payloads(alerts: StoredAlert[]): PriceAlertPayload[] {
  return alerts.map((a) => a.payload as unknown as PriceAlertPayload);
}

export const priceSection: Section = {
  topic: 'price',
  order: 20,
  title: (ctx) => ctx.t['price.title'] ?? 'Competitor prices',
  view(alerts, ctx: SectionContext) {
    const ps = payloads(alerts);
    const row = (p: PriceAlertPayload) => ({
      competitor: p.competitor,
      name: p.name ?? p.key,
      url: p.url,
      old: formatMoney(p.oldAmount, p.currency, ctx.locale),
      new: formatMoney(p.newAmount, p.currency, ctx.locale),
      pct: formatPct(p.deltaPct),
      down: (p.deltaPct ?? 0) < 0,
      up: (p.deltaPct ?? 0) > 0,
      from: p.from,
    });
    const byMove = (a: PriceAlertPayload, b: PriceAlertPayload) => Math.abs(b.deltaPct ?? 0) - Math.abs(a.deltaPct ?? 0);
    return {
      changed: ps.filter((p) => p.change === 'changed').sort(byMove).map(row),
      added: ps.filter((p) => p.change === 'added').map(row),
      removed: ps.filter((p) => p.change === 'removed').map(row),
    };
  },
  headline(alerts, ctx) {
    const changed = payloads(alerts).filter((p) => p.change === 'changed');
    if (changed.length === 0) {
      const n = alerts.length;
      return n ? { text: fill(ctx.t['price.headline_other'] ?? '{n} product updates', { n }), weight: 1 } : null;
    }
    const biggest = changed.reduce((a, b) => (Math.abs(b.deltaPct ?? 0) > Math.abs(a.deltaPct ?? 0) ? b : a));
    const drops = changed.filter((p) => (p.deltaPct ?? 0) < 0).length;
    const key = drops === changed.length ? 'price.headline_drops' : drops === 0 ? 'price.headline_rises' : 'price.headline_moves';
    return {
      text: fill(ctx.t[key] ?? '{n} competitor price changes, largest {pct}: {competitor} {name}', {
        n: changed.length,
        pct: formatPct(biggest.deltaPct),
        competitor: biggest.competitor,
        // "Acme Acme 空调" reads badly: drop the competitor from the name when the shop repeats it.
        name: truncate(stripPrefix(biggest.name ?? biggest.key, biggest.competitor), 24),
      }),
      weight: 10 + changed.length,
    };
  },
};

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function stripPrefix(name: string, competitor: string): string {
  return name.toLowerCase().startsWith(competitor.toLowerCase()) ? name.slice(competitor.length).trim() || name : name;
}
