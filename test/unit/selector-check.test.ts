import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KNOWN_PSEUDOS, selectorProblem } from '../../src/config/selector-check.js';
import { loadHtml } from '../../src/extract/selector.js';

const require = createRequire(import.meta.url);

describe('selectorProblem', () => {
  it('knows the pseudo-classes the installed css-select and cheerio evaluate, and only those', () => {
    const cs = require('css-select') as { filters: object; pseudos: object; aliases: object };
    for (const name of [...Object.keys(cs.filters), ...Object.keys(cs.pseudos), ...Object.keys(cs.aliases)]) expect(KNOWN_PSEUDOS.has(name), name).toBe(true);
    const $ = loadHtml('<ul><li class="a">x</li><li>y</li></ul>');
    const arg = (n: string) => (['contains', 'icontains'].includes(n) ? '(x)' : /^nth|^(eq|gt|lt)$/.test(n) ? '(1)' : ['is', 'matches', 'where', 'not', 'has'].includes(n) ? '(.a)' : '');
    for (const name of KNOWN_PSEUDOS) expect(() => $(`li:${name}${arg(name)}`), name).not.toThrow();
    expect(() => $('li:frobnicate')).toThrow();
    expect(selectorProblem('li:frobnicate')).toMatch(/":frobnicate" is not a pseudo-class radar knows/);
  });

  it('agrees with cheerio on what is a syntax error', () => {
    const $ = loadHtml('<div class="x"><a href="/">a</a></div>');
    for (const css of ['li.g-card[', '#', 'a)', 'div[data-x="1"', 'a:eq(1', '.', 'a,,b']) {
      expect(() => $(css), css).toThrow();
      expect(selectorProblem(css), css).toMatch(/^not a valid CSS selector: /);
    }
    for (const css of ['.x > a', 'a[href^="/"]', 'li:nth-child(2n+1)', 'p:contains(价格)', 'div:not(.ad):has(a)', 'li:eq(0)']) {
      expect(() => $(css), css).not.toThrow();
      expect(selectorProblem(css), css).toBeNull();
    }
  });
});
