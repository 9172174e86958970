import { describe, expect, it } from 'vitest';
import { diffItems, type StoredItem } from '../../src/diff/diff.js';
import { priceKind } from '../../src/kinds/price.js';
import type { Item } from '../../src/kinds/types.js';

const item = (key: string, amount: number): Item => ({ key, data: { name: key, amount, currency: 'CNY' } });
const all = [item('A', 100), item('B', 200), item('C', 300)];

/** Runs the diff over a sequence of good runs, carrying the stored items from one to the next. */
function runs(seq: Item[][], removedAfterRuns = 2) {
  let stored: ReadonlyMap<string, StoredItem> = new Map();
  return seq.map((current, i) => {
    const d = diffItems(stored, current, { now: new Date(Date.UTC(2026, 10, 1 + i)), removedAfterRuns, changedFields: priceKind.changedFields });
    stored = d.next;
    return { added: d.added.map((x) => x.key), removed: d.removed.map((x) => x.key), missing: d.missing, changed: d.changed.map((c) => c.key), stored };
  });
}

describe('missing-item debounce (removed_after_runs, default 2)', () => {
  const withoutB = all.filter((i) => i.key !== 'B');

  it('absent once → nothing; absent twice → removed', () => {
    const [, once, twice] = runs([all, withoutB, withoutB]);
    expect(once).toMatchObject({ added: [], removed: [], missing: ['B'] });
    expect(twice).toMatchObject({ added: [], removed: ['B'], missing: [] });
    expect([...twice!.stored.keys()].sort()).toEqual(['A', 'C']);
  });

  it('back within the window → nothing at all (not added, not changed), and the count starts over', () => {
    const [, once, back, onceMore] = runs([all, withoutB, all, withoutB]);
    expect(once!.missing).toEqual(['B']);
    expect(back).toMatchObject({ added: [], removed: [], missing: [], changed: [] });
    expect(back!.stored.get('B')!.missingRuns).toBe(0);
    expect(back!.stored.get('B')!.firstSeen).toBe(once!.stored.get('B')!.firstSeen);
    expect(onceMore).toMatchObject({ removed: [], missing: ['B'] });
  });

  it('back after being removed → added', () => {
    const seq = runs([all, withoutB, withoutB, all]);
    expect(seq[2]!.removed).toEqual(['B']);
    expect(seq[3]).toMatchObject({ added: ['B'], removed: [] });
  });

  it('removed_after_runs: 1 removes at the first absence; 3 waits for the third', () => {
    expect(runs([all, withoutB], 1)[1]!.removed).toEqual(['B']);
    const three = runs([all, withoutB, withoutB, withoutB], 3);
    expect(three.map((r) => r.removed)).toEqual([[], [], [], ['B']]);
  });

  it('a price change of an item that stayed is a change, whatever else is missing', () => {
    const [, second] = runs([all, [item('A', 90), item('C', 300)]]);
    expect(second).toMatchObject({ changed: ['A'], missing: ['B'], removed: [] });
  });
});

describe('untrusted item keys', () => {
  it('keys named like Object.prototype members are diffed like any other key', async () => {
    const { safeKey } = await import('../../src/pipeline/scrape.js');
    const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ok'].map(safeKey);
    expect(new Set(keys).size).toBe(5);
    expect(keys.slice(0, 4).every((k) => k.startsWith('key:'))).toBe(true);
    const items = keys.map((key) => ({ key, data: { amount: 1 } }));
    const opts = { now: new Date('2026-01-01T00:00:00Z'), removedAfterRuns: 2, changedFields: () => null };
    const first = diffItems(new Map(), items, opts);
    expect(first.added).toHaveLength(5);
    const stored = new Map(JSON.parse(JSON.stringify([...first.next])) as [string, StoredItem][]);
    const second = diffItems(stored, items, opts);
    expect([second.added.length, second.unchanged, second.removed.length]).toEqual([0, 5, 0]);
  });
});
