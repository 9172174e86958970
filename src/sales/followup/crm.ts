/**
 * The CRM exports as the follow-up rules need them: activities (who touched which customer when,
 * and what kind of touch it was) and the opportunity stage history with the criteria columns of
 * each row. Every record keeps its file and line so `radar followup explain` can name it.
 */
import { cellText, type Mapped, parseAmount, parseStamp, type RowFn } from '../../signals/rows.js';
import type { Cell } from '../../signals/table.js';
import type { FileContext } from '../imports.js';
import { matcher } from '../imports.js';
import type { FollowupConfig } from './config.js';

export type ActivityKind = 'first' | 'feedback' | 'touch' | 'other';

export interface Where {
  file: string;
  line: number;
}

export interface Activity extends Where {
  /** Minutes since 1970-01-01, wall clock. */
  t: number;
  pid: string;
  customer: string;
  opportunity: string;
  type: string;
  kind: ActivityKind;
}

export interface StageChange extends Where {
  t: number;
  opportunity: string;
  title: string;
  customer: string;
  pid: string;
  from: string;
  to: string;
  /** 万元 as the export writes it, or null. */
  amount: number | null;
  /** Criterion field (as configured) → the row's text in that column ('' when empty or absent). */
  fields: Record<string, string>;
}

export interface Crm {
  activities: Activity[];
  changes: StageChange[];
}

export function crmReader(cfg: FollowupConfig): { crm: Crm; handlers: Record<string, (ctx: FileContext, m: Mapped, preamble: Cell[][]) => RowFn> } {
  const crm: Crm = { activities: [], changes: [] };
  const isFirst = matcher(cfg.activities.first_visit);
  const isFeedback = matcher(cfg.activities.feedback);
  const isTouch = matcher(cfg.activities.touch);
  // First visit before feedback before touch: 首次拜访 contains 拜访, and 拜访反馈 does too.
  const kindOf = (type: string): ActivityKind => (isFirst(type) ? 'first' : isFeedback(type) ? 'feedback' : isTouch(type) ? 'touch' : 'other');
  const fieldNames = [...new Set(cfg.stages.flatMap((s) => s.entry.flatMap((c) => ('field' in c ? [c.field] : []))))];
  return {
    crm,
    handlers: {
      'crm-activities': (ctx, m) => {
        const name = ctx.file.name;
        return (cells, line) => {
          const t = parseStamp(m.get(cells, 'time'));
          if (t === null) return void ctx.bad.add(name, line, `unreadable time "${m.text(cells, 'time').slice(0, 24)}" in ${m.col('time')}`);
          const pid = ctx.org.resolve(m, cells, name, line, ctx.bad);
          if (pid === null) return;
          const customer = m.text(cells, 'customer');
          const opportunity = m.text(cells, 'opportunity');
          const type = m.text(cells, 'type') || m.text(cells, 'method');
          if (type === '') return void ctx.bad.add(name, line, `no activity type (${m.has('type') ? m.col('type') : '活动类型'})`);
          ctx.mark(Math.floor(t / 1440));
          crm.activities.push({ file: name, line, t, pid, customer, opportunity, type, kind: kindOf(type) });
        };
      },
      'crm-opportunity-log': (ctx, m) => {
        const name = ctx.file.name;
        const cols = new Map(fieldNames.map((f) => [f, m.columnNamed(f)]));
        return (cells, line) => {
          const t = parseStamp(m.get(cells, 'time'));
          if (t === null) return void ctx.bad.add(name, line, `unreadable time "${m.text(cells, 'time').slice(0, 24)}" in ${m.col('time')}`);
          const opportunity = m.text(cells, 'opportunity');
          if (opportunity === '') return void ctx.bad.add(name, line, `no opportunity id (${m.col('opportunity')})`);
          const to = m.text(cells, 'to_stage');
          if (to === '') return void ctx.bad.add(name, line, `no stage (${m.col('to_stage')})`);
          const pid = ctx.org.resolve(m, cells, name, line, ctx.bad);
          if (pid === null) return;
          const amount = m.has('amount') ? parseAmount(m.get(cells, 'amount')) : null;
          ctx.mark(Math.floor(t / 1440));
          const fields: Record<string, string> = {};
          for (const [f, i] of cols) fields[f] = i === undefined ? '' : cellText(cells[i]);
          crm.changes.push({
            file: name,
            line,
            t,
            opportunity,
            title: m.text(cells, 'title'),
            customer: m.text(cells, 'customer'),
            pid,
            from: m.text(cells, 'from_stage'),
            to,
            amount: amount === null || Number.isNaN(amount) ? null : amount,
            fields,
          });
        };
      },
    },
  };
}
