import { describe, expect, it } from 'vitest';
import { asText, extractJsonItems, first, parsePath, select } from '../../src/extract/json-path.js';
import type { Target } from '../../src/config/target-schema.js';

const doc = {
  code: 0,
  data: {
    list: [
      { id: 7, title: ' 空调 A ', price: { current: 2599, unit: 'CNY' }, tags: ['新品', '包邮'], skus: [{ price: 2499 }, { price: 2699 }], link: '/p/7' },
      { id: 8, title: '空调 B', price: { current: null }, tags: [], skus: [], link: 'https://cdn.example/p/8' },
    ],
    'page-info': { total: 2 },
  },
};

describe('JSON paths', () => {
  it.each([
    ['data.list[*].id', [7, 8]],
    ['$.data.list[*].id', [7, 8]],
    ['data.list.*.id', [7, 8]],
    ['data.list[0].title', [' 空调 A ']],
    ['data.list[-1].id', [8]],
    ['data["page-info"].total', [2]],
    ["data['page-info'].total", [2]],
    ['data.list[*].skus[0].price', [2499]],
    ['data.missing.x', []],
    ['code.x', []],
    ['$', [doc]],
  ])('%s', (path, want) => expect(select(doc, path)).toEqual(want));

  it('first() gives one value or undefined', () => {
    expect(first(doc, 'data.list[1].title')).toBe('空调 B');
    expect(first(doc, 'nope')).toBeUndefined();
  });

  it('a malformed path fails when parsed', () => {
    expect(() => parsePath('data.list[')).toThrow(/missing \]/);
    expect(() => parsePath('data.list[?(@.x)]')).toThrow(/expected \[\*\]/);
  });

  it('asText: scalars as text, lists of scalars joined, objects and empties are null', () => {
    expect([asText(' a '), asText(12.5), asText(false), asText(['新品', '包邮']), asText({ a: 1 }), asText(''), asText([]), asText(null)]).toEqual([
      'a',
      '12.5',
      'false',
      '新品, 包邮',
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('extractJsonItems', () => {
  const target = (each: string, next?: string) =>
    ({
      fetch: { next },
      items: { each, key: 'id', fields: { name: 'title', price: 'price.current', url: 'link', tags: 'tags' } },
    }) as unknown as Target;

  it('reads items at a path, fields by path, keys as text, and makes url fields absolute', () => {
    const ex = extractJsonItems(JSON.stringify(doc), 'https://shop.example/api/list?page=1', target('data.list[*]'));
    expect(ex.matched).toBe(2);
    expect(ex.items).toEqual([
      { key: '7', fields: { name: '空调 A', price: '2599', url: 'https://shop.example/p/7', tags: '新品, 包邮' } },
      { key: '8', fields: { name: '空调 B', price: null, url: 'https://cdn.example/p/8', tags: null } },
    ]);
  });

  it('a path to the array itself works the same as [*]', () => {
    expect(extractJsonItems(JSON.stringify(doc), 'https://x.example/', target('data.list')).items).toHaveLength(2);
  });

  it('follows a next-page URL given by path', () => {
    const withNext = { ...doc, paging: { next: '/api/list?cursor=abc' } };
    expect(extractJsonItems(JSON.stringify(withNext), 'https://x.example/api/list', target('data.list', 'paging.next')).nextUrl).toBe('https://x.example/api/list?cursor=abc');
  });

  it('an answer that is not JSON is a parse_error with a sample', () => {
    expect(() => extractJsonItems('<html>维护中</html>', 'https://x.example/', target('data.list'))).toThrow(/did not answer with JSON/);
  });
});
