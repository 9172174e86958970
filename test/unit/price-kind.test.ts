import { describe, expect, it } from 'vitest';
import { diffItems } from '../../src/diff/diff.js';
import { priceKind, type PriceAlertPayload } from '../../src/kinds/price.js';
import type { Item } from '../../src/kinds/types.js';
import type { Rules } from '../../src/config/load.js';
import type { Target } from '../../src/config/target-schema.js';
import { ownersSchema, priceRulesSchema } from '../../src/config/rules-schema.js';
import { targetSchema } from '../../src/config/target-schema.js';

const rules: Rules = { owners: ownersSchema.parse({ regions: { east: { owners: ['a@example.com'] } } }), price: priceRulesSchema.parse({ alert_when: { change_percent: 5, change_abs: 20 } }) } as Rules;
const target = (extra: object = {}): Target => ({ ...targetSchema.parse({ id: 't', competitor: 'C', region: 'east', fetch: { url: 'http://x/' }, ...extra }), file: 't.yaml' });
const item = (key: string, amount: number | null): Item => ({ key, data: { name: key, amount, currency: 'CNY', url: null } });

function step(prevItems: Item[], nextItems: Item[], t: Target, state: Record<string, unknown> = {}) {
  const now = new Date('2026-03-05T00:00:00Z');
  const prev = new Map(prevItems.map((i) => [i.key, { key: i.key, data: i.data, firstSeen: '', lastSeen: '', missingRuns: 0 }]));
  const diff = diffItems(prev, nextItems, { now, removedAfterRuns: 2, changedFields: priceKind.changedFields });
  return priceKind.decide(diff, { target: t, rules, now, hasBaseline: true, epoch: 'e1', state });
}

describe('price rules', () => {
  it('needs both the percent and the absolute threshold', () => {
    expect(step([item('a', 100)], [item('a', 90)], target()).alerts).toHaveLength(0); // -10 % but only ¥10
    expect(step([item('a', 1000)], [item('a', 980)], target()).alerts).toHaveLength(0); // ¥20 but only -2 %
    const d = step([item('a', 1000)], [item('a', 900)], target());
    expect(d.alerts).toHaveLength(1);
    const p = d.alerts[0]!.payload as PriceAlertPayload;
    expect([p.oldAmount, p.newAmount, p.deltaAbs, p.deltaPct]).toEqual([1000, 900, -100, -10]);
    expect(d.alerts[0]!.audience).toEqual({ kind: 'region', region: 'east' });
  });

  it('a per-target threshold overrides the rules file', () => {
    expect(step([item('a', 1000)], [item('a', 900)], target({ thresholds: { change_percent: 15 } })).alerts).toHaveLength(0);
    expect(step([item('a', 1000)], [item('a', 960)], target({ thresholds: { change_percent: 1, change_abs: 0 } })).alerts).toHaveLength(1);
  });

  it('a price that becomes "面议" (null) is not a move, and the last real price stays the baseline', () => {
    const s1 = step([item('a', 1000)], [item('a', null)], target());
    expect(s1.alerts).toHaveLength(0);
    const s2 = step([item('a', null)], [item('a', 900)], target(), s1.state);
    expect(s2.alerts).toHaveLength(1);
    expect((s2.alerts[0]!.payload as PriceAlertPayload).oldAmount).toBe(1000);
  });

  it('the same comparison yields the same alert ids (so a re-run after a crash is deduplicated)', () => {
    const a = step([item('a', 1000)], [item('a', 900)], target());
    const b = step([item('a', 1000)], [item('a', 900)], target());
    expect(a.alerts.map((x) => x.id)).toEqual(b.alerts.map((x) => x.id));
  });
  it('slow drift adds up against the reference, which is kept only while it differs from the stored price', () => {
    const t = target();
    const steady = step([], [item('a', 1000), item('b', 500)], t);
    expect(steady.state.alerted ?? {}).toEqual({}); // new items: their own price is the reference
    const d1 = step([item('a', 1000)], [item('a', 970)], t, steady.state); // -3 %: below the threshold
    expect(d1.alerts).toHaveLength(0);
    expect((d1.state.alerted as Record<string, { amount: number }>).a!.amount).toBe(1000);
    const d2 = step([item('a', 970)], [item('a', 940)], t, d1.state); // -6 % against 1,000
    expect(d2.alerts).toHaveLength(1);
    expect((d2.alerts[0]!.payload as PriceAlertPayload).oldAmount).toBe(1000);
    expect(d2.state.alerted).toEqual({}); // the alerted price is the stored one now
    const d3 = step([item('a', 940)], [item('a', 960)], t, d2.state); // +2 % against 940
    expect(d3.alerts).toHaveLength(0);
    const back = step([item('a', 960)], [item('a', 940)], t, d3.state);
    expect(back.state.alerted).toEqual({});
  });
});

describe('implausible moves are held back as suspect', () => {
  const held = (d: ReturnType<typeof step>) => d.alerts.filter((a) => a.topic === 'suspect');
  const region = (d: ReturnType<typeof step>) => d.alerts.filter((a) => a.audience.kind === 'region');

  it.each([
    ['-99.99 % (1.2万 read as 1.2)', 12000, 1.2, /÷10,000, which looks like a unit change/],
    ['×100 (fen shown as yuan)', 2000, 200000, /×100, which looks like a unit change/],
    ['-85 %', 2000, 300, /-85 %, beyond the plausible ±80 %/],
    ['+150 %', 2000, 5000, /\+150 %, beyond the plausible ±80 %/],
  ])('%s: not alerted, sales ops told why, the snapshot keeps the old price', (_n, before, after, why) => {
    const d = step([item('a', before)], [item('a', after)], target());
    expect(region(d)).toEqual([]);
    expect(held(d)).toHaveLength(1);
    expect(held(d)[0]!.audience).toEqual({ kind: 'ops' });
    expect((held(d)[0]!.payload as { reason: string }).reason).toMatch(why);
    expect(d.keep).toEqual(['a']);
  });

  it('seen again on the next good run: alerted then, against the price before the move', () => {
    const d1 = step([item('a', 2000)], [item('a', 200000)], target());
    // The snapshot kept 2000 (decision.keep), so the next run compares 2000 → 200000 again.
    const d2 = step([item('a', 2000)], [item('a', 200000)], target(), d1.state);
    expect(d2.alerts.map((a) => a.id)).toEqual(['price:t:a:2000->200000@e1']);
    expect((d2.alerts[0]!.payload as PriceAlertPayload).heldBecause).toMatch(/×100/);
    expect(d2.keep).toBeUndefined();
    expect(d2.state.suspect).toBeUndefined();
  });

  it('gone on the next run: forgotten, nothing alerted at any point', () => {
    const d1 = step([item('a', 2000)], [item('a', 20)], target());
    const d2 = step([item('a', 2000)], [item('a', 2000)], target(), d1.state);
    expect(d2.alerts).toEqual([]);
    expect(d2.state.suspect).toBeUndefined();
  });

  it('a different implausible price next time is held again, not confirmed', () => {
    const d1 = step([item('a', 2000)], [item('a', 20)], target());
    const d2 = step([item('a', 2000)], [item('a', 200000)], target(), d1.state);
    expect(region(d2)).toEqual([]);
    expect(held(d2)).toHaveLength(1);
  });

  it('the bound is configurable, per rules and per target', () => {
    expect(region(step([item('a', 2000)], [item('a', 300)], target({ thresholds: { suspect_percent: 90 } })))).toHaveLength(1);
    const strict = { ...rules, price: priceRulesSchema.parse({ alert_when: { change_percent: 5, change_abs: 20 }, suspect_when: { change_percent: 40, unit_factors: [] } }) } as Rules;
    const now = new Date('2026-03-05T00:00:00Z');
    const diff = diffItems(new Map([['a', { key: 'a', data: item('a', 2000).data, firstSeen: '', lastSeen: '', missingRuns: 0 }]]), [item('a', 1100)], { now, removedAfterRuns: 2, changedFields: priceKind.changedFields });
    expect(priceKind.decide(diff, { target: target(), rules: strict, now, hasBaseline: true, epoch: 'e1', state: {} }).alerts.map((a) => a.topic)).toEqual(['suspect']);
  });

  it('a run whose page was decoded against its declared charset alerts no move, and only an undisputed run confirms it', () => {
    const now = new Date('2026-03-05T00:00:00Z');
    const at = (prev: number, next: number, state: Record<string, unknown>, charsetNote?: string) => {
      const diff = diffItems(new Map([['a', { key: 'a', data: item('a', prev).data, firstSeen: '', lastSeen: '', missingRuns: 0 }]]), [item('a', next)], { now, removedAfterRuns: 2, changedFields: priceKind.changedFields });
      return priceKind.decide(diff, { target: target(), rules, now, hasBaseline: true, epoch: 'e1', state, ...(charsetNote ? { charsetNote } : {}) });
    };
    const note = 'the header and <meta> say GBK, but the bytes are UTF-8';
    const g1 = at(2000, 1800, {}, note); // -10 %: plausible, but read through a guess
    expect(g1.alerts.map((a) => a.topic)).toEqual(['suspect']);
    expect((g1.alerts[0]!.payload as { reason: string }).reason).toContain(note);
    const g2 = at(2000, 1800, g1.state, note); // guessed again: still held, same notice id (deduplicated)
    expect(g2.alerts.map((a) => a.id)).toEqual(g1.alerts.map((a) => a.id));
    const ok = at(2000, 1800, g2.state); // read without a guess: confirmed
    expect(ok.alerts.map((a) => a.id)).toEqual(['price:t:a:2000->1800@e1']);
  });
});

describe('availability alerts', () => {
  const st = (key: string, amount: number, stock: 'in_stock' | 'out_of_stock' | null): Item => ({ key, data: { name: key, amount, currency: 'CNY', url: null, stock } });
  const topics = (d: ReturnType<typeof step>) => d.alerts.filter((a) => a.topic === 'stock').map((a) => (a.payload as { change: string }).change);

  it('back in stock alerts on the first run that shows it; out of stock only after two runs in a row', () => {
    const t = target();
    const out1 = step([st('a', 2000, 'in_stock')], [st('a', 2000, 'out_of_stock')], t);
    expect(topics(out1)).toEqual([]);
    const out2 = step([st('a', 2000, 'out_of_stock')], [st('a', 2000, 'out_of_stock')], t, out1.state);
    expect(topics(out2)).toEqual(['out_of_stock']);
    const back = step([st('a', 2000, 'out_of_stock')], [st('a', 2000, 'in_stock')], t, out2.state);
    expect(topics(back)).toEqual(['back_in_stock']);
    expect(back.alerts.find((a) => a.topic === 'stock')!.audience).toEqual({ kind: 'region', region: 'east' });
  });

  it('a one-run sell-out blip alerts nothing either way', () => {
    const t = target();
    const out1 = step([st('a', 2000, 'in_stock')], [st('a', 2000, 'out_of_stock')], t);
    const back = step([st('a', 2000, 'out_of_stock')], [st('a', 2000, 'in_stock')], t, out1.state);
    expect(topics(out1)).toEqual([]);
    expect(topics(back)).toEqual([]);
    expect(back.state.stock).toBeUndefined();
  });

  it('per target: off, a longer debounce, or only some items', () => {
    expect(topics(step([st('a', 1, 'out_of_stock')], [st('a', 1, 'in_stock')], target({ stock: { back_in_stock: { alert: false } } })))).toEqual([]);
    const slow = target({ stock: { back_in_stock: { after_runs: 2 } } });
    const b1 = step([st('a', 1, 'out_of_stock')], [st('a', 1, 'in_stock')], slow);
    expect(topics(b1)).toEqual([]);
    expect(topics(step([st('a', 1, 'in_stock')], [st('a', 1, 'in_stock')], slow, b1.state))).toEqual(['back_in_stock']);
    const only = target({ stock: { items: ['b'] } });
    expect(topics(step([st('a', 1, 'out_of_stock'), st('b', 1, 'out_of_stock')], [st('a', 1, 'in_stock'), st('b', 1, 'in_stock')], only))).toEqual(['back_in_stock']);
  });

  it('a page that stops saying (null) is no news', () => {
    expect(topics(step([st('a', 1, 'out_of_stock')], [st('a', 1, null)], target()))).toEqual([]);
  });
});
