/**
 * Snapshots keep a fingerprint of each item's `changeFields` values, and the diff skips
 * `changedFields` when the fingerprints match. That is only right if every kind's changedFields
 * reads nothing else: these tests hold each registered kind to it, and check that a diff against
 * a snapshot read back from disk (fingerprints) finds exactly what a diff against plain items finds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allKinds } from '../../src/kinds/registry.js';
import { diffItems, type StoredItem } from '../../src/diff/diff.js';
import { fingerprintOf } from '../../src/diff/fingerprint.js';
import { openSnapshot } from '../../src/store/snapshot.js';
import type { Item, ItemData } from '../../src/core/item.js';

const dir = mkdtempSync(join(tmpdir(), 'radar-change-fields-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small deterministic generator, so a failure repeats. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

const VALUES: (string | number | boolean | null | undefined)[] = [undefined, null, 0, -0, 1, 1.5, 1299, '1299', '', '¥1,299起', '北京', 'a"b\n', true, false];

function randomData(r: () => number, fields: readonly string[]): ItemData {
  const d: ItemData = {};
  for (const f of [...fields, 'url', 'note', 'priceText']) {
    const v = VALUES[Math.floor(r() * VALUES.length)];
    if (v !== undefined) d[f] = v;
  }
  return d;
}

describe.each(allKinds().map((k) => [k.name, k] as const))('%s kind', (_name, kind) => {
  it('declares the fields its changedFields reads', () => {
    expect(kind.changeFields?.length).toBeGreaterThan(0);
  });

  it('finds no change between items equal on changeFields, whatever else differs', () => {
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const a = randomData(r, kind.changeFields!);
      const b: ItemData = { ...randomData(r, kind.changeFields!) };
      for (const f of kind.changeFields!) {
        if (f in a) b[f] = a[f]!;
        else delete b[f];
      }
      expect(fingerprintOf(b, kind.changeFields!)).toBe(fingerprintOf(a, kind.changeFields!));
      expect(kind.changedFields(a, b) ?? []).toEqual([]);
    }
  });

  it('reads history only from changeFields (an unchanged item keeps its history point)', () => {
    if (!kind.historyPoint) return;
    const r = rng(11);
    for (let i = 0; i < 200; i++) {
      const a = randomData(r, kind.changeFields!);
      const b = { ...randomData(r, kind.changeFields!) };
      for (const f of kind.changeFields!) if (f in a) b[f] = a[f]!;
      else delete b[f];
      expect(kind.historyPoint({ key: 'k', data: b })).toEqual(kind.historyPoint({ key: 'k', data: a }));
    }
  });

  it('diffs a snapshot read from disk exactly as the same items in memory, run after run', async () => {
    const r = rng(kind.name.length * 31);
    let plain: Map<string, StoredItem> = new Map();
    const db = await openSnapshot(dir, `eq-${kind.name}`, kind.name);
    let current: Item[] = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, data: randomData(r, kind.changeFields!) }));
    for (let run = 0; run < 4; run++) {
      const now = new Date(Date.UTC(2026, 10, 1 + run));
      const opts = { now, removedAfterRuns: 2, changedFields: kind.changedFields };
      const fromDisk = (await openSnapshot(dir, `eq-${kind.name}`, kind.name)).data;
      const a = diffItems(plain, current, opts);
      const b = diffItems(fromDisk.items, current, { ...opts, changeFields: kind.changeFields! });
      const shape = (d: typeof a) => ({
        added: d.added.map((i) => i.key),
        removed: d.removed.map((i) => [i.key, i.data, i.missingRuns]),
        changed: d.changed.map((c) => [c.key, c.before, c.after, c.fields]),
        unchanged: d.unchanged,
        missing: d.missing,
        next: [...d.next.values()].map((i) => [i.key, i.data, i.firstSeen, i.lastSeen, i.missingRuns]),
      });
      expect(shape(b)).toEqual(shape(a));
      if (run === 0) expect(a.added).toHaveLength(300);
      else expect(a.changed.length).toBeGreaterThan(0);
      // What a version-2 snapshot gave the next run: the items through JSON (-0 comes back as 0).
      plain = new Map(JSON.parse(JSON.stringify([...a.next])) as [string, StoredItem][]);
      db.data.items = b.next;
      db.data.fingerprint = kind.changeFields!;
      await db.write();
      // Next run: some items change (any field), some go, some come back, a few are new.
      current = current
        .filter(() => r() > 0.1)
        .map((it) => (r() < 0.3 ? { key: it.key, data: r() < 0.5 ? randomData(r, kind.changeFields!) : { ...it.data, url: `u${r()}` } } : it))
        .concat(Array.from({ length: 10 }, (_, i) => ({ key: `n${run}-${i}`, data: randomData(r, kind.changeFields!) })));
    }
  });
});
