import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSnapshot, readSnapshot, readSnapshotHeader, recordHistory, snapshotFile, type Snapshot } from '../../src/store/snapshot.js';
import { diffItems, type StoredItem } from '../../src/diff/diff.js';
import { priceKind } from '../../src/kinds/price.js';
import { RadarError } from '../../src/core/errors.js';
import type { Item } from '../../src/core/item.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radar-snap-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const item = (key: string, amount: number) => ({ key, data: { name: `商品 ${key}`, amount, currency: 'CNY' }, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z', missingRuns: 0 });

/** Items and history as plain values: a stored item read from a version-3 file parses its data in a getter. */
const plain = (s: Snapshot) => ({
  ...s,
  items: [...s.items.values()].map((i) => ({ key: i.key, data: i.data, firstSeen: i.firstSeen, lastSeen: i.lastSeen, missingRuns: i.missingRuns })),
  history: [...s.history],
});

const file = (id: string) => snapshotFile(dir, id);
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
};

/** Keys as scraped pages give them: separators, quotes, a lone surrogate, the header's own text. */
const HOSTILE = ['a\tb', 'line\nbreak', '"quoted"', 'back\\slash', '', ' ', '商品-１２', '👍🏽', 'lone\ud800', '{"version":3,', 'x'.repeat(70_000), 'end\n'];

describe('snapshot file', () => {
  it('round-trips what the pipeline keeps, in page order, with history, kind state and page profile', async () => {
    const db = await openSnapshot(dir, 'shop', 'price');
    expect(db.data.lastGoodAt).toBeNull();
    db.data.items = new Map([item('b', 2), item('a', 1), item('10', 10)].map((i) => [i.key, i]));
    db.data.history = new Map([['a', [{ at: '2026-11-01T00:00:00.000Z', amount: 1, currency: 'CNY' }]]]);
    db.data.kindState = { alerted: { a: { amount: 1, at: '2026-11-01T00:00:00.000Z' } } };
    db.data.lastGoodAt = '2026-11-02T00:00:00.000Z';
    db.data.lastGoodCount = 3;
    db.data.pages = { bytes: [1200, 900], closed: true };
    db.data.fingerprint = priceKind.changeFields!;
    await db.write();

    const back = readSnapshot(dir, 'shop')!;
    expect(plain(back)).toEqual(plain(db.data));
    expect([...back.items.keys()]).toEqual(['b', 'a', '10']); // page order, numeric keys too
    expect(readFileSync(file('shop')).subarray(0, 13).toString()).toBe('{"version":3,');
  });

  it('keeps hostile keys and Chinese data exactly, and stays one item per key', async () => {
    const db = await openSnapshot(dir, 'hostile', 'price');
    const items = HOSTILE.map((key, i) => ({ ...item(key, i), data: { name: `示例商品 ${key} 高性能版\n第二行\t"引号"`, amount: i, currency: 'CNY', url: `https://shop.example/${i}`, note: 'bad\ud800half' } }));
    db.data.items = new Map(items.map((i) => [i.key, i]));
    db.data.history = new Map(HOSTILE.map((key, i) => [key, [{ at: '2026-11-01T00:00:00.000Z', amount: i, currency: 'CNY' }]]));
    db.data.fingerprint = priceKind.changeFields!;
    await db.write();

    const back = readSnapshot(dir, 'hostile')!;
    expect([...back.items.keys()]).toEqual(HOSTILE);
    for (const i of items) expect(back.items.get(i.key)!.data).toEqual(i.data);
    expect([...back.history.keys()]).toEqual(HOSTILE);
    // What the CLI and API print: the data is in the JSON, though it is parsed lazily.
    expect(JSON.parse(JSON.stringify(back.items.get('a\tb')))).toEqual(items[0]);
  });

  it('round-trips a snapshot far larger than one write piece', async () => {
    const db = await openSnapshot(dir, 'big', 'price');
    const many = Array.from({ length: 12_000 }, (_, i) => item(`SKU-${i}`, i));
    db.data.items = new Map(many.map((i) => [i.key, i]));
    db.data.history = new Map(many.map((i) => [i.key, [{ at: '2026-11-01T00:00:00.000Z', amount: i.data.amount, currency: 'CNY' }]]));
    db.data.lastGoodAt = '2026-11-02T00:00:00.000Z';
    await db.write();
    expect(readFileSync(file('big')).length).toBeGreaterThan(1 << 20);
    expect(plain(readSnapshot(dir, 'big')!)).toEqual(plain(db.data));
  });

  it('writes back items and history it never read byte for byte, and keeps untouched items as they were after a run', async () => {
    const db = await openSnapshot(dir, 'same', 'price');
    db.data.items = new Map(HOSTILE.map((key, i) => [key, item(key, i)]));
    db.data.history = new Map([['a\tb', [{ at: '2026-11-01T00:00:00.000Z', amount: 0, currency: 'CNY' }]]]);
    db.data.fingerprint = priceKind.changeFields!;
    await db.write();
    const first = readFileSync(file('same'));
    await (await openSnapshot(dir, 'same', 'price')).write();
    expect(readFileSync(file('same')).equals(first)).toBe(true);

    // A run that sees only one item: the others are missing, their data never parsed, their bytes carried.
    const run = await openSnapshot(dir, 'same', 'price');
    const diff = diffItems(run.data.items, [{ key: '商品-１２', data: { name: '商品 商品-１２', amount: 999, currency: 'CNY' } }], { now: new Date('2026-11-03T00:00:00Z'), removedAfterRuns: 5, changedFields: priceKind.changedFields, changeFields: priceKind.changeFields! });
    expect(diff.changed.map((c) => c.key)).toEqual(['商品-１２']);
    run.data.items = diff.next;
    await run.write();
    const back = readSnapshot(dir, 'same')!;
    expect(back.items.get('商品-１２')!.data.amount).toBe(999);
    for (const [key, it] of back.items) {
      if (key === '商品-１２') continue;
      expect(it.missingRuns).toBe(1);
      expect(it.data).toEqual(item(key, HOSTILE.indexOf(key)).data);
    }
    expect(back.history.get('a\tb')).toHaveLength(1);
  });

  it('diffs by fingerprint: only changed items are parsed, and their `before` is what was stored', async () => {
    const db = await openSnapshot(dir, 'fp', 'price');
    const stored = Array.from({ length: 200 }, (_, i) => item(`K${i}`, 100 + i));
    db.data.items = new Map(stored.map((i) => [i.key, i]));
    db.data.fingerprint = priceKind.changeFields!;
    await db.write();

    const run = await openSnapshot(dir, 'fp', 'price');
    // Unchanged on the kind's fields but not elsewhere (a new url): not a change, and the new data is what is kept.
    const current: Item[] = stored.map((s, i) => ({ key: s.key, data: { ...s.data, url: `https://x/${i}`, ...(i % 50 === 0 ? { amount: 1 } : {}) } }));
    const parse = vi.spyOn(JSON, 'parse');
    const diff = diffItems(run.data.items, current, { now: new Date('2026-11-03T00:00:00Z'), removedAfterRuns: 2, changedFields: priceKind.changedFields, changeFields: priceKind.changeFields! });
    const parsed = parse.mock.calls.length;
    parse.mockRestore();
    expect(diff.changed.map((c) => [c.key, c.before, c.after.amount, c.fields])).toEqual([0, 50, 100, 150].map((i) => [`K${i}`, stored[i]!.data, 1, ['amount']]));
    expect(diff.unchanged).toBe(196);
    expect(parsed).toBe(4);
    expect(diff.next.get('K1')!.data.url).toBe('https://x/1');
  });

  it('records a run\'s moves reading only the moved items\' history, and keeps every other series as it was', async () => {
    const db = await openSnapshot(dir, 'hist', 'price');
    const keys = ['a\tb', 'lone\ud800', '商品', 'plain', 'gone'];
    db.data.items = new Map(keys.map((k, i) => [k, item(k, 10 + i)]));
    db.data.history = new Map(keys.map((k, i) => [k, [{ at: '2026-11-01T00:00:00.000Z', amount: 10 + i, currency: 'CNY' }]]));
    db.data.fingerprint = priceKind.changeFields!;
    await db.write();

    const run = await openSnapshot(dir, 'hist', 'price');
    const current: Item[] = [
      { key: 'a\tb', data: { ...item('a\tb', 10).data, amount: 99 } },
      { key: 'lone\ud800', data: item('lone\ud800', 11).data },
      { key: '商品', data: item('商品', 12).data },
      { key: 'plain', data: item('plain', 13).data },
      { key: 'new', data: item('new', 5).data },
    ];
    const diff = diffItems(run.data.items, current, { now: new Date('2026-11-03T00:00:00Z'), removedAfterRuns: 1, changedFields: priceKind.changedFields, changeFields: priceKind.changeFields! });
    const parse = vi.spyOn(JSON, 'parse');
    const moved = new Set([...diff.added, ...diff.changed].map((i) => i.key));
    recordHistory(run.data.history, current, priceKind.historyPoint!, { at: '2026-11-03T00:00:00.000Z', limit: 10, removed: diff.removed, moved });
    // Series parsed (a key stored as JSON, the lone surrogate, is parsed too, but is no array).
    const parsed = parse.mock.calls.filter(([text]) => String(text).startsWith('[')).length;
    parse.mockRestore();
    expect(parsed).toBe(1); // a\tb's points; the new item has none, the others are not read
    run.data.items = diff.next;
    await run.write();

    const back = readSnapshot(dir, 'hist')!;
    expect(back.history.get('a\tb')!.map((p) => p.amount)).toEqual([10, 99]);
    expect(back.history.get('new')!.map((p) => p.amount)).toEqual([5]);
    expect(back.history.has('gone')).toBe(false);
    expect([...back.history.keys()].sort()).toEqual(['a\tb', 'lone\ud800', 'new', 'plain', '商品'].sort());
    for (const [k, i] of [['lone\ud800', 1], ['商品', 2], ['plain', 3]] as const) expect(back.history.get(k)).toEqual([{ at: '2026-11-01T00:00:00.000Z', amount: 10 + i, currency: 'CNY' }]);
  });

  it('still starts a series for an unchanged item that has none (older snapshots)', async () => {
    const history: Snapshot['history'] = new Map();
    recordHistory(history, [{ key: 'x', data: item('x', 5).data }], priceKind.historyPoint!, { at: '2026-11-03T00:00:00.000Z', limit: 10, removed: [], moved: new Set() });
    expect(history.get('x')).toEqual([{ at: '2026-11-03T00:00:00.000Z', amount: 5, currency: 'CNY' }]);
  });

  it('compares in full when the stored fingerprints cover other fields than the kind now counts', async () => {
    const db = await openSnapshot(dir, 'fields', 'price');
    db.data.items = new Map([item('a', 1), item('b', 2)].map((i) => [i.key, i]));
    db.data.fingerprint = ['amount']; // written by a version whose price kind counted the amount only
    await db.write();
    const run = await openSnapshot(dir, 'fields', 'price');
    const current = [
      { key: 'a', data: { ...item('a', 1).data, name: 'renamed' } },
      { key: 'b', data: item('b', 2).data },
    ];
    const diff = diffItems(run.data.items, current, { now: new Date('2026-11-03T00:00:00Z'), removedAfterRuns: 2, changedFields: priceKind.changedFields, changeFields: priceKind.changeFields! });
    expect(diff.changed.map((c) => [c.key, c.fields])).toEqual([['a', ['name']]]);
    // The rewrite fingerprints the kind's fields now: the next run trusts them.
    run.data.items = diff.next;
    run.data.fingerprint = priceKind.changeFields!;
    await run.write();
    expect(readSnapshotHeader(dir, 'fields')!.fingerprint).toEqual(priceKind.changeFields);
  });

  it('reads a version-1 file (keyed objects) and rewrites it as version 3 on the next write', async () => {
    mkdirSync(join(dir, 'targets'));
    const v1 = { version: 1, targetId: 'old', kind: 'price', lastGoodAt: '2026-10-01T00:00:00.000Z', lastGoodCount: 1, items: { x: item('x', 5) }, history: { x: [{ at: '2026-10-01T00:00:00.000Z', amount: 5, currency: 'CNY' }] }, kindState: {} };
    writeFileSync(file('old'), JSON.stringify(v1));
    const db = await openSnapshot(dir, 'old', 'price');
    expect(db.data.items.get('x')!.data.amount).toBe(5);
    expect(db.data.history.get('x')).toHaveLength(1);
    await db.write();
    expect(readSnapshotHeader(dir, 'old')).toMatchObject({ targetId: 'old', lastGoodCount: 1, items: 1 });
    expect(plain(readSnapshot(dir, 'old')!).items).toEqual([v1.items.x]);
  });

  it('reads a version-2 file (arrays) and rewrites it as version 3 with the same items, history, state and profile', async () => {
    mkdirSync(join(dir, 'targets'));
    const items = HOSTILE.map((key, i) => ({ ...item(key, i), missingRuns: i % 3 }));
    const v2 = { version: 2, targetId: 'v2', kind: 'price', lastGoodAt: '2026-10-01T00:00:00.000Z', lastGoodCount: items.length, items, history: [{ key: 'lone\ud800', points: [{ at: '2026-10-01T00:00:00.000Z', amount: 5, currency: 'CNY' }] }], kindState: { alerted: { x: 1 } }, pages: { bytes: [10, 20], closed: false } };
    writeFileSync(file('v2'), JSON.stringify(v2));
    expect(readSnapshotHeader(dir, 'v2')).toMatchObject({ lastGoodCount: items.length, pages: v2.pages, fingerprint: null });
    const before = plain(readSnapshot(dir, 'v2')!);
    const db = await openSnapshot(dir, 'v2', 'price');
    db.data.fingerprint = priceKind.changeFields!;
    await db.write();
    expect(readFileSync(file('v2')).subarray(0, 13).toString()).toBe('{"version":3,');
    expect(plain(readSnapshot(dir, 'v2')!)).toEqual({ ...before, fingerprint: priceKind.changeFields });
    expect(before.items).toEqual(items);
  });

  it('reads the header alone: a file whose items are cut short still gives its header, and refuses to open as a whole', async () => {
    const db = await openSnapshot(dir, 'cut', 'price');
    db.data.items = new Map(Array.from({ length: 1000 }, (_, i) => item(`SKU-${i}`, i)).map((i) => [i.key, i]));
    db.data.lastGoodCount = 1000;
    db.data.lastGoodAt = '2026-11-02T00:00:00.000Z';
    db.data.pages = { bytes: [50_000, 48_000], closed: true };
    await db.write();
    truncateSync(file('cut'), 4000);
    expect(readSnapshotHeader(dir, 'cut')).toEqual({ targetId: 'cut', kind: 'price', lastGoodAt: '2026-11-02T00:00:00.000Z', lastGoodCount: 1000, pages: { bytes: [50_000, 48_000], closed: true }, fingerprint: null, items: 1000 });
    const err = errorOf(() => readSnapshot(dir, 'cut'));
    expect(err).toBeInstanceOf(RadarError);
    expect((err as RadarError).message).toMatch(/cut short/);
    expect(String((err as RadarError).where)).toContain('cut.snapshot.json');
  });

  it('a write that fails half-way leaves the old file as it was and no temp file', async () => {
    const db = await openSnapshot(dir, 'crash', 'price');
    db.data.items = new Map(Array.from({ length: 30_000 }, (_, i) => item(`SKU-${i}`, i)).map((i) => [i.key, i]));
    await db.write();
    const before = readFileSync(file('crash'));
    const run = await openSnapshot(dir, 'crash', 'price');
    // An item whose data cannot be produced, after more than a megabyte of records was written.
    const bad: StoredItem = { key: 'bad', firstSeen: 'x', lastSeen: 'x', missingRuns: 0, get data(): never { throw new Error('disk read failed'); } };
    run.data.items.set('bad', bad);
    await expect(run.write()).rejects.toThrow('disk read failed');
    expect(readFileSync(file('crash')).equals(before)).toBe(true);
    expect(readdirSync(join(dir, 'targets'))).toEqual(['crash.snapshot.json']);
  });

  it('refuses a file from a later version with a store error naming the file', () => {
    mkdirSync(join(dir, 'targets'));
    writeFileSync(file('future'), `${JSON.stringify({ version: 4, items: 1 })}\n\u0000\u0001binary`);
    const err = errorOf(() => readSnapshot(dir, 'future'));
    expect(err).toBeInstanceOf(RadarError);
    expect((err as RadarError).message).toMatch(/version 4/);
    expect(String((err as RadarError).where)).toContain('future.snapshot.json');
  });

  it('returns null before the first good run', () => {
    expect(readSnapshot(dir, 'never')).toBeNull();
    expect(readSnapshotHeader(dir, 'never')).toBeNull();
  });
});
