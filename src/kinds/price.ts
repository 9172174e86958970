import type { Alert } from '../alerts/model.js';
import type { Target } from '../config/target-schema.js';
import { parsePrice } from '../parse/price.js';
import type { RawItem } from '../extract/items.js';
import type { DecideContext, Decision, Item, ItemData, KindPlugin, NormaliseResult } from './types.js';
import { numberOrNull, stringOrNull } from '../core/values.js';

export interface PriceAlertPayload {
  change: 'changed' | 'added' | 'removed';
  targetId: string;
  competitor: string;
  region: string;
  key: string;
  name: string | null;
  url: string | null;
  currency: string | null;
  /** The price the last alert was about (or the first seen price): thresholds compare to this. */
  oldAmount: number | null;
  newAmount: number | null;
  deltaAbs: number | null;
  deltaPct: number | null;
  from: boolean;
}

/**
 * The reference a price is compared with: the price last alerted on, or the first price seen.
 * Kept only while it differs from the stored price (otherwise the stored price is the reference),
 * so a snapshot of 100 k steady items carries no second copy of every price.
 */
interface Alerted {
  amount: number;
  at: string;
}

/** Price items: name, amount and currency; a change is a change of amount or currency. */
export const priceKind: KindPlugin = {
  name: 'price',
  requiredFields: ['name', 'price'],
  fields: ['name', 'price', 'url', 'gtin', 'mpn', 'sku', 'brand', 'model', 'availability', 'category', 'image'],
  describe: { zh: '竞品价格', en: 'Competitor prices' },
  unparsedField: 'amount',

  normalise(raw: RawItem, target: Target): NormaliseResult {
    if (!raw.key) return { ok: false, key: null, error: 'no key (set items.key, or give each item a link)' };
    const priceText = raw.fields.price ?? null;
    const parsed = parsePrice(priceText, { defaultCurrency: target.currency });
    const currency = parsed.currency ?? (typeof raw.extra?.currency === 'string' ? raw.extra.currency : null) ?? target.currency;
    const data: ItemData = {};
    for (const [k, v] of Object.entries(raw.fields)) if (k !== 'price') data[k] = v;
    for (const [k, v] of Object.entries(raw.extra ?? {})) if (!(k in data)) data[k] = v;
    data.name = raw.fields.name ?? null;
    data.url = raw.fields.url ?? null;
    data.priceText = priceText;
    data.amount = parsed.amount;
    data.currency = currency;
    data.from = parsed.from ?? false;
    return { ok: true, item: { key: raw.key, data } };
  },

  changedFields(prev: ItemData, next: ItemData): string[] | null {
    // Most items did not move: answer those without allocating (called once per item per run).
    if (prev.amount === next.amount && prev.currency === next.currency && prev.name === next.name) return null;
    const fields: string[] = [];
    if (prev.amount !== next.amount) fields.push('amount');
    if (prev.currency !== next.currency) fields.push('currency');
    if (prev.name !== next.name) fields.push('name');
    return fields.length ? fields : null;
  },

  historyPoint(item: Item) {
    return { amount: numberOrNull(item.data.amount), currency: stringOrNull(item.data.currency) };
  },

  decide(diff, ctx: DecideContext): Decision {
    const { target, rules, now } = ctx;
    // Updated in place: the state is the run's own copy, just read from the snapshot, and copying
    // a map with one entry per item cost 150 ms of a 100 k-item run (bench/ diff row).
    const alerted: Record<string, Alerted> = (ctx.state.alerted as Record<string, Alerted> | undefined) ?? {};
    const pct = target.thresholds?.change_percent ?? rules.price.alert_when.change_percent;
    const abs = target.thresholds?.change_abs ?? rules.price.alert_when.change_abs;
    const at = now.toISOString();
    const alerts: Alert<PriceAlertPayload>[] = [];
    const make = (p: Omit<PriceAlertPayload, 'targetId' | 'competitor' | 'region'>, idSuffix: string): Alert<PriceAlertPayload> => ({
      id: `price:${target.id}:${p.key}:${idSuffix}`,
      topic: 'price',
      audience: { kind: 'region', region: target.region },
      createdAt: at,
      payload: { targetId: target.id, competitor: target.competitor, region: target.region, ...p },
    });

    for (const item of diff.added) {
      const amount = numberOrNull(item.data.amount);
      delete alerted[item.key]; // a returning item starts again from its price now
      if (ctx.hasBaseline && rules.price.alert_new_items) {
        alerts.push(
          make(
            { change: 'added', key: item.key, name: stringOrNull(item.data.name), url: stringOrNull(item.data.url), currency: stringOrNull(item.data.currency), oldAmount: null, newAmount: amount, deltaAbs: null, deltaPct: null, from: item.data.from === true },
            `added@${ctx.epoch}`,
          ),
        );
      }
    }

    for (const ch of diff.changed) {
      const amount = numberOrNull(ch.after.amount);
      if (amount === null) {
        // "面议" is not a price move; the last real price stays the baseline for when a price returns.
        const before = numberOrNull(ch.before.amount);
        if (!alerted[ch.key] && before !== null) alerted[ch.key] = { amount: before, at };
        continue;
      }
      const base = alerted[ch.key]?.amount ?? numberOrNull(ch.before.amount);
      if (base === null || base === 0) {
        delete alerted[ch.key];
        continue;
      }
      if (ch.after.currency !== ch.before.currency) {
        delete alerted[ch.key];
        continue; // a currency switch is not comparable; start a new baseline quietly
      }
      const deltaAbs = round2(amount - base);
      const deltaPct = round2(((amount - base) / base) * 100);
      // Both thresholds must be reached (set one to 0 to ignore it): 3 % of ¥9.90 is noise, ¥50 on ¥90,000 too.
      if (Math.abs(deltaPct) >= pct && Math.abs(deltaAbs) >= abs && deltaAbs !== 0) {
        alerts.push(
          make(
            { change: 'changed', key: ch.key, name: stringOrNull(ch.after.name), url: stringOrNull(ch.after.url), currency: stringOrNull(ch.after.currency), oldAmount: base, newAmount: amount, deltaAbs, deltaPct, from: ch.after.from === true },
            `${base}->${amount}@${ctx.epoch}`,
          ),
        );
        delete alerted[ch.key];
      } else if (amount === base) {
        delete alerted[ch.key]; // back at the reference (e.g. after "面议"): the stored price is it again
      } else if (!alerted[ch.key]) {
        // Below the threshold: the price before this move stays the reference, so slow drift adds up.
        alerted[ch.key] = { amount: base, at };
      }
    }

    for (const gone of diff.removed) {
      delete alerted[gone.key];
      if (ctx.hasBaseline && rules.price.alert_removed_items) {
        alerts.push(
          make(
            { change: 'removed', key: gone.key, name: stringOrNull(gone.data.name), url: stringOrNull(gone.data.url), currency: stringOrNull(gone.data.currency), oldAmount: numberOrNull(gone.data.amount), newAmount: null, deltaAbs: null, deltaPct: null, from: false },
            `removed@${ctx.epoch}`,
          ),
        );
      }
    }
    return { alerts, state: { ...ctx.state, alerted } };
  },
};

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
