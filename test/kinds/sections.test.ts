import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Recipient } from '../../src/alerts/route.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { renderDigest } from '../../src/deliver/render.js';
import { formatAnnualRange } from '../../src/deliver/sections/job.js';
import { daysLeft, formatBudget } from '../../src/deliver/sections/tender.js';
import type { JobAlertPayload } from '../../src/kinds/job.js';
import type { TenderAlertPayload } from '../../src/kinds/tender.js';
import type { StoredAlert } from '../../src/store/outbox.js';
import { REPO } from '../helpers/workspace.js';

const owners = ownersSchema.parse({ regions: { south: { owners: ['s@example.com'], name: '华南', name_en: 'South China' } } });
const now = new Date('2026-11-20T02:00:00Z');
const stored = (id: string, topic: string, payload: object): StoredAlert => ({ id, topic, audience: { kind: 'region', region: 'south' }, createdAt: now.toISOString(), recordedAt: now.toISOString(), delivered: {}, payload });

const evil = '<img src=x onerror=alert(1)>';
const tender: TenderAlertPayload = {
  change: 'new', targetId: 't', source: `站点${evil}`, region: 'south', place: '深圳', dedupeKey: 'no:X1', key: 'k',
  title: `空调采购${evil}`, url: 'javascript:alert(1)', number: 'X-1', buyer: `医院${evil}`, agency: null, category: null,
  budget: 3_855_000, currency: 'CNY', deadline: '2026-12-01T01:30:00.000Z', publishedAt: null, keywords: ['空调'],
};
const job: JobAlertPayload = {
  signal: 'spike', targetId: 'j', competitor: `Acme${evil}`, region: 'south', city: `深圳${evil}`, category: 'sales', week: '2026-W47',
  count: 6, baseline: 1.5, baselineWeeks: 4, salary: null,
  postings: [{ title: `销售${evil}`, url: 'javascript:alert(2)', salaryText: null, salaryMin: 15000, salaryMax: 25000, salaryPeriod: 'month', currency: 'CNY' }],
};

async function render(locale: 'zh-CN' | 'en') {
  const recipient: Recipient = { email: 's@example.com', locale, role: 'region' };
  return renderDigest({ templatesDir: join(REPO, 'templates'), recipient, owners, now, alerts: [stored('tender:no:X1:new', 'tender', tender), stored('job:a', 'job', job)] });
}

describe('tender and hiring sections', () => {
  it('escape scraped text everywhere and never link a javascript: URL', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const email = await render(locale);
      expect(email.html).not.toMatch(/<img/i);
      expect(email.html).toContain('医院&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(email.html).not.toMatch(/href="javascript:/i);
    }
  });

  it('show budget, deadline with days left and the hiring numbers in each language', async () => {
    const zh = await render('zh-CN');
    expect(zh.subject).toMatch(/^\[华南\] 新招标：空调采购/);
    expect(zh.text).toContain('预算: ¥385.5万 | 截止: 12月1日 09:30 (还剩 11 天)');
    expect(zh.text).toContain('本周新增 6 个职位（此前周均 1.5 个）');
    expect(zh.text).toContain('(1.5万–2.5万/月)');
    const en = await render('en');
    expect(en.text).toContain('Budget: ¥3,855,000 | Deadline: 1 Dec 2026, 09:30 (11 days left)');
    expect(en.text).toContain('6 new postings this week (weekly average before: 1.5)');
    expect(en.text).toContain('(¥15k–25k/mo)');
  });

  it.each([
    [3_855_000, 'zh-CN', '¥385.5万'],
    [150_000_000, 'zh-CN', '¥1.5亿'],
    [8_000, 'zh-CN', '¥8,000'],
    [3_855_000, 'en', '¥3,855,000'],
    [null, 'en', null],
  ] as const)('formatBudget(%s, %s) = %s', (amount, locale, text) => {
    expect(formatBudget(amount, 'CNY', locale)).toBe(text);
  });

  it('counts days left on the calendar of the digest zone', () => {
    const at = (iso: string) => new Date(iso);
    expect(daysLeft(at('2026-11-20T15:00:00Z'), at('2026-11-20T02:00:00Z'), 'Asia/Shanghai')).toBe(0); // 23:00 the same day
    expect(daysLeft(at('2026-11-20T16:30:00Z'), at('2026-11-20T02:00:00Z'), 'Asia/Shanghai')).toBe(1); // 00:30 the next day
    expect(formatAnnualRange(180_000, 300_000, 'CNY', 'zh-CN')).toBe('18万–30万/年');
    expect(formatAnnualRange(180_000, 300_000, 'CNY', 'en')).toBe('¥180k–300k/yr');
  });
});
