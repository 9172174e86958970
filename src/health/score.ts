/**
 * From weekly variables to metric values, metric scores, the index and bands, per person and
 * week. Pure functions over plain data; the maths is small enough to check by hand
 * (test/health/score.test.ts).
 *
 * A metric's score (0-100) has two halves (baseline_share sets the split):
 *   target: 100 at or beyond the target, 0 at `worst`, linear in between;
 *   own baseline: 100 at or above the person's median of the previous baseline_weeks weeks,
 *     0 at zero_at scale units below it. The scale is max(1.4826 x MAD, floor): a person's usual
 *     week-to-week swing, but never less than the smallest change that matters.
 * Before min_history_weeks of values the score is the target half alone. Weeks that need
 * attention stay out of later baselines, so a slide does not become the person's new normal.
 * The index is the weighted mean of the scores of the metrics with a value that week.
 *
 * Slipping: a metric whose value (over its window) is at least slip_at scale units below the
 * person's normal. Persistence comes from the window and from coaching.weeks in a row.
 */
import { baseline as robustBaseline, clip, median, type Baseline } from '../signals/baseline.js';
import { weekLabelToDay, isoWeek } from '../signals/dates.js';
import type { HealthConfig, Metric } from './config.js';
import { type HealthData, PER_PERSON } from './import.js';
import { V, VARIABLES, type Variable, type VariableKind, type WeekVars } from './variables.js';

export type Band = 'green' | 'yellow' | 'red';

export interface MetricWeek {
  id: string;
  value: number | null;
  /** The variables the formula used, summed over the metric's window. */
  vars: Partial<Record<Variable, number>>;
  targetScore: number | null;
  base: Pick<Baseline, 'median' | 'scale' | 'weeks'> | null;
  /** Direction-adjusted: negative = worse than the person's normal. */
  z: number | null;
  score: number | null;
  band: Band | null;
  /** At least slip_at scale units below the person's normal. */
  slipping: boolean;
}

export interface PersonWeek {
  pid: string;
  week: string;
  /** False for a week with too few workdays (leave, holidays) or no data: not scored. */
  scored: boolean;
  workdays: number;
  index: number | null;
  band: Band | null;
  /** Index minus last scored week's index. */
  trend: number | null;
  metrics: MetricWeek[];
  /** At least half of the metric weight has a baseline: prompts may be considered. */
  established: boolean;
  attention: boolean;
  /** Why the week needs attention. */
  reasons: { indexBelow: boolean; slipping: string[] };
}

export function bandOf(score: number, bands: HealthConfig['bands']): Band {
  return score >= bands.green ? 'green' : score >= bands.yellow ? 'yellow' : 'red';
}

/** 0..100 against the target: 100 at or beyond it, 0 at `worst`. */
export function targetScore(value: number, m: Pick<Metric, 'target' | 'worst'>): number {
  return 100 * clip((value - m.worst) / (m.target - m.worst), 0, 1) + 0; // + 0: never -0
}

/** 0..100 against the person's own normal: 100 at or above it, 0 at zero_at units below. */
export function baselineScore(z: number, zeroAt: number): number {
  return 100 * clip(1 + Math.min(z, 0) / zeroAt, 0, 1);
}

export function metricZ(value: number, b: Pick<Baseline, 'median' | 'scale'>, direction: Metric['direction']): number {
  return ((direction === 'higher' ? 1 : -1) * (value - b.median)) / b.scale;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** ISO weeks from `from` to `to`, inclusive. */
export function weekRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = weekLabelToDay(from); d <= weekLabelToDay(to); d += 7) out.push(isoWeek(d));
  return out;
}

/**
 * Whether the exports of `kinds` know about this person in this week. Event logs (follow-ups,
 * leads, deals) cover everyone over their span: no event is zero events. Per person-and-day
 * exports (CRM activity, chat statistics, attendance) cover only the people they list: a
 * partial export is no data for the others, never a week of zeros.
 */
function covered(data: HealthData, kinds: readonly VariableKind[], week: string, pid: string): boolean {
  return kinds.every((k) => (data.coverage.get(k)?.has(week) ?? false) && (!PER_PERSON.has(k) || !data.peopleCoverage || (data.peopleCoverage.get(k)?.covers(pid, week) ?? false)));
}

/** Workdays of a person-week: attendance (scheduled minus leave) if it lists the person that week, else days in the CRM activity export. */
function workdaysOf(data: HealthData, w: WeekVars | undefined, week: string, pid: string): number | null {
  if (covered(data, ['attendance'], week, pid)) return w ? (w[V.workdays] ?? 0) : 0;
  if (covered(data, ['activity'], week, pid)) return w ? (w[V.activity_days] ?? 0) : 0;
  return null;
}

/**
 * Scores every person for every week from `from` to `week`. Weeks before `week` are scored too:
 * baselines, the trend and "N weeks in a row" need them. Week by week, everyone at once: a dip
 * most people share that week (a holiday, a CRM outage) is taken out of each person's z by
 * subtracting the median z of everyone with one (peer_adjust), so nobody is blamed for it.
 */
export function scoreAll(data: HealthData, cfg: HealthConfig, week: string, from?: string): Map<string, PersonWeek[]> {
  const allWeeks = new Set<string>();
  for (const s of data.coverage.values()) for (const w of s) allWeeks.add(w);
  const first = from ?? [...allWeeks].filter((w) => w <= week).sort()[0] ?? week;
  const weeks = weekRange(first, week);
  // With attendance or CRM activity exports, a week neither covers has unknown workdays: not scored.
  const knowsWorkdays = data.coverage.has('attendance') || data.coverage.has('activity');
  const people = [...data.weeks].map(([pid, byWeek]) => ({ pid, byWeek, series: [] as PersonWeek[], history: new Map<string, number[]>(), scoredWeeks: [] as string[], lastIndex: null as number | null }));
  for (const wk of weeks) {
    const current: { p: (typeof people)[number]; pw: PersonWeek }[] = [];
    for (const p of people) {
      const w = p.byWeek.get(wk);
      const known = workdaysOf(data, w, wk, p.pid);
      const workdays = known ?? 5;
      // Attendance alone (someone the CRM exports do not list) is no data: only CRM or chat rows make a week.
      const anyData = w !== undefined && w.some((x, i) => x !== 0 && i !== V.workdays);
      const scored = anyData && workdays >= cfg.min_workdays && (known !== null || !knowsWorkdays);
      const pw: PersonWeek = { pid: p.pid, week: wk, scored, workdays, index: null, band: null, trend: null, metrics: [], established: false, attention: false, reasons: { indexBelow: false, slipping: [] } };
      p.series.push(pw);
      if (!scored) continue;
      p.scoredWeeks.push(wk);
      pw.metrics = cfg.metrics.map((m) => metricWeek(m, p.pid, p.byWeek, data, cfg, wk, p.scoredWeeks, p.history));
      current.push({ p, pw });
    }
    const shift = cfg.peer_adjust ? peerShift(current.map((c) => c.pw), cfg) : new Map<string, number>();
    for (const { p, pw } of current) finishWeek(p, pw, shift, cfg);
  }
  return new Map(people.map((p) => [p.pid, p.series]));
}

/** Per metric, the median z of everyone who has one this week (at least 5 people), else 0. */
function peerShift(week: PersonWeek[], cfg: HealthConfig): Map<string, number> {
  const out = new Map<string, number>();
  cfg.metrics.forEach((m, i) => {
    const zs = week.map((pw) => pw.metrics[i]?.z).filter((z): z is number => z !== null && z !== undefined);
    if (zs.length >= 5) out.set(m.id, median(zs));
  });
  return out;
}

/** Scores, index, slipping and attention of one person-week, then what the baseline learns from it. */
function finishWeek(p: { history: Map<string, number[]>; lastIndex: number | null }, pw: PersonWeek, shift: Map<string, number>, cfg: HealthConfig): void {
  let wsum = 0;
  let ssum = 0;
  let wBase = 0;
  let wAll = 0;
  cfg.metrics.forEach((m, i) => {
    const mw = pw.metrics[i]!;
    if (mw.targetScore === null) return;
    if (mw.z !== null) {
      // Only a shared dip is taken out: a week everyone did well does not lower anybody.
      mw.z -= Math.min(0, shift.get(m.id) ?? 0);
      mw.slipping = mw.z <= -cfg.coaching.slip_at;
      mw.score = (1 - cfg.baseline_share) * mw.targetScore + cfg.baseline_share * baselineScore(mw.z, cfg.zero_at);
      wBase += m.weight;
    } else mw.score = mw.targetScore;
    mw.band = bandOf(mw.score, cfg.bands);
    wsum += m.weight;
    ssum += m.weight * mw.score;
    wAll += m.weight;
  });
  if (wsum > 0) {
    pw.index = ssum / wsum;
    pw.band = bandOf(pw.index, cfg.bands);
    pw.trend = p.lastIndex === null ? null : pw.index - p.lastIndex;
    p.lastIndex = pw.index;
  }
  pw.established = wAll > 0 && wBase >= wAll / 2;
  if (pw.established && pw.index !== null) {
    pw.reasons.indexBelow = pw.index < cfg.coaching.index_below;
    pw.reasons.slipping = pw.metrics.filter((x) => x.slipping).map((x) => x.id);
    // Metrics of one group (task completion and overdue tasks read the same tasks) slip as one.
    const groups = new Set(pw.reasons.slipping.map((id) => cfg.metrics.find((m) => m.id === id)?.group ?? id));
    pw.attention = pw.reasons.indexBelow || (cfg.coaching.slipping_metrics > 0 && groups.size >= cfg.coaching.slipping_metrics);
  }
  // A week that needs attention does not teach the baseline: a slide must not become the new normal.
  if (!pw.attention) {
    for (const mw of pw.metrics) {
      if (mw.value === null) continue;
      const past = p.history.get(mw.id) ?? [];
      past.push(mw.value);
      p.history.set(mw.id, past);
    }
  }
}

function metricWeek(m: Metric, pid: string, byWeek: Map<string, WeekVars>, data: HealthData, cfg: HealthConfig, week: string, scoredWeeks: string[], history: Map<string, number[]>): MetricWeek {
  const mw: MetricWeek = { id: m.id, value: null, vars: {}, targetScore: null, base: null, z: null, score: null, band: null, slipping: false };
  // The window: this week and the scored weeks before it, as many as window_weeks (leave weeks are skipped, not zeros).
  const window = scoredWeeks.slice(-m.window_weeks).filter((w) => covered(data, m.kinds, w, pid));
  if (window.length === 0 || !window.includes(week)) return mw;
  const sums: Record<string, number> = {};
  for (const v of m.vars) {
    let s = 0;
    for (const w of window) {
      const wv = byWeek.get(w);
      if (v === 'workdays') s += workdaysOf(data, wv, w, pid) ?? 5;
      else s += wv?.[V[v]] ?? 0;
    }
    sums[v] = s;
  }
  mw.vars = sums;
  for (const [v, n] of Object.entries(m.min_count)) if ((sums[v] ?? 0) < n) return mw;
  const raw = m.evaluate(sums);
  const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  if (value === null) return mw;
  mw.value = value;
  mw.targetScore = targetScore(value, m);
  const recent = (history.get(m.id) ?? []).slice(-cfg.baseline_weeks);
  if (recent.length >= cfg.min_history_weeks) {
    const b = robustBaseline(recent, m.floor);
    mw.base = { median: b.median, scale: b.scale, weeks: b.weeks };
    mw.z = metricZ(value, b, m.direction);
  }
  return mw;
}

/** Human label of a variable. */
export function variableLabel(v: Variable, locale: 'zh-CN' | 'en'): string {
  return locale === 'zh-CN' ? VARIABLES[v].zh : VARIABLES[v].en;
}
