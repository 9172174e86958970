import { describe, expect, it } from 'vitest';
import { loadHtml } from '../../src/extract/selector.js';
import { stepElement } from '../../src/extract/step-selector.js';
import { pathOf } from '../helpers/dom-path.js';

const page = (body: string) => `<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`;

describe('selectors for recorded steps', () => {
  it('names an element by what names it on purpose: id, data-*, name, aria-label, before any class', () => {
    const html = page(`<div class="mask css-1x2y3z"><button class="city btn-89af2c" data-city="bj">北京</button><button class="city" data-city="sh">上海</button><button aria-label="关闭" class="close">×</button></div><form><input name="q" placeholder="搜索"><select id="region"><option value="">全部</option><option value="sh">上海</option></select></form><a id="more" class="more">加载更多</a>`);
    expect(stepElement(html, pathOf(html, '[data-city=sh]'))).toMatchObject({ selector: 'button[data-city="sh"]', matches: 1, kind: 'other', text: '上海' });
    expect(stepElement(html, pathOf(html, '.close'))!.selector).toBe('button[aria-label="关闭"]');
    expect(stepElement(html, pathOf(html, 'input'))).toMatchObject({ selector: 'input[name="q"]', kind: 'input', text: '搜索' });
    expect(stepElement(html, pathOf(html, 'select'))).toMatchObject({ selector: '#region', kind: 'select', options: [{ value: '', text: '全部' }, { value: 'sh', text: '上海' }] });
    expect(stepElement(html, pathOf(html, '#more'))!.selector).toBe('#more');
  });

  it('never uses a generated class or id; falls back to a stable ancestor and a position', () => {
    const html = page(`<ul class="cities"><li class="sc-a1b2c3">北京</li><li class="sc-a1b2c3">上海</li></ul><ul class="cats"><li>空调</li></ul><div id="j_8f3a92b1"><span class="_3xYz9">x</span></div>`);
    const sh = stepElement(html, pathOf(html, '.cities li:nth-of-type(2)'))!;
    expect(sh.selector).toBe('.cities li:nth-of-type(2)');
    expect(sh.matches).toBe(1);
    const span = stepElement(html, pathOf(html, '._3xYz9'))!;
    expect(span.selector).not.toMatch(/j_8f3a92b1|_3xYz9/);
    expect(loadHtml(html)(span.selector).first().text()).toBe('x');
  });

  it('a selector that is not unique still finds the element first; the count says so', () => {
    const html = page(`<button class="buy">买</button><button class="buy">买</button>`);
    const first = stepElement(html, pathOf(html, 'button'))!;
    expect(first.selector).toBe('.buy');
    expect(first.matches).toBe(2);
    expect(stepElement(html, [])).toBeNull(); // <html> itself: nothing to act on
  });
});
