/**
 * The monthly scorecard (绩效评估), as the CLI (`radar scorecard ...`), the demo and the daemon run
 * it: read the ERP, CRM and satisfaction exports → each person's raw value per dimension for the
 * month and the month before → percentiles among peers and the weighted score → a card to each
 * person (their own breakdown, gap to their peers and courses for weak dimensions) and a team heat
 * map with rankings to each manager. Nothing goes to another team.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Alert } from '../../alerts/model.js';
import { RadarError } from '../../core/errors.js';
import { dayInZone, dayToIso } from '../../signals/dates.js';
import { type Mapped, parseAmount, parseStamp, type RowFn } from '../../signals/rows.js';
import type { OrgDirectory } from '../../signals/rows.js';
import type { BadRow } from '../../signals/table.js';
import { collectionsLedger, type Ledger, type TracedRow } from '../collections.js';
import { type FollowupConfig, FollowupConfigSchema, loadFollowupConfig } from '../followup/config.js';
import { type Crm, crmReader } from '../followup/crm.js';
import { evaluate } from '../followup/rules.js';
import { type FileContext, importSources, type SourceReport } from '../imports.js';
import { addMonths, daysIn, lastCompleteMonth, lastDay, type Month, monthOf } from '../months.js';
import { scorecardStore } from '../../store/scorecards.js';
import { pseudonymizer } from '../state.js';
import { DIMENSIONS, type Dimension, loadScorecardConfig, type ScorecardConfig } from './config.js';
import type { CourseLine, ScorecardPayload, ScorecardTeamPayload } from './payloads.js';
import { median, type PersonScore, scoreAll, type Values } from './score.js';

export interface ScorecardOptions {
  rulesDir: string;
  stateDir: string;
  now: Date;
  samplesDir?: string;
  /** The month to score (default: the last complete one before now). */
  month?: Month;
  only?: string[];
}

interface Where {
  file: string;
  line: number;
  date: string;
  text: string;
}

export interface ScorecardData {
  cfg: ScorecardConfig;
  /** rules/followup.yaml (or its defaults): what compliance counts. */
  followup: FollowupConfig;
  ledger: Ledger;
  crm: Crm;
  org: OrgDirectory;
  /** pid → month → rows: new customer records and satisfaction answers. */
  customers: Map<string, Map<Month, Where[]>>;
  satisfaction: Map<string, Map<Month, (Where & { score: number })[]>>;
  badRows: BadRow[];
  reports: SourceReport[];
  today: number;
}

const push = <T>(m: Map<string, Map<Month, T[]>>, pid: string, month: Month, x: T): void => {
  let byM = m.get(pid);
  if (!byM) m.set(pid, (byM = new Map()));
  byM.set(month, [...(byM.get(month) ?? []), x]);
};

export async function loadScorecardData(o: Pick<ScorecardOptions, 'rulesDir' | 'stateDir' | 'now' | 'samplesDir'>, trace?: (pid: string | null) => boolean): Promise<ScorecardData> {
  const cfg = loadScorecardConfig(o.rulesDir);
  // Compliance is the follow-up SOP's timeliness: the same activity words and deadlines as rules/followup.yaml.
  const fcfg: FollowupConfig = existsSync(join(o.rulesDir, 'followup.yaml')) ? loadFollowupConfig(o.rulesDir) : { ...FollowupConfigSchema.parse({}), file: '' };
  const today = dayInZone(o.now, cfg.timezone);
  const ledger = collectionsLedger({ until: today - 1, ...(trace ? { trace: (pid) => trace(pid) } : {}) });
  const reader = crmReader(fcfg);
  const customers: ScorecardData['customers'] = new Map();
  const satisfaction: ScorecardData['satisfaction'] = new Map();
  const customersHandler = (ctx: FileContext, m: Mapped): RowFn => (cells, line) => {
    const t = parseStamp(m.get(cells, 'created'));
    if (t === null) return void ctx.bad.add(ctx.file.name, line, `unreadable date "${m.text(cells, 'created').slice(0, 24)}" in ${m.col('created')}`);
    const pid = ctx.org.resolve(m, cells, ctx.file.name, line, ctx.bad);
    if (pid === null || Math.floor(t / 1440) >= today) return;
    ctx.mark(Math.floor(t / 1440));
    push(customers, pid, monthOf(Math.floor(t / 1440)), { file: ctx.file.name, line, date: dayToIso(Math.floor(t / 1440)), text: m.text(cells, 'customer') });
  };
  const satisfactionHandler = (ctx: FileContext, m: Mapped): RowFn => (cells, line) => {
    const t = parseStamp(m.get(cells, 'date'));
    if (t === null) return void ctx.bad.add(ctx.file.name, line, `unreadable date "${m.text(cells, 'date').slice(0, 24)}" in ${m.col('date')}`);
    const score = parseAmount(m.get(cells, 'score'));
    if (score === null || Number.isNaN(score)) return void ctx.bad.add(ctx.file.name, line, `not a score: "${m.text(cells, 'score').slice(0, 24)}" in ${m.col('score')}`);
    const pid = ctx.org.resolve(m, cells, ctx.file.name, line, ctx.bad);
    if (pid === null || Math.floor(t / 1440) >= today) return;
    ctx.mark(Math.floor(t / 1440));
    push(satisfaction, pid, monthOf(Math.floor(t / 1440)), { file: ctx.file.name, line, date: dayToIso(Math.floor(t / 1440)), text: m.text(cells, 'customer'), score });
  };
  const r = await importSources({
    sources: cfg.sources,
    inputsDir: o.samplesDir ?? resolve(cfg.inputs_dir),
    pseudo: await pseudonymizer(o.stateDir),
    handlers: { 'erp-collections': ledger.handler, 'crm-customers': customersHandler, 'customer-satisfaction': satisfactionHandler, 'crm-activities': reader.handlers['crm-activities']! },
    mapHint: 'map the columns under sources: in rules/scorecard.yaml',
    badRowsListed: cfg.bad_rows_listed,
  });
  return { cfg, followup: fcfg, ledger: ledger.finish(r), crm: reader.crm, org: r.org, customers, satisfaction, badRows: r.badRows, reports: r.reports, today };
}

export interface MonthScores {
  month: Month;
  raw: Map<string, { group: string; values: Values; cycle: number | null }>;
  scores: Map<string, PersonScore>;
}

function groupOf(cfg: ScorecardConfig, p: { role?: string; team?: string; region?: string }): string {
  switch (cfg.peers) {
    case 'role':
      return p.role ?? '—';
    case 'team':
      return `${p.region ?? '—'}/${p.team ?? '—'}`;
    case 'region':
      return p.region ?? '—';
    case 'all':
      return 'all';
  }
}

/** Follow-up timeliness of the deadlines that fell in the month, as of its last minute. */
function complianceView(d: ScorecardData, month: Month) {
  return evaluate(d.crm, { ...d.followup, summary: { ...d.followup.summary, window_days: daysIn(month) } }, lastDay(month) * 1440 + 1439);
}

/** Raw values and scores of everyone with a row in the month. */
export function scoreMonth(d: ScorecardData, month: Month): MonthScores {
  const cfg = d.cfg;
  const wanted = new Set(cfg.dimensions.map((x) => x.id));
  const active = new Set<string>();
  const sums = new Map<string, { amount: number; margin: number; cycleDays: number; cycleAmount: number }>();
  for (const c of d.ledger.cells.values()) {
    if (c.month !== month || c.pid === null) continue;
    active.add(c.pid);
    const s = sums.get(c.pid) ?? { amount: 0, margin: 0, cycleDays: 0, cycleAmount: 0 };
    s.amount += c.amount;
    s.margin += c.margin;
    s.cycleDays += c.cycleDays;
    s.cycleAmount += c.cycleAmount;
    sums.set(c.pid, s);
  }
  const view = complianceView(d, month);
  for (const a of d.crm.activities) if (monthOf(Math.floor(a.t / 1440)) === month) active.add(a.pid);
  for (const [pid, byM] of d.customers) if (byM.has(month)) active.add(pid);
  for (const [pid, byM] of d.satisfaction) if (byM.has(month)) active.add(pid);
  const raw: MonthScores['raw'] = new Map();
  for (const pid of active) {
    const p = d.org.people.get(pid);
    if (!p) continue;
    const s = sums.get(pid);
    const sat = d.satisfaction.get(pid)?.get(month) ?? [];
    const all: Record<Dimension, number | null> = {
      collections: s?.amount ?? 0,
      margin: s?.margin ?? 0,
      new_customers: d.customers.get(pid)?.get(month)?.length ?? 0,
      satisfaction: sat.length ? sat.reduce((a, x) => a + x.score, 0) / sat.length : null,
      compliance: view.timeliness.get(pid)?.rate ?? null,
    };
    const values: Values = Object.fromEntries(DIMENSIONS.filter((k) => wanted.has(k)).map((k) => [k, all[k]]));
    raw.set(pid, { group: groupOf(cfg, p), values, cycle: s && s.cycleAmount > 0 ? s.cycleDays / s.cycleAmount : null });
  }
  return { month, raw, scores: scoreAll(raw, cfg) };
}

export function defaultMonth(d: ScorecardData): Month {
  return lastCompleteMonth(d.today - 1);
}

function coursesFor(d: ScorecardData, ms: MonthScores, pid: string): { courses: CourseLine[]; cycle: number | null; peerCycle: number | null } {
  const cfg = d.cfg;
  const s = ms.scores.get(pid)!;
  const r = ms.raw.get(pid)!;
  const peerCycle = median([...ms.raw.values()].filter((x) => x.group === r.group && x.cycle !== null).map((x) => x.cycle!));
  const courses: CourseLine[] = [];
  for (const dim of s.dims) {
    if (dim.score === null || dim.score >= cfg.bands.yellow) continue;
    const longCycle = dim.id === 'collections' && r.cycle !== null && peerCycle !== null && r.cycle > peerCycle * (1 + cfg.collection_cycle.above_median_percent / 100);
    const c = longCycle && cfg.collection_cycle.course ? cfg.collection_cycle.course : cfg.dimensions.find((x) => x.id === dim.id)?.course;
    if (c) courses.push({ dim: longCycle && cfg.collection_cycle.course ? 'collection_cycle' : dim.id, zh: c.zh, en: c.en, ...(c.link ? { link: c.link } : {}) });
  }
  return { courses, cycle: r.cycle, peerCycle };
}

export interface ScorecardResult {
  alerts: Alert<ScorecardPayload | ScorecardTeamPayload>[];
  data: ScorecardData;
  current: MonthScores;
  previous: MonthScores;
  /** People scored with no 邮箱 (no card) and teams with no 经理邮箱 (no heat map). */
  noEmail: string[];
}

const nameOf = (d: ScorecardData, pid: string): string => d.org.people.get(pid)?.name ?? d.org.people.get(pid)?.employeeId ?? pid;

export async function runScorecard(o: ScorecardOptions): Promise<ScorecardResult> {
  const data = await loadScorecardData(o);
  const cfg = data.cfg;
  const month = o.month ?? defaultMonth(data);
  const current = scoreMonth(data, month);
  if (current.scores.size === 0) throw new RadarError('import', `nobody has a row in ${month}: nothing to score`, { where: cfg.file });
  const previous = scoreMonth(data, addMonths(month, -1));
  const to = o.only?.map((e) => e.toLowerCase());
  const bands = { green: cfg.bands.green, yellow: cfg.bands.yellow };
  const alerts: ScorecardResult['alerts'] = [];
  const noEmail: string[] = [];
  const createdAt = o.now.toISOString();
  const dimLines = (s: PersonScore) => s.dims.map((x) => ({ id: x.id, weight: x.weight, value: x.value, peerMedian: x.peerMedian, score: x.score, band: x.band }));
  for (const [pid, s] of [...current.scores].sort((a, b) => nameOf(data, a[0]).localeCompare(nameOf(data, b[0]), 'zh-CN'))) {
    const p = data.org.people.get(pid)!;
    const email = p.email?.toLowerCase();
    if (!email) {
      noEmail.push(p.employeeId);
      continue;
    }
    if (!cfg.send.people || (to && !to.includes(email))) continue;
    const mates = [...current.scores.values()].filter((x) => x.group === s.group && x.score !== null);
    const rank = s.score === null ? null : 1 + mates.filter((x) => x.score! > s.score!).length;
    const { courses, cycle, peerCycle } = coursesFor(data, current, pid);
    alerts.push({
      id: `scorecard:${pid}:${month}`,
      topic: 'scorecard',
      audience: { kind: 'person', email, ...(p.name ? { name: p.name } : {}) },
      createdAt,
      urgency: 'digest',
      payload: {
        name: nameOf(data, pid),
        employeeId: p.employeeId,
        month,
        ...(p.team ? { team: p.team } : {}),
        ...(p.managerEmail ? { managerEmail: p.managerEmail.toLowerCase() } : {}),
        peerGroup: s.group,
        peers: mates.length,
        score: s.score,
        band: s.band,
        rank,
        prevScore: previous.scores.get(pid)?.score ?? null,
        peerMedianScore: median(mates.map((x) => x.score!)),
        dims: dimLines(s),
        cycleDays: cycle,
        peerCycleDays: peerCycle,
        courses,
        bands,
        explain: `radar scorecard explain ${p.employeeId} --month ${month}`,
      },
    });
  }
  if (cfg.send.managers) {
    const teams = new Map<string, string[]>();
    for (const pid of current.scores.keys()) {
      const e = data.org.people.get(pid)?.managerEmail?.toLowerCase();
      if (e) teams.set(e, [...(teams.get(e) ?? []), pid]);
    }
    for (const [email, pids] of [...teams].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (to && !to.includes(email)) continue;
      const rows = pids
        .map((pid) => {
          const s = current.scores.get(pid)!;
          const prev = previous.scores.get(pid)?.score ?? null;
          return { name: nameOf(data, pid), score: s.score, band: s.band, delta: s.score !== null && prev !== null ? Math.round((s.score - prev) * 10) / 10 : null, margin: current.raw.get(pid)!.values.margin ?? 0, dims: s.dims.map((x) => ({ score: x.score, band: x.band })) };
        })
        .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name, 'zh-CN'));
      alerts.push({
        id: `scorecard-team:${email}:${month}`,
        topic: 'scorecard-team',
        audience: { kind: 'manager', email },
        createdAt,
        urgency: 'digest',
        payload: {
          managerEmail: email,
          month,
          dims: cfg.dimensions.map((x) => ({ id: x.id, weight: x.weight })),
          rows,
          mostImproved: rows.filter((r) => r.delta !== null && r.delta > 0).sort((a, b) => b.delta! - a.delta!).slice(0, 3).map((r) => ({ name: r.name, delta: r.delta! })),
          topMargin: [...rows].sort((a, b) => b.margin - a.margin).slice(0, 3).map((r) => ({ name: r.name, margin: r.margin })),
          bands,
          explain: `radar scorecard explain <工号|姓名> --month ${month}`,
        },
      });
    }
  }
  // The console reads the cards from their own store: the outbox forgets them after retention_days.
  scorecardStore.keep(o.stateDir, alerts);
  return { alerts, data, current, previous, noEmail };
}

export interface ScorecardExplanation {
  data: ScorecardData;
  month: Month;
  pid: string;
  name: string;
  score: PersonScore;
  raw: { group: string; values: Values; cycle: number | null };
  /** The peers' raw values per dimension (sorted), for the percentile. */
  peerValues: Partial<Record<Dimension, number[]>>;
  erpRows: TracedRow[];
  customers: Where[];
  satisfaction: (Where & { score: number })[];
  compliance: { due: number; onTime: number } | null;
}

export async function explainScorecard(o: Pick<ScorecardOptions, 'rulesDir' | 'stateDir' | 'now' | 'samplesDir' | 'month'>, who: string): Promise<ScorecardExplanation> {
  const first = await loadScorecardData(o);
  const pid = first.org.find(who);
  if (!pid) throw new RadarError('usage', `no person "${who}" (工号 or name) in the org export`);
  const data = await loadScorecardData(o, (p) => p === pid);
  const month = o.month ?? defaultMonth(data);
  const ms = scoreMonth(data, month);
  const score = ms.scores.get(pid);
  if (!score) throw new RadarError('usage', `${who} has no row in ${month}: not scored`);
  const raw = ms.raw.get(pid)!;
  const peerValues: ScorecardExplanation['peerValues'] = {};
  for (const d of data.cfg.dimensions) {
    peerValues[d.id] = [...ms.raw.values()].filter((r) => r.group === raw.group).map((r) => r.values[d.id]).filter((v): v is number => v !== null && v !== undefined).sort((a, b) => a - b);
  }
  const t = complianceView(data, month).timeliness.get(pid);
  return {
    data,
    month,
    pid,
    name: nameOf(data, pid),
    score,
    raw,
    peerValues,
    erpRows: data.ledger.traced.filter((r) => r.date.slice(0, 7) === month),
    customers: data.customers.get(pid)?.get(month) ?? [],
    satisfaction: data.satisfaction.get(pid)?.get(month) ?? [],
    compliance: t ? { due: t.feedbackDue + t.secondDue, onTime: t.feedbackOnTime + t.secondOnTime } : null,
  };
}
