import type { ReminderItem, ReminderPayload } from '../../sales/followup/payloads.js';
import type { StoredAlert } from '../../store/outbox.js';
import { BAND_COLORS } from '../heatmap.js';
import { fill } from '../i18n.js';
import type { Section, SectionContext, TaskView } from './types.js';

const p = (a: StoredAlert): ReminderPayload => a.payload as unknown as ReminderPayload;

function itemText(it: ReminderItem, pl: ReminderPayload, ctx: SectionContext): string {
  const t = (k: string, d: string) => ctx.t[`followup.${k}`] ?? d;
  switch (it.rule) {
    case 'feedback':
      return fill(t('item_feedback', '{customer}: first visit {since}; enter the visit feedback (due {due}, {hours} h)'), { customer: it.customer, since: it.since, due: it.due, hours: pl.feedbackHours });
    case 'second_touch':
      return fill(t('item_second', '{customer}: first visit {since}; make a second contact (due {due}, {days} days)'), { customer: it.customer, since: it.since, due: it.due, days: pl.secondTouchDays });
    case 'idle':
      return fill(t('item_idle', '{opportunity} {title}: in {stage} for {days} days since {since} (limit {limit}); move it on or close it'), { opportunity: it.opportunity ?? '', title: it.title ?? '', stage: it.stage ?? '', days: it.days ?? 0, since: it.since.slice(0, 10), limit: it.limit ?? 0 });
    case 'criteria':
      return fill(t('item_criteria', '{opportunity} {title}: entered {stage} on {since} without {missing}'), { opportunity: it.opportunity ?? '', title: it.title ?? '', stage: it.stage ?? '', since: it.since.slice(0, 10), missing: (it.missing ?? []).join(ctx.locale === 'zh-CN' ? '、' : ', ') });
  }
}

/** What to do about an item in a word or two (a task card's row title), and which customer or opportunity by when. */
function taskRow(it: ReminderItem, ctx: SectionContext): TaskView['items'][number] {
  const t = (k: string, d: string) => ctx.t[`followup.${k}`] ?? d;
  const what = it.rule === 'idle' || it.rule === 'criteria' ? `${it.opportunity ?? ''} ${it.title ?? ''}`.trim() : it.customer;
  const when = it.rule === 'idle' ? fill(t('task_idle_days', '{days} d in {stage}'), { days: it.days ?? 0, stage: it.stage ?? '' }) : it.rule === 'criteria' ? fill(t('task_missing', 'no {missing}'), { missing: (it.missing ?? []).join(ctx.locale === 'zh-CN' ? '、' : ', ') }) : fill(t('task_due', 'due {due}'), { due: it.due.slice(5) });
  return { key: t(`task_${it.rule}`, it.rule), value: `${what} · ${when}`, url: it.url ?? null, overdue: it.status === 'overdue' };
}

function taskOf(a: StoredAlert, ctx: SectionContext): TaskView {
  const pl = p(a);
  const overdue = pl.items.filter((i) => i.status === 'overdue');
  const due = pl.items.filter((i) => i.status === 'due');
  return {
    title: fill(ctx.t['followup.task_title'] ?? 'Follow-ups · {name}', { name: pl.name }),
    desc: fill(ctx.t['followup.task_desc'] ?? 'as of {asOf}', { asOf: pl.asOf }),
    count: { value: overdue.length, label: ctx.t['followup.task_count'] ?? 'overdue follow-ups' },
    summary: fill(ctx.t['followup.task_summary'] ?? '{overdue} overdue, {due} due within a day', { overdue: overdue.length, due: due.length }),
    items: [...overdue, ...due].map((it) => taskRow(it, ctx)),
    explain: pl.explain,
  };
}

/** The daily reminder to one rep: their own overdue items first, then what falls due within a day. */
export const followupSection: Section = {
  topic: 'followup',
  order: 13,
  title: (ctx) => ctx.t['followup.title'] ?? 'Follow-up reminders',
  view(alerts, ctx) {
    return {
      reminders: alerts.map((a) => {
        const pl = p(a);
        const line = (it: ReminderItem) => ({ text: itemText(it, pl, ctx), color: BAND_COLORS[it.status === 'overdue' ? 'red' : 'yellow'].text });
        return {
          heading: fill(ctx.t['followup.heading'] ?? '{name}, as of {asOf}', { name: pl.name, asOf: pl.asOf }),
          overdue: pl.items.filter((i) => i.status === 'overdue').map(line),
          due: pl.items.filter((i) => i.status === 'due').map(line),
          explain: fill(ctx.t['followup.explain'] ?? 'Where each item comes from: {command}', { command: pl.explain }),
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const pl = alerts[0] ? p(alerts[0]) : null;
    if (!pl) return null;
    const overdue = pl.items.filter((i) => i.status === 'overdue').length;
    const due = pl.items.length - overdue;
    return { text: fill(ctx.t['followup.headline'] ?? '{overdue} follow-ups overdue, {due} due today', { overdue, due }), weight: 30 + overdue };
  },
  task: taskOf,
  weight: (a) => p(a).items.length,
};
