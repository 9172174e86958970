import { createHash } from 'node:crypto';
import type { TeamBlock, TeamPayload } from '../../health/payloads.js';
import { formatIndex, formatTrend, formatValue } from '../../health/format.js';
import type { StoredAlert } from '../../store/outbox.js';
import { BAND_COLORS, renderHeatmap } from '../heatmap.js';
import { fill } from '../i18n.js';
import type { InlineImage, Section, SectionContext } from './types.js';

const p = (a: StoredAlert): TeamPayload => a.payload as unknown as TeamPayload;

/** Images are keyed by alert and team: one heat map per team in the manager's digest. */
const imageKey = (a: StoredAlert, i: number): string => `${a.id}#${i}`;

function label(m: TeamPayload['metrics'][number], ctx: SectionContext, short: boolean): string {
  if (ctx.locale === 'zh-CN') return short ? m.short_zh : m.label_zh;
  return short ? m.short_en : m.label_en;
}

function bandWord(b: string | null, ctx: SectionContext): string {
  return b ? (ctx.t[`team.band_${b}`] ?? b) : '';
}

function trendNote(t: number | null): string {
  if (t === null || Math.abs(t) < 0.5) return '';
  return t > 0 ? `↑${Math.round(t)}` : `↓${Math.round(-t)}`;
}

function teamTitle(pl: TeamPayload, t: TeamBlock, ctx: SectionContext): string {
  return fill(ctx.t['team.team_title'] ?? '{team} · week {week}', { team: t.team || (ctx.t['team.no_team'] ?? 'No team'), week: pl.week });
}

export const teamSection: Section = {
  topic: 'team',
  order: 8,
  title: (ctx) => ctx.t['team.title'] ?? 'Team health',
  view(alerts, ctx) {
    const colour = (b: string | null) => BAND_COLORS[(b as 'green' | 'yellow' | 'red' | null) ?? 'none'];
    const digests = alerts.map((a) => {
      const pl = p(a);
      return {
        week: pl.week,
        metrics: pl.metrics.map((m) => ({ short: label(m, ctx, true), label: label(m, ctx, false) })),
        legend: fill(ctx.t['team.legend'] ?? 'green ≥ {green} · yellow {yellow}–{below} · red < {yellow}', { green: pl.bands.green, yellow: pl.bands.yellow, below: pl.bands.green - 1 }),
        teams: pl.teams.map((t, i) => {
          const img = ctx.images?.get(imageKey(a, i));
          return {
            metrics: pl.metrics.map((m) => ({ short: label(m, ctx, true), label: label(m, ctx, false) })),
            title: teamTitle(pl, t, ctx),
            index: formatIndex(t.index),
            trend: formatTrend(t.trend),
            band: bandWord(t.band, ctx),
            bandColor: colour(t.band).text,
            image: img ? { cid: img.cid, width: img.width, height: img.height, alt: img.alt } : null,
            notScored: t.notScored ? fill(ctx.t['team.not_scored'] ?? '{n} not scored this week (no data or on leave)', { n: t.notScored }) : null,
            people: t.people.map((m) => ({
              name: m.name,
              index: formatIndex(m.index),
              trend: formatTrend(m.trend),
              band: bandWord(m.band, ctx),
              fill: colour(m.band).fill,
              color: colour(m.band).text,
              attention: m.attention,
              cells: m.cells.map((c, j) => ({
                text: formatValue(c.value, pl.metrics[j]!, ctx.locale, { short: true }),
                fill: colour(c.band).fill,
                color: colour(c.band).text,
              })),
              weak: m.cells
                .map((c, j) => ({ c, m: pl.metrics[j]! }))
                .filter((x) => x.c.band === 'red')
                .map((x) => `${label(x.m, ctx, true)} ${formatValue(x.c.value, x.m, ctx.locale)}`)
                .join(ctx.locale === 'zh-CN' ? '、' : ', '),
            })),
          };
        }),
      };
    });
    return { digests };
  },
  headline(alerts, ctx) {
    const teams = alerts.flatMap((a) => p(a).teams);
    if (teams.length === 0) return null;
    const attention = teams.reduce((n, t) => n + t.people.filter((m) => m.attention).length, 0);
    const idx = teams.filter((t) => t.index !== null);
    const mean = idx.length ? idx.reduce((s, t) => s + (t.index as number), 0) / idx.length : null;
    return {
      text: fill(ctx.t[attention ? 'team.headline_attention' : 'team.headline'] ?? 'Team health index {index}, {n} need attention', { index: formatIndex(mean), n: attention, week: p(alerts[0]!).week }),
      weight: 20 + attention,
    };
  },
  async images(alerts, ctx, max) {
    const out: InlineImage[] = [];
    for (const a of alerts) {
      const pl = p(a);
      for (const [i, t] of pl.teams.entries()) {
        if (out.length >= max) return out;
        if (t.people.length === 0) continue;
        const memoKey = `heatmap:${ctx.locale}:${a.id}:${i}`;
        let hm = ctx.memo?.get(memoKey) as Awaited<ReturnType<typeof renderHeatmap>> | undefined;
        if (!hm) {
          // No title in the image: the digest heads it with the team, the index and the band.
          hm = await renderHeatmap({
            columns: pl.metrics.map((m) => label(m, ctx, true)),
            totalLabel: ctx.t['team.col_index'] ?? 'Index',
            rows: t.people.map((m) => ({
              name: m.name,
              note: trendNote(m.trend),
              cells: m.cells.map((c, j) => ({ text: formatValue(c.value, pl.metrics[j]!, ctx.locale, { short: true }), band: c.band })),
              total: { text: formatIndex(m.index), band: m.band },
            })),
            legend: [
              fill(ctx.t['team.legend_green'] ?? '≥ {n} good', { n: pl.bands.green }),
              fill(ctx.t['team.legend_yellow'] ?? '{lo}–{hi} watch', { lo: pl.bands.yellow, hi: pl.bands.green - 1 }),
              fill(ctx.t['team.legend_red'] ?? '< {n} act', { n: pl.bands.yellow }),
            ],
            trendLegend: ctx.t['team.trend_legend'] ?? '↑3 / ↓3 after a name: index 3 points above / below last week',
          });
          ctx.memo?.set(memoKey, hm);
        }
        const cid = `team-${createHash('sha256').update(imageKey(a, i)).digest('hex').slice(0, 16)}@sales-radar`;
        out.push({ alertId: imageKey(a, i), cid, png: hm.png, width: hm.width, height: hm.height, alt: fill(ctx.t['team.heatmap_alt'] ?? 'Heat map of {team}', { team: t.team }) });
      }
    }
    return out;
  },
};
