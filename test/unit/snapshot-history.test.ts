import { describe, expect, it } from 'vitest';
import { recordHistory, type Snapshot } from '../../src/store/snapshot.js';
import { priceKind } from '../../src/kinds/price.js';
import type { Item } from '../../src/kinds/types.js';

const item = (key: string, amount: number, currency = 'CNY'): Item => ({ key, data: { name: key, amount, currency } });

describe('recordHistory', () => {
  it('adds a point only when the value moved, keeps the last N and forgets removed items', () => {
    const h: Snapshot['history'] = new Map();
    const run = (at: string, items: Item[], removed: string[] = []) =>
      recordHistory(h, items, priceKind.historyPoint!, { at, limit: 3, removed: removed.map((key) => ({ key })) });
    run('d1', [item('a', 10), item('b', 5)]);
    run('d2', [item('a', 10), item('b', 6)]);
    run('d3', [item('a', 12, 'USD'), item('b', 7)]);
    run('d4', [item('a', 12, 'USD'), item('b', 8)], ['gone']);
    expect(h.get('a')).toEqual([
      { at: 'd1', amount: 10, currency: 'CNY' },
      { at: 'd3', amount: 12, currency: 'USD' },
    ]);
    expect(h.get('b')!.map((p) => p.at)).toEqual(['d2', 'd3', 'd4']);
    run('d5', [item('a', 12, 'USD')], ['b']);
    expect([...h.keys()]).toEqual(['a']);
  });
});
