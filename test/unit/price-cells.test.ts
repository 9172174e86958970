import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComparisonAlertPayload } from '../../src/compare/alerts.js';
import type { CompetitorPrice, IndexRow } from '../../src/compare/price-index.js';
import type { PriceTablePayload } from '../../src/compare/table.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { renderDigest } from '../../src/deliver/render.js';
import type { StoredAlert } from '../../src/store/outbox.js';
import { REPO } from '../helpers/workspace.js';

const owners = ownersSchema.parse({ regions: { east: { owners: ['e@example.com'], name: '华东', name_en: 'East China' } } });
const now = new Date('2026-12-04T02:00:00Z');
const stored = (id: string, topic: string, payload: object): StoredAlert => ({ id, topic, audience: { kind: 'region', region: 'east' }, createdAt: now.toISOString(), recordedAt: now.toISOString(), delivered: {}, payload });

// Acme cut to ¥2,199 (12 % under our ¥2,499); 宝拓 raised to ¥2,599 (4 % over).
const offer = (competitor: string, amount: number, deltaPct: number, trend: 'down' | 'up'): CompetitorPrice => ({
  competitor, targetId: competitor, key: 'k', name: `${competitor} 空调`, url: `https://shop.example.com/${competitor}`, amount, from: false, deltaPct, trend, previousAmount: null, method: 'explicit', seenAt: now.toISOString(),
});
const competitors = [offer('Acme', 2199, -12, 'down'), offer('宝拓', 2599, 4, 'up')];
const row: IndexRow = { sku: 'R-1', name: 'Radar 空调', model: 'KFR-35GW/R1', category: null, region: 'east', ourPrice: 2499, currency: 'CNY', competitors, lowest: 2199, median: 2399, index: 104.2, rank: 2, mostExpensive: false, notCompared: [] };
const summary = [{ region: 'east', competitor: 'Acme', matched: 1, undercut: 1 }];
const comparison: ComparisonAlertPayload = { rule: 'undercut', region: 'east', sku: 'R-1', competitor: 'Acme', key: 'k', amount: 2199, deltaPct: -12, threshold: 5, row, summary, regionName: { zh: '华东', en: 'East China' }, where: null, message: null };
const table: PriceTablePayload = {
  region: 'east', regionName: { zh: '华东', en: 'East China' }, date: '2026-12-04', competitors: ['Acme', '宝拓'], summary, staleAfterHours: 36,
  rows: [{ sku: 'R-1', name: 'Radar 空调', model: 'KFR-35GW/R1', ourPrice: 2499, currency: 'CNY', index: 104.2, rank: 2, n: 2, notCompared: [], cells: competitors.map((c) => ({ ...c, stale: false })) }],
};

async function render(locale: 'zh-CN' | 'en') {
  const alerts = [stored('cmp:1', 'comparison', comparison), stored('table:1', 'pricetable', table)];
  return renderDigest({ templatesDir: join(REPO, 'templates'), recipient: { email: 'e@example.com', locale, role: 'region' }, owners, now, alerts });
}

/** The lines of one section of the text part (from its "== title" to the next). */
function section(text: string, title: string): string {
  const start = text.indexOf(`== ${title}`);
  expect(start, title).toBeGreaterThan(-1);
  const end = text.indexOf('\n== ', start + 3);
  return text.slice(start, end === -1 ? undefined : end);
}

describe('competitor cells of the 比价 alert and the daily 比价 table', () => {
  it.each([
    ['zh-CN', '比价', '比价表', ['Acme: ¥2,199, 较我方 -12% ↓', '宝拓: ¥2,599, 较我方 +4.0% ↑'], '较我方 -12% ↓'],
    ['en', 'Price comparison', 'Price comparison table', ['Acme: ¥2,199, -12% vs ours ↓', '宝拓: ¥2,599, +4.0% vs ours ↑'], '-12% vs ours ↓'],
  ] as const)('say the gap "vs ours" the same way in both sections (%s)', async (locale, alertTitle, tableTitle, lines, cell) => {
    const m = await render(locale);
    for (const title of [alertTitle, tableTitle]) {
      const part = section(m.text, title);
      for (const l of lines) expect(part, `${title}: ${l}`).toContain(l);
      // The old wording: an arrow, then a bare signed number that did not say against what.
      expect(part).not.toMatch(/[↓↑] [-+]\d/);
    }
    // The table's day reads one way, as every date in the digests.
    expect(section(m.text, tableTitle)).toContain(locale === 'en' ? 'East China, 4 Dec 2026: 1 product, 2 competitors' : '华东 12月4日：1 个商品，2 家竞品');
    // Both HTML tables show it under the competitor's price.
    expect(m.html.split(`>${cell}</div>`)).toHaveLength(3);
  });
});
