import { describe, expect, it } from 'vitest';
import { pageLines, readLabel } from '../../src/extract/labels.js';
import { loadHtml } from '../../src/extract/selector.js';
import { parseMoney } from '../../src/parse/money.js';
import { parseDate } from '../../src/parse/date.js';

const read = (html: string, labels: string) => readLabel(pageLines(loadHtml(`<html><body>${html}</body></html>`)), labels);

describe('readLabel: the value after a label in a free-text notice', () => {
  it.each([
    ['<p>项目编号：ZB-2026-001</p>', '项目编号', 'ZB-2026-001'],
    ['<p>项目编号: ZB-2026-001</p>', '项目编号', 'ZB-2026-001'],
    ['<p>1、项目编号：ABC-12</p>', '项目编号', 'ABC-12'], // numbered clause
    ['<p>预算金额（万元）：120</p>', '预算金额', '120 万元'], // the unit in brackets stays with the value
    ['<p>预算金额(元)：1,200,000.00元</p>', '预算金额', '1,200,000.00元'],
    ['<table><tr><td>预算金额</td><td>¥1,200,000.00</td></tr></table>', '预算金额', '¥1,200,000.00'],
    ['<dl><dt>采购人</dt><dd>某某医院</dd></dl>', '采购人', '某某医院'],
    ['<p>预算金额：120万元 最高限价：100万元</p>', '预算金额', '120万元'], // next label on the line ends it
    ['<p>采购人：某某医院；地址：深圳市</p>', '采购人', '某某医院'],
    ['<p>本项目的预算金额为120万元。</p>', '预算金额', null], // inside a sentence, not a label
    ['<p>预算金额：120万元</p><p>最高限价：100万元</p>', '最高限价|预算金额', '100万元'], // labels in the order given
    ['<p>采购预算：80万元</p>', '预算金额|采购预算', '80万元'],
    ['<script>var 项目编号 = "x";</script><p>无</p>', '项目编号', null],
  ])('%s [%s] → %s', (html, labels, value) => {
    expect(read(html, labels)).toBe(value);
  });

  it('hands the parsers what they need', () => {
    expect(parseMoney(read('<p>预算金额（万元）：385.5</p>', '预算金额'))).toEqual({ amount: 3_855_000, currency: 'CNY' });
    const deadline = read('<p>提交投标文件截止时间：2026年12月01日 09:30（北京时间）</p>', '提交投标文件截止时间');
    expect(parseDate(deadline, { timeZone: 'UTC' })?.toISOString()).toBe('2026-12-01T01:30:00.000Z');
  });
});
