/**
 * Follow-up SOP reminders, as the CLI (`radar followup ...`), the demo and the daemon run them:
 * read the CRM exports → what each rep owes as of now → a daily reminder to each rep with
 * something overdue or due soon (by email, to the rep only), and a weekly summary to each manager
 * about their own team: the timeliness ranking and the stage-to-stage funnel.
 */
import { resolve } from 'node:path';
import type { Alert } from '../../alerts/model.js';
import { RadarError } from '../../core/errors.js';
import { dayToIso, isoWeek } from '../../signals/dates.js';
import type { OrgDirectory } from '../../signals/rows.js';
import type { BadRow } from '../../signals/table.js';
import { wallAsUtcMs } from '../../time/zone.js';
import { importSources, type SourceReport } from '../imports.js';
import { pseudonymizer } from '../state.js';
import { type FollowupConfig, loadFollowupConfig } from './config.js';
import { type Crm, crmReader } from './crm.js';
import type { FollowupSummaryPayload, RankingLine, ReminderItem, ReminderPayload } from './payloads.js';
import { evaluate, type FollowupItem, type FollowupView, funnel } from './rules.js';

export interface FollowupOptions {
  rulesDir: string;
  stateDir: string;
  now: Date;
  /** Folder with the exports (default: inputs_dir of rules/followup.yaml). */
  samplesDir?: string;
  /** Only reminders / summaries for these addresses (the demo, `--to`). */
  only?: string[];
}

export interface FollowupData {
  cfg: FollowupConfig;
  crm: Crm;
  org: OrgDirectory;
  badRows: BadRow[];
  reports: SourceReport[];
  /** Wall-clock minutes of `now` in the configured zone. */
  now: number;
}

export async function loadFollowupData(o: Pick<FollowupOptions, 'rulesDir' | 'stateDir' | 'now' | 'samplesDir'>): Promise<FollowupData> {
  const cfg = loadFollowupConfig(o.rulesDir);
  const reader = crmReader(cfg);
  const r = await importSources({
    sources: cfg.sources,
    inputsDir: o.samplesDir ?? resolve(cfg.inputs_dir),
    pseudo: await pseudonymizer(o.stateDir),
    handlers: reader.handlers,
    mapHint: 'map the columns under sources: in rules/followup.yaml',
    badRowsListed: cfg.bad_rows_listed,
  });
  return { cfg, crm: reader.crm, org: r.org, badRows: r.badRows, reports: r.reports, now: Math.floor(wallAsUtcMs(o.now, cfg.timezone) / 60_000) };
}

export function stamp(t: number): string {
  const d = Math.floor(t / 1440);
  const m = t - d * 1440;
  return `${dayToIso(d)} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

const nameOf = (d: FollowupData, pid: string): string => d.org.people.get(pid)?.name ?? d.org.people.get(pid)?.employeeId ?? pid;

/** The CRM page of an item's opportunity, else of its customer (links: in rules/followup.yaml). */
function crmUrl(cfg: FollowupConfig, it: FollowupItem): string | null {
  const fillIn = (tpl: string | undefined, key: string, v: string | undefined) => (tpl && v ? tpl.replace(`{${key}}`, encodeURIComponent(v)) : null);
  return fillIn(cfg.links.opportunity, 'opportunity', it.opportunity) ?? fillIn(cfg.links.customer, 'customer', it.customer);
}

function itemOf(it: FollowupItem, cfg: FollowupConfig): ReminderItem {
  const url = crmUrl(cfg, it);
  return {
    rule: it.rule,
    status: it.status,
    customer: it.customer,
    ...(it.opportunity ? { opportunity: it.opportunity } : {}),
    ...(it.title ? { title: it.title } : {}),
    ...(it.stage ? { stage: it.stage } : {}),
    since: stamp(it.since),
    due: stamp(it.due),
    ...(it.days !== undefined ? { days: it.days } : {}),
    ...(it.limit !== undefined ? { limit: it.limit } : {}),
    ...(it.missing ? { missing: it.missing } : {}),
    ...(url ? { url } : {}),
  };
}

export interface RemindersResult {
  alerts: Alert<ReminderPayload>[];
  view: FollowupView;
  data: FollowupData;
  /** Reps with something to do, by name, and how many items. */
  reps: { name: string; employeeId: string; overdue: number; due: number; email: string | null }[];
}

const only = (list: string[] | undefined) => list?.map((e) => e.toLowerCase());

/** The daily reminder: one per rep with something overdue or due soon, to the rep's own address only. */
export async function runReminders(o: FollowupOptions): Promise<RemindersResult> {
  const data = await loadFollowupData(o);
  const view = evaluate(data.crm, data.cfg, data.now);
  const byPid = new Map<string, FollowupItem[]>();
  for (const it of view.items) byPid.set(it.pid, [...(byPid.get(it.pid) ?? []), it]);
  const alerts: RemindersResult['alerts'] = [];
  const reps: RemindersResult['reps'] = [];
  const to = only(o.only);
  const day = dayToIso(Math.floor(data.now / 1440));
  for (const [pid, items] of [...byPid].sort((a, b) => (data.org.people.get(a[0])?.employeeId ?? a[0]).localeCompare(data.org.people.get(b[0])?.employeeId ?? b[0]))) {
    const p = data.org.people.get(pid);
    const email = p?.email?.toLowerCase() ?? null;
    reps.push({ name: nameOf(data, pid), employeeId: p?.employeeId ?? pid, overdue: items.filter((i) => i.status === 'overdue').length, due: items.filter((i) => i.status === 'due').length, email });
    if (!email || (to && !to.includes(email))) continue;
    alerts.push({
      id: `followup:${pid}:${day}`,
      topic: 'followup',
      audience: { kind: 'person', email, name: nameOf(data, pid) },
      createdAt: o.now.toISOString(),
      urgency: 'digest',
      payload: {
        name: nameOf(data, pid),
        employeeId: p?.employeeId ?? '',
        asOf: stamp(data.now),
        feedbackHours: data.cfg.rules.feedback_hours,
        secondTouchDays: data.cfg.rules.second_touch_days,
        items: items.map((i) => itemOf(i, data.cfg)),
        explain: `radar followup explain ${p?.employeeId ?? pid}`,
      },
    });
  }
  return { alerts, view, data, reps };
}

export interface SummaryResult {
  alerts: Alert<FollowupSummaryPayload>[];
  view: FollowupView;
  data: FollowupData;
  /** People with no manager email: in nobody's summary. */
  unmanaged: string[];
}

function rankingOf(data: FollowupData, view: FollowupView, pids: string[]): RankingLine[] {
  return pids
    .map((pid) => {
      const t = view.timeliness.get(pid);
      return { name: nameOf(data, pid), feedbackDue: t?.feedbackDue ?? 0, feedbackOnTime: t?.feedbackOnTime ?? 0, secondDue: t?.secondDue ?? 0, secondOnTime: t?.secondOnTime ?? 0, rate: t?.rate ?? null, overdue: t?.overdue ?? 0 };
    })
    .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || a.overdue - b.overdue || a.name.localeCompare(b.name, 'zh-CN'));
}

/** The weekly summary: each manager gets their own team's ranking and funnel, nothing about other teams. */
export async function runSummary(o: FollowupOptions): Promise<SummaryResult> {
  const data = await loadFollowupData(o);
  const view = evaluate(data.crm, data.cfg, data.now);
  const teams = new Map<string, { name?: string; pids: string[] }>();
  const unmanaged: string[] = [];
  for (const [pid, p] of data.org.people) {
    const e = p.managerEmail?.toLowerCase();
    if (!e) {
      unmanaged.push(p.name ?? p.employeeId);
      continue;
    }
    const t = teams.get(e) ?? { ...(p.managerName ? { name: p.managerName } : {}), pids: [] };
    t.pids.push(pid);
    teams.set(e, t);
  }
  const to = only(o.only);
  const week = isoWeek(Math.floor(data.now / 1440));
  const alerts: SummaryResult['alerts'] = [];
  for (const [email, team] of [...teams].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (to && !to.includes(email)) continue;
    const set = new Set(team.pids);
    alerts.push({
      id: `followup-summary:${email}:${week}`,
      topic: 'followup-summary',
      audience: { kind: 'manager', email, ...(team.name ? { name: team.name } : {}) },
      createdAt: o.now.toISOString(),
      urgency: 'digest',
      payload: {
        managerEmail: email,
        ...(team.name ? { managerName: team.name } : {}),
        week,
        asOf: stamp(data.now),
        windowDays: data.cfg.summary.window_days,
        funnelDays: data.cfg.summary.funnel_days,
        ranking: rankingOf(data, view, team.pids),
        funnel: funnel(view, data.cfg, (opp) => set.has(opp.pid)),
        explain: 'radar followup explain <工号|姓名>',
      },
    });
  }
  return { alerts, view, data, unmanaged };
}

export interface FollowupExplanation {
  data: FollowupData;
  view: FollowupView;
  pid: string;
  name: string;
  items: FollowupItem[];
  /** Each first visit whose deadlines fell in the ranking window, with the rows that met them. */
  visits: { visit: { file: string; line: number; t: number; customer: string }; feedback: { file: string; line: number; t: number } | null; second: { file: string; line: number; t: number } | null; feedbackDue: number; secondDue: number }[];
}

/** A rep's items and timeliness figures, each traced to the file and line of its rows. */
export async function explainFollowup(o: Pick<FollowupOptions, 'rulesDir' | 'stateDir' | 'now' | 'samplesDir'>, who: string): Promise<FollowupExplanation> {
  const data = await loadFollowupData(o);
  const pid = data.org.find(who);
  if (!pid) throw new RadarError('usage', `no person "${who}" (工号 or name) in the org export`);
  const view = evaluate(data.crm, data.cfg, data.now);
  const r = data.cfg.rules;
  const windowStart = data.now - data.cfg.summary.window_days * 1440;
  const acts = data.crm.activities.filter((a) => a.t <= data.now);
  const visits: FollowupExplanation['visits'] = [];
  for (const a of acts) {
    if (a.kind !== 'first' || a.pid !== pid) continue;
    const fbDue = a.t + r.feedback_hours * 60;
    const stDue = a.t + r.second_touch_days * 1440;
    if (!((fbDue <= data.now && fbDue > windowStart) || (stDue <= data.now && stDue > windowStart))) continue;
    const same = acts.filter((x) => x.customer === a.customer).sort((x, y) => x.t - y.t || x.line - y.line);
    const fb = same.find((x) => x.kind === 'feedback' && x.t >= a.t);
    const st = same.find((x) => x.kind === 'touch' && x.t > a.t);
    const w = (x: typeof fb) => (x ? { file: x.file, line: x.line, t: x.t } : null);
    visits.push({ visit: { file: a.file, line: a.line, t: a.t, customer: a.customer }, feedback: w(fb), second: w(st), feedbackDue: fbDue, secondDue: stDue });
  }
  return { data, view, pid, name: nameOf(data, pid), items: view.items.filter((i) => i.pid === pid), visits };
}
