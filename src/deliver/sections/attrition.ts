import type { AttritionPayload } from '../../signals/alerts.js';
import type { StoredAlert } from '../../store/outbox.js';
import { fill } from '../i18n.js';
import type { Section } from './types.js';

const payload = (a: StoredAlert) => a.payload as unknown as AttritionPayload;

/** Trend as a row of block characters, readable in both the HTML and the text part. */
function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  return values.map((v) => bars[Math.max(0, Math.min(7, Math.floor((v / 100) * 8)))]).join('');
}

/** HR's weekly digest of attrition risk. Only ever rendered for HR recipients (see alerts/route.ts). */
export const attritionSection: Section = {
  topic: 'attrition',
  order: 5,
  title: (ctx) => ctx.t['attrition.title'] ?? 'Attrition risk',
  view(alerts, ctx) {
    const zh = ctx.locale === 'zh-CN';
    return {
      people: alerts
        .map(payload)
        .sort((a, b) => b.score - a.score)
        .map((p) => ({
          personId: p.personId,
          name: p.name,
          department: p.department,
          score: Math.round(p.score),
          high: p.score >= 80,
          week: p.week,
          trend: sparkline(p.trend),
          trendText: p.trend.map((v) => Math.round(v)).join(' → '),
          drivers: p.drivers.slice(0, 3).map((d) => (zh ? d.text_zh : d.text_en)),
        })),
    };
  },
  headline(alerts, ctx) {
    if (!alerts.length) return null;
    return { text: fill(ctx.t['attrition.headline'] ?? '{n} people with a high attrition score', { n: alerts.length }), weight: 30 };
  },
  weight: (a) => payload(a).score,
};
