import type { FollowupSummaryPayload } from '../../sales/followup/payloads.js';
import { percent } from '../../sales/format.js';
import type { StoredAlert } from '../../store/outbox.js';
import { fill } from '../i18n.js';
import type { Section } from './types.js';

const p = (a: StoredAlert): FollowupSummaryPayload => a.payload as unknown as FollowupSummaryPayload;

/** The weekly follow-up summary to one manager: their team's timeliness ranking and funnel. */
export const followupSummarySection: Section = {
  topic: 'followup-summary',
  order: 14,
  title: (ctx) => ctx.t['followup_summary.title'] ?? 'Follow-up: timeliness and funnel',
  view(alerts, ctx) {
    return {
      summaries: alerts.map((a) => {
        const pl = p(a);
        return {
          heading: fill(ctx.t['followup_summary.heading'] ?? '{week}, as of {asOf}', { week: pl.week, asOf: pl.asOf }),
          rankingTitle: fill(ctx.t['followup_summary.ranking'] ?? 'Timeliness, last {days} days', { days: pl.windowDays }),
          ranking: pl.ranking.map((r, i) => ({
            rank: r.rate === null ? '–' : String(i + 1),
            name: r.name,
            feedback: `${r.feedbackOnTime}/${r.feedbackDue}`,
            second: `${r.secondOnTime}/${r.secondDue}`,
            rate: percent(r.rate),
            overdue: r.overdue,
          })),
          funnelTitle: fill(ctx.t['followup_summary.funnel'] ?? 'Funnel: opportunities that entered each stage in the last {days} days', { days: pl.funnelDays }),
          funnel: pl.funnel.map((f) => ({ stage: f.stage, entered: f.entered, movedOn: f.movedOn, lost: f.lost, open: f.open, conversion: percent(f.conversion) })),
          explain: fill(ctx.t['followup.explain'] ?? 'Where each item comes from: {command}', { command: pl.explain }),
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const pl = alerts[0] ? p(alerts[0]) : null;
    if (!pl) return null;
    const overdue = pl.ranking.reduce((s, r) => s + r.overdue, 0);
    return { text: fill(ctx.t['followup_summary.headline'] ?? 'Team follow-up: {overdue} items overdue', { overdue }), weight: 20 };
  },
};
