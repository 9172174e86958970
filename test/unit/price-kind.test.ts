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
