import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Recipient } from '../../src/alerts/route.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { formatDate } from '../../src/deliver/format.js';
import { displayUrl } from '../../src/deliver/links.js';
import { renderDigest } from '../../src/deliver/render.js';
import type { TenderAlertPayload } from '../../src/kinds/tender.js';
import type { StoredAlert } from '../../src/store/outbox.js';
import { REPO } from '../helpers/workspace.js';

describe('links as a digest shows them', () => {
  it('drop the well-known tracking parameters and keep every other one as it was spelled', () => {
    expect(displayUrl('https://detail.tmall.com/item.htm?spm=a220m.1000858.1000725.1.5e1&id=6123&skuId=9%2B1')).toBe('https://detail.tmall.com/item.htm?id=6123&skuId=9%2B1');
    expect(displayUrl('https://shop.example/p/1?utm_source=x&UTM_Medium=y&gclid=abc#specs')).toBe('https://shop.example/p/1#specs');
    expect(displayUrl('https://shop.example/list?page=2&spm=list.1')).toBe('https://shop.example/list?page=2');
    // Nothing to strip, or not a web link: unchanged, byte for byte.
    for (const u of ['https://a.example/x?q=%E7%A9%BA%E8%B0%83&page=1', 'javascript:alert(1)?spm=1', 'not a url?spm=1', 'https://a.example/spm=1']) expect(displayUrl(u)).toBe(u);
  });

  it('strip them in the rendered email, in the href and the text part alike', async () => {
    const owners = ownersSchema.parse({ regions: { south: { owners: ['s@example.com'], name: '华南', name_en: 'South China' } }, ops: ['ops@example.com'] });
    const now = new Date('2026-12-04T01:30:00Z');
    const tender: TenderAlertPayload = {
      change: 'new', targetId: 't', source: 'gov', region: 'south', place: '深圳', dedupeKey: 'no:X1', key: 'k',
      title: '空调采购', url: 'https://gov.example/bid/1?id=7&spm=list.1&utm_campaign=z', number: 'X-1', buyer: '医院', agency: null, category: null,
      budget: 1_000_000, currency: 'CNY', deadline: '2026-12-20T01:30:00.000Z', publishedAt: null, keywords: ['空调'],
    };
    const alert: StoredAlert = { id: 'tender:no:X1:new', topic: 'tender', audience: { kind: 'region', region: 'south' }, createdAt: now.toISOString(), recordedAt: now.toISOString(), delivered: {}, payload: tender as unknown as Record<string, unknown> };
    for (const locale of ['zh-CN', 'en'] as const) {
      const recipient: Recipient = { email: 's@example.com', locale, role: 'region' };
      const email = await renderDigest({ templatesDir: join(REPO, 'templates'), recipient, owners, now, alerts: [alert] });
      expect(email.html).toContain('href="https://gov.example/bid/1?id&#x3D;7"');
      expect(`${email.html}${email.text}`).not.toMatch(/spm|utm_/);
      // The footer of a regional digest: whom it is for and whom to ask.
      expect(email.text).toContain(locale === 'en' ? 'to the owners of South China' : '发给华南区域负责人');
      expect(email.text).toContain('ops@example.com');
      // When it was made, in a form that reads one way only.
      expect(email.text).toContain(locale === 'en' ? '4 Dec 2026, 09:30' : '2026年12月4日 09:30');
    }
  });
});

describe('dates in emails', () => {
  const d = new Date('2026-12-04T01:30:00Z');
  it('read one way only: 4 Dec 2026 in English, 2026年12月4日 / 12月4日 in Chinese, in the configured zone', () => {
    expect(formatDate(d, 'Asia/Shanghai', 'en')).toBe('4 Dec 2026');
    expect(formatDate(d, 'Asia/Shanghai', 'en', { time: true })).toBe('4 Dec 2026, 09:30');
    expect(formatDate(d, 'Asia/Shanghai', 'zh-CN')).toBe('2026年12月4日');
    expect(formatDate(d, 'Asia/Shanghai', 'zh-CN', { year: false })).toBe('12月4日');
    expect(formatDate(d, 'Asia/Shanghai', 'zh-CN', { now: d })).toBe('12月4日');
    expect(formatDate(d, 'America/New_York', 'en', { time: true })).toBe('3 Dec 2026, 20:30');
  });
});

describe('sales ops emails', () => {
  it('have what happened and what to do for every failure class of the README table, in both languages', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadStrings } = await import('../../src/deliver/i18n.js');
    const { failureKey } = await import('../../src/deliver/sections/scraper.js');
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## When a target fails'));
    const classes = [...table.matchAll(/^\| `([a-z_<>]+)`(?:, `([a-z_]+)`)? \|/gm)].flatMap((m) => [m[1]!, m[2]].filter((c): c is string => !!c));
    expect(classes).toEqual(expect.arrayContaining(['network', 'blocked', 'login_wall', 'layout_changed', 'browser_missing', 'too_large', 'redirect_loop']));
    const keys = [...new Set([...classes.filter((c) => !c.includes('<')), 'http_404', 'http_429', 'http_503', 'http_500', 'config'].map(failureKey))];
    for (const locale of ['zh-CN', 'en'] as const) {
      const t = loadStrings(join(REPO, 'templates'), locale);
      for (const k of keys) for (const part of ['class', 'what', 'fix']) expect(t[`scraper.${part}.${k}`], `${locale} scraper.${part}.${k}`).toBeTruthy();
      // Chinese readers get Chinese sentences, not the English ones.
      if (locale === 'zh-CN') for (const k of keys) expect(t[`scraper.fix.${k}`]).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
