import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/signals/store.js';
import { jsonPieces } from '../../src/store/json-pieces.js';

const dir = mkdtempSync(join(tmpdir(), 'radar-signals-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: [1, 2] });

const samples: unknown[] = [
  null,
  0,
  -0,
  Number.NaN,
  'text "quoted" 王伟\n',
  [],
  {},
  [undefined, () => 1, Symbol('s'), null, { x: undefined }],
  { skip: undefined, fn: () => 1, sym: Symbol('s'), keep: 1, '': 'empty key', '王': { '伟': [1.5, -2, 1e21] } },
  { at: new Date('2026-11-23T01:00:00Z'), map: new Map([[1, 2]]), set: new Set([1]), boxed: new Number(3), nullProto },
  { custom: { toJSON: (k: string) => `key was ${k}` }, list: [{ toJSON: (k: string) => k }] },
  {
    version: 1,
    sources: {
      '/in/crm-activity.csv': {
        file: 'crm-activity.csv',
        kind: 'activity',
        aggregate: { kind: 'activity', weeks: { 'p-1': { '2026-W47': { calls: 3, visits: 0.5 } }, 'p-2': {} }, coverage: { calls: ['2026-W46', '2026-W47'] } },
      },
    },
    directory: { 'p-1': { name: '王伟', department: '华东销售部' } },
  },
];

describe('store.json writing', () => {
  it('writes exactly what JSON.stringify would, at every depth', () => {
    for (const v of samples) {
      for (let depth = 0; depth <= 7; depth++) expect([...jsonPieces(v, depth)].join('')).toBe(JSON.stringify(v));
    }
  });

  it('writes a large store in pieces and reads back the same data', async () => {
    const weeks: Record<string, Record<string, Record<string, number>>> = {};
    for (let p = 0; p < 3000; p++) weeks[`p-${p}`] = { '2026-W46': { calls: p, logins: 1 }, '2026-W47': { calls: p + 0.25 } };
    const store = { version: 1, sources: { '/in/a.csv': { file: 'a.csv', aggregate: { kind: 'activity', weeks, coverage: {} } } }, directory: { 'p-1': { name: '张伟' } } };
    const pieces = [...jsonPieces(store)];
    // One piece per person or smaller, never the whole file at once.
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200);
    const file = join(dir, 'store.json');
    await writeJsonAtomic(file, store);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(store));
  });
});
