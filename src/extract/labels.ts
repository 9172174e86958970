import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';

/**
 * Tender notices are free text more often than markup: "预算金额（万元）：120", a two-column table,
 * or <dt>/<dd> pairs. This reads "the value after a label" from the page's text, line by line.
 */

const BLOCK = 'p, div, br, tr, li, h1, h2, h3, h4, h5, h6, table, section, article, header, footer, dt, dd, blockquote, pre, hr, ul, ol';

/** The page's visible text with one line per block element (table cells joined by a space). */
export function pageLines($: CheerioAPI): string[] {
  const body = $('body').first();
  const clone: Cheerio<AnyNode> = body.length ? body.clone() : $.root().clone();
  clone.find('script, style, noscript, template').remove();
  clone.find(BLOCK).each((_i, el) => {
    $(el).before('\n');
    $(el).after('\n');
  });
  clone.find('td, th').each((_i, el) => {
    $(el).after(' ');
  });
  return clone
    .text()
    .split('\n')
    .map((l) => l.replace(/[\s\u00a0\u3000]+/g, ' ').trim())
    .filter((l) => l !== '');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Another "label：" on the same line ends the value: "预算金额：120万元 最高限价：100万元".
const NEXT_LABEL = /\s+[\u4e00-\u9fffA-Za-z（）()]{2,14}\s*[:：]/;
// A value ends at a sentence break too: "采购人：某某医院；地址：…".
const VALUE_END = /[；;。]|\s{2,}/;

/**
 * The value after the first of `labels` (`预算金额|采购预算`) in `lines`, or null. A unit in
 * brackets between label and colon is kept with the value ("预算金额（万元）：120" → "120 万元").
 * A label alone at the end of its line (a table cell, a <dt>) takes the next line.
 */
export function readLabel(lines: readonly string[], labels: string): string | null {
  const names = labels
    .split('|')
    .map((l) => l.trim())
    .filter(Boolean);
  if (names.length === 0) return null;
  // Labels in the order given: the first one listed is the most specific.
  for (const name of names) {
    const re = new RegExp(`^${escapeRe(name)}\\s*(?:[（(]([^）)]{1,12})[）)])?\\s*(?:[:：]|\\s)\\s*(.*)$`);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const idx = line.indexOf(name);
      if (idx < 0) continue;
      // The label must start its line or follow a break, not sit inside a sentence ("…的预算金额为…").
      const before = line.slice(0, idx);
      if (before !== '' && !/(?:^|[\s:：；;，,、。)）]|[一二三四五六七八九十\d]+[、.．])\s*$/.test(before)) continue;
      const m = re.exec(line.slice(idx));
      if (!m) {
        if (line.slice(idx + name.length).trim() === '' || /^\s*[（(][^）)]{1,12}[）)]\s*[:：]?\s*$/.test(line.slice(idx + name.length))) {
          const unit = /[（(]([^）)]{1,12})[）)]/.exec(line.slice(idx + name.length))?.[1];
          const next = lines[i + 1];
          if (next && !/[:：]\s*$/.test(next)) return withUnit(cut(next), unit);
        }
        continue;
      }
      let value = m[2] ?? '';
      if (value.trim() === '') {
        const next = lines[i + 1];
        if (!next) continue;
        value = next;
      }
      return withUnit(cut(value), m[1]);
    }
  }
  return null;
}

function cut(value: string): string {
  let v = value;
  const n = NEXT_LABEL.exec(v);
  if (n) v = v.slice(0, n.index);
  const e = VALUE_END.exec(v);
  if (e) v = v.slice(0, e.index);
  return v.trim().slice(0, 300);
}

function withUnit(value: string, unit: string | undefined): string | null {
  if (value === '') return null;
  // 万元 / 元 / 北京时间 in the label belong to the value; a unit already in the value is not doubled.
  return unit && !value.includes(unit) ? `${value} ${unit}` : value;
}
