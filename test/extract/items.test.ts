import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/config/target-schema.js';
import { targetSchema } from '../../src/config/target-schema.js';
import { extractPage } from '../../src/extract/items.js';
import { loadHtml, parseFieldSelector, readField } from '../../src/extract/selector.js';

const URL_ = 'https://shop.example/list?page=1';

function target(each: string, fields: Record<string, string>, key?: string): Target {
  const t = targetSchema.parse({ id: 't', competitor: 'C', region: 'east', fetch: { url: URL_ }, items: { each, ...(key ? { key } : {}), fields } });
  return { ...t, file: 't.yaml' };
}

/** What the item-by-item reading (`scope.find(css).first()`) gives, to compare the page-wide one with. */
function oneByOne(html: string, t: Target) {
  const $ = loadHtml(html);
  return $(t.items!.each)
    .toArray()
    .map((n) => Object.fromEntries(Object.entries(t.items!.fields).map(([k, s]) => [k, readField($, $(n), parseFieldSelector(s), URL_)])));
}

const LISTING = `
<ul class="grid">
  <li class="p" data-sku="A1"><h3 class="t"><a href="/i/a1?spm=x">华为笔记本电脑高性能版十四英寸</a></h3><span class="price">¥1,299</span><span class="price">¥999</span>
    <div class="tags"><em>new</em></div></li>
  <li class="p" data-sku="B2"><h3 class="t"><a href="/i/b2">Bolt  Phone
     X</a></h3><div><span class="price">¥2,599起</span></div></li>
  <li class="p" data-sku="C3"><h3 class="t">No link</h3></li>
  <li class="p"><h3 class="t"><a href="/i/d4#reviews">D4</a></h3><span class="price">面议</span></li>
</ul>
<p class="after">outside</p>`;

describe('extractPage', () => {
  it('reads each field from the first match inside its own item', () => {
    const t = target('.p', { name: '.t', price: '.price', url: 'a@href', tag: '.tags em', direct: '> .price' }, '@data-sku');
    const page = extractPage(LISTING, URL_, t);
    expect(page.matched).toBe(4);
    expect(page.items).toEqual([
      { key: 'A1', fields: { name: '华为笔记本电脑高性能版十四英寸', price: '¥1,299', url: 'https://shop.example/i/a1?spm=x', tag: 'new', direct: '¥1,299' } },
      { key: 'B2', fields: { name: 'Bolt Phone X', price: '¥2,599起', url: 'https://shop.example/i/b2', tag: null, direct: null } },
      { key: 'C3', fields: { name: 'No link', price: null, url: null, tag: null, direct: null } },
      // No data-sku: the link is the key, without its fragment.
      { key: 'https://shop.example/i/d4', fields: { name: 'D4', price: '面议', url: 'https://shop.example/i/d4#reviews', tag: null, direct: '面议' } },
    ]);
  });

  it('gives what reading item by item gives, for nested items and selectors that leave the item too', () => {
    const nested = `
      <div class="card" id="outer"><b class="n">outer</b>
        <div class="card" id="inner"><b class="n">inner</b><i class="x">deep</i></div>
      </div>
      <div class="card"><i class="x">second</i></div><span class="sib">sibling</span>`;
    for (const [html, each, fields] of [
      [nested, '.card', { n: '.n', x: '.x', id: '@id', divx: 'div .x' }],
      [LISTING, '.p', { sib: '+ .p .t', later: '~ .p h3', price: 'li .price', any: '*' }],
      [nested, '.card', { sib: '+ .sib' }],
    ] as const) {
      const t = target(each, { ...fields });
      expect(extractPage(html, URL_, t).items.map((i) => i.fields)).toEqual(oneByOne(html, t));
    }
  });
});
