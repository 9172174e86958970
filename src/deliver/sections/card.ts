import type { CardPayload } from '../../health/payloads.js';
import { formatIndex, formatTrend } from '../../health/format.js';
import type { StoredAlert } from '../../store/outbox.js';
import { BAND_COLORS } from '../heatmap.js';
import { fill } from '../i18n.js';
import { metricLines } from './coaching.js';
import type { Section } from './types.js';

const p = (a: StoredAlert): CardPayload => a.payload as unknown as CardPayload;

/** The optional weekly card to a salesperson: their own metrics and rank in the team, nobody else's numbers. */
export const cardSection: Section = {
  topic: 'card',
  order: 9,
  title: (ctx) => ctx.t['card.title'] ?? 'Your week',
  view(alerts, ctx) {
    return {
      cards: alerts.map((a) => {
        const pl = p(a);
        return {
          week: pl.week,
          index: formatIndex(pl.index),
          trend: formatTrend(pl.trend),
          band: ctx.t[`team.band_${pl.band}`] ?? pl.band,
          bandColor: BAND_COLORS[pl.band].text,
          rank: fill(ctx.t['card.rank'] ?? 'rank {rank} of {size} in {team}', { rank: pl.rank, size: pl.teamSize, team: pl.team }),
          teamIndex: formatIndex(pl.teamIndex),
          metrics: pl.metrics.map((m) => metricLines(m, ctx)),
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const pl = alerts[0] ? p(alerts[0]) : null;
    if (!pl) return null;
    return { text: fill(ctx.t['card.headline'] ?? 'Your health index {index}, rank {rank} of {size}', { index: formatIndex(pl.index), rank: pl.rank, size: pl.teamSize }), weight: 5 };
  },
};
