import type { Alert } from '../alerts/model.js';
import type { Target } from '../config/target-schema.js';
import { parseAvailability, type StockState } from '../parse/availability.js';
import { parsePrice } from '../parse/price.js';
import type { RawItem } from '../extract/items.js';
import { implausibleMove } from './suspect.js';
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
  /** Why the move was held back for a run before it alerted (implausible, charset guessed); absent for ordinary moves. */
  heldBecause?: string;
}

/** A move held back as suspect (sales ops see it; the region hears only when a later run confirms it). */
export interface SuspectPayload {
  targetId: string;
  competitor: string;
  region: string;
  key: string;
  name: string | null;
  url: string | null;
  currency: string | null;
  oldAmount: number;
  newAmount: number;
  deltaPct: number;
  reason: string;
}

/** An item that can be bought again, or no longer (topic `stock`, to the region's owners). */
export interface StockAlertPayload {
  targetId: string;
  competitor: string;
  region: string;
  key: string;
  name: string | null;
  url: string | null;
  currency: string | null;
  amount: number | null;
  from: boolean;
  change: 'back_in_stock' | 'out_of_stock';
  /** Good runs in a row that showed the new state before it alerted. */
  runs: number;
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

/** A move held back: the stored price stays `base` until a later run shows `amount` again. */
interface Suspect {
  base: number;
  amount: number;
  at: string;
  reason: string;
  /** Held because the page's charset was guessed: only a run read without guessing confirms it. */
  guess?: true;
}

/** An availability change waiting out its debounce. */
interface StockPending {
  from: StockState;
  to: StockState;
  runs: number;
}

/** Price items: name, amount and currency; a change is a change of amount or currency. */
export const priceKind: KindPlugin = {
  name: 'price',
  requiredFields: ['name', 'price'],
  describe: { zh: '竞品价格', en: 'Competitor prices' },
  unparsedField: 'amount',

  normalise(raw: RawItem, target: Target): NormaliseResult {
    if (!raw.key) return { ok: false, key: null, error: 'no key (set items.key, or give each item a link)' };
    const priceText = raw.fields.price ?? null;
    // A replacement character in a price is a decoding accident, never a digit to read around ("1.2\ufffd" is not 1.2).
    const parsed = priceText?.includes('\ufffd') ? { amount: null, currency: null, from: false } : parsePrice(priceText, { defaultCurrency: target.currency });
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
    // Availability from a `stock` or `availability` field, else structured data; null = the page does not say.
    const stockText = raw.fields.stock ?? raw.fields.availability ?? (typeof raw.extra?.availability === 'string' ? raw.extra.availability : null);
    const stock = parseAvailability(stockText);
    if (stock !== null || 'stock' in raw.fields) {
      data.stock = stock;
      if (raw.fields.stock !== undefined) data.stockText = raw.fields.stock;
    }
    return { ok: true, item: { key: raw.key, data } };
  },

  changeFields: ['amount', 'currency', 'name', 'stock'],

  changedFields(prev: ItemData, next: ItemData): string[] | null {
    // Most items did not move: answer those without allocating (called once per item per run).
    if (prev.amount === next.amount && prev.currency === next.currency && prev.name === next.name && (prev.stock ?? null) === (next.stock ?? null)) return null;
    const fields: string[] = [];
    if (prev.amount !== next.amount) fields.push('amount');
    if (prev.currency !== next.currency) fields.push('currency');
    if (prev.name !== next.name) fields.push('name');
    if ((prev.stock ?? null) !== (next.stock ?? null)) fields.push('stock');
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
    const suspects: Record<string, Suspect> = (ctx.state.suspect as Record<string, Suspect> | undefined) ?? {};
    const pct = target.thresholds?.change_percent ?? rules.price.alert_when.change_percent;
    const abs = target.thresholds?.change_abs ?? rules.price.alert_when.change_abs;
    const plausible = { ...rules.price.suspect_when, ...(target.thresholds?.suspect_percent !== undefined ? { change_percent: target.thresholds.suspect_percent } : {}) };
    const at = now.toISOString();
    const alerts: Alert[] = [];
    const keep: string[] = [];
    const base0 = { targetId: target.id, competitor: target.competitor, region: target.region };
    const make = (p: Omit<PriceAlertPayload, 'targetId' | 'competitor' | 'region'>, idSuffix: string): Alert<PriceAlertPayload> => ({
      id: `price:${target.id}:${p.key}:${idSuffix}`,
      topic: 'price',
      audience: { kind: 'region', region: target.region },
      createdAt: at,
      payload: { ...base0, ...p },
    });

    for (const item of diff.added) {
      const amount = numberOrNull(item.data.amount);
      delete alerted[item.key]; // a returning item starts again from its price now
      delete suspects[item.key];
      if (ctx.hasBaseline && rules.price.alert_new_items) {
        alerts.push(
          make(
            { change: 'added', key: item.key, name: stringOrNull(item.data.name), url: stringOrNull(item.data.url), currency: stringOrNull(item.data.currency), oldAmount: null, newAmount: amount, deltaAbs: null, deltaPct: null, from: item.data.from === true },
            `added@${ctx.epoch}`,
          ),
        );
      }
    }

    const moved = new Set<string>();
    for (const ch of diff.changed) {
      const amount = numberOrNull(ch.after.amount);
      const stored = numberOrNull(ch.before.amount);
      if (amount === null || amount === stored) continue;
      moved.add(ch.key);
      const base = alerted[ch.key]?.amount ?? stored;
      if (base === null || base === 0) {
        delete alerted[ch.key];
        continue;
      }
      if (ch.after.currency !== ch.before.currency) {
        delete alerted[ch.key];
        continue; // a currency switch is not comparable; start a new baseline quietly
      }
      // Too large to take on one sighting, or read from a page whose charset was guessed: held back
      // (the snapshot keeps the stored price) until a later run shows the same price again.
      const held = suspects[ch.key];
      const confirmed = held !== undefined && held.amount === amount && !(held.guess && ctx.charsetNote);
      if (!confirmed) {
        // Against the last price seen (after "面议", the last real one): a move is judged from where it started.
        const ref = stored ?? base;
        const why = ctx.charsetNote ? `the page was decoded against its declared charset (${ctx.charsetNote})` : implausibleMove(ref, amount, plausible);
        if (why) {
          suspects[ch.key] = { base: ref, amount, at, reason: why, ...(ctx.charsetNote ? { guess: true as const } : {}) };
          keep.push(ch.key);
          alerts.push(suspectAlert(target, ch.key, ch.after, ref, amount, why, at));
          continue;
        }
      }
      delete suspects[ch.key];
      const deltaAbs = round2(amount - base);
      const deltaPct = round2(((amount - base) / base) * 100);
      // Both thresholds must be reached (set one to 0 to ignore it): 3 % of ¥9.90 is noise, ¥50 on ¥90,000 too.
      if (Math.abs(deltaPct) >= pct && Math.abs(deltaAbs) >= abs && deltaAbs !== 0) {
        alerts.push(
          make(
            {
              change: 'changed',
              key: ch.key,
              name: stringOrNull(ch.after.name),
              url: stringOrNull(ch.after.url),
              currency: stringOrNull(ch.after.currency),
              oldAmount: base,
              newAmount: amount,
              deltaAbs,
              deltaPct,
              from: ch.after.from === true,
              ...(confirmed ? { heldBecause: held.reason } : {}),
            },
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
    for (const ch of diff.changed) {
      // "面议" is not a price move; the last real price stays the baseline for when a price returns.
      const before = numberOrNull(ch.before.amount);
      if (numberOrNull(ch.after.amount) === null && !alerted[ch.key] && before !== null) alerted[ch.key] = { amount: before, at };
    }
    // A held price that did not come back is forgotten: the glitch passed (the item showed its stored price again).
    for (const key of Object.keys(suspects)) {
      if (moved.has(key)) continue;
      const cur = diff.next.get(key);
      if (!cur || cur.missingRuns === 0) delete suspects[key];
    }

    for (const gone of diff.removed) {
      delete alerted[gone.key];
      delete suspects[gone.key];
      if (ctx.hasBaseline && rules.price.alert_removed_items) {
        alerts.push(
          make(
            { change: 'removed', key: gone.key, name: stringOrNull(gone.data.name), url: stringOrNull(gone.data.url), currency: stringOrNull(gone.data.currency), oldAmount: numberOrNull(gone.data.amount), newAmount: null, deltaAbs: null, deltaPct: null, from: false },
            `removed@${ctx.epoch}`,
          ),
        );
      }
    }

    const stock = stockAlerts(diff, ctx, at);
    alerts.push(...stock.alerts);
    const state: Record<string, unknown> = { ...ctx.state, alerted };
    if (Object.keys(suspects).length) state.suspect = suspects;
    else delete state.suspect;
    if (stock.pending) state.stock = stock.pending;
    else delete state.stock;
    return { alerts, state, ...(keep.length ? { keep } : {}) };
  },
};

function suspectAlert(target: Target, key: string, after: ItemData, before: number, amount: number, reason: string, at: string): Alert<SuspectPayload> {
  return {
    // No epoch: the same held move seen on several runs (a guessed charset) is one notice.
    id: `suspect:${target.id}:${key}:${before}->${amount}`,
    topic: 'suspect',
    audience: { kind: 'ops' },
    createdAt: at,
    payload: {
      targetId: target.id,
      competitor: target.competitor,
      region: target.region,
      key,
      name: stringOrNull(after.name),
      url: stringOrNull(after.url),
      currency: stringOrNull(after.currency),
      oldAmount: before,
      newAmount: amount,
      deltaPct: round2(((amount - before) / before) * 100),
      reason,
    },
  };
}

/**
 * StockState alerts (rules/price.yaml `stock:`, a target's own `stock:`): an item that turns
 * in or out of stock alerts once it has shown its new state on `after_runs` good runs in a row.
 * Only in ↔ out counts: a page that stops saying anything (null) is no news.
 */
function stockAlerts(diff: Parameters<KindPlugin['decide']>[0], ctx: DecideContext, at: string): { alerts: Alert<StockAlertPayload>[]; pending: Record<string, StockPending> | null } {
  const { target, rules } = ctx;
  const conf = { ...rules.price.stock, ...(target.stock ?? {}) };
  const back = { ...rules.price.stock.back_in_stock, ...(target.stock?.back_in_stock ?? {}) };
  const out = { ...rules.price.stock.out_of_stock, ...(target.stock?.out_of_stock ?? {}) };
  if (!back.alert && !out.alert) return { alerts: [], pending: null };
  const only = conf.items ? new Set(conf.items.map(String)) : null;
  const pending: Record<string, StockPending> = { ...((ctx.state.stock as Record<string, StockPending> | undefined) ?? {}) };
  const alerts: Alert<StockAlertPayload>[] = [];
  const changedNow = new Set<string>();
  for (const ch of diff.changed) {
    if (!ch.fields.includes('stock')) continue;
    changedNow.add(ch.key);
    const from = availability(ch.before.stock);
    const to = availability(ch.after.stock);
    const was = pending[ch.key];
    if (to === null) continue; // the page stopped saying: keep waiting for a word either way
    if (was && to === was.from) delete pending[ch.key]; // flapped back before it counted
    else if (was && to === was.to) was.runs++;
    else if (from !== null && from !== to) pending[ch.key] = { from, to, runs: 1 };
  }
  for (const [key, p] of Object.entries(pending)) {
    if (!changedNow.has(key)) {
      const cur = diff.next.get(key);
      if (!cur) {
        delete pending[key];
        continue;
      }
      if (cur.missingRuns > 0) continue; // not seen this run: neither for nor against
      if (availability(cur.data.stock) === p.to) p.runs++;
    }
    const want = p.to === 'in_stock' ? back : out;
    if (p.runs < want.after_runs) continue;
    delete pending[key];
    if (!want.alert || (only && !only.has(key))) continue;
    const item = diff.next.get(key)!;
    const change = p.to === 'in_stock' ? 'back_in_stock' : 'out_of_stock';
    alerts.push({
      id: `stock:${target.id}:${key}:${change}@${ctx.epoch}`,
      topic: 'stock',
      audience: { kind: 'region', region: target.region },
      createdAt: at,
      payload: {
        targetId: target.id,
        competitor: target.competitor,
        region: target.region,
        key,
        name: stringOrNull(item.data.name),
        url: stringOrNull(item.data.url),
        currency: stringOrNull(item.data.currency),
        amount: numberOrNull(item.data.amount),
        from: item.data.from === true,
        change,
        runs: p.runs,
      },
    });
  }
  return { alerts, pending: Object.keys(pending).length ? pending : null };
}

function availability(v: unknown): StockState | null {
  return v === 'in_stock' || v === 'out_of_stock' ? v : null;
}
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
