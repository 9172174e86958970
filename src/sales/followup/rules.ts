/**
 * The follow-up SOP as of a moment: what each rep owes now (feedback within 48 h of a first visit,
 * a second touch within 7 days, an opportunity idle in its stage past the limit, an opportunity in
 * a stage it entered without meeting the stage's criteria), how timely each rep was over the last
 * weeks, and how opportunities moved from stage to stage. Pure: CRM records and a time in, plain
 * data out, so every figure can be checked by hand.
 */
import type { Activity, Crm, StageChange, Where } from './crm.js';
import type { Criterion, FollowupConfig } from './config.js';

export type ItemRule = 'feedback' | 'second_touch' | 'idle' | 'criteria';

export interface FollowupItem {
  rule: ItemRule;
  /** overdue: past its deadline; due: the deadline is within due_soon_hours. */
  status: 'overdue' | 'due';
  pid: string;
  customer: string;
  opportunity?: string;
  title?: string;
  stage?: string;
  /** When it happened: the first visit, or the opportunity entering its stage (wall minutes). */
  since: number;
  /** The deadline (wall minutes); for an idle opportunity, the day its limit ran out. */
  due: number;
  /** Idle: days in the stage and its limit. */
  days?: number;
  limit?: number;
  /** Criteria: what was missing when it entered the stage. */
  missing?: string[];
  /** The rows behind it. */
  rows: Where[];
}

export interface Timeliness {
  pid: string;
  /** First visits whose feedback deadline fell in the window, and how many had feedback by then. */
  feedbackDue: number;
  feedbackOnTime: number;
  secondDue: number;
  secondOnTime: number;
  /** On time / due over both rules, percent; null when nothing fell due. */
  rate: number | null;
  /** Items overdue now. */
  overdue: number;
}

export interface FunnelStage {
  stage: string;
  /** Opportunities that entered the stage in the funnel window. */
  entered: number;
  /** Of those, how many reached a later stage, were lost, or are still open in it or before the next. */
  movedOn: number;
  lost: number;
  open: number;
  /** movedOn / entered, percent. */
  conversion: number | null;
}

export interface FollowupView {
  now: number;
  items: FollowupItem[];
  timeliness: Map<string, Timeliness>;
  /** Open opportunities per owner and stage, for the summary. */
  opportunities: Map<string, Opportunity>;
}

export interface Opportunity {
  id: string;
  title: string;
  customer: string;
  pid: string;
  /** Stage changes in time order. */
  changes: StageChange[];
  current: StageChange;
  closed: boolean;
}

const MIN_PER_DAY = 1440;

function byCustomer(acts: readonly Activity[]): Map<string, Activity[]> {
  const m = new Map<string, Activity[]>();
  for (const a of acts) {
    if (a.customer === '') continue;
    let l = m.get(a.customer);
    if (!l) m.set(a.customer, (l = []));
    l.push(a);
  }
  for (const l of m.values()) l.sort((a, b) => a.t - b.t || a.line - b.line);
  return m;
}

export function opportunitiesOf(crm: Crm, cfg: FollowupConfig, now: number): Map<string, Opportunity> {
  const last = cfg.stages.at(-1)!.name;
  const closed = new Set([last, ...cfg.closed]);
  const out = new Map<string, Opportunity>();
  for (const c of [...crm.changes].filter((c) => c.t <= now).sort((a, b) => a.t - b.t || a.line - b.line)) {
    const o = out.get(c.opportunity);
    if (o) {
      o.changes.push(c);
      o.current = c;
      o.pid = c.pid;
      o.title = c.title || o.title;
      o.customer = c.customer || o.customer;
      o.closed = closed.has(c.to);
    } else out.set(c.opportunity, { id: c.opportunity, title: c.title, customer: c.customer, pid: c.pid, changes: [c], current: c, closed: closed.has(c.to) });
  }
  return out;
}

export function criterionLabel(c: Criterion): string {
  if (c.label) return c.label;
  return 'activity' in c ? c.activity : c.values ? `${c.field}：${c.values[0]}` : c.field;
}

/** The criteria of `stage` that `entry` did not meet. */
export function missingCriteria(entry: StageChange, customerActs: readonly Activity[], cfg: FollowupConfig): string[] {
  const stage = cfg.stages.find((s) => s.name === entry.to);
  if (!stage) return [];
  const missing: string[] = [];
  for (const c of stage.entry) {
    let ok: boolean;
    if ('activity' in c) {
      const want = c.activity.toLowerCase();
      ok = customerActs.some((a) => a.t <= entry.t && (a.opportunity === entry.opportunity || a.opportunity === '') && a.type.toLowerCase().includes(want));
    } else {
      const v = (entry.fields[c.field] ?? '').toLowerCase();
      ok = c.values ? c.values.some((x) => v.includes(x.toLowerCase())) : v !== '';
    }
    if (!ok) missing.push(criterionLabel(c));
  }
  return missing;
}

export function evaluate(crm: Crm, cfg: FollowupConfig, now: number): FollowupView {
  const r = cfg.rules;
  const acts = crm.activities.filter((a) => a.t <= now);
  const custs = byCustomer(acts);
  const items: FollowupItem[] = [];
  const timeliness = new Map<string, Timeliness>();
  const tOf = (pid: string): Timeliness => {
    let x = timeliness.get(pid);
    if (!x) timeliness.set(pid, (x = { pid, feedbackDue: 0, feedbackOnTime: 0, secondDue: 0, secondOnTime: 0, rate: null, overdue: 0 }));
    return x;
  };
  const windowStart = now - cfg.summary.window_days * MIN_PER_DAY;
  const lookback = now - r.lookback_days * MIN_PER_DAY;
  const soon = r.due_soon_hours * 60;

  for (const a of acts) {
    if (a.kind !== 'first') continue;
    const later = custs.get(a.customer) ?? [];
    const checks: [ItemRule, number, Activity | undefined][] = [
      ['feedback', a.t + r.feedback_hours * 60, later.find((x) => x.kind === 'feedback' && x.t >= a.t)],
      ['second_touch', a.t + r.second_touch_days * MIN_PER_DAY, later.find((x) => x.kind === 'touch' && x.t > a.t)],
    ];
    for (const [rule, deadline, done] of checks) {
      // The ranking: deadlines that fell in the window, met or not.
      if (deadline <= now && deadline > windowStart) {
        const t = tOf(a.pid);
        const onTime = done !== undefined && done.t <= deadline;
        if (rule === 'feedback') {
          t.feedbackDue++;
          if (onTime) t.feedbackOnTime++;
        } else {
          t.secondDue++;
          if (onTime) t.secondOnTime++;
        }
      }
      if (done || a.t < lookback) continue;
      const status = deadline < now ? 'overdue' : deadline - now <= soon ? 'due' : null;
      if (status) items.push({ rule, status, pid: a.pid, customer: a.customer, since: a.t, due: deadline, rows: [{ file: a.file, line: a.line }] });
    }
  }

  const opportunities = opportunitiesOf(crm, cfg, now);
  for (const o of opportunities.values()) {
    if (o.closed) continue;
    const entry = o.current;
    const stage = cfg.stages.find((s) => s.name === entry.to);
    const base = { pid: o.pid, customer: o.customer, opportunity: o.id, title: o.title, stage: entry.to, since: entry.t, rows: [{ file: entry.file, line: entry.line }] };
    if (r.idle && stage?.max_days !== undefined) {
      const days = (now - entry.t) / MIN_PER_DAY;
      if (days > stage.max_days) items.push({ ...base, rule: 'idle', status: 'overdue', due: entry.t + stage.max_days * MIN_PER_DAY, days: Math.floor(days), limit: stage.max_days });
    }
    if (r.criteria) {
      const missing = missingCriteria(entry, custs.get(entry.customer) ?? acts.filter((a) => a.opportunity === o.id), cfg);
      if (missing.length) items.push({ ...base, rule: 'criteria', status: 'overdue', due: entry.t, missing });
    }
  }

  items.sort((a, b) => a.pid.localeCompare(b.pid) || Number(a.status === 'due') - Number(b.status === 'due') || a.due - b.due);
  for (const it of items) if (it.status === 'overdue') tOf(it.pid).overdue++;
  for (const t of timeliness.values()) {
    const due = t.feedbackDue + t.secondDue;
    t.rate = due > 0 ? (100 * (t.feedbackOnTime + t.secondOnTime)) / due : null;
  }
  return { now, items, timeliness, opportunities };
}

/** Stage-to-stage conversion of the opportunities `keep` selects, entered in the funnel window. */
export function funnel(view: FollowupView, cfg: FollowupConfig, keep: (o: Opportunity) => boolean): FunnelStage[] {
  const names = cfg.stages.map((s) => s.name);
  const closed = new Set(cfg.closed);
  const from = view.now - cfg.summary.funnel_days * MIN_PER_DAY;
  return names.slice(0, -1).map((stage, i) => {
    const f: FunnelStage = { stage, entered: 0, movedOn: 0, lost: 0, open: 0, conversion: null };
    for (const o of view.opportunities.values()) {
      if (!keep(o)) continue;
      const entry = o.changes.find((c) => c.to === stage);
      if (!entry || entry.t < from) continue;
      f.entered++;
      if (o.changes.some((c) => c.t >= entry.t && names.indexOf(c.to) > i)) f.movedOn++;
      else if (closed.has(o.current.to)) f.lost++;
      else f.open++;
    }
    f.conversion = f.entered > 0 ? (100 * f.movedOn) / f.entered : null;
    return f;
  });
}
