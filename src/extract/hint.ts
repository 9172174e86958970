/**
 * What a page has where a new target's selectors found nothing, in one line for sales ops:
 *
 *   fields.price ".price" matched nothing in 10 of 10 ".product" items; inside the first one:
 *   span.title "空调 KFR-20GW 型号1", span.cost "￥2,000", a[href="/p/S1"]
 *
 *   ".product" matched nothing; repeated elements here: div.card ×10 ("空调 KFR-20GW 型号1 ￥2,000")
 *
 * Only worked out when something missed, so a page that reads fine pays nothing for it.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { cleanText } from './selector.js';

const PRICE_LIKE = /[¥￥$€£]\s*\d|\d\s*(元|万|块)|\d[\d,]*\.\d{2}\b/;
const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function label(el: Element): string {
  const cls = (el.attribs.class ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 2);
  return `${el.tagName}${el.attribs.id ? `#${el.attribs.id}` : ''}${cls.map((c) => `.${c}`).join('')}`;
}

/** The elements inside an item that carry text, the price-looking ones first. */
export function insideItem($: CheerioAPI, item: Cheerio<AnyNode>, max = 6): string {
  const parts: { text: string; price: boolean }[] = [];
  item.find('*').each((_i, node) => {
    const el = node as Element;
    if (el.type !== 'tag' || ['script', 'style', 'svg', 'br'].includes(el.tagName)) return;
    // Leaf-ish: its own text, not its children's.
    const own = el.children.filter((c) => c.type === 'text').map((c) => ('data' in c ? String(c.data) : '')).join('');
    const text = cleanText(own);
    if (text) parts.push({ text: `${label(el)} "${clip(text)}"`, price: PRICE_LIKE.test(text) });
    else if (el.tagName === 'a' && el.attribs.href) parts.push({ text: `a[href="${clip(el.attribs.href, 30)}"]`, price: false });
    else if (el.tagName === 'img' && el.attribs.src) parts.push({ text: `img[src="${clip(el.attribs.src, 30)}"]`, price: false });
  });
  const sorted = [...parts.filter((p) => p.price), ...parts.filter((p) => !p.price)].slice(0, max);
  return sorted.length ? sorted.map((p) => p.text).join(', ') : `"${clip(cleanText(item.text()), 80)}"`;
}

/** Elements that repeat under one parent (the listing's likely items), with what the first says. */
export function repeatedElements($: CheerioAPI, max = 3): string {
  const groups = new Map<string, { n: number; first: Element; price: boolean }>();
  $('body *').each((_i, node) => {
    const el = node as Element;
    if (el.type !== 'tag' || !el.attribs.class || !el.parent) return;
    const key = `${label(el)}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { n: 1, first: el, price: false });
  });
  const found = [...groups.entries()]
    .filter(([, g]) => g.n >= 3)
    .map(([name, g]) => {
      const text = cleanText($(g.first).text());
      return { name, n: g.n, text, price: PRICE_LIKE.test(text) };
    })
    .filter((g) => g.text.length > 0)
    .sort((a, b) => Number(b.price) - Number(a.price) || b.n - a.n)
    .slice(0, max);
  return found.length ? `repeated elements here: ${found.map((g) => `${g.name} ×${g.n} ("${clip(g.text, 50)}")`).join(', ')}` : 'no repeated elements with text on the page';
}
