import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { targetSchema } from '../../src/config/target-schema.js';
import { extractPage } from '../../src/extract/items.js';
import { countAsProposed, itemsBlock, isGeneratedClass, nodeAt, previewSelectors, suggestItems, type ItemsProposal } from '../../src/extract/suggest-items.js';
import { loadHtml } from '../../src/extract/selector.js';
import { decodeBody } from '../../src/fetch/charset.js';

const page = (name: string) => readFileSync(new URL(`./pages/${name}`, import.meta.url));
const utf8 = (name: string) => page(name).toString('utf8');
const URL_ = 'https://shop.example/list';

/** The proposal read back through the extractor a run uses: what a saved target would store. */
function runWith(html: string, p: ItemsProposal) {
  const t = { ...targetSchema.parse({ id: 't', competitor: 'C', region: 'east', fetch: { url: URL_ }, items: itemsBlock(p) }), file: 't.yaml' };
  return extractPage(html, URL_, t).items;
}

/** The element-child path of the first element matching css (what the console's click sends). */
function pathOf(html: string, css: string): number[] {
  const $ = loadHtml(html);
  const path: number[] = [];
  for (let el = $(css)[0]; el && el.parent && el.parent.type === 'tag'; el = el.parent) {
    path.unshift((el.parent.children.filter((c) => c.type === 'tag') as unknown[]).indexOf(el));
  }
  expect(nodeAt($, path)).toBe($(css)[0]);
  return path;
}

describe('suggestItems', () => {
  it('grid cards: the repeating card, its data-sku, fields previewed and parsed; generated classes and the struck-out price left alone', () => {
    const html = utf8('grid-cards.html');
    const p = suggestItems(html, { url: URL_ })!;
    expect(p.source).toBe('css');
    expect(p.each).toBe('.goods-card');
    expect(p.count).toBe(4);
    expect(p.key).toBe('@data-sku');
    expect(p.fields).toEqual({ name: '.goods-title', price: '.price', url: '.pic@href', stock: '.stock' });
    expect(p.rows[0]).toMatchObject({ key: 'KFR-35GW', name: '格力 云佳 1.5匹 变频冷暖', priceText: '¥1,299起', price: 1299, from: true, currency: 'CNY', url: 'https://shop.example/item/KFR-35GW?spm=1', stock: '有货' });
    expect(p.rows.map((r) => r.price)).toEqual([1299, 4599, 2199, 12000]);
    expect(runWith(html, p).map((i) => [i.key, i.fields.price])).toEqual([
      ['KFR-35GW', '¥1,299起'],
      ['KFR-50LW', '¥4,599'],
      ['KFR-26GW', '¥2,199'],
      ['KFR-72LW', '1.2万元'],
    ]);
  });

  it('a click on a price inside one card proposes the same cards', () => {
    const html = utf8('grid-cards.html');
    const p = suggestItems(html, { url: URL_, pick: pathOf(html, 'li[data-sku="KFR-26GW"] .price') })!;
    expect(p.each).toBe('.goods-card');
    expect(p.count).toBe(4);
    expect(p.fields.price).toBe('.price');
  });

  it('a click on a footer link does not pretend it is a product list', () => {
    const html = utf8('grid-cards.html');
    const p = suggestItems(html, { url: URL_, pick: pathOf(html, 'footer li a') })!;
    expect(p.each).toBe('.links > li');
    expect(p.fields.price).toBeUndefined();
  });

  it('a table: data rows only (not the header), cells by position, the model number as key', () => {
    const html = utf8('table.html');
    const p = suggestItems(html, { url: URL_, pick: pathOf(html, 'tr:nth-of-type(3) td:nth-of-type(3)') })!;
    expect(p.each).toBe('.quote tr:has(td)');
    expect(p.count).toBe(3);
    expect(p.rows.map((r) => [r.name, r.price, r.stock])).toEqual([
      ['博星 吸尘器 100', 899, '现货'],
      ['博星 吸尘器 200', 1299, '缺货'],
      ['博星 扫地机 300', 2499, '现货'],
    ]);
    expect(p.fields.url).toBe('a@href');
    // The same selectors with no click, and read back by the extractor.
    expect(suggestItems(html, { url: URL_ })!.each).toBe(p.each);
    expect(runWith(html, p).map((i) => i.key)).toEqual(['https://shop.example/p/bx-100', 'https://shop.example/p/bx-200', 'https://shop.example/p/bx-300']);
  });

  it('a GBK page, decoded as a run decodes it: ids as keys, 价格：2,899元 and 12.5万元 parsed', () => {
    const html = decodeBody(page('gbk.html'), 'text/html').text;
    const p = suggestItems(html, { url: URL_ })!;
    expect(p.each).toBe('.item');
    expect(p.key).toBe('@id');
    expect(p.fields.name).toBe('.mc');
    expect(p.fields.price).toBe('.jg');
    expect(p.rows.map((r) => [r.key, r.name, r.price])).toEqual([
      ['g1001', '德尔塔 洗衣机 10公斤', 2899],
      ['g1002', '德尔塔 烘干机 9公斤', 3499],
      ['g1003', '德尔塔 洗烘套装', 125000],
    ]);
  });

  it('counts a proposal on another copy of the page the way it reads it: JSON-LD a script has not inserted yet is none', () => {
    const ld = suggestItems(utf8('jsonld.html'), { url: URL_ })!;
    expect(countAsProposed(utf8('jsonld.html'), ld, { url: URL_ })).toBe(2);
    const shell = '<!doctype html><html><head><title>Bolt list</title></head><body><div id="app"></div><script src="/app.js"></script></body></html>';
    expect(countAsProposed(shell, ld, { url: URL_ })).toBe(0);
    // JSON-LD that names the products but has no prices is not what the builder offered either.
    const unpriced = utf8('jsonld.html').replace(/"offers":\{[^}]*\}/g, '"offers":{"@type":"Offer"}');
    expect(countAsProposed(unpriced, ld, { url: URL_ })).toBe(0);
    const css = suggestItems(utf8('grid-cards.html'), { url: URL_ })!;
    expect(countAsProposed(utf8('grid-cards.html'), css, { url: URL_ })).toBe(css.count);
    expect(countAsProposed(shell, css, { url: URL_ })).toBe(0);
  });

  it('JSON-LD only: offered first, no items block needed', () => {
    const p = suggestItems(utf8('jsonld.html'), { url: URL_ })!;
    expect(p.source).toBe('json-ld');
    expect(itemsBlock(p)).toBeNull();
    expect(p.rows.map((r) => [r.key, r.name, r.price, r.stock])).toEqual([
      ['BF-A', 'Bolt 冰箱 A', 3299, 'in_stock'],
      ['BF-B', 'Bolt 冰箱 B', 4599, 'out_of_stock'],
    ]);
    // And a price target without items: reads exactly those products.
    const t = { ...targetSchema.parse({ id: 't', competitor: 'C', region: 'east', fetch: { url: URL_ } }), file: 't.yaml' };
    const read = extractPage(utf8('jsonld.html'), URL_, t).items;
    expect(read.map((i) => [i.key, i.fields.name, i.fields.price])).toEqual([
      ['BF-A', 'Bolt 冰箱 A', '3299'],
      ['BF-B', 'Bolt 冰箱 B', '4599'],
    ]);
  });

  it('generated class names only: a structural selector from a stable id, never a hash', () => {
    const html = utf8('generated.html');
    const p = suggestItems(html, { url: URL_ })!;
    expect(p.each).toBe('#results > div');
    expect(JSON.stringify(p.fields)).not.toMatch(/__|sc-/);
    expect(p.rows.map((r) => [r.name, r.price, r.url])).toEqual([
      ['Zeta Fan 1', 199, 'https://shop.example/z/1'],
      ['Zeta Fan 2', 299, 'https://shop.example/z/2'],
      ['Zeta Fan 3', 399, 'https://shop.example/z/3'],
    ]);
  });

  it('tells generated class names from ones people wrote', () => {
    for (const c of ['css-1k9x2ab', 'sc-a1b2c3', 'Card_title__3kP9z', '_3xYz9', 'a8f3k2d9']) expect(isGeneratedClass(c), c).toBe(true);
    for (const c of ['price', 'goods-card', 'col-4', 'item2', 'jg', 'h2']) expect(isGeneratedClass(c), c).toBe(false);
  });

  it('previews selectors typed by hand the same way, and survives ones that are not CSS', () => {
    const html = utf8('grid-cards.html');
    const p = previewSelectors(html, { each: '.goods-card', key: '@data-pos', fields: { name: 'h3 a', price: '.old-price' } }, { url: URL_ });
    expect(p.rows.map((r) => [r.key, r.price])).toEqual([['1', 1999], ['2', null], ['3', 2499], ['4', null]]);
    expect(previewSelectors(html, { each: 'li[', key: null, fields: {} }, { url: URL_ }).count).toBe(0);
    expect(previewSelectors(html, { each: '.goods-card', key: null, fields: { price: 'span[' } }, { url: URL_ }).rows[0]!.price).toBeNull();
  });

  it('a page with nothing that repeats gives no proposal', () => {
    expect(suggestItems('<html><body><p>hello</p></body></html>', { url: URL_ })).toBeNull();
  });
});
