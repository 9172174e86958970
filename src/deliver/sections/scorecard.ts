import { createHash } from 'node:crypto';
import { money, percent } from '../../sales/format.js';
import type { DimLine, ScorecardPayload, ScorecardTeamPayload } from '../../sales/scorecard/payloads.js';
import type { StoredAlert } from '../../store/outbox.js';
import { BAND_COLORS } from '../heatmap.js';
import { fill } from '../i18n.js';
import { renderRadar } from '../radar-chart.js';
import type { InlineImage, Section, SectionContext } from './types.js';

const p = (a: StoredAlert): ScorecardPayload => a.payload as unknown as ScorecardPayload;

export const dimLabel = (id: string, ctx: SectionContext): string => ctx.t[`scorecard.dim_${id}`] ?? id;

/** A raw value in its own unit: money, a count, a 1–5 mean, a rate. */
export function dimValue(id: DimLine['id'], v: number | null, ctx: SectionContext): string {
  if (v === null) return '–';
  switch (id) {
    case 'collections':
    case 'margin':
      return money(v, ctx.locale);
    case 'new_customers':
      return String(v);
    case 'satisfaction':
      return `${v.toFixed(2)} / 5`;
    case 'compliance':
      return percent(v);
  }
}

const one = (x: number | null): string => (x === null ? '–' : x.toFixed(1));

/** Each person's own monthly scorecard: the breakdown, the gap to their peers, a radar chart, courses for weak dimensions. */
export const scorecardSection: Section = {
  topic: 'scorecard',
  order: 15,
  title: (ctx) => ctx.t['scorecard.title'] ?? 'Monthly scorecard',
  view(alerts, ctx) {
    const zh = ctx.locale === 'zh-CN';
    return {
      cards: alerts.map((a) => {
        const pl = p(a);
        const img = ctx.images?.get(a.id);
        return {
          heading: fill(ctx.t['scorecard.heading'] ?? '{name}, {month}: score {score}', { name: pl.name, month: pl.month, score: one(pl.score) }),
          score: one(pl.score),
          color: BAND_COLORS[pl.band ?? 'none'].text,
          fill: BAND_COLORS[pl.band ?? 'none'].fill,
          standing: fill(ctx.t['scorecard.standing'] ?? 'rank {rank} of {peers} ({group}); peers\' median {median}; last month {prev}', { rank: pl.rank ?? '–', peers: pl.peers, group: pl.peerGroup, median: one(pl.peerMedianScore), prev: one(pl.prevScore) }),
          image: img ? { cid: img.cid, width: img.width, height: img.height, alt: img.alt } : null,
          dims: pl.dims.map((d) => ({
            label: dimLabel(d.id, ctx),
            weight: `${d.weight}%`,
            value: dimValue(d.id, d.value, ctx),
            median: dimValue(d.id, d.peerMedian, ctx),
            score: one(d.score),
            color: BAND_COLORS[d.band ?? 'none'].text,
            fill: BAND_COLORS[d.band ?? 'none'].fill,
          })),
          cycle: pl.cycleDays !== null && pl.peerCycleDays !== null ? fill(ctx.t['scorecard.cycle'] ?? 'collection cycle {days} days (peers\' median {median})', { days: pl.cycleDays.toFixed(0), median: pl.peerCycleDays.toFixed(0) }) : null,
          courses: pl.courses.map((c) => ({ dim: c.dim === 'collection_cycle' ? (ctx.t['scorecard.dim_collection_cycle'] ?? 'collection cycle') : dimLabel(c.dim, ctx), name: zh ? c.zh : c.en, link: c.link ?? null })),
          how: fill(ctx.t['scorecard.how'] ?? 'Each dimension is your percentile among peers (0 lowest, 100 highest); the score weighs them. Trace every number: {command}', { command: pl.explain }),
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const pl = alerts[0] ? p(alerts[0]) : null;
    if (!pl) return null;
    return { text: fill(ctx.t['scorecard.headline'] ?? '{month} scorecard: {score}', { month: pl.month, score: one(pl.score) }), weight: 22 };
  },
  async images(alerts, ctx, max) {
    const out: InlineImage[] = [];
    for (const a of alerts.slice(0, max)) {
      const pl = p(a);
      const chart = await renderRadar({ axes: pl.dims.map((d) => ({ label: dimLabel(d.id, ctx), score: d.score })), middleLabel: ctx.t['scorecard.middle'] ?? "peers' middle", color: BAND_COLORS[pl.band ?? 'none'].text });
      out.push({ alertId: a.id, cid: `radar-${createHash('sha256').update(a.id).digest('hex').slice(0, 16)}@sales-radar`, png: chart.png, width: chart.width, height: chart.height, alt: ctx.t['scorecard.chart_alt'] ?? 'Scorecard radar chart' });
    }
    return out;
  },
};

const q = (a: StoredAlert): ScorecardTeamPayload => a.payload as unknown as ScorecardTeamPayload;

/** The manager's view: the team's heat map of dimension percentiles, the scores and the rankings. */
export const scorecardTeamSection: Section = {
  topic: 'scorecard-team',
  order: 16,
  title: (ctx) => ctx.t['scorecard_team.title'] ?? 'Team scorecard',
  view(alerts, ctx) {
    const sep = ctx.locale === 'zh-CN' ? '、' : ', ';
    return {
      teams: alerts.map((a) => {
        const pl = q(a);
        const img = ctx.images?.get(a.id);
        return {
          heading: fill(ctx.t['scorecard_team.heading'] ?? '{month}', { month: pl.month }),
          image: img ? { cid: img.cid, width: img.width, height: img.height, alt: img.alt } : null,
          columns: pl.dims.map((d) => `${dimLabel(d.id, ctx)} ${d.weight}%`),
          rows: pl.rows.map((r, i) => ({
            rank: r.score === null ? '–' : i + 1,
            name: r.name,
            score: one(r.score),
            color: BAND_COLORS[r.band ?? 'none'].text,
            fill: BAND_COLORS[r.band ?? 'none'].fill,
            delta: r.delta === null ? '' : r.delta > 0 ? `+${r.delta.toFixed(1)}` : r.delta.toFixed(1),
            cells: r.dims.map((c) => ({ text: one(c.score), color: BAND_COLORS[c.band ?? 'none'].text, fill: BAND_COLORS[c.band ?? 'none'].fill })),
          })),
          mostImproved: pl.mostImproved.map((m) => `${m.name} +${m.delta.toFixed(1)}`).join(sep),
          topMargin: pl.topMargin.map((m) => `${m.name} ${money(m.margin, ctx.locale)}`).join(sep),
          explain: pl.explain,
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const pl = alerts[0] ? q(alerts[0]) : null;
    if (!pl) return null;
    return { text: fill(ctx.t['scorecard_team.headline'] ?? '{month} team scorecard', { month: pl.month }), weight: 18 };
  },
  async images(alerts, ctx, max) {
    const { renderHeatmap } = await import('../heatmap.js');
    const out: InlineImage[] = [];
    for (const a of alerts.slice(0, max)) {
      const pl = q(a);
      const hm = await renderHeatmap({
        columns: pl.dims.map((d) => dimLabel(d.id, ctx)),
        totalLabel: ctx.t['scorecard_team.total'] ?? 'score',
        rows: pl.rows.map((r) => ({ name: r.name, cells: r.dims.map((c) => ({ text: one(c.score), band: c.band })), total: { text: one(r.score), band: r.band } })),
        legend: [`≥ ${pl.bands.green}`, `${pl.bands.yellow}–${pl.bands.green - 1}`, `< ${pl.bands.yellow}`],
      });
      out.push({ alertId: a.id, cid: `scoreheat-${createHash('sha256').update(a.id).digest('hex').slice(0, 16)}@sales-radar`, png: hm.png, width: hm.width, height: hm.height, alt: ctx.t['scorecard_team.chart_alt'] ?? 'Team heat map' });
    }
    return out;
  },
};
