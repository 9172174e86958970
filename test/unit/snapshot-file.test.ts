import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSnapshot, readSnapshot, snapshotFile } from '../../src/store/snapshot.js';
import { RadarError } from '../../src/core/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radar-snap-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const item = (key: string, amount: number) => ({ key, data: { name: `商品 ${key}`, amount, currency: 'CNY' }, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z', missingRuns: 0 });

describe('snapshot file', () => {
  it('round-trips what the pipeline keeps, in page order, with history and kind state', async () => {
    const db = await openSnapshot(dir, 'shop', 'price');
    expect(db.data.lastGoodAt).toBeNull();
    db.data.items = new Map([item('b', 2), item('a', 1), item('10', 10)].map((i) => [i.key, i]));
    db.data.history = new Map([['a', [{ at: '2026-11-01T00:00:00.000Z', amount: 1, currency: 'CNY' }]]]);
    db.data.kindState = { alerted: { a: { amount: 1, at: '2026-11-01T00:00:00.000Z' } } };
    db.data.lastGoodAt = '2026-11-02T00:00:00.000Z';
    db.data.lastGoodCount = 3;
    await db.write();

    const back = readSnapshot(dir, 'shop')!;
    expect(back).toEqual(db.data);
    const onDisk = JSON.parse(readFileSync(snapshotFile(dir, 'shop'), 'utf8')) as { version: number; items: { key: string }[] };
    expect(onDisk.version).toBe(2);
    expect(onDisk.items.map((i) => i.key)).toEqual(['b', 'a', '10']); // page order, numeric keys too
  });

  it('round-trips a snapshot far larger than one write batch (written in pieces)', async () => {
    const db = await openSnapshot(dir, 'big', 'price');
    const many = Array.from({ length: 5000 }, (_, i) => item(`SKU-${i}`, i));
    db.data.items = new Map(many.map((i) => [i.key, i]));
    db.data.history = new Map(many.map((i) => [i.key, [{ at: '2026-11-01T00:00:00.000Z', amount: i.data.amount, currency: 'CNY' }]]));
    db.data.lastGoodAt = '2026-11-02T00:00:00.000Z';
    await db.write();
    const text = readFileSync(snapshotFile(dir, 'big'), 'utf8');
    expect(text.length).toBeGreaterThan(4 * 65536);
    expect(readSnapshot(dir, 'big')).toEqual(db.data);
  });

  it('reads a version-1 file (keyed objects) and rewrites it as version 2 on the next write', async () => {
    mkdirSync(join(dir, 'targets'));
    const v1 = { version: 1, targetId: 'old', kind: 'price', lastGoodAt: '2026-10-01T00:00:00.000Z', lastGoodCount: 1, items: { x: item('x', 5) }, history: { x: [{ at: '2026-10-01T00:00:00.000Z', amount: 5, currency: 'CNY' }] }, kindState: {} };
    writeFileSync(snapshotFile(dir, 'old'), JSON.stringify(v1));
    const db = await openSnapshot(dir, 'old', 'price');
    expect(db.data.items.get('x')!.data.amount).toBe(5);
    expect(db.data.history.get('x')).toHaveLength(1);
    await db.write();
    expect(JSON.parse(readFileSync(snapshotFile(dir, 'old'), 'utf8')).version).toBe(2);
    expect(readSnapshot(dir, 'old')!.items.get('x')).toEqual(v1.items.x);
  });

  it('refuses a file from an unknown version with a store error naming the file', () => {
    mkdirSync(join(dir, 'targets'));
    writeFileSync(snapshotFile(dir, 'future'), JSON.stringify({ version: 3, items: {} }));
    const err = (() => {
      try {
        readSnapshot(dir, 'future');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RadarError);
    expect((err as RadarError).message).toMatch(/version 3/);
    expect(String((err as RadarError).where)).toContain('future.snapshot.json');
  });

  it('returns null before the first good run', () => {
    expect(readSnapshot(dir, 'never')).toBeNull();
  });
});
