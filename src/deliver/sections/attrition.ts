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
          // A probability rounded to 100 read as certainty: the top is shown as 99+, always with
          // its band and where it stands among everyone scored that week.
          score: p.score >= 99.5 ? '99+' : String(Math.round(p.score)),
          high: p.score >= 80,
          band: p.score >= 80 ? (ctx.t['attrition.band_high'] ?? 'high') : (ctx.t['attrition.band_elevated'] ?? 'elevated'),
          standing:
            p.percentile !== undefined && p.scoredCount
              ? fill(ctx.t['attrition.standing'] ?? 'above {pct}% of the {n} people scored this week', { pct: p.percentile, n: p.scoredCount })
              : null,
          week: p.week,
          trend: sparkline(p.trend),
          trendText: p.trend.map((v) => (v >= 99.5 ? '99+' : String(Math.round(v)))).join(' → '),
          drivers: p.drivers.slice(0, 3).map((d) => (zh ? d.text_zh : d.text_en)),
        })),
      ackExample: alerts.length ? payload(alerts[0]!).personId : 'ID',
    };
  },
  headline(alerts, ctx) {
    if (!alerts.length) return null;
    return { text: fill(ctx.t['attrition.headline'] ?? '{n} people with a high attrition score', { n: alerts.length }), weight: 30 };
  },
  weight: (a) => payload(a).score,
};
