import type { Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { followNext, isNextClick, pagePattern, suggestNext } from '../../src/extract/suggest-pages.js';
import { loadHtml } from '../../src/extract/selector.js';

const URL1 = 'https://shop.example/list';
const pager = (inner: string) => `<html><body><ul class="goods"><li>a</li></ul><div class="pager">${inner}</div></body></html>`;

/** The element-child path of the first match of `css`, as a click on the picture gives it. */
function pathOf(html: string, css: string): number[] {
  const $ = loadHtml(html);
  const path: number[] = [];
  for (let el = $(css).first()[0] as Element | undefined; el && el.name !== 'html'; el = el.parent as Element | undefined) {
    const sibs = (el.parent?.children ?? []).filter((c) => c.type === 'tag');
    path.unshift(sibs.indexOf(el));
  }
  return path;
}

describe('suggestNext', () => {
  it('finds a 下一页 link by its class, offers the numbered pattern beside it with the last page shown', () => {
    const html = pager('<a href="/list?page=1" class="cur">1</a><a href="/list?page=2">2</a><a href="/list?page=7">7</a><a class="pn-next" href="/list?page=2">下一页 &gt;</a>');
    const p = suggestNext(html, { url: URL1 })!;
    expect(p.next).toBe('a.pn-next@href');
    expect(p.path).toEqual(pathOf(html, 'a.pn-next')); // the box the builder outlines
    expect(p.nextUrl).toBe('https://shop.example/list?page=2');
    expect(p.pattern).toEqual({ url: 'https://shop.example/list?page={page}', pages: '1..7' });
  });

  it('prefers rel=next, and reads a next link with nothing but its text', () => {
    expect(suggestNext(pager('<a href="/p/3">3</a><a rel="next" href="/p/3">›</a>'), { url: 'https://shop.example/p/2' })!.next).toBe('a[rel="next"]@href');
    const p = suggestNext(pager('<a href="/list?page=1">上一页</a><a href="/list?cat=5&page=3">下一页</a>'), { url: 'https://shop.example/list?cat=5&page=2' })!;
    expect(p.next).toBe('.pager a:contains("下一页")@href');
    expect(p.pattern).toEqual({ url: 'https://shop.example/list?cat=5&page={page}', pages: '2..3' });
  });

  it('a click on the "2" of a pager proposes the numbered pattern and no next selector; a click on a product link is not a page link', () => {
    const html = pager('<a href="/list?page=2">2</a><a href="/list?page=3">3</a>').replace('<li>a</li>', '<li><a href="/item/1">a</a></li>');
    const two = pathOf(html, '.pager a');
    expect(isNextClick(html, two, URL1)).toBe(true);
    const p = suggestNext(html, { url: URL1, pick: two })!;
    expect(p.next).toBeNull();
    expect(p.pattern).toEqual({ url: 'https://shop.example/list?page={page}', pages: '1..3' });
    expect(isNextClick(html, pathOf(html, '.goods a'), URL1)).toBe(false);
    expect(suggestNext(html, { url: URL1, pick: pathOf(html, '.goods a') })).toBeNull();
  });

  it('nothing on a single page, a script button, or a link back to the same page', () => {
    expect(suggestNext(pager(''), { url: URL1 })).toBeNull();
    expect(suggestNext(pager('<a href="javascript:more()">下一页</a><a href="#">next</a>'), { url: URL1 })).toBeNull();
    expect(suggestNext(pager('<a href="/list">next</a>'), { url: URL1 })).toBeNull();
  });

  it('followNext reads a next selector as a run does, null at the last page', () => {
    expect(followNext(pager('<a class="next" href="?page=3">next</a>'), 'a.next@href', 'https://shop.example/list?page=2')).toBe('https://shop.example/list?page=3');
    expect(followNext(pager('<span class="next">next</span>'), 'a.next@href', URL1)).toBeNull();
  });
});

describe('pagePattern', () => {
  it('a page number in the path, the query, or added to a first page without one', () => {
    expect(pagePattern('https://s.example/c/5/p/1.html', 'https://s.example/c/5/p/2.html')).toEqual({ url: 'https://s.example/c/5/p/{page}.html', from: 1 });
    expect(pagePattern('https://s.example/list', 'https://s.example/list?page=2')).toEqual({ url: 'https://s.example/list?page={page}', from: 1 });
    expect(pagePattern('https://s.example/list?c=3', 'https://s.example/list?c=3&pn=2')).toEqual({ url: 'https://s.example/list?c=3&pn={page}', from: 1 });
    expect(pagePattern('https://s.example/list?c=3', 'https://s.example/other?c=3&pn=2')).toBeNull();
  });
});
