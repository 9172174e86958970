import type { CoachingPayload, MetricFigures } from '../../health/payloads.js';
import { formatIndex, formatValue } from '../../health/format.js';
import type { StoredAlert } from '../../store/outbox.js';
import { BAND_COLORS } from '../heatmap.js';
import { fill } from '../i18n.js';
import type { Section, SectionContext } from './types.js';

const p = (a: StoredAlert): CoachingPayload => a.payload as unknown as CoachingPayload;

/** One weak metric in words: the number, the person's usual value, the target, and the counts behind them. */
export function metricLines(m: MetricFigures, ctx: SectionContext) {
  const zh = ctx.locale === 'zh-CN';
  const v = (x: number | null) => formatValue(x, m, ctx.locale);
  const numbers = m.numbers
    .map((n) => `${zh ? n.zh : n.en} ${Number.isInteger(n.value) ? n.value : n.value.toFixed(1)}`)
    .join(zh ? '，' : ', ');
  return {
    label: zh ? m.label_zh : m.label_en,
    value: v(m.value),
    baseline: m.baseline === null ? null : v(m.baseline),
    target: v(m.target),
    band: m.band ? (ctx.t[`team.band_${m.band}`] ?? m.band) : '',
    color: BAND_COLORS[m.band ?? 'none'].text,
    fill: BAND_COLORS[m.band ?? 'none'].fill,
    slipping: m.slipping,
    numbers: numbers ? fill(ctx.t[m.windowWeeks > 1 ? 'coaching.numbers_window' : 'coaching.numbers'] ?? '{numbers}', { numbers, weeks: m.windowWeeks }) : null,
  };
}

export const coachingSection: Section = {
  topic: 'coaching',
  order: 7,
  title: (ctx) => ctx.t['coaching.title'] ?? 'Coaching prompts',
  view(alerts, ctx) {
    const zh = ctx.locale === 'zh-CN';
    const prompts = [...alerts]
      .sort((a, b) => p(a).index - p(b).index)
      .map((a) => {
        const pl = p(a);
        const metrics = pl.metrics.map((m) => ({ ...metricLines(m, ctx), course: m.course ? (zh ? m.course.zh : m.course.en) : null, link: m.course?.link ?? null }));
        const why = pl.reasons.indexBelow
          ? fill(ctx.t['coaching.why_index'] ?? 'index below {threshold} for {weeks} weeks', { threshold: pl.threshold, weeks: pl.weeksBelow })
          : fill(ctx.t['coaching.why_slipping'] ?? '{n} habits below their usual level for {weeks} weeks', { n: pl.reasons.slipping.length, weeks: pl.weeksBelow });
        return {
          name: pl.name,
          team: pl.team,
          index: formatIndex(pl.index),
          band: ctx.t[`team.band_${pl.band}`] ?? pl.band,
          bandColor: BAND_COLORS[pl.band].text,
          why,
          trend: pl.trend.map((t) => formatIndex(t.index)).join(' → '),
          metrics,
          courses: pl.courses.map((c) => ({ name: zh ? c.zh : c.en, link: c.link ?? null })),
          cooldown: fill(ctx.t['coaching.cooldown'] ?? 'No further prompt about {name} for {weeks} weeks.', { name: pl.name, weeks: pl.cooldownWeeks }),
        };
      });
    return { prompts };
  },
  headline(alerts, ctx) {
    if (alerts.length === 0) return null;
    const names = alerts.map((a) => p(a).name);
    const shown = names.slice(0, 3).join(ctx.locale === 'zh-CN' ? '、' : ', ');
    return {
      text: fill(ctx.t[names.length > 3 ? 'coaching.headline_more' : 'coaching.headline'] ?? 'Coaching: {names}', { names: shown, n: names.length }),
      weight: 40 + alerts.length,
    };
  },
  weight: (a) => 100 - p(a).index,
};
